import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { REPO_ROOT } from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** `npm run migrate` as an operator runs it: a process of its own, configured by the environment alone. */
function runMigrate(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/migrate-cli.ts'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const MIGRATIONS = readdirSync(join(REPO_ROOT, 'migrations'))
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
  .map((name) => name.replace(/\.ts$/, ''))
  .sort();

describe('npm run migrate', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('migrate_cli');
  });
  after(async () => database?.drop());

  test('applies every migration to DATABASE_URL, then finds the database up to date', async () => {
    const first = await runMigrate({ DATABASE_URL: database.url });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^applied: /);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      assert.deepEqual(rows.map((row) => row.name), MIGRATIONS);
    } finally {
      await client.end();
    }
    const second = await runMigrate({ DATABASE_URL: database.url });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'database is up to date\n');
  });

  test('a DATABASE_URL that is not a URL exits non-zero and names the variable', async () => {
    const result = await runMigrate({ DATABASE_URL: 'not a url' });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /DATABASE_URL/);
  });
});
