import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, type Config } from '../src/config.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const GOOD_ADMIN_TOKEN = 'a-long-enough-admin-token';
const GOOD_SECRETS_KEY = 'q'.repeat(43) + '=';

/** Runs `loadConfig` expecting a ConfigError, and returns the variable each problem names. */
function problemsOf(env: Record<string, string | undefined>): { variables: string[]; error: ConfigError } {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${JSON.stringify(env)}`);
  assert.equal(caught.code, 'invalid_config');
  const variables = caught.problems.map((problem) => problem.split(':')[0] ?? '');
  for (const variable of variables) assert.match(caught.message, new RegExp(`\\b${variable}\\b`), 'the message names every problem');
  return { variables, error: caught };
}

describe('loadConfig', () => {
  it('an empty environment gives the documented defaults (embedded database, console SMS)', () => {
    const expected: Config = {
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: null,
      redisUrl: null,
      dataDir: './.data',
      publicBaseUrl: null,
      adminToken: null,
      secretsKey: null,
      suppressionKey: null,
      sms: { provider: 'console' },
      twilioAuthToken: null,
      logLevel: 'info',
      reconcileIntervalMs: 60_000,
      ledgerSealIntervalMs: 1_000,
      smsTimeoutMs: 10_000,
      smsMaxPerSecond: 100,
      shutdownGraceMs: 10_000,
      embeddedPgPort: null,
      role: 'all',
      dataRetentionDays: 730,
    };
    assert.deepEqual(loadConfig({}), expected);
  });

  it('empty strings count as unset, so a blank .env line keeps the default', () => {
    const config = loadConfig({ PORT: '', LOG_LEVEL: '', SMS_PROVIDER: '', DATABASE_URL: '', PUBLIC_BASE_URL: '' });
    assert.equal(config.port, 3000);
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.sms, { provider: 'console' });
    assert.equal(config.databaseUrl, null);
    assert.equal(config.publicBaseUrl, null);
  });

  it('reads the values it is given, converting numbers and seconds to milliseconds', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://localhost:6379',
      DATA_DIR: '/var/lib/cartrescue',
      LOG_LEVEL: 'debug',
      RECONCILE_INTERVAL_SECONDS: '5',
      SMS_MAX_PER_SECOND: '3',
      EMBEDDED_PG_PORT: '5433',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.redisUrl, 'redis://localhost:6379');
    assert.equal(config.dataDir, '/var/lib/cartrescue');
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.reconcileIntervalMs, 5_000);
    assert.equal(config.smsMaxPerSecond, 3);
    assert.equal(config.embeddedPgPort, 5433);
  });

  for (const PORT of ['not-a-port', '70000', '-1', '80.5', 'eighty']) {
    it(`PORT=${JSON.stringify(PORT)} fails start-up naming PORT and nothing else`, () => {
      const { variables, error } = problemsOf({ PORT });
      assert.deepEqual(variables, ['PORT']);
      assert.match(error.message, /^invalid configuration:\n {2}- PORT: /);
    });
  }

  it('SMS_PROVIDER=twilio without any TWILIO_* names each missing variable', () => {
    const { variables } = problemsOf({ SMS_PROVIDER: 'twilio' });
    assert.deepEqual(variables.sort(), ['PUBLIC_BASE_URL', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']);
  });

  const twilio = {
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
    TWILIO_AUTH_TOKEN: 'twilio-auth-token',
    PUBLIC_BASE_URL: 'https://sms.shop.example',
  };
  for (const missing of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL'] as const) {
    it(`SMS_PROVIDER=twilio without ${missing} names exactly ${missing}`, () => {
      assert.deepEqual(problemsOf({ ...twilio, [missing]: undefined }).variables, [missing]);
      assert.deepEqual(problemsOf({ ...twilio, [missing]: '' }).variables, [missing], 'an empty value is missing too');
    });
  }

  it('SMS_PROVIDER=twilio with everything set gives a twilio provider', () => {
    const config = loadConfig({ ...twilio, TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' });
    assert.deepEqual(config.sms, {
      provider: 'twilio',
      accountSid: twilio.TWILIO_ACCOUNT_SID,
      authToken: twilio.TWILIO_AUTH_TOKEN,
      apiBaseUrl: 'http://127.0.0.1:4010',
    });
    assert.equal(config.twilioAuthToken, twilio.TWILIO_AUTH_TOKEN);
  });

  it('an unknown SMS_PROVIDER is named', () => {
    assert.deepEqual(problemsOf({ SMS_PROVIDER: 'carrier-pigeon' }).variables, ['SMS_PROVIDER']);
  });

  it('DATABASE_URL without ADMIN_TOKEN and SECRETS_KEY fails naming both', () => {
    const { variables } = problemsOf({ DATABASE_URL: 'postgres://cart:rescue@db.internal:5432/cartrescue' });
    assert.deepEqual(variables.sort(), ['ADMIN_TOKEN', 'SECRETS_KEY']);
  });

  it('DATABASE_URL with only one of ADMIN_TOKEN / SECRETS_KEY names the other', () => {
    const DATABASE_URL = 'postgres://cart:rescue@db.internal:5432/cartrescue';
    assert.deepEqual(problemsOf({ DATABASE_URL, ADMIN_TOKEN: GOOD_ADMIN_TOKEN }).variables, ['SECRETS_KEY']);
    assert.deepEqual(problemsOf({ DATABASE_URL, SECRETS_KEY: GOOD_SECRETS_KEY }).variables, ['ADMIN_TOKEN']);
  });

  it('DATABASE_URL with both secrets loads', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://cart:rescue@db.internal:5432/cartrescue',
      ADMIN_TOKEN: GOOD_ADMIN_TOKEN,
      SECRETS_KEY: GOOD_SECRETS_KEY,
    });
    assert.equal(config.databaseUrl, 'postgres://cart:rescue@db.internal:5432/cartrescue');
    assert.equal(config.adminToken, GOOD_ADMIN_TOKEN);
    assert.equal(config.secretsKey, GOOD_SECRETS_KEY);
  });

  it('a short ADMIN_TOKEN and a malformed SECRETS_KEY are each named', () => {
    assert.deepEqual(problemsOf({ ADMIN_TOKEN: 'short' }).variables, ['ADMIN_TOKEN']);
    assert.deepEqual(problemsOf({ SECRETS_KEY: 'not a key!' }).variables, ['SECRETS_KEY']);
  });

  it('ROLE=web or worker needs an external DATABASE_URL, and an unknown ROLE is named', () => {
    assert.deepEqual(problemsOf({ ROLE: 'worker' }).variables, ['ROLE']);
    assert.deepEqual(problemsOf({ ROLE: 'web' }).variables, ['ROLE']);
    assert.deepEqual(problemsOf({ ROLE: 'scheduler' }).variables, ['ROLE']);
    const external = { DATABASE_URL: 'postgres://db.internal/cartrescue', ADMIN_TOKEN: GOOD_ADMIN_TOKEN, SECRETS_KEY: GOOD_SECRETS_KEY };
    assert.equal(loadConfig({ ...external, ROLE: 'worker' }).role, 'worker');
    assert.equal(loadConfig({ ...external, ROLE: 'web' }).role, 'web');
    assert.equal(loadConfig(external).role, 'all');
  });

  it('DATA_RETENTION_DAYS below 30 or not a number is named', () => {
    assert.deepEqual(problemsOf({ DATA_RETENTION_DAYS: '7' }).variables, ['DATA_RETENTION_DAYS']);
    assert.deepEqual(problemsOf({ DATA_RETENTION_DAYS: 'forever' }).variables, ['DATA_RETENTION_DAYS']);
    assert.equal(loadConfig({ DATA_RETENTION_DAYS: '365' }).dataRetentionDays, 365);
  });

  it('REDIS_URL takes redis://, rediss:// and a unix:// socket URL, and names anything else', () => {
    for (const url of ['redis://127.0.0.1:6379/2', 'rediss://cache.example.com:6380', 'unix:///run/redis/redis.sock?db=3']) {
      assert.equal(loadConfig({ REDIS_URL: url }).redisUrl, url);
    }
    assert.deepEqual(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' }).variables, ['REDIS_URL']);
    assert.deepEqual(problemsOf({ REDIS_URL: 'unix:///run/redis/redis.sock?db=two' }).variables, ['REDIS_URL']);
  });

  it('LEDGER_SEAL_INTERVAL_MS below 50 or not a whole number is named', () => {
    assert.deepEqual(problemsOf({ LEDGER_SEAL_INTERVAL_MS: '10' }).variables, ['LEDGER_SEAL_INTERVAL_MS']);
    assert.deepEqual(problemsOf({ LEDGER_SEAL_INTERVAL_MS: 'often' }).variables, ['LEDGER_SEAL_INTERVAL_MS']);
    assert.equal(loadConfig({ LEDGER_SEAL_INTERVAL_MS: '250' }).ledgerSealIntervalMs, 250);
  });

  it('a DATABASE_URL that is not a URL is named', () => {
    const env = { DATABASE_URL: 'not a url', ADMIN_TOKEN: GOOD_ADMIN_TOKEN, SECRETS_KEY: GOOD_SECRETS_KEY };
    assert.deepEqual(problemsOf(env).variables, ['DATABASE_URL']);
  });

  for (const LOG_LEVEL of ['verbose', 'INFO', 'warning']) {
    it(`LOG_LEVEL=${LOG_LEVEL} fails naming LOG_LEVEL`, () => {
      assert.deepEqual(problemsOf({ LOG_LEVEL }).variables, ['LOG_LEVEL']);
    });
  }

  it('several bad variables are all reported at once', () => {
    assert.deepEqual(problemsOf({ PORT: 'x', LOG_LEVEL: 'loud' }).variables.sort(), ['LOG_LEVEL', 'PORT']);
  });

  const baseUrls: ReadonlyArray<readonly [string, string]> = [
    ['https://sms.shop.example/', 'https://sms.shop.example'],
    ['https://sms.shop.example///', 'https://sms.shop.example'],
    ['https://shop.example/cartrescue/', 'https://shop.example/cartrescue'],
    ['https://shop.example/cartrescue', 'https://shop.example/cartrescue'],
  ];
  for (const [given, expected] of baseUrls) {
    it(`PUBLIC_BASE_URL ${given} is kept as ${expected} (no trailing slash)`, () => {
      assert.equal(loadConfig({ PUBLIC_BASE_URL: given }).publicBaseUrl, expected);
    });
  }
});

describe('SUPPRESSION_KEY', () => {
  const hexKey = 'ab'.repeat(32);
  const base64Key = Buffer.alloc(32, 7).toString('base64');

  it('is optional: unset (or empty) leaves it to be derived from the secrets key', () => {
    assert.equal(loadConfig({}).suppressionKey, null);
    assert.equal(loadConfig({ SUPPRESSION_KEY: '' }).suppressionKey, null);
  });

  it('takes 32 bytes written as hex or as base64', () => {
    assert.equal(loadConfig({ SUPPRESSION_KEY: hexKey }).suppressionKey, hexKey);
    assert.equal(loadConfig({ SUPPRESSION_KEY: base64Key }).suppressionKey, base64Key);
  });

  for (const [label, value] of [
    ['not base64 or hex', 'not a key!'],
    ['too short', 'abc123'],
    ['31 bytes of hex', 'ab'.repeat(31) + 'a'],
    ['48 bytes of base64', Buffer.alloc(48, 1).toString('base64')],
  ] as const) {
    it(`a key that is ${label} fails start-up naming SUPPRESSION_KEY and nothing else`, () => {
      assert.deepEqual(problemsOf({ SUPPRESSION_KEY: value }).variables, ['SUPPRESSION_KEY']);
    });
  }

  it('is checked alongside DATABASE_URL without being required by it', () => {
    const env = { DATABASE_URL: 'postgres://cart:rescue@db.internal:5432/cartrescue', ADMIN_TOKEN: GOOD_ADMIN_TOKEN, SECRETS_KEY: GOOD_SECRETS_KEY };
    assert.equal(loadConfig(env).suppressionKey, null);
    assert.deepEqual(problemsOf({ ...env, SUPPRESSION_KEY: 'short' }).variables, ['SUPPRESSION_KEY']);
  });
});

describe('start-up with a bad configuration', () => {
  it('node src/main.ts with PORT=not-a-port exits 1 and names PORT on stderr', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A safety net against a start-up that hangs instead of failing; not a wait.
      timeout: 60_000,
    });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    assert.equal(signal, null, `killed by ${String(signal)}; stderr: ${stderr}`);
    assert.equal(code, 1, `stderr: ${stderr}`);
    assert.match(stderr, /invalid configuration/);
    assert.match(stderr, /\bPORT\b/);
    assert.doesNotMatch(stdout, /listening/, 'it must not have started');
  });
});

describe('PORT is a port number, written as one', () => {
  for (const PORT of [' ', '0x50', '1e3']) {
    it(`PORT=${JSON.stringify(PORT)} is refused`, () => {
      assert.deepEqual(problemsOf({ PORT }).variables, ['PORT']);
    });
  }
});
