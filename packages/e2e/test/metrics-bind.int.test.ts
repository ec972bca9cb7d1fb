import { connect } from 'node:net';
import { ChildWorker, withChildLogs, writeSettingsFile } from './support/child-workers';
import { startFleet, type Fleet } from './support/fleet';

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
// Every probe stays on the loopback range: a listener bound to all interfaces (0.0.0.0) also answers on
// 127.0.0.2, one bound to 127.0.0.1 does not, so the second loopback address tells the two apart
// without sending anything to another address.
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

  it('listens on 127.0.0.1 only by default, not on every interface', async () => {
    const child = worker({}, 'crm-default');
    await withChildLogs([child], async () => {
      await child.start();
      expect((await fetch(`http://127.0.0.1:${child.metricsPort}/healthz`)).status).toBe(200);
      expect(await probe('127.0.0.2', child.metricsPort)).toBe('ECONNREFUSED');
      expect(child.logged('worker started')[0]?.entry).toMatchObject({ metricsHost: '127.0.0.1', metricsPort: child.metricsPort });
    });
  }, 60_000);

  it('listens where METRICS_HOST says', async () => {
    const child = worker({ METRICS_HOST: '127.0.0.2' }, 'crm-other-address');
    await withChildLogs([child], async () => {
      await child.start();
      expect((await fetch(`http://127.0.0.2:${child.metricsPort}/healthz`)).status).toBe(200);
      expect(await probe('127.0.0.1', child.metricsPort)).toBe('ECONNREFUSED');
    });
  }, 60_000);
});
