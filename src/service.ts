import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, uuidGenerator, type Clock, type IdGenerator } from './clock.js';
import type { Config } from './config.js';
import { outboxBatcher, type DeliveryDeps } from './conversations/deliver-message.js';
import { sentRecorder } from './conversations/sent-records.js';
import type { ConversationDeps } from './conversations/deps.js';
import { sealAll, type SealReport } from './conversations/ledger-sealer.js';
import { merchantCache } from './conversations/merchant-cache.js';
import { reconcile } from './conversations/reconciler.js';
import { applyRetention } from './conversations/retention.js';
import { timerBatcher, TimerNotDueError } from './conversations/timer-runner.js';
import { applicationNameFor, openDatabase } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.js';
import { loadLocalSecrets } from './db/local-secrets.js';
import { migrate } from './db/migrator.js';
import type { SmsProvider } from './domain/sms.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http/http-server.js';
import { createConsoleProvider } from './integrations/console/console-provider.js';
import { createTwilioProvider } from './integrations/twilio/twilio-provider.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createBackgroundPacer, webhookFirst } from './queue/background-pacer.js';
import { createQueueEngine, type QueueBackendConfig } from './queue/queue-engine.js';
import { SecretBox } from './security/secret-box.js';
import { settlesWithin } from './settles-within.js';
import { suppressionKey } from './security/suppression-key.js';
import { createSuppression } from './compliance/suppression.js';

const RETENTION_FIRST_RUN_MS = 60_000;
const RETENTION_INTERVAL_MS = 24 * 3_600_000;
/** Timer jobs run at once per worker process; those that start together are fired as one batch. */
const TIMER_CONCURRENCY = 16;
/** Outbox jobs run at once per worker process (each waits on the provider's answer), batched likewise. */
const OUTBOX_CONCURRENCY = 16;
/** How long a batch of jobs waits for company: a few milliseconds on a text that waited minutes, for fewer round trips. */
const BATCH_LINGER_MS = 10;

export interface ServiceOptions {
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** Replaces the configured provider (tests use the real Twilio one against a local server). */
  provider?: SmsProvider;
  /** Redis key prefix / PostgreSQL schema for the queues, so several services can share one server. */
  queueNamespace?: string;
}

export interface Service {
  url: string;
  adminToken: string;
  adminTokenGenerated: boolean;
  deps: ConversationDeps;
  /** `deps` with the SMS provider: what delivering the outbox needs. */
  deliveryDeps: DeliveryDeps;
  reconcileNow(): Promise<unknown>;
  /** Seals every consent entry committed so far (after any pass already running). */
  sealLedgerNow(): Promise<SealReport>;
  close(): Promise<void>;
}

/**
 * The composition root: the one place that turns configuration into running
 * parts. Start order: database (and migrations), queue, workers, reconcile,
 * then HTTP. Close runs the other way round.
 */
