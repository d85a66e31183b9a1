import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { QueryTypes, Sequelize, type Transaction } from 'sequelize';
import { deferIn, queryIn } from '../../src/db/sql.js';
import { installPipeline, type PgClientLike } from '../../src/db/transaction-pipeline.js';
import { runTransaction } from '../../src/db/transaction-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('runTransaction', () => {
  let database: TestDatabase;
  let sequelize: Sequelize;

  before(async () => {
    database = await createTestDatabase('transaction_runner');
    // One connection: a transaction that kept it would hang the next test.
    sequelize = new Sequelize(database.url, {
      dialect: 'postgres',
      dialectModule: pg,
      logging: false,
      pool: { max: 1, min: 0, acquire: 5_000 },
      hooks: { afterConnect: (connection) => void installPipeline(connection as PgClientLike) },
    });
    await sequelize.query('CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)');
  });
  after(async () => {
    await sequelize?.close();
    await database?.drop();
  });
  beforeEach(() => sequelize.query('TRUNCATE items'));

  const outside = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<{ label: string }>('SELECT label FROM items ORDER BY id')).rows.map((row) => row.label);
    } finally {
      await client.end();
    }
  };
  const insert = (transaction: Transaction, id: number, label: string) =>
    deferIn(transaction, 'INSERT INTO items (id, label) VALUES (:id, :label)', { id, label });

  it("commits the work's writes together, returns its value, and Sequelize queries given the transaction run inside it", async () => {
    const value = await runTransaction(sequelize, async (transaction) => {
      await insert(transaction, 1, 'one');
      const inside = await sequelize.query<{ label: string }>('SELECT label FROM items', { transaction, type: QueryTypes.SELECT });
      assert.deepEqual(inside.map((row) => row.label), ['one'], 'the transaction sees its own write');
      assert.deepEqual(await outside(), [], 'nobody else does before the commit');
      return 'done';
    });
    assert.equal(value, 'done');
    assert.deepEqual(await outside(), ['one']);
  });

  it("rolls back when the work throws, reports the work's error and gives the connection back clean", async () => {
    await assert.rejects(
      runTransaction(sequelize, async (transaction) => {
        await insert(transaction, 1, 'undone');
        await queryIn(transaction, 'SELECT 1 AS sent', {});
        throw new Error('the work failed');
      }),
      /the work failed/,
    );
    assert.deepEqual(await outside(), []);
    await runTransaction(sequelize, (transaction) => insert(transaction, 2, 'next'));
    assert.deepEqual(await outside(), ['next']);
  });

  it('a failed COMMIT rejects and leaves the connection usable', async () => {
    await runTransaction(sequelize, (transaction) => insert(transaction, 1, 'first'));
    await assert.rejects(
      runTransaction(sequelize, (transaction) => insert(transaction, 1, 'duplicate')),
      (error: Error & { code?: string }) => error.code === '23505',
    );
    await runTransaction(sequelize, (transaction) => insert(transaction, 2, 'second'));
    assert.deepEqual(await outside(), ['first', 'second']);
  });

  it('a transaction refuses Sequelize queries once it has ended', async () => {
    let kept: Transaction | undefined;
    await runTransaction(sequelize, async (transaction) => {
      kept = transaction;
    });
    assert.ok(kept);
    await assert.rejects(sequelize.query('SELECT 1', { transaction: kept }), /commit has been called on this transaction/);
  });
});
