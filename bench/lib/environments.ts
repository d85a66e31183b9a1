/**
 * What each mode needs around the service, created before and removed after:
 * Redis mode gets its own database on the machine's PostgreSQL and a Redis DB
 * index of its own (the queue prefix is fixed, so the DB index is what keeps
 * runs apart): the first empty one from 7 up, claimed with a marker key so two
 * benches running at once never share (or flush) one; `--redis-db N` forces N
 * and flushes it. Embedded mode gets a temporary DATA_DIR for its PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { embeddedDatabaseUrl, embeddedPassword } from '../../src/db/embedded-postgres.js';
import { startPrivateRedis } from '../../test/support/private-redis.js';
import { freePort } from '../../test/support/service-process.js';
import { createTestDatabase } from '../../test/support/test-database.js';

export type Mode = 'redis' | 'embedded';

export interface ModeEnvironment {
  mode: Mode;
  env: Record<string, string>;
  adminToken: string;
  describe: string;
  /** The service's database on the shared server; null when it runs its own PostgreSQL. */
  databaseName: string | null;
  /** The service's database, for the bench's own statements (statistics after the warm-up). */
  databaseUrl: string;
  cleanup(): Promise<void>;
}

const REDIS_BASE = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLAIM_KEY = 'cartrescue-bench:claimed-by';
const CANDIDATE_DBS = [7, 8, 9, 10, 11, 12, 13, 14, 15];

async function withRedis<T>(db: number, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(`${REDIS_BASE}/${db}`, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/** An empty DB index claimed for this run (or the forced one, flushed). */
async function claimRedisDb(runId: string, forced: number | null, log: (line: string) => void): Promise<number> {
  for (const db of forced !== null ? [forced] : CANDIDATE_DBS) {
    const claimed = await withRedis(db, async (redis) => {
      if (forced !== null) {
        const stale = await redis.dbsize();
        if (stale > 0) log(`redis db ${db} held ${stale} key(s); flushed (--redis-db)`);
        await redis.flushdb();
      } else if ((await redis.dbsize()) > 0) {
        return false;
      }
      return (await redis.set(CLAIM_KEY, runId, 'EX', 6 * 3600, 'NX')) === 'OK';
    });
    if (claimed) return db;
  }
  throw new Error(`no empty Redis DB among ${CANDIDATE_DBS.join(', ')} (other runs, or leftovers of killed ones); pass --redis-db N to take and flush one`);
}

function secrets() {
  const adminToken = `bench-operator-${randomBytes(12).toString('hex')}`;
  return { adminToken, env: { ADMIN_TOKEN: adminToken, SECRETS_KEY: randomBytes(32).toString('base64') } };
}

export interface PrepareOptions {
  redisDb: number | null;
  /** Run a Redis of the bench's own and reach it through its Unix socket, as a service on the same host would. */
  redisSocket: boolean;
}

export async function prepareMode(
  mode: Mode,
  log: (line: string) => void,
  options: PrepareOptions = { redisDb: null, redisSocket: false },
): Promise<ModeEnvironment> {
  const { adminToken, env } = secrets();
  if (mode === 'redis' && options.redisSocket) {
    const redis = await startPrivateRedis({ unixSocket: true });
    const database = await createTestDatabase('bench');
    const redisUrl = redis.socketUrl!;
    return {
      mode,
      adminToken,
      env: { ...env, DATABASE_URL: database.url, REDIS_URL: redisUrl },
      databaseName: database.name,
      databaseUrl: database.url,
      describe: `PostgreSQL database ${database.name} on the machine's server, BullMQ on a Redis of the bench's own at ${redisUrl}`,
      async cleanup() {
        await database.drop();
        await redis.stop();
      },
    };
  }
  if (mode === 'redis') {
    const runId = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const db = await claimRedisDb(runId, options.redisDb, log);
    const redisUrl = `${REDIS_BASE}/${db}`;
    const database = await createTestDatabase('bench');
    return {
      mode,
      adminToken,
      env: { ...env, DATABASE_URL: database.url, REDIS_URL: redisUrl },
      databaseName: database.name,
      databaseUrl: database.url,
      describe: `PostgreSQL database ${database.name} on the machine's server, BullMQ on ${redisUrl}`,
      async cleanup() {
        await database.drop();
        // Only a DB still marked as ours is flushed.
        await withRedis(db, async (redis) => {
          if ((await redis.get(CLAIM_KEY)) === runId) await redis.flushdb();
        });
      },
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'cartrescue-bench-'));
  // mkdtemp makes it 0700; as root, embedded-postgres runs initdb as a `postgres` user who must enter it.
  await chmod(dataDir, 0o755);
  // The bench picks the embedded PostgreSQL's port, so it can reach the service's database too.
  const port = await freePort();
  return {
    mode,
    adminToken,
    env: { ...env, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) },
    databaseName: null,
    // Read when used: the service makes the cluster's password on its first start.
    get databaseUrl() {
      return embeddedDatabaseUrl(port, embeddedPassword(dataDir) ?? '');
    },
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
