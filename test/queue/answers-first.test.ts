import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import type { Dispatch } from '../../src/conversations/deps.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createQueueEngine, type QueueBackendConfig, type QueueEngine } from '../../src/queue/queue-engine.js';
import { startPrivateRedis } from '../support/private-redis.js';
import { createTestDatabase } from '../support/test-database.js';

const id = (n: number) => `0190a7e2-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** Campaign texts queued first, then one answer; a worker started afterwards takes them one at a time. */
async function orderTaken(config: QueueBackendConfig): Promise<string[]> {
  const engine: QueueEngine = createQueueEngine(config, { logger: createLogger('silent'), clock: systemClock, metrics: createMetrics() });
  try {
    await engine.ready();
    const campaign: Dispatch[] = [1, 2, 3, 4, 5].map((n) => ({ queue: 'outbox', messageId: id(n), notBefore: null, attempt: 0, answer: false }));
    await engine.dispatch(campaign);
    await engine.dispatch([{ queue: 'outbox', messageId: id(99), notBefore: null, attempt: 0, answer: true }]);
    const taken: string[] = [];
    await new Promise<void>((resolve) => {
      engine.startWorkers(
        {
          timer: async () => undefined,
          outbox: async (job) => {
            taken.push(job.messageId);
            if (taken.length === 6) resolve();
          },
        },
        { timerConcurrency: 1, outboxConcurrency: 1, maxSendsPerSecond: 1000 },
      );
    });
    return taken;
  } finally {
    await engine.close(1000);
  }
}

/** Texts handed over together belong to different conversations: among the reminders, any order is right. */
function assertAnswerFirst(taken: string[]): void {
  assert.equal(taken[0], id(99));
  assert.deepEqual([...taken.slice(1)].sort(), [id(1), id(2), id(3), id(4), id(5)]);
}

describe('answers to the shopper go ahead of queued campaign texts', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('on Redis: an answer queued behind five reminders is taken first, the reminders then', async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const taken = await orderTaken({ kind: 'redis', url: redis.url, prefix: 'answers-first' });
    assertAnswerFirst(taken);
  });

  it('on the PostgreSQL backend: the same order', async () => {
    const database = await createTestDatabase('answers_first');
    cleanups.push(() => database.drop());
    const taken = await orderTaken({ kind: 'postgres', connectionString: database.url, schema: 'answers_first' });
    assertAnswerFirst(taken);
  });
});
