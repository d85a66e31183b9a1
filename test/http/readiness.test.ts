import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { eventually, startHarness, type Harness } from '../support/harness.js';
import { startPrivateRedis, workersBlocking } from '../support/private-redis.js';
import { ADMIN_PG_URL } from '../support/test-database.js';

/** A statement on the machine's PostgreSQL as its superuser (never on a service's own pool). */
async function asAdmin<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: ADMIN_PG_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Readiness when a dependency stops answering, each on a service of its own:
 * the Redis its queue uses is killed, its database stops taking connections,
 * or it is draining. `/readyz` says which, and answers 200 again once it is back.
 */
describe('readiness when a dependency stops answering', () => {
  const readyz = async (service: Harness) => service.request('GET', '/readyz', { token: null });

  test('GET /readyz answers 503 {queue: false} while the Redis behind the queue is down, and 200 once it is back', { timeout: 60_000 }, async () => {
    let redis = await startPrivateRedis();
    const { port } = redis;
    let running = true;
    let q: Harness | undefined;
    try {
      q = await startHarness({ label: 'http_health_queue_down', env: { REDIS_URL: redis.url } });
      const up = await readyz(q);
      assert.equal(up.status, 200, up.text);
      // Killed once the workers run, not while they are still connecting.
      await workersBlocking(redis);

      await redis.stop();
      running = false;
      const down = await readyz(q);
      assert.equal(down.status, 503, down.text);
      assert.deepEqual(down.body, { status: 'unavailable', database: true, queue: false, draining: false });

      redis = await startPrivateRedis({ port });
      running = true;
      const back = await eventually(async () => {
        const response = await readyz(q!);
        return response.status === 200 ? response : undefined;
      }, 20_000, 'readiness after Redis is back');
      assert.deepEqual(back.body, { status: 'ready', database: true, queue: true, draining: false });
    } finally {
      // Redis up and the workers back in their wait before the close: a close while Redis is down, or while
      // the workers reconnect, gives up only after a bounded wait (src/queue/queue-engine.ts close()) and
      // leaves BullMQ's own timers running in this test process.
      if (!running) redis = await startPrivateRedis({ port }).catch(() => redis);
      await workersBlocking(redis).catch(() => undefined);
      await q?.close();
      await redis.stop();
    }
  });

  test('GET /readyz answers 503 {database: false} while the database refuses connections, and 200 once it takes them again', { timeout: 60_000 }, async () => {
    const d = await startHarness({ label: 'http_health_db_down' });
    const name = d.database.name;
    try {
      const up = await readyz(d);
      assert.equal(up.status, 200, up.text);

      // New connections are refused and the service's open sessions are ended: the database does not answer it.
      await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await asAdmin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await eventually(async () => {
        const [row] = await asAdmin<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        return Number(row?.n) === 0;
      }, 10_000, 'the service\'s sessions to end');

      const down = await readyz(d);
      assert.equal(down.status, 503, down.text);
      assert.deepEqual(down.body, { status: 'unavailable', database: false, queue: true, draining: false });

      await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      const back = await eventually(async () => {
        const response = await readyz(d);
        return response.status === 200 ? response : undefined;
      }, 20_000, 'readiness after the database takes connections again');
      assert.deepEqual(back.body, { status: 'ready', database: true, queue: true, draining: false });
    } finally {
      await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await d.close();
    }
  });

  test('GET /readyz answers 503 {draining: true} once close() has begun, while the drain waits for work in progress', { timeout: 60_000 }, async () => {
    const d = await startHarness({ label: 'http_health_draining' });
    // A consent-ledger seal pass that cannot finish: close() waits for it before it stops listening.
    const blocker = new pg.Client({ connectionString: d.database.url });
    await blocker.connect();
    let closing: Promise<void> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE consent_unsealed IN ACCESS EXCLUSIVE MODE');
      const sealing = d.service.sealLedgerNow();
      await eventually(async () => {
        const waiting = await blocker.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query ILIKE '%consent_unsealed%'",
          [d.database.name],
        );
        return waiting.rowCount! > 0;
      }, 10_000, 'the seal pass to wait on the lock');
      const busy = await readyz(d);
      assert.equal(busy.status, 200, `work in progress alone is no reason to be unready: ${busy.text}`);

      closing = d.service.close();
      const draining = await readyz(d);
      assert.equal(draining.status, 503, draining.text);
      assert.deepEqual(draining.body, { status: 'unavailable', database: true, queue: true, draining: true });

      await blocker.query('ROLLBACK');
      await sealing;
      await closing;
      await assert.rejects(fetch(`${d.service.url}/readyz`), 'a closed service no longer listens');
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await d.close();
    }
  });
});
