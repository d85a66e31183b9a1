import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { Dispatch } from '../../src/conversations/deps.js';
import { addPlan, createQueueEngine, jobIdFor, POSTGRES_BULK_FROM, type QueueEngine } from '../../src/queue/queue-engine.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { startPostgresQueue, type PostgresQueue } from '../support/postgres-queue.js';

const id = (n: number) => `0190a7e2-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('how a batch of jobs reaches the backend', () => {
  it('on Redis, several jobs share a pipeline and a lone one goes as one command', () => {
    assert.equal(addPlan('redis', 1), 'one-by-one');
    assert.equal(addPlan('redis', 2), 'bulk');
    assert.equal(addPlan('redis', 500), 'bulk');
  });

  it("on PostgreSQL, a batch of fired timers' texts is added job by job: the bulk add's temporary tables are kept for the reconciler's large batches", () => {
    assert.equal(addPlan('postgres', 1), 'one-by-one');
    assert.equal(addPlan('postgres', 16), 'one-by-one');
    assert.equal(addPlan('postgres', POSTGRES_BULK_FROM - 1), 'one-by-one');
    assert.equal(addPlan('postgres', POSTGRES_BULK_FROM), 'bulk');
    assert.equal(addPlan('postgres', 500), 'bulk');
  });
});

describe('handing jobs to the queue on the PostgreSQL backend', () => {
  let queue: PostgresQueue;
  const schema = 'dispatch_pg';

  before(async () => {
    queue = await startPostgresQueue('queue_dispatch', { schema });
  });
  after(async () => queue?.close());

  const jobsOf = async (name: string, ids: string[]) =>
    (
      await queue.client.query<{ id: string; state: string; priority: number }>(
        `SELECT id, state::text AS state, priority FROM ${schema}.job WHERE queue = $1 AND id = ANY($2) ORDER BY id`,
        [name, ids],
      )
    ).rows;

  for (const size of [3, POSTGRES_BULK_FROM + 6]) {
    it(`a batch of ${size} lands each job once, with its priority and delay, however often it is handed over`, async () => {
      const soon = new Date(Date.now() + 30_000);
      const base = size * 1000;
      const texts: Dispatch[] = Array.from({ length: size }, (_, n) => ({
        queue: 'outbox',
        messageId: id(base + n),
        notBefore: n === 0 ? soon : null,
        attempt: 0,
        answer: n === 1,
      }));
      const timer: Dispatch = { queue: 'timers', timerId: id(base + 999), revision: 2, dueAt: soon };
      await queue.engine.dispatch([...texts, timer]);
      await queue.engine.dispatch([...texts, timer]);

      const outboxIds = texts.map(jobIdFor);
      const outbox = new Map((await jobsOf('cartrescue-outbox', outboxIds)).map((job) => [job.id, job]));
      assert.equal(outbox.size, size);
      assert.deepEqual(outbox.get(outboxIds[0]!), { id: outboxIds[0], state: 'delayed', priority: 1 });
      assert.deepEqual(outbox.get(outboxIds[1]!), { id: outboxIds[1], state: 'waiting', priority: 0 });
      assert.ok(outboxIds.slice(2).every((jobId) => outbox.get(jobId)?.priority === 1 && outbox.get(jobId)?.state !== 'delayed'));
      assert.deepEqual(await jobsOf('cartrescue-timers', [jobIdFor(timer)]), [{ id: jobIdFor(timer), state: 'delayed', priority: 0 }]);
    });
  }
});

describe('handing jobs to the queue', () => {
  let redis: PrivateRedis;
  let engine: QueueEngine;
  const keys = (queue: string, state: string) => `dispatch-test:cartrescue-${queue}:${state}`;

  before(async () => {
    redis = await startPrivateRedis();
    engine = createQueueEngine(
      { kind: 'redis', url: redis.url, prefix: 'dispatch-test' },
      { logger: createLogger('silent'), clock: systemClock, metrics: createMetrics() },
    );
    await engine.ready();
  });
  after(async () => {
    await engine?.close(1000);
    await redis?.stop();
  });

  it('a lone timer becomes one delayed job with its data, and handing it over again changes nothing', async () => {
    const dueAt = new Date(Date.now() + 60_000);
    const timer = { queue: 'timers', timerId: '0190a7e2-0000-7000-8000-0000000000a1', revision: 3, dueAt } as const;
    await engine.dispatch([timer]);
    await engine.dispatch([timer]);
    const client = redis.client();
    const delayed = await client.zrange(keys('timers', 'delayed'), '0', '-1');
    assert.deepEqual(delayed, ['timer-0190a7e2-0000-7000-8000-0000000000a1-r3']);
    const data = JSON.parse((await client.hget(`dispatch-test:cartrescue-timers:${delayed[0]}`, 'data')) ?? 'null');
    assert.deepEqual(data, { timerId: timer.timerId, revision: 3, dueAt: dueAt.toISOString() });
  });

  it('several jobs at once land together, each once, in their own queues; answers to the shopper ahead of campaign texts', async () => {
    const soon = new Date(Date.now() + 30_000);
    const jobs = [
      { queue: 'outbox', messageId: '0190a7e2-0000-7000-8000-0000000000b1', notBefore: null, attempt: 0, answer: true },
      { queue: 'outbox', messageId: '0190a7e2-0000-7000-8000-0000000000b2', notBefore: null, attempt: 0, answer: false },
      { queue: 'outbox', messageId: '0190a7e2-0000-7000-8000-0000000000b3', notBefore: soon, attempt: 1, answer: false },
      { queue: 'timers', timerId: '0190a7e2-0000-7000-8000-0000000000b4', revision: 1, dueAt: soon },
    ] as const;
    await engine.dispatch([...jobs]);
    await engine.dispatch([...jobs]);
    const client = redis.client();
    // No priority: the plain waiting list, which workers take first; campaign texts wait in the prioritized set.
    assert.deepEqual(await client.lrange(keys('outbox', 'wait'), 0, -1), ['msg-0190a7e2-0000-7000-8000-0000000000b1-0']);
    assert.deepEqual(await client.zrange(keys('outbox', 'prioritized'), '0', '-1'), ['msg-0190a7e2-0000-7000-8000-0000000000b2-0']);
    assert.deepEqual(await client.zrange(keys('outbox', 'delayed'), '0', '-1'), [`msg-0190a7e2-0000-7000-8000-0000000000b3-${soon.getTime()}`]);
    assert.ok((await client.zrange(keys('timers', 'delayed'), '0', '-1')).includes('timer-0190a7e2-0000-7000-8000-0000000000b4-r1'));
  });
});
