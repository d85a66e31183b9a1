import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { EmbeddedPasswordRefusedError, embeddedPassword, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.js';
import { createLogger } from '../../src/logger.js';

/** What every embedded cluster was given before each had its own. */
const WELL_KNOWN_PASSWORD = 'cartrescue-local';

async function signIn(url: string): Promise<'in' | 'refused'> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return 'in';
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return 'refused';
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The same server and database, signed in as `postgres` with `password`. */
function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

describe('embedded PostgreSQL credentials', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cartrescue-embedded-pw-'));
  // As root, PostgreSQL runs as its own user, who must be able to enter the data dir.
  chmodSync(dataDir, 0o755);
  const logger = createLogger('silent');
  let running: EmbeddedDatabase | null = null;
  after(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a new cluster gets a password of its own, kept in the data dir for its owner only; the well-known one is refused', async () => {
    running = await startEmbeddedPostgres({ dataDir, port: null, logger });
    const password = embeddedPassword(dataDir);
    assert.ok(password && password.length >= 24, 'a generated password is kept');
    assert.notEqual(password, WELL_KNOWN_PASSWORD);
    assert.equal(statSync(join(dataDir, 'postgres-password')).mode & 0o777, 0o600);
    assert.equal(await signIn(running.url), 'in');
    assert.equal(await signIn(withPassword(running.url, WELL_KNOWN_PASSWORD)), 'refused');
  });

  test('a cluster from before, still on the well-known password, is moved off it at its next start and keeps its data', async () => {
    assert.ok(running);
    // Put the cluster back as older versions left it: the well-known password, nothing kept beside it.
    const admin = new pg.Client({ connectionString: running.url });
    await admin.connect();
    await admin.query('CREATE TABLE kept (value text)');
    await admin.query(`INSERT INTO kept VALUES ('from before')`);
    await admin.query(`ALTER ROLE postgres WITH PASSWORD '${WELL_KNOWN_PASSWORD}'`);
    await admin.end();
    unlinkSync(join(dataDir, 'postgres-password'));
    await running.stop();
    running = null;

    running = await startEmbeddedPostgres({ dataDir, port: null, logger });
    const password = embeddedPassword(dataDir);
    assert.ok(password && password !== WELL_KNOWN_PASSWORD);
    assert.equal(await signIn(withPassword(running.url, WELL_KNOWN_PASSWORD)), 'refused');
    const client = new pg.Client({ connectionString: running.url });
    await client.connect();
    const { rows } = await client.query<{ value: string }>('SELECT value FROM kept');
    await client.end();
    assert.deepEqual(rows, [{ value: 'from before' }]);
  });

  test('a restart signs in with the password kept from the first start', async () => {
    assert.ok(running);
    const before = embeddedPassword(dataDir);
    await running.stop();
    running = null;
    running = await startEmbeddedPostgres({ dataDir, port: null, logger });
    assert.equal(embeddedPassword(dataDir), before);
    assert.equal(await signIn(running.url), 'in');
  });

  test('a cluster that accepts neither the kept password nor the well-known one fails the start with a clear error, and is stopped', async () => {
    assert.ok(running);
    const admin = new pg.Client({ connectionString: running.url });
    await admin.connect();
    await admin.query(`ALTER ROLE postgres WITH PASSWORD 'changed-by-hand'`);
    await admin.end();
    await running.stop();
    running = null;
    await assert.rejects(startEmbeddedPostgres({ dataDir, port: null, logger }), (error: unknown) => {
      assert.ok(error instanceof EmbeddedPasswordRefusedError);
      assert.equal(error.code, 'embedded_password_refused');
      assert.match(error.message, /postgres-password/);
      return true;
    });
    // Stopped: a new start of the same cluster comes up (and is refused the same way), not "already running".
    await assert.rejects(startEmbeddedPostgres({ dataDir, port: null, logger }), EmbeddedPasswordRefusedError);
  });
});
