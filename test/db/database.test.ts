import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { applicationNameFor, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { ADMIN_PG_URL } from '../support/test-database.js';

const logger = createLogger('silent');

async function sessionName(options: Parameters<typeof openDatabase>[2]): Promise<string> {
  // Read-only: nothing is written, so the shared maintenance database serves.
  const db = openDatabase(ADMIN_PG_URL, logger, options);
  try {
    const [row] = await db.sequelize.query<{ name: string }>(`SELECT current_setting('application_name') AS name`, { type: QueryTypes.SELECT });
    return row?.name ?? '';
  } finally {
    await db.close();
  }
}

describe('pooled connections outlast a quiet spell', () => {
  test('after 11 s without a query, the next one runs on the same PostgreSQL session (a pool closing idle connections after 10 s would open a new one)', async () => {
    const db = openDatabase(ADMIN_PG_URL, logger, {});
    const backend = async () =>
      (await db.sequelize.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', { type: QueryTypes.SELECT }))[0]?.pid;
    try {
      const before = await backend();
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      assert.equal(await backend(), before);
    } finally {
      await db.close();
    }
  });
});

describe('database connections say which process they belong to', () => {
  test('each role names its sessions, so pg_stat_activity tells the web process from a worker', async () => {
    assert.equal(await sessionName({ applicationName: applicationNameFor('web') }), 'cartrescue-web');
    assert.equal(await sessionName({ applicationName: applicationNameFor('worker') }), 'cartrescue-worker');
  });

  test('a process that does everything, and the migration command, have names of their own', async () => {
    assert.equal(await sessionName({}), 'cartrescue');
    assert.equal(applicationNameFor('all'), 'cartrescue');
    assert.equal(applicationNameFor('migrate'), 'cartrescue-migrate');
  });
});
