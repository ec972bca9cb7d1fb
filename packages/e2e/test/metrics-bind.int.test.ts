import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ChildWorker, withChildLogs, writeSettingsFile } from './support/child-workers';
import { startFleet, type Fleet } from './support/fleet';

/** This machine's first non-loopback IPv4 address: where an unintended listener would be reachable from outside. */
function outsideAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address) throw new Error('this test needs a non-loopback IPv4 interface to prove what is not reachable on it');
  return address;
}

/** Resolves 'open' or the connection error's code (ECONNREFUSED when nothing listens there). */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

// Workers' /healthz and /metrics have no authentication: they listen on loopback unless told otherwise.
describe('worker metrics bind address', () => {
  let fleet: Fleet;
  let settingsFile: { file: string; remove(): void };
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ replicas: { payments: 0, crm: 0, whatsapp: 0 } });
    settingsFile = writeSettingsFile(fleet.sandboxUrl);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    settingsFile?.remove();
    await fleet?.close();
  });

  const worker = (env: Record<string, string>, label: string) => {
    const child = new ChildWorker({ app: 'crm', databaseUrl: fleet.databaseUrl, prefix: fleet.prefix, settingsFile: settingsFile.file, env, label });
    children.push(child);
    return child;
  };

  it('listens on loopback only by default', async () => {
    const child = worker({}, 'crm-default');
    await withChildLogs([child], async () => {
      await child.start();
      expect((await fetch(`http://127.0.0.1:${child.metricsPort}/healthz`)).status).toBe(200);
      expect(await probe(outsideAddress(), child.metricsPort)).toBe('ECONNREFUSED');
      expect(child.logged('worker started')[0]?.entry).toMatchObject({ metricsHost: '127.0.0.1', metricsPort: child.metricsPort });
    });
  }, 60_000);

  it('listens where METRICS_HOST says', async () => {
    const child = worker({ METRICS_HOST: '0.0.0.0' }, 'crm-all-interfaces');
    await withChildLogs([child], async () => {
      await child.start();
      expect((await fetch(`http://${outsideAddress()}:${child.metricsPort}/healthz`)).status).toBe(200);
    });
  }, 60_000);
});
