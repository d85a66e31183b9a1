import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { POOL_IDLE_MS } from '../../src/db/database.js';
import { postgresQueueConnection } from '../../src/queue/queue-engine.js';
import { startPostgresQueue, type PostgresQueue } from '../support/postgres-queue.js';

describe("the queue's own PostgreSQL sessions", () => {
  test('commit without waiting for the disk, and time out like every other statement of ours', () => {
    const connection = postgresQueueConnection({ kind: 'postgres', connectionString: 'postgres://db/x', schema: 'q' });
    const settings = connection.options.split(/\s*-c\s+/).filter(Boolean);
    assert.ok(settings.includes('synchronous_commit=off'));
    assert.ok(settings.includes('statement_timeout=15000'));
    assert.equal(connection.connectionTimeoutMillis, 5_000);
    assert.equal(connection.application_name, 'cartrescue-queue');
  });

  test('stay open while unused as long as the service’s own, so a burst after a quiet spell finds them ready', () => {
    const connection = postgresQueueConnection({ kind: 'postgres', connectionString: 'postgres://db/x', schema: 'q' });
    assert.equal(connection.idleTimeoutMillis, POOL_IDLE_MS);
    assert.ok(POOL_IDLE_MS >= 60_000);
  });

  describe('on a running queue', () => {
    let queue: PostgresQueue;

    before(async () => {
      queue = await startPostgresQueue('queue_sessions', { schema: 'sessions_test', applicationName: 'cartrescue-test-queue' });
    });
    after(async () => queue?.close());

    test('carry the name they were given, so pg_stat_activity tells them from the service’s own', async () => {
      await queue.engine.dispatch([{ queue: 'timers', timerId: '0190a7e2-0000-7000-8000-0000000000f1', revision: 1, dueAt: new Date(Date.now() + 60_000) }]);
      const { rows } = await queue.client.query<{ sessions: number }>(
        `SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        ['cartrescue-test-queue'],
      );
      assert.ok((rows[0]?.sessions ?? 0) >= 1, 'the queue pool’s sessions are named');
      const counts = await queue.engine.counts();
      assert.equal(counts.timers_delayed, 1);
    });
  });
});