export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? uuidGenerator;

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
    databaseUrl = embedded.url;
  }
  const local =
    config.adminToken && config.secretsKey
      ? { adminToken: config.adminToken, secretsKey: config.secretsKey, generated: false }
      : await loadLocalSecrets(config.dataDir, { adminToken: config.adminToken, secretsKey: config.secretsKey });

  // Read before the database and the queue open, so a key that cannot be read stops the start early.
  const suppression = createSuppression(suppressionKey(config.suppressionKey, local.secretsKey));

  const db = openDatabase(databaseUrl, logger, { applicationName: applicationNameFor(config.role) });
  const applied = await migrate(db.sequelize, logger);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const metrics = createMetrics();
  const namespace = options.queueNamespace ?? 'cartrescue';
  const queueConfig: QueueBackendConfig = config.redisUrl
    ? { kind: 'redis', url: config.redisUrl, prefix: namespace }
    : {
        kind: 'postgres',
        connectionString: databaseUrl,
        schema: namespace.replace(/[^a-z0-9_]/gi, '_'),
        applicationName: `${applicationNameFor(config.role)}-queue`,
      };
  // The queue holds work due within the next two reconcile passes; later work waits in the database.
  const queueHorizonMs = 2 * config.reconcileIntervalMs;
  // Where one process answers webhooks and runs the workers, the workers' batches yield to the answers.
  // Split roles are separate processes: there the operating system's priorities do it (a worker at a higher nice).
  const pacer = config.role === 'all' ? webhookFirst(createBackgroundPacer()) : null;
  if (pacer) metrics.reportBackgroundPace(() => pacer.state().perSecond);
  const queue = createQueueEngine(
    queueConfig,
    { logger, clock, metrics, ...(pacer ? { onJobLag: (lagMs: number) => pacer.backgroundLag(lagMs) } : {}) },
    { horizonMs: queueHorizonMs },
  );
  await queue.ready();

  const provider =
    options.provider ??
    (config.sms.provider === 'twilio'
      ? createTwilioProvider({
          accountSid: config.sms.accountSid,
          authToken: config.sms.authToken,
          apiBaseUrl: config.sms.apiBaseUrl,
          timeoutMs: config.smsTimeoutMs,
          logger,
        })
      : createConsoleProvider({ logger }));

  const merchants = merchantCache((id, transaction) => db.models.Merchant.findByPk(id, transaction ? { transaction } : {}));
  const deps: ConversationDeps = { db, clock, ids, logger, dispatcher: queue, metrics, merchants, suppression };
  const deliveryDeps: DeliveryDeps = {
    ...deps,
    provider,
    statusCallbackUrl: config.publicBaseUrl ? `${config.publicBaseUrl}/webhooks/twilio/status` : null,
    sentRecords: sentRecorder(deps),
  };
  const runsWorkers = config.role !== 'web';
  if (runsWorkers) {
    // Timers due together (a wave of abandoned carts) are fired a batch per transaction.
    const timers = timerBatcher(deps, { maxBatch: TIMER_CONCURRENCY, maxInFlight: 2, lingerMs: BATCH_LINGER_MS, ...(pacer ? { gate: pacer } : {}) });
    // So are outbox rows handed over together: one claim transaction per batch, then each to the provider.
    // A batch holds its slot while its provider calls run, so more may be in flight than for timers.
    const outbox = outboxBatcher(deliveryDeps, {
      maxBatch: OUTBOX_CONCURRENCY,
      maxInFlight: 4,
      lingerMs: BATCH_LINGER_MS,
      ...(pacer ? { gate: pacer } : {}),
    });
    queue.startWorkers(
      {
        timer: async (job) => {
          const outcome = await timers.run({ timerId: job.timerId, revision: job.revision });
          // A job that ran before its time (clocks disagree) fails, so the queue retries it with backoff.
          if (outcome === 'early') throw new TimerNotDueError(job.timerId);
          return outcome;
        },
        outbox: (job) => outbox.run({ messageId: job.messageId }),
      },
      { timerConcurrency: TIMER_CONCURRENCY, outboxConcurrency: OUTBOX_CONCURRENCY, maxSendsPerSecond: config.smsMaxPerSecond },
    );
  }

  // A send still `sending` after two provider timeouts belongs to a process that died mid-call.
  // Work due within the next two passes is put back; later work, by a later pass, at least a pass before it is due.
  const reconcileOptions = {
    sendingStaleAfterMs: config.smsTimeoutMs * 2 + 5000,
    horizonMs: queueHorizonMs,
    ...(pacer ? { beforeBatch: () => pacer.waitForStart() } : {}),
  };
  const reconcileNow = () => reconcile(deps, reconcileOptions);
  // The reconciler re-enqueues for the workers, so it runs where they run.
  let reconciling: Promise<unknown> | null = null;
  const reconcileTick = () => {
    if (reconciling) return; // the previous pass is still running
    reconciling = reconcileNow()
      .catch((error: unknown) => logger.error({ err: error }, 'reconcile failed'))
      .finally(() => {
        reconciling = null;
      });
  };
  if (runsWorkers) await reconcileNow();
  // Consent entries are chained after commit, where the workers run; one pass at a time.
  let sealing: Promise<SealReport> | null = null;
  const sealPass = (): Promise<SealReport> => {
    const pass = sealAll(deps).finally(() => {
      if (sealing === pass) sealing = null;
    });
    sealing = pass;
    return pass;
  };
  const sealLedgerNow = async (): Promise<SealReport> => {
    while (sealing) await sealing.catch(() => undefined);
    return sealPass();
  };
  const sealTick = () => {
    if (sealing || !runsWorkers) return;
    sealPass().catch((error: unknown) => logger.error({ err: error }, 'consent ledger sealing failed'));
  };
  sealTick();
  const sealTimer = setInterval(sealTick, config.ledgerSealIntervalMs);
  sealTimer.unref();
  // The retention job runs where the workers run: once shortly after start, then daily.
  let retaining: Promise<unknown> | null = null;
  const retentionTick = () => {
    if (retaining || !runsWorkers) return;
    retaining = applyRetention(deps, config.dataRetentionDays)
      .catch((error: unknown) => logger.error({ err: error }, 'retention failed'))
      .finally(() => {
        retaining = null;
      });
  };
  const retentionStart = setTimeout(retentionTick, RETENTION_FIRST_RUN_MS);
  retentionStart.unref();
  const retentionTimer = setInterval(retentionTick, RETENTION_INTERVAL_MS);
  retentionTimer.unref();
  const reconcileTimer = setInterval(() => {
    if (runsWorkers) reconcileTick();
  }, config.reconcileIntervalMs);
  reconcileTimer.unref();

  let draining = false;
  const app = createApp({
    ...deps,
    secrets: new SecretBox(local.secretsKey),
    adminToken: local.adminToken,
    publicBaseUrl: config.publicBaseUrl,
    twilioAuthToken: config.twilioAuthToken,
    queuePing: () => queue.ping(),
    isDraining: () => draining,
    healthOnly: config.role === 'worker',
    webhookPacer: pacer,
  });
  const server: Server = createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 5000;
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, role: config.role, queue: queue.backend, sms: provider.name, embedded: embedded !== null }, 'CartRescue is running');

  let closing: Promise<void> | null = null;
  return {
    url,
    adminToken: local.adminToken,
    adminTokenGenerated: local.generated,
    deps,
    deliveryDeps,
    reconcileNow,
    sealLedgerNow,
    close() {
      closing ??= (async () => {
        draining = true;
        clearInterval(reconcileTimer);
        clearTimeout(retentionStart);
        clearInterval(retentionTimer);
        clearInterval(sealTimer);
        if (reconciling) await reconciling;
        if (sealing) await sealing.catch(() => undefined);
        if (retaining) await retaining;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await queue.close(config.shutdownGraceMs);
        await settlesWithin(serverClosed, 2000);
        server.closeAllConnections();
        await provider.close?.();
        await db.close();
        if (embedded) await embedded.stop();
        logger.info('CartRescue stopped');
      })();
      return closing;
    },
  };
}
