import { Queue, Worker, createPostgresBackend, withBackend, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Dispatch, Dispatcher } from '../conversations/deps.js';
import { applicationNameFor, CONNECT_TIMEOUT_MS, POOL_IDLE_MS, STATEMENT_TIMEOUT_MS } from '../db/database.js';
import type { Metrics } from '../metrics.js';
import { settlesWithin } from '../settles-within.js';

export type QueueBackendConfig =
  | { kind: 'redis'; url: string; prefix: string }
  | {
      kind: 'postgres';
      connectionString: string;
      schema: string;
      /** How the queue's sessions show in `pg_stat_activity`; defaults to `cartrescue-queue`. */
      applicationName?: string;
    };

export interface TimerJob {
  timerId: string;
  revision: number;
  dueAt: string;
}

export interface OutboxJob {
  messageId: string;
}

export interface JobHandlers {
  timer(job: TimerJob): Promise<unknown>;
  outbox(job: OutboxJob): Promise<unknown>;
}

export interface WorkerOptions {
  timerConcurrency: number;
  outboxConcurrency: number;
  /** The provider's sending speed: at most this many texts handed over per second. */
  maxSendsPerSecond: number;
}

export interface QueueEngine extends Dispatcher {
  readonly backend: 'redis' | 'postgres';
  /** Resolves once the backend answers (and, on PostgreSQL, its schema exists); rejects otherwise. */
  ready(): Promise<void>;
  startWorkers(handlers: JobHandlers, options: WorkerOptions): void;
  /** Jobs waiting or delayed, for readiness and progress reporting. */
  counts(): Promise<Record<string, number>>;
  ping(): Promise<boolean>;
  /** Stops taking jobs, lets running ones finish within `graceMs`, closes connections. */
  close(graceMs: number): Promise<void>;
}

const TIMERS = 'cartrescue-timers';
const OUTBOX = 'cartrescue-outbox';

/**
 * Job ids derive from row ids (BullMQ ignores a duplicate id), so enqueuing the
 * same pending row twice, from a handler and from the reconciler, is harmless.
 * Ids may not contain ':'.
 */
export function jobIdFor(dispatch: Dispatch): string {
  if (dispatch.queue === 'timers') return `timer-${dispatch.timerId}-r${dispatch.revision}`;
  const notBefore = dispatch.notBefore ? dispatch.notBefore.getTime() : 0;
  return `msg-${dispatch.messageId}-${notBefore}`;
}

/**
 * Campaign texts (opt-in requests, reminders) carry a priority; answers to
 * the shopper carry none, and BullMQ takes jobs without a priority before any
 * with one: an answer never waits behind a backlog of campaign texts.
 */
const CAMPAIGN_PRIORITY = 1;

const JOB_DEFAULTS = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
} as const;

/**
 * The one place that chooses the queue backend: BullMQ on Redis in production,
 * on PostgreSQL (same database) for a first run without Redis. Queues, job ids
 * and handlers are the same either way.
 */
