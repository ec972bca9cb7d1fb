// For scripts/test.sh's pooler run: `tsx pgbouncer.ts start <dir> <port> [session|transaction]`
// starts a test-owned PgBouncer (OwnPgBouncer) in front of 127.0.0.1:5432 and leaves it running;
// `tsx pgbouncer.ts stop <dir>` stops it and removes <dir>.
import { OwnPgBouncer } from '../src/own-pgbouncer';

async function main(): Promise<void> {
  const [command, dir, port, mode] = process.argv.slice(2);
  if (!dir || (command === 'start' && !port) || (command !== 'start' && command !== 'stop')) throw new Error('usage: pgbouncer.ts start <dir> <port> [session|transaction] | stop <dir>');
  if (mode !== undefined && mode !== 'session' && mode !== 'transaction') throw new Error(`pool mode must be session or transaction, not "${mode}"`);
  const bouncer = new OwnPgBouncer({ dir, port: Number(port ?? 0), poolMode: mode ?? 'transaction' });
  if (command === 'start') {
    await bouncer.start();
    console.log(bouncer.serverUrl);
  } else {
    await bouncer.destroy();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
