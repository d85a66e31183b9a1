import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createBackgroundPacer, webhookFirst } from '../../src/queue/background-pacer.js';
import { createQueueEngine, type QueueEngine } from '../../src/queue/queue-engine.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';

describe('how late jobs start reaches the background pacer', () => {
  let redis: PrivateRedis;
  let engine: QueueEngine;
  const lags: number[] = [];
  const pacer = webhookFirst(createBackgroundPacer());
  // The service's clock runs 90 s ahead of the queue's: every job starts a minute and a half after it was due.
  const ahead = { now: () => new Date(Date.now() + 90_000) };

  before(async () => {
    redis = await startPrivateRedis();
    engine = createQueueEngine(
      { kind: 'redis', url: redis.url, prefix: 'lag-test' },
      {
        logger: createLogger('silent'),
        clock: ahead,
        metrics: createMetrics(),
        onJobLag: (lagMs) => {
          lags.push(lagMs);
          pacer.backgroundLag(lagMs);
        },
      },
    );
    await engine.ready();
  });
  after(async () => {
    await engine?.close(1000);
    await redis?.stop();
  });

  it('a job that starts more than a minute late puts the pacer behind: background work is no longer held back', async () => {
    const started = new Promise<void>((resolve) => {
      engine.startWorkers(
        { timer: async () => resolve(), outbox: async () => undefined },
        { timerConcurrency: 1, outboxConcurrency: 1, maxSendsPerSecond: 10 },
      );
    });
    pacer.webhookStarted();
    assert.equal(pacer.state().behind, false);
    await engine.dispatch([{ queue: 'timers', timerId: '0190a7e2-0000-7000-8000-0000000000c1', revision: 1, dueAt: new Date() }]);
    await started;
    assert.equal(lags.length, 1);
    assert.ok(lags[0]! >= 89_000 && lags[0]! < 100_000, `about 90 s late, got ${lags[0]} ms`);
    assert.equal(pacer.state().behind, true);
    assert.equal(pacer.tryStart(), 0);
    assert.equal(pacer.tryStart(), 0, 'with a webhook in flight, and still nothing held back');
  });
});