export function createQueueEngine(
  config: QueueBackendConfig,
  deps: {
    logger: Logger;
    clock: Clock;
    metrics: Metrics;
    /** Told how late each job starts (see `background-pacer.ts`). */
    onJobLag?: (lagMs: number) => void;
  },
  options: {
    /**
     * Jobs due later than this are not handed to the queue: the database keeps
     * them, and the reconciler enqueues them once they come within its own
     * horizon (the same one), so the queue holds near-term work only instead
     * of a delayed job per shopper for every reminder a day or more away.
     */
    horizonMs?: number;
  } = {},
): QueueEngine {
  const { logger, clock, metrics } = deps;
  const classes =
    config.kind === 'redis'
      ? redisClasses(config)
      : postgresClasses(config);
  const timers = classes.queue(TIMERS);
  const outbox = classes.queue(OUTBOX);
  const workers: Worker[] = [];

  for (const queue of [timers, outbox]) {
    queue.on('error', (error: Error) => logger.error({ err: error, queue: queue.name }, 'queue error'));
  }

  async function dispatch(jobs: Dispatch[]): Promise<void> {
    const now = clock.now().getTime();
    const until = options.horizonMs === undefined ? Infinity : now + options.horizonMs;
    const timerJobs = jobs.filter((job): job is Extract<Dispatch, { queue: 'timers' }> => job.queue === 'timers' && job.dueAt.getTime() <= until);
    const outboxJobs = jobs.filter(
      (job): job is Extract<Dispatch, { queue: 'outbox' }> => job.queue === 'outbox' && (job.notBefore?.getTime() ?? now) <= until,
    );
    await Promise.all([
      addAll(
        timers,
        config.kind,
        timerJobs.map((job) => ({
          name: 'fire',
          data: { timerId: job.timerId, revision: job.revision, dueAt: job.dueAt.toISOString() } satisfies TimerJob,
          opts: { ...JOB_DEFAULTS, jobId: jobIdFor(job), delay: Math.max(0, job.dueAt.getTime() - now) },
        })),
      ),
      addAll(
        outbox,
        config.kind,
        outboxJobs.map((job) => ({
          name: 'deliver',
          data: { messageId: job.messageId } satisfies OutboxJob,
          // Delivery is at most once: a failed attempt is never retried by the queue.
          opts: {
            ...JOB_DEFAULTS,
            attempts: 1,
            jobId: jobIdFor(job),
            delay: Math.max(0, (job.notBefore?.getTime() ?? now) - now),
            ...(job.answer ? {} : { priority: CAMPAIGN_PRIORITY }),
          },
        })),
      ),
    ]);
  }

  function lagOf(job: Job, queue: string): void {
    const due = job.timestamp + (job.opts.delay ?? 0);
    const lagMs = Math.max(0, clock.now().getTime() - due);
    metrics.queueLag.observe({ queue }, lagMs / 1000);
    deps.onJobLag?.(lagMs);
  }

  return {
    backend: config.kind,
    dispatch,
    async ready() {
      await Promise.all([timers.waitUntilReady(), outbox.waitUntilReady()]);
      // The first query proves the backend answers (and bootstraps the PostgreSQL schema).
      await Promise.all([timers.getJobCounts('waiting'), outbox.getJobCounts('waiting')]);
    },
    startWorkers(handlers, options) {
      const timerWorker = classes.worker(
        TIMERS,
        async (job: Job<TimerJob>) => {
          lagOf(job, 'timers');
          return handlers.timer(job.data);
        },
        { concurrency: options.timerConcurrency },
      );
      const outboxWorker = classes.worker(
        OUTBOX,
        async (job: Job<OutboxJob>) => {
          lagOf(job, 'outbox');
          return handlers.outbox(job.data);
        },
        { concurrency: options.outboxConcurrency, limiter: { max: options.maxSendsPerSecond, duration: 1000 } },
      );
      for (const worker of [timerWorker, outboxWorker]) {
        worker.on('failed', (job: Job | undefined, error: Error) =>
          logger.error({ err: error, queue: worker.name, jobId: job?.id }, 'job failed'),
        );
        worker.on('error', (error: Error) => logger.error({ err: error, queue: worker.name }, 'worker error'));
        workers.push(worker);
      }
    },
    async counts() {
      const [t, o] = await Promise.all([
        timers.getJobCounts('waiting', 'delayed', 'active', 'failed'),
        outbox.getJobCounts('waiting', 'delayed', 'active', 'failed'),
      ]);
      return Object.fromEntries([
        ...Object.entries(t).map(([k, v]) => [`timers_${k}`, v]),
        ...Object.entries(o).map(([k, v]) => [`outbox_${k}`, v]),
      ]);
    },
    async ping() {
      try {
        await timers.getJobCounts('waiting');
        return true;
      } catch {
        return false;
      }
    },
    async close(graceMs) {
      let closed = true;
      if (!(await settlesWithin(Promise.all(workers.map((worker) => worker.close())), graceMs))) {
        logger.warn({ graceMs }, 'jobs still running at shutdown; forcing workers closed');
        // BullMQ's forced close joins a close already under way, and either still talks to the backend:
        // jobs that never end, or a backend that cannot be reached, would hold the exit forever.
        closed = await settlesWithin(Promise.all(workers.map((worker) => worker.close(true))), FORCED_CLOSE_MS);
      }
      if (closed) closed = await settlesWithin(Promise.all([timers.close(), outbox.close()]), FORCED_CLOSE_MS);
      if (!closed) {
        logger.warn({ waitedMs: FORCED_CLOSE_MS }, 'queue not closed in time at shutdown (backend not answering, or jobs still running); dropping its connections');
        classes.abandon();
      }
      await classes.close();
    },
  };
}

/**
 * How long a shutdown step that needs the backend may wait for it once the
 * grace period is over. Jobs are copies of database rows: whatever a stopped
 * worker leaves behind, the reconciler re-enqueues at the next start.
 */
const FORCED_CLOSE_MS = 2_000;

type NewJob = Parameters<Queue['addBulk']>[0][number];

export type AddPlan = 'one-by-one' | 'bulk';

/**
 * On PostgreSQL, only batches of at least this many jobs use BullMQ's bulk
 * add. It builds two temporary tables per call: a burst of small batches (a
 * batch of timers fired together hands over a text each) then churns the
 * system catalogs, and every session of the database pays for it, webhook
 * answers included. At 200 checkouts/s on 2 cores, adding small batches job
 * by job took the answer p99 from 255 to 101 ms (medians of five runs each,
 * bench/README.md).
 * Large batches (the reconciler's) stay bulk: there the one set-based
 * statement is cheaper than as many transactions.
 */
export const POSTGRES_BULK_FROM = 64;

/**
 * How a batch of jobs reaches the backend. On Redis one job goes as one
 * command and several share a pipeline: a webhook hands over a single timer,
 * and a pipeline costs more to build (ioredis gives each one a method per
 * BullMQ script) than the job it would carry.
 */
