/**
 * A Redis server of a test's own (`redis-server` from PATH, no persistence),
 * so that FLUSHALL or a crash in one test never touches another test file's data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './service-process.js';

export interface PrivateRedis {
  url: string;
  port: number;
  /** `unix:///…/redis.sock` when started with `unixSocket`, else null. */
  socketUrl: string | null;
  /** A client on the private server, for inspection (created lazily, closed by `stop()`). */
  client(): Redis;
  flushall(): Promise<void>;
  stop(): Promise<void>;
  /** What the server wrote to stdout/stderr. */
  output(): string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Servers still running; killed if the test process goes away without calling `stop()`. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const server of live) server.kill('SIGKILL');
});

/**
 * Starts a private server; a port taken between choosing and binding it means another try. `port` starts it
 * where an earlier one was stopped, so a client left configured for it finds it again.
 */
export async function startPrivateRedis(options: { unixSocket?: boolean; port?: number } = {}): Promise<PrivateRedis> {
  if (options.port !== undefined) return startOnce(options.unixSocket ?? false, options.port);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options.unixSocket ?? false, await freePort());
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Resolves once both queue workers (timers, outbox) wait in their blocking pop on `server`: the state a service is in between jobs. */
export async function workersBlocking(server: PrivateRedis, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const clients = String(await server.client().client('LIST')).split('\n');
    if (clients.filter((client) => / cmd=bzpopmin /.test(client)).length >= 2) return;
    if (Date.now() > deadline) throw new Error(`queue workers not blocking on redis port ${server.port}:\n${clients.join('\n')}`);
    await sleep(100);
  }
}

async function startOnce(unixSocket: boolean, port: number): Promise<PrivateRedis> {
  const chunks: string[] = [];
  const socketDir = unixSocket ? mkdtempSync(join(tmpdir(), 'cartrescue-redis-')) : null;
  const socketPath = socketDir ? join(socketDir, 'redis.sock') : null;
  const server: ChildProcess = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      ...(socketPath ? ['--unixsocket', socketPath, '--unixsocketperm', '700'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(server);
  server.stdout?.setEncoding('utf8').on('data', (data: string) => chunks.push(data));
  server.stderr?.setEncoding('utf8').on('data', (data: string) => chunks.push(data));
  let exitInfo: string | null = null;
  const exited = new Promise<void>((resolve) => {
    server.once('exit', (code, signal) => {
      live.delete(server);
      exitInfo = `code=${code} signal=${signal}`;
      resolve();
    });
  });
  let spawnError: Error | null = null;
  server.once('error', (error) => {
    spawnError = error;
  });

  const url = `redis://127.0.0.1:${port}`;
  let inspector: Redis | null = null;
  const client = () => (inspector ??= new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false }));

  // Wait until it answers PING.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError) throw new Error(`redis-server could not be started: ${String(spawnError)}`);
    if (exitInfo) throw new Error(`redis-server exited (${exitInfo}):\n${chunks.join('')}`);
    const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer within 10 s:\n${chunks.join('')}`);
    }
    await sleep(50);
  }

  return {
    url,
    port,
    socketUrl: socketPath ? `unix://${socketPath}` : null,
    client,
    async flushall() {
      await client().flushall();
    },
    async stop() {
      if (inspector) {
        await inspector.quit().catch(() => inspector?.disconnect());
        inspector = null;
      }
      if (exitInfo === null) {
        server.kill('SIGKILL');
        await exited;
      }
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    },
    output: () => chunks.join(''),
  };
}
