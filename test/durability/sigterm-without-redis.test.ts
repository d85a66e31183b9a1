/**
 * SIGTERM when the queue's Redis has gone: the drain cannot close the
 * queue's connections cleanly, but it must still end, bounded, and let the
 * process exit. Pending work is rows in PostgreSQL; the reconciler puts it
 * back on the queue at the next start.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import { ACCOUNT_SID, ADMIN_TOKEN, AUTH_TOKEN, PUBLIC_BASE_URL } from '../support/harness.js';
import { startPrivateRedis, workersBlocking, type PrivateRedis } from '../support/private-redis.js';
import { createServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const GRACE_MS = 1000;

let database: TestDatabase | null = null;
let redis: PrivateRedis | null = null;
let service: ServiceProcess | null = null;
after(async () => {
  await service?.stop();
  await redis?.stop();
  await database?.drop();
});

it('exits 0, after a bounded wait, when Redis died before the SIGTERM', { timeout: 90_000 }, async () => {
  database = await createTestDatabase('sigterm_without_redis');
  redis = await startPrivateRedis();
  service = await createServiceProcess({
    databaseUrl: database.url,
    redisUrl: redis.url,
    adminToken: ADMIN_TOKEN,
    secretsKey: randomBytes(32).toString('base64'),
    twilioAccountSid: ACCOUNT_SID,
    twilioAuthToken: AUTH_TOKEN,
    // Nothing is sent in this test; the provider is never called.
    twilioApiBaseUrl: 'http://127.0.0.1:9',
    publicBaseUrl: PUBLIC_BASE_URL,
    env: { SHUTDOWN_GRACE_MS: String(GRACE_MS) },
  });
  await service.start();
  await workersBlocking(redis);
  await redis.stop();

  const signalledAt = Date.now();
  const code = await service.sigterm(30_000).catch((error: unknown) => {
    throw new Error(`${String(error)}\n--- service output ---\n${service?.outputTail(40)}`);
  });
  const tookMs = Date.now() - signalledAt;
  assert.equal(code, 0, `exit code (after ${tookMs} ms)\n${service.outputTail(40)}`);
  assert.match(service.output(), /queue not closed in time at shutdown/, 'the operator is told why the drain was cut short');
});