export function addPlan(backend: 'redis' | 'postgres', jobs: number): AddPlan {
  if (jobs <= 1) return 'one-by-one';
  if (backend === 'redis') return 'bulk';
  return jobs >= POSTGRES_BULK_FROM ? 'bulk' : 'one-by-one';
}

async function addAll(queue: Queue, backend: 'redis' | 'postgres', jobs: NewJob[]): Promise<void> {
  if (jobs.length === 0) return;
  if (addPlan(backend, jobs.length) === 'bulk') await queue.addBulk(jobs);
  // Side by side, on the queue's few connections: one after another held a batch's slot longer and
  // measured slower answers (bench/README.md). Jobs handed over together belong to different
  // conversations (an event queues at most one text), so their order among themselves is free.
  else await Promise.all(jobs.map((job) => queue.add(job.name, job.data, job.opts)));
}

interface BackendClasses {
  queue(name: string): Queue;
  worker(name: string, processor: (job: Job) => Promise<unknown>, opts: { concurrency: number; limiter?: { max: number; duration: number } }): Worker;
  /** The backend is gone at shutdown: stop every connection trying to reach it, so the process can exit. */
  abandon(): void;
  close(): Promise<void>;
}

/**
 * A Redis on the same host can be reached through its Unix socket,
 * `unix:///path/to/redis.sock?db=N`, which spares every command the TCP
 * stack; any other URL is ioredis's own (`redis://`, `rediss://`).
 */
export function unixSocketOf(url: string): { path: string; db: number } | null {
  const parsed = new URL(url);
  if (parsed.protocol !== 'unix:') return null;
  const db = Number(parsed.searchParams.get('db') ?? 0);
  if (!Number.isInteger(db) || db < 0) throw new Error('the Redis database in a unix: URL must be a whole number');
  return { path: decodeURIComponent(parsed.pathname), db };
}

function redisClasses(config: Extract<QueueBackendConfig, { kind: 'redis' }>): BackendClasses {
  // Workers need blocking connections that never give up on a command.
  const connections: Redis[] = [];
  let abandoned = false;
  // ioredis's own delays; none once abandoned. BullMQ's duplicates of these connections (a worker's
  // blocking one) copy the options, so they stop too, at their next attempt.
  const retryStrategy = (times: number) => (abandoned ? null : Math.min(times * 50, 2000));
  const connect = (forWorker: boolean) => {
    const options: RedisOptions = { maxRetriesPerRequest: forWorker ? null : 3, connectTimeout: 5000, enableOfflineQueue: forWorker, retryStrategy };
    const socket = unixSocketOf(config.url);
    const redis = socket ? new Redis({ ...options, ...socket }) : new Redis(config.url, options);
    connections.push(redis);
    return redis;
  };
  return {
    queue: (name) => new Queue(name, { connection: connect(false), prefix: config.prefix }),
    worker: (name, processor, opts) => new Worker(name, processor, { connection: connect(true), prefix: config.prefix, ...opts }),
    abandon() {
      abandoned = true;
      for (const redis of connections) redis.disconnect();
    },
    async close() {
      // QUIT waits for an answer, queued offline while Redis is away (worker connections never give up):
      // only a connection that is up is asked; the rest, and any QUIT not answered in time, are dropped.
      await Promise.all(
        connections.map(async (redis) => {
          if (redis.status !== 'ready' || !(await settlesWithin(redis.quit(), FORCED_CLOSE_MS))) redis.disconnect();
        }),
      );
    },
  };
}

/**
 * The connection settings of the queue's own sessions on the PostgreSQL
 * backend.
 *
 * Their commits do not wait for the disk (`synchronous_commit=off`, for these
 * sessions only): every queue row is a copy of work our own tables hold with
 * full durability, and the reconciler re-enqueues whatever a crash takes back
 * (a timer or message still pending), while a job that runs twice finds its
 * work done (a stale timer, a message no longer pending). A job costs several
 * commits (add, claim, finish); none of them needs to wait for a flush.
 */
export function postgresQueueConnection(config: Extract<QueueBackendConfig, { kind: 'postgres' }>) {
  return {
    connectionString: config.connectionString,
    schema: config.schema,
    max: 5,
    idleTimeoutMillis: POOL_IDLE_MS,
    // The queue's own tables are created in its schema on first use.
    migrate: true,
    application_name: config.applicationName ?? `${applicationNameFor('all')}-queue`,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    options: `-c synchronous_commit=off -c statement_timeout=${STATEMENT_TIMEOUT_MS}`,
  };
}

function postgresClasses(config: Extract<QueueBackendConfig, { kind: 'postgres' }>): BackendClasses {
  const { Queue: PgQueue, Worker: PgWorker } = withBackend(createPostgresBackend);
  const connection = postgresQueueConnection(config);
  return {
    queue: (name) => new PgQueue(name, { connection }) as unknown as Queue,
    worker: (name, processor, opts) => new PgWorker(name, processor, { connection, ...opts }) as unknown as Worker,
    // The pools' idle timeouts end their connections; nothing here retries forever.
    abandon: () => {},
    close: async () => {},
  };
}
