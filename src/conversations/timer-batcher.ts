import type { ConversationDeps } from './deps.js';
import { fireTimer, fireTimers, type TimerCall, type TimerOutcome } from './timer-runner.js';

/**
 * Gathers the timer jobs the queue runs at the same moment and fires them
 * together (`fireTimers`): a wave of carts abandoned at once then costs a
 * few round trips per batch instead of per cart. Each job still gets its own
 * outcome. Should the shared transaction fail, every timer of it is tried
 * again alone, so one bad conversation fails only its own job.
 */
export interface TimerBatcher {
  fire(call: TimerCall): Promise<TimerOutcome>;
}

interface Waiting {
  call: TimerCall;
  resolve(outcome: TimerOutcome): void;
  reject(error: unknown): void;
}

/**
 * `maxInFlight` bounds the batches running at once: while they run, new jobs
 * wait and form the next batch, as commits group behind a disk flush.
 */
export function timerBatcher(deps: ConversationDeps, options: { maxBatch: number; maxInFlight: number }): TimerBatcher {
  const waiting: Waiting[] = [];
  let scheduled = false;
  let inFlight = 0;

  async function runBatch(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch as [Waiting];
      await fireTimer(deps, only.call.timerId, only.call.revision).then(only.resolve, only.reject);
      return;
    }
    try {
      const outcomes = await fireTimers(deps, batch.map((item) => item.call));
      for (const item of batch) item.resolve(outcomes.get(item.call.timerId) ?? 'missing');
    } catch (error) {
      deps.logger.warn({ err: error, timers: batch.length }, 'a batch of timers failed; firing each alone');
      await Promise.all(batch.map((item) => fireTimer(deps, item.call.timerId, item.call.revision).then(item.resolve, item.reject)));
    }
  }

  function drain(): void {
    scheduled = false;
    while (waiting.length > 0 && inFlight < options.maxInFlight) {
      inFlight += 1;
      void runBatch(waiting.splice(0, options.maxBatch)).finally(() => {
        inFlight -= 1;
        drain();
      });
    }
  }

  return {
    fire(call) {
      return new Promise<TimerOutcome>((resolve, reject) => {
        waiting.push({ call, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          // Jobs the queue hands over in the same turn of the event loop end up together.
          setImmediate(drain);
        }
      });
    },
  };
}
