import { createCoalescer } from './coalescer';

/** A runBatch whose batches the test ends by hand, so which calls share a batch is decided, not raced. */
function controlledBatches(fail?: (inputs: number[]) => Error | null) {
  const batches: { inputs: number[]; finish: () => void }[] = [];
  const runBatch = (inputs: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        inputs,
        finish: () => {
          const err = fail?.(inputs);
          if (err) reject(err);
          else resolve(inputs.map((i) => `done ${i}`));
        },
      });
    });
  return { batches, runBatch };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a lone call leaves at once, alone; calls made while the limit is reached leave together when a batch ends', async () => {
  const { batches, runBatch } = controlledBatches();
  const call = createCoalescer({ runBatch, maxBatch: 10, maxInFlight: 1 });
  const first = call(1);
  expect(batches.map((b) => b.inputs)).toEqual([[1]]);
  const rest = [call(2), call(3), call(4)];
  expect(batches).toHaveLength(1); // waiting: one batch in flight is the limit
  batches[0]?.finish();
  await expect(first).resolves.toBe('done 1');
  await tick();
  expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
  batches[1]?.finish();
  await expect(Promise.all(rest)).resolves.toEqual(['done 2', 'done 3', 'done 4']);
});

test.each([
  { maxBatch: 2, maxInFlight: 1, waiting: [2, 3, 4, 5, 6], batches: [[1], [2, 3], [4, 5], [6]] },
  { maxBatch: 3, maxInFlight: 2, waiting: [3, 4, 5, 6], batches: [[1], [2], [3, 4, 5], [6]] },
  { maxBatch: 64, maxInFlight: 2, waiting: [3, 4, 5, 6], batches: [[1], [2], [3, 4, 5, 6]] },
])('maxBatch $maxBatch, maxInFlight $maxInFlight: waiting calls split into batches of at most maxBatch', async ({ maxBatch, maxInFlight, waiting, batches: expected }) => {
  const { batches, runBatch } = controlledBatches();
  const call = createCoalescer({ runBatch, maxBatch, maxInFlight });
  const calls = [call(1), ...(maxInFlight > 1 ? [call(2)] : []), ...waiting.map((i) => call(i))];
  // End batches in order until every call is answered.
  for (let ended = 0; ended < expected.length; ended++) {
    await tick();
    batches[ended]?.finish();
  }
  expect(await Promise.all(calls)).toEqual([1, ...(maxInFlight > 1 ? [2] : []), ...waiting].map((i) => `done ${i}`));
  expect(batches.map((b) => b.inputs)).toEqual(expected);
});

test('a batch that fails on one input (a poison payload): each call is tried alone, so only the bad one fails', async () => {
  const { batches, runBatch } = controlledBatches((inputs) => (inputs.includes(13) ? new Error('input 13 is poison') : null));
  const call = createCoalescer({ runBatch, maxBatch: 10, maxInFlight: 1 });
  const first = call(1);
  const [a, poison, b] = [call(2), call(13), call(3)];
  batches[0]?.finish();
  await first;
  await tick();
  expect(batches[1]?.inputs).toEqual([2, 13, 3]);
  batches[1]?.finish();
  await tick();
  expect(batches.slice(2).map((x) => x.inputs)).toEqual([[2], [13], [3]]);
  for (const x of batches.slice(2)) x.finish();
  await expect(a).resolves.toBe('done 2');
  await expect(b).resolves.toBe('done 3');
  await expect(poison).rejects.toThrow('input 13 is poison');
});

test('an error that fails every call alike (the database is down) is given to each caller without trying them alone', async () => {
  const { batches, runBatch } = controlledBatches((inputs) => (inputs.length > 0 ? Object.assign(new Error('connect ECONNREFUSED'), { down: true }) : null));
  const call = createCoalescer({ runBatch, maxBatch: 10, maxInFlight: 1, failsWholeBatch: (err) => (err as { down?: boolean }).down === true });
  const first = call(1);
  const rest = [call(2), call(3)];
  batches[0]?.finish();
  await expect(first).rejects.toThrow('ECONNREFUSED');
  await tick();
  batches[1]?.finish();
  for (const r of rest) await expect(r).rejects.toThrow('ECONNREFUSED');
  expect(batches.map((x) => x.inputs)).toEqual([[1], [2, 3]]);
});

test('a runBatch that answers the wrong number of outputs fails every caller instead of misattributing', async () => {
  const call = createCoalescer<number, string>({ runBatch: async () => ['only one'], maxBatch: 10, maxInFlight: 1 });
  const calls = [call(1), call(2), call(3)];
  await expect(calls[0]).resolves.toBe('only one');
  await expect(calls[1]).rejects.toThrow('runBatch answered 1 outputs for 2 inputs');
  await expect(calls[2]).rejects.toThrow('runBatch answered 1 outputs for 2 inputs');
});

test.each([{ maxBatch: 0, maxInFlight: 1 }, { maxBatch: 1, maxInFlight: 0 }])('refuses maxBatch $maxBatch / maxInFlight $maxInFlight', ({ maxBatch, maxInFlight }) => {
  expect(() => createCoalescer({ runBatch: async () => [], maxBatch, maxInFlight })).toThrow('maxBatch and maxInFlight must be at least 1');
});

test('runOne does the work of every batch of one: a call that left alone and a call tried alone after its batch failed', async () => {
  const { batches, runBatch } = controlledBatches((inputs) => (inputs.includes(13) ? new Error('input 13 is poison') : null));
  const alone: number[] = [];
  const call = createCoalescer({ runBatch, runOne: async (i: number) => (alone.push(i), `one ${i}`), maxBatch: 10, maxInFlight: 1 });
  await expect(call(1)).resolves.toBe('one 1');
  const blocker = call(2); // leaves alone and at once: the calls made now wait for it and leave together
  const [a, poison] = [call(3), call(13)];
  await expect(blocker).resolves.toBe('one 2');
  await tick();
  expect(batches.map((b) => b.inputs)).toEqual([[3, 13]]);
  batches[0]?.finish();
  await expect(a).resolves.toBe('one 3');
  await expect(poison).resolves.toBe('one 13');
  expect(alone).toEqual([1, 2, 3, 13]);
});
