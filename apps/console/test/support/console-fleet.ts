import { startFleet, type Fleet, type FleetOptions } from '@switchyard/e2e/test/support/fleet';
import { startOps, type TestOps } from '@switchyard/ops/test/harness';
import type { ConsoleSettings } from '@switchyard/settings';

export interface ConsoleFleet {
  /** The receiver, the three workers and the sandbox, on a database of their own. */
  fleet: Fleet;
  /** The ops server (and the console it serves) over the fleet's database and queues. */
  ops: TestOps;
  close(): Promise<void>;
}

/**
 * The whole fleet with the ops server in front of it: what the console's retry and resend put on
 * the queues is run by the fleet's real workers against the sandbox, so a test can read the
 * outcome in the sandbox's request log. The ops server serves the fleet's alert rules.
 */
export async function startConsoleFleet(options: { console: ConsoleSettings; fleet?: FleetOptions }): Promise<ConsoleFleet> {
  const fleet = await startFleet(options.fleet);
  try {
    const ops = await startOps({ DATABASE_URL: fleet.databaseUrl }, { console: options.console, prefix: fleet.prefix, alertRules: fleet.settings.current().alerts.rules });
    return {
      fleet,
      ops,
      async close() {
        await ops.close();
        await fleet.close();
      },
    };
  } catch (err) {
    await fleet.close();
    throw err;
  }
}
