export interface CoalescerOptions<I, O> {
  /** Does the work of several calls at once; answers one output per input, in the same order. */
  runBatch: (inputs: I[]) => Promise<O[]>;
  /**
   * Does the work of a batch of one: a call that left alone, or one tried alone after its batch
   * failed. For work whose one-input form is cheaper than its batch form (a one-row statement
   * against an array or jsonb input); without it, runBatch gets the batch of one.
   */
  runOne?: (input: I) => Promise<O>;
  /** Most calls one batch carries. */
  maxBatch: number;
  /** Most batches running at the same time; calls made while that many run wait for one to end. */
  maxInFlight: number;
  /**
   * An error that would fail every call alike (the database is down): given to every caller of the
   * batch as it is. Any other error is taken to be about one input, and each call is tried alone.
   */
  failsWholeBatch?: (err: unknown) => boolean;
}

interface Pending<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Turns concurrent single calls into one multi-row call: group commit. A call made while fewer than
 * `maxInFlight` batches run leaves at once, alone, so an idle system adds no latency and there is no
 * timer to tune. Calls made while the limit is reached queue and leave together when a running batch
 * ends, so under load a batch grows to whatever arrived during one round trip, up to `maxBatch`.
 * A caller is answered only once the batch holding its input has finished (committed, for a statement).
 * When a batch of several fails for a reason that could be one input's (a poison payload), each call is
 * run again alone: the bad input fails its own caller and its neighbours succeed, a moment later.
 */
export function createCoalescer<I, O>(options: CoalescerOptions<I, O>): (input: I) => Promise<O> {
  if (options.maxBatch < 1 || options.maxInFlight < 1) throw new Error('createCoalescer: maxBatch and maxInFlight must be at least 1');
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;

  const settle = (batch: Pending<I, O>[], outputs: O[]) => {
    // A runBatch that answers the wrong number of outputs is a programming error: fail loudly, never misattribute.
    if (outputs.length !== batch.length) {
      const err = new Error(`coalescer: runBatch answered ${outputs.length} outputs for ${batch.length} inputs`);
      for (const call of batch) call.reject(err);
      return;
    }
    batch.forEach((call, i) => call.resolve(outputs[i] as O));
  };

  const run = async (batch: Pending<I, O>[]) => {
    let outputs: O[];
    try {
      const { runOne } = options;
      outputs = batch.length === 1 && runOne ? [await runOne((batch[0] as Pending<I, O>).input)] : await options.runBatch(batch.map((c) => c.input));
    } catch (err) {
      if (batch.length === 1 || options.failsWholeBatch?.(err)) for (const call of batch) call.reject(err);
      else await Promise.all(batch.map((call) => run([call])));
      return;
    }
    settle(batch, outputs);
  };

  const pump = () => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      void run(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      pump();
    });
}
