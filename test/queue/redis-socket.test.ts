import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createQueueEngine, unixSocketOf, type OutboxJob, type QueueEngine, type TimerJob } from '../../src/queue/queue-engine.js';
import { eventually } from '../support/harness.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';

let redis: PrivateRedis;
let engine: QueueEngine | null = null;

before(async () => {
  redis = await startPrivateRedis({ unixSocket: true });
});

after(async () => {
  await engine?.close(1000);
  await redis.stop();
});

it('reads the socket path and the database from a unix: URL', () => {
  assert.deepEqual(unixSocketOf('unix:///run/redis/redis.sock?db=4'), { path: '/run/redis/redis.sock', db: 4 });
  assert.deepEqual(unixSocketOf('unix:///tmp/with%20space/redis.sock'), { path: '/tmp/with space/redis.sock', db: 0 });
  assert.equal(unixSocketOf('redis://127.0.0.1:6379/2'), null);
  assert.throws(() => unixSocketOf('unix:///tmp/redis.sock?db=two'), /whole number/);
});

it('runs timer and outbox jobs through a Redis reached by its Unix socket, in the database the URL names', async () => {
  assert.ok(redis.socketUrl);
  const seen: { timers: TimerJob[]; outbox: OutboxJob[] } = { timers: [], outbox: [] };
  engine = createQueueEngine(
    { kind: 'redis', url: `${redis.socketUrl}?db=3`, prefix: 'socket-test' },
    { logger: createLogger('silent'), clock: systemClock, metrics: createMetrics() },
  );
  await engine.ready();
  assert.equal(await engine.ping(), true);
  engine.startWorkers(
    {
      timer: async (job) => void seen.timers.push(job),
      outbox: async (job) => void seen.outbox.push(job),
    },
    { timerConcurrency: 1, outboxConcurrency: 1, maxSendsPerSecond: 10 },
  );
  const dueAt = new Date(Date.now() + 200);
  await engine.dispatch([
    { queue: 'timers', timerId: '0190a7e2-0000-7000-8000-000000000001', revision: 2, dueAt },
    { queue: 'outbox', messageId: '0190a7e2-0000-7000-8000-000000000002', notBefore: null, attempt: 0, answer: false },
  ]);
  await eventually(async () => seen.timers.length === 1 && seen.outbox.length === 1, 10_000, 'both jobs handled');
  assert.equal(seen.timers[0]?.timerId, '0190a7e2-0000-7000-8000-000000000001');
  assert.equal(seen.timers[0]?.revision, 2);
  assert.equal(seen.outbox[0]?.messageId, '0190a7e2-0000-7000-8000-000000000002');

  // The jobs lived in database 3 of that server, not in the default one.
  const inspect = new Redis({ path: unixSocketOf(redis.socketUrl)!.path, db: 3, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await inspect.connect();
    assert.ok((await inspect.keys('socket-test:*')).length > 0, 'queue keys in db 3');
    await inspect.select(0);
    assert.equal((await inspect.keys('socket-test:*')).length, 0, 'nothing in db 0');
  } finally {
    inspect.disconnect();
  }
});
