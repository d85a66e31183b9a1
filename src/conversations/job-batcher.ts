import type { Logger } from 'pino';

/**
 * Gathers the jobs the queue runs at the same moment and handles them
 * together, one transaction per batch: a wave of carts abandoned at once then
 * costs a few round trips per batch instead of per cart. Each job still gets
 * its own outcome. Should a shared transaction fail, each job of it is run
 * again alone, so one bad conversation fails only its own job.
 *
 * `maxInFlight` bounds the batches running at once: while they run, new jobs
 * wait and form the next batch, as commits group behind a disk flush.
 * `lingerMs` lets a batch wait that long for company before it starts, so a
 * steady trickle of jobs is still handled a few at a time (a job's delay
 * grows by at most that much; a full batch starts at once).
 *
 * `gate`, when given, decides when each batch may start (see
 * `background-pacer.ts`): a batch it holds back keeps gathering jobs.
 */
export interface JobBatcher<Call, Outcome> {
  run(call: Call): Promise<Outcome>;
}

/** Says whether a batch may start now (0, and it is counted) or in how many ms to ask again. */
export interface StartGate {
  tryStart(): number;
}

export interface BatchHandlers<Call, Outcome> {
  /** What the batch was asked for, the outcome of each; a call missing from the map gets `missing`. */
  many(calls: Call[]): Promise<Map<Call, Outcome>>;
  one(call: Call): Promise<Outcome>;
  missing: Outcome;
}

interface Waiting<Call, Outcome> {
  call: Call;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

export function jobBatcher<Call, Outcome>(
  handlers: BatchHandlers<Call, Outcome>,
  options: { maxBatch: number; maxInFlight: number; lingerMs?: number; gate?: StartGate; logger: Logger; what: string },
): JobBatcher<Call, Outcome> {
  const waiting: Waiting<Call, Outcome>[] = [];
  let scheduled = false;
  let lingering: NodeJS.Timeout | null = null;
  let inFlight = 0;

  async function runBatch(batch: Waiting<Call, Outcome>[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch as [Waiting<Call, Outcome>];
      await handlers.one(only.call).then(only.resolve, only.reject);
      return;
    }
    try {
      const outcomes = await handlers.many(batch.map((item) => item.call));
      for (const item of batch) item.resolve(outcomes.get(item.call) ?? handlers.missing);
    } catch (error) {
      options.logger.warn({ err: error, jobs: batch.length }, `a batch of ${options.what} failed; running each alone`);
      await Promise.all(batch.map((item) => handlers.one(item.call).then(item.resolve, item.reject)));
    }
  }

  function drain(): void {
    scheduled = false;
    if (lingering) clearTimeout(lingering);
    lingering = null;
    while (waiting.length > 0 && inFlight < options.maxInFlight) {
      const wait = options.gate?.tryStart() ?? 0;
      if (wait > 0) {
        scheduled = true;
        lingering = setTimeout(drain, wait);
        return;
      }
      inFlight += 1;
      void runBatch(waiting.splice(0, options.maxBatch)).finally(() => {
        inFlight -= 1;
        drain();
      });
    }
  }

  return {
    run(call) {
      return new Promise<Outcome>((resolve, reject) => {
        waiting.push({ call, resolve, reject });
        if (waiting.length >= options.maxBatch && inFlight < options.maxInFlight) {
          drain();
          return;
        }
        if (!scheduled) {
          scheduled = true;
          // Jobs the queue hands over in the same turn of the event loop (or within the linger) end up together.
          if (options.lingerMs) lingering = setTimeout(drain, options.lingerMs);
          else setImmediate(drain);
        }
      });
    },
  };
}
