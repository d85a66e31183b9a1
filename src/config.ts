import { z } from 'zod';
import { isKeyOf32Bytes } from './security/secret-box.js';

/**
 * The only reader of `process.env`. Everything else receives a `Config`.
 * A bad value fails start-up with a message that names the variable.
 */
const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** Digits only: `Number(' ')` is 0 and `Number('0x50')` is 80, neither of which anyone meant. */
const port = z
  .string()
  .trim()
  .regex(/^\d+$/, 'must be a port number')
  .transform(Number)
  .pipe(z.number().int().min(0).max(65535));

const optionalString = z.preprocess(emptyToUndefined, z.string().min(1).optional());

/** 32 random bytes written as base64 or hex: the shape of every key this service is given. */
const KEY_TEXT = /^[A-Za-z0-9+/=_-]{43,}$/;
const KEY_MESSAGE = 'must be 32 random bytes, base64 or hex encoded';
const keyText = z.string().regex(KEY_TEXT, KEY_MESSAGE);
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional());

const EnvFields = z
  .object({
    PORT: z.preprocess(emptyToUndefined, port.optional()).transform((value) => value ?? 3000),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    DATABASE_URL: optionalUrl,
    // redis:// and rediss:// as ioredis reads them; unix:///path/redis.sock?db=N for a server on this host.
    REDIS_URL: z.preprocess(
      emptyToUndefined,
      z
        .url()
        .refine((url) => ['redis:', 'rediss:', 'unix:'].includes(new URL(url).protocol), 'must be a redis://, rediss:// or unix:// URL')
        .refine((url) => new URL(url).protocol !== 'unix:' || /^\d*$/.test(new URL(url).searchParams.get('db') ?? ''), 'db must be a whole number')
        .optional(),
    ),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.data')),
    PUBLIC_BASE_URL: optionalUrl,
    ADMIN_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    SECRETS_KEY: z.preprocess(emptyToUndefined, keyText.optional()),
    // Checked to the byte here, not at first use: a wrong key would silently change every suppression digest.
    SUPPRESSION_KEY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine((text) => KEY_TEXT.test(text) && isKeyOf32Bytes(text), KEY_MESSAGE)
        .optional(),
    ),
    SMS_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['console', 'twilio']).default('console')),
    TWILIO_ACCOUNT_SID: optionalString,
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_API_BASE_URL: optionalUrl,
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    RECONCILE_INTERVAL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().positive().default(60)),
    LEDGER_SEAL_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(50, 'must be at least 50').default(1000)),
    SMS_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(10_000)),
    SMS_MAX_PER_SECOND: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(100)),
    SHUTDOWN_GRACE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(10_000)),
    EMBEDDED_PG_PORT: z.preprocess(emptyToUndefined, port.optional()),
    ROLE: z.preprocess(emptyToUndefined, z.enum(['all', 'web', 'worker']).default('all')),
    DATA_RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(30, 'must be at least 30 days').default(730)),
  });

const EnvSchema = EnvFields.superRefine((env, ctx) => {
  if (env.SMS_PROVIDER === 'twilio') {
    for (const key of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when SMS_PROVIDER=twilio' });
    }
  }
  if (env.ROLE !== 'all' && !env.DATABASE_URL) {
    // The embedded PostgreSQL belongs to the one process that started it.
    ctx.addIssue({ code: 'custom', path: ['ROLE'], message: `${env.ROLE} needs DATABASE_URL: split roles share an external database` });
  }
  if (env.DATABASE_URL) {
    for (const key of ['ADMIN_TOKEN', 'SECRETS_KEY'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when DATABASE_URL is set' });
    }
  }
});

export interface Config {
  port: number;
  host: string;
  /** Null means: run an embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | null;
  /** Null means: BullMQ on its PostgreSQL backend. */
  redisUrl: string | null;
  dataDir: string;
  publicBaseUrl: string | null;
  /** Null only in embedded mode, where one is generated into `dataDir`. */
  adminToken: string | null;
  secretsKey: string | null;
  /**
   * Keys the HMAC of the phones that must never be texted again. Null means:
   * derived from the secrets key (so rotating that key would change the digests).
   */
  suppressionKey: string | null;
  sms:
    | { provider: 'console' }
    | { provider: 'twilio'; accountSid: string; authToken: string; apiBaseUrl: string | null };
  /** Kept even with the console provider so inbound webhooks can be verified when configured. */
  twilioAuthToken: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  reconcileIntervalMs: number;
  /** How often the workers seal new consent entries into their merchant's chain. */
  ledgerSealIntervalMs: number;
  smsTimeoutMs: number;
  /** The provider's sending speed: texts handed over per second at most. */
  smsMaxPerSecond: number;
  shutdownGraceMs: number;
  embeddedPgPort: number | null;
  /**
   * What this process does: `all` (HTTP and workers), `web` (HTTP only; jobs
   * are enqueued for worker processes) or `worker` (timers, outbox and the
   * reconciler; HTTP serves only health and metrics).
   */
  role: 'all' | 'web' | 'worker';
  /** Message bodies and cart contents older than this are trimmed by the daily retention job (the consent ledger never is). */
  dataRetentionDays: number;
}

/**
 * What `npm run migrate` needs: where the database is and how to log. A
 * deploy step that migrates before the service starts is not handed the
 * service's secrets.
 */
export interface MigrateConfig {
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number | null;
  logLevel: Config['logLevel'];
}

const MigrateEnvSchema = EnvFields.pick({ DATABASE_URL: true, DATA_DIR: true, EMBEDDED_PG_PORT: true, LOG_LEVEL: true });

export function loadMigrateConfig(env: Record<string, string | undefined> = process.env): MigrateConfig {
  const e = parseEnv(MigrateEnvSchema, env);
  return { databaseUrl: e.DATABASE_URL ?? null, dataDir: e.DATA_DIR, embeddedPgPort: e.EMBEDDED_PG_PORT ?? null, logLevel: e.LOG_LEVEL };
}

function parseEnv<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>): T {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  return parsed.data;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(EnvSchema, env);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    dataDir: e.DATA_DIR,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? null,
    adminToken: e.ADMIN_TOKEN ?? null,
    secretsKey: e.SECRETS_KEY ?? null,
    suppressionKey: e.SUPPRESSION_KEY ?? null,
    sms:
      e.SMS_PROVIDER === 'twilio'
        ? {
            provider: 'twilio',
            accountSid: e.TWILIO_ACCOUNT_SID ?? '',
            authToken: e.TWILIO_AUTH_TOKEN ?? '',
            apiBaseUrl: e.TWILIO_API_BASE_URL ?? null,
          }
        : { provider: 'console' },
    twilioAuthToken: e.TWILIO_AUTH_TOKEN ?? null,
    logLevel: e.LOG_LEVEL,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_SECONDS * 1000,
    ledgerSealIntervalMs: e.LEDGER_SEAL_INTERVAL_MS,
    smsTimeoutMs: e.SMS_TIMEOUT_MS,
    smsMaxPerSecond: e.SMS_MAX_PER_SECOND,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    embeddedPgPort: e.EMBEDDED_PG_PORT ?? null,
    role: e.ROLE,
    dataRetentionDays: e.DATA_RETENTION_DAYS,
  };
}
