/**
 * Runs the real service (`src/main.ts`) as a child process, the way it runs in
 * production, so a test can `kill -9` it, send it SIGTERM and start it again
 * on the same database, Redis, port and secrets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every variable `src/config.ts` reads: none leaks in from the environment running the tests. */
const CONFIG_KEYS = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'REDIS_URL',
  'DATA_DIR',
  'PUBLIC_BASE_URL',
  'ADMIN_TOKEN',
  'SECRETS_KEY',
  'SUPPRESSION_KEY',
  'SMS_PROVIDER',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_API_BASE_URL',
  'LOG_LEVEL',
  'RECONCILE_INTERVAL_SECONDS',
  'LEDGER_SEAL_INTERVAL_MS',
  'SMS_TIMEOUT_MS',
  'SHUTDOWN_GRACE_MS',
  'EMBEDDED_PG_PORT',
  'SMS_MAX_PER_SECOND',
];

export interface ServiceProcessOptions {
  databaseUrl: string;
  /** '' runs BullMQ on its PostgreSQL backend in the same database. */
  redisUrl: string;
  adminToken: string;
  /** Fixed for the life of the test, so a restarted process can open what the first one sealed. */
  secretsKey: string;
  twilioAccountSid: string;
  twilioAuthToken: string;
  twilioApiBaseUrl: string;
  publicBaseUrl: string;
  /** Chosen once (a free port when unset) and reused by every restart. */
  port?: number;
  logLevel?: string;
  reconcileIntervalSeconds?: number;
  /** More variables, applied last. */
  env?: Record<string, string>;
  /** How long `start()` waits for `/readyz` (default 20 s). */
  readyTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  /** PID of the running child, null when none is running. */
  readonly pid: number | null;
  readonly running: boolean;
  /** Spawns the service and resolves once `GET /readyz` answers 200. */
  start(): Promise<void>;
  /** SIGKILL, resolves when the process has exited. */
  kill9(): Promise<ExitInfo>;
  /** SIGTERM, resolves with the exit code once the process has exited (rejects after `timeoutMs`). */
  sigterm(timeoutMs?: number): Promise<number | null>;
  /** Everything the child(ren) wrote to stdout and stderr, every run, in order. */
  output(): string;
  /** The last `lines` lines of `output()`, each cut to 600 characters: for failure messages. */
  outputTail(lines?: number): string;
  /** Kills a running child (SIGKILL) and removes the temporary data directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Children still running; killed if the test process itself goes away without cleaning up. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function createServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  // Never read with DATABASE_URL, ADMIN_TOKEN and SECRETS_KEY set; kept out of the repo anyway.
  const dataDir = mkdtempSync(join(tmpdir(), 'cartrescue-durability-'));
  const chunks: string[] = [];
  let run = 0;
  let child: ChildProcess | null = null;
  let exited: Promise<ExitInfo> | null = null;

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_KEYS) delete env[key];
  // The test runner marks its own children; the service is not a test file.
  delete env.NODE_TEST_CONTEXT;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    ADMIN_TOKEN: options.adminToken,
    SECRETS_KEY: options.secretsKey,
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: options.twilioAccountSid,
    TWILIO_AUTH_TOKEN: options.twilioAuthToken,
    TWILIO_API_BASE_URL: options.twilioApiBaseUrl,
    PUBLIC_BASE_URL: options.publicBaseUrl,
    LOG_LEVEL: options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'warn',
    RECONCILE_INTERVAL_SECONDS: String(options.reconcileIntervalSeconds ?? 1),
    ...options.env,
  });

  /** Keeps a stream's output line by line, each line prefixed, so runs and streams stay readable. */
  function captureLines(stream: NodeJS.ReadableStream | null, prefix: string): void {
    if (!stream) return;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (data: string) => {
      const lines = (partial + data).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) chunks.push(`${prefix}${line}\n`);
    });
    stream.on('end', () => {
      if (partial) chunks.push(`${prefix}${partial}\n`);
      partial = '';
    });
  }

  function note(line: string): void {
    chunks.push(`[${new Date().toISOString()}] ${line}\n`);
  }

  let lastReadyAnswer = 'no answer';
  async function isReady(): Promise<boolean> {
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) });
      lastReadyAnswer = `${response.status} ${await response.text()}`;
      return response.status === 200;
    } catch (error) {
      lastReadyAnswer = `no answer (${error instanceof Error ? error.message : String(error)})`;
      return false;
    }
  }

  const handle: ServiceProcess = {
    url,
    port,
    get pid() {
      return child?.pid ?? null;
    },
    get running() {
      return child !== null;
    },
    async start() {
      if (child) throw new Error(`service already running (pid ${child.pid})`);
      run += 1;
      const label = `run ${run}`;
      const started = Date.now();
      const spawned = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = spawned;
      live.add(spawned);
      note(`${label}: spawned pid ${spawned.pid} on port ${port}`);
      captureLines(spawned.stdout, `[${label} out] `);
      captureLines(spawned.stderr, `[${label} err] `);
      exited = new Promise<ExitInfo>((resolve) => {
        spawned.once('exit', (code, signal) => {
          note(`${label}: pid ${spawned.pid} exited code=${code} signal=${signal}`);
          live.delete(spawned);
          if (child === spawned) child = null;
          resolve({ code, signal });
        });
      });
      const spawnError = new Promise<never>((_, reject) => spawned.once('error', reject));
      spawnError.catch(() => {});

      const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
      const deadline = started + readyTimeoutMs;
      let exitedEarly: ExitInfo | null = null;
      void exited.then((info) => {
        exitedEarly = info;
      });
      while (Date.now() < deadline) {
        if (exitedEarly) {
          throw new Error(`service exited before it was ready (${JSON.stringify(exitedEarly)})\n${handle.outputTail(40)}`);
        }
        if (await Promise.race([isReady(), spawnError])) {
          note(`${label}: ready after ${Date.now() - started} ms`);
          return;
        }
        await sleep(100);
      }
      await handle.kill9();
      throw new Error(`service not ready within ${readyTimeoutMs} ms (last GET /readyz: ${lastReadyAnswer})\n${handle.outputTail(40)}`);
    },
    async kill9() {
      const current = child;
      if (!current || !exited) return { code: null, signal: null };
      note(`SIGKILL pid ${current.pid}`);
      current.kill('SIGKILL');
      return exited;
    },
    async sigterm(timeoutMs = 15_000) {
      const current = child;
      if (!current || !exited) throw new Error('service is not running');
      note(`SIGTERM pid ${current.pid}`);
      current.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`service did not exit within ${timeoutMs} ms of SIGTERM`)), timeoutMs);
      });
      try {
        const info = await Promise.race([exited, timeout]);
        return info.code;
      } finally {
        clearTimeout(timer);
      }
    },
    output() {
      return chunks.join('');
    },
    outputTail(lines = 120) {
      // A crash loop logs the same line thousands of times: runs of lines that differ only in their time collapse.
      const collapsed: string[] = [];
      let previousKey: string | null = null;
      let repeats = 0;
      const flushRepeats = () => {
        if (repeats > 0) collapsed.push(`  (the line above ${repeats} more time(s))`);
        repeats = 0;
      };
      for (const line of chunks.join('').split('\n')) {
        const key = line.replace(/"time":"[^"]*"/, '').replace(/^\[[^\]]*\] /, '');
        if (key === previousKey) {
          repeats += 1;
          continue;
        }
        flushRepeats();
        previousKey = key;
        collapsed.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
      }
      flushRepeats();
      const tail = collapsed.slice(-lines);
      return (collapsed.length > lines ? `… ${collapsed.length - lines} earlier line(s) left out\n` : '') + tail.join('\n');
    },
    async stop() {
      await handle.kill9();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
