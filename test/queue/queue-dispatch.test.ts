import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createQueueEngine, type QueueEngine } from '../../src/queue/queue-engine.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';

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
