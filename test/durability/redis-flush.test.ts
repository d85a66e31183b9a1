/**
 * PostgreSQL is the source of truth; Redis is only how work gets done
 * (DESIGN.md, "Execution"): "even a Redis flush loses no timer and no
 * message". The service runs as a child process on a Redis of this test's
 * own, which is flushed while the next reminder waits as a delayed job. The
 * reconciler (every second here) puts it back from the database.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eventually } from '../support/harness.js';
import type { PrivateRedis } from '../support/private-redis.js';
import { withScenario, type Scenario } from './scenario.js';

/** Delayed jobs of the timers queue (`<prefix>:<queue>:delayed`, a sorted set). */
const DELAYED_TIMERS = 'cartrescue:cartrescue-timers:delayed';

async function delayedTimerJobs(redis: PrivateRedis): Promise<number> {
  return redis.client().zcard(DELAYED_TIMERS);
}

/** Waits until step `stepIndex` is the conversation's pending timer and sits in Redis as a delayed job. */
async function waitForDelayedStep(s: Scenario, stepIndex: number): Promise<void> {
  const redis = s.redis!;
  await eventually(
    async () => {
      const view = await s.conversation();
      return view?.pendingTimers.some((timer) => timer.kind === 'step' && timer.stepIndex === stepIndex);
    },
    15_000,
    `step ${stepIndex}'s timer pending`,
  );
  await eventually(async () => (await delayedTimerJobs(redis)) > 0, 5000, `step ${stepIndex}'s delayed job in Redis`);
}

/** FLUSHALL, in one transaction with a look at what it throws away: the delayed timer job must be among it. */
async function flush(s: Scenario): Promise<void> {
  const results = await s.redis!.client().multi().zcard(DELAYED_TIMERS).dbsize().flushall().exec();
  const [delayed, keys] = (results ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  assert.ok(Number(delayed) > 0, `the flush threw away the delayed timer job (delayed=${String(delayed)}, keys=${String(keys)})`);
}

it('FLUSHALL while B and then C wait as delayed jobs: B still goes out exactly once, C is still decided once', { timeout: 90_000 }, async (t) => {
  await withScenario(t, 'flush', 'redis', async (s) => {
    await s.runUntilStepASent();

    // B waits in Redis; flush it away before it is due.
    await waitForDelayedStep(s, 1);
    assert.equal(s.count('B'), 0, 'B went out before the flush; this run proves nothing');
    await flush(s);
    // The reconciler re-enqueues it from the database (its job id derives from the timer row).
    await eventually(async () => (await delayedTimerJobs(s.redis!)) > 0 || s.count('B') > 0, 10_000, 'B back in Redis');
    await s.waitForText('B', 20_000);

    // Same for C.
    await waitForDelayedStep(s, 2);
    assert.equal(await s.stepCQueued(), false, 'C was queued before the flush; this run proves nothing');
    await flush(s);
    // C's timer comes back from the database and fires; the cap refuses C (the fourth marketing text today).
    await s.waitForStepCRefused(20_000);

    await s.assertExactlyOnce();
  });
});
