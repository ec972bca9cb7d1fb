import { effectsByBucket, eventsByBucket } from '../src';
import { PlanRecorder } from './query-plans';

// The console's dashboard must stay fast with a million events: each series reaches its rows
// through an index on the time column it bins (PlanRecorder: generic plans, sequential scans priced out).
let recorder: PlanRecorder;

beforeAll(() => {
  recorder = new PlanRecorder();
});
afterAll(() => recorder.close());

it('reads every dashboard series through an index on its time column', async () => {
  const range = { from: new Date(Date.now() - 24 * 3600_000), to: new Date(), bucketSeconds: 3600 };
  await eventsByBucket(recorder.db, range, 'received_at');
  await eventsByBucket(recorder.db, range, 'processed_at');
  await effectsByBucket(recorder.db, range);
  expect(recorder.sent).toHaveLength(4);
  // The effect statements run together, so each statement is found by the column it bins.
  const binning = (column: string) => recorder.sent.filter((q) => q.sql.includes(`interval, ${column},`));
  const [received, processed, done, settled] = await recorder.plans([...binning('"received_at"'), ...binning('"processed_at"'), ...binning('"e"."done_at"'), ...binning('"updated_at"')]);
  for (const plan of [received, processed, done, settled]) expect(plan).not.toMatch(/Seq Scan/);
  expect(received).toContain('inbound_events_received_at_idx');
  // An index scan or a bitmap index scan, as the planner prefers for the rows it expects: either reads the index.
  expect(processed).toContain('inbound_events_processed_at_provider_idx');
  expect(done).toContain('effects_done_at_idx');
  expect(settled).toContain('effects_status_updated_at_idx');
});
