import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryTypes, Sequelize } from 'sequelize';
import pg from 'pg';
import { writeBatch } from '../../src/db/write-batch.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('writeBatch', () => {
  let database: TestDatabase;
  let sequelize: Sequelize;

  before(async () => {
    database = await createTestDatabase('write_batch');
    sequelize = new Sequelize(database.url, { dialect: 'postgres', dialectModule: pg, logging: false });
    await sequelize.query('CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL, seen int NOT NULL DEFAULT 0)');
  });
  after(async () => {
    await sequelize?.close();
    await database?.drop();
  });

  const labels = () => sequelize.query<{ id: number; label: string; seen: number }>('SELECT id, label, seen FROM items ORDER BY id', { type: QueryTypes.SELECT });

  it('sends queued inserts together and keeps every write of the transaction', async () => {
    await sequelize.transaction(async (transaction) => {
      const sql = writeBatch(transaction);
      await sql.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 1, label: 'one' });
      await sql.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 2, label: "two's" });
      await sql.flush();
    });
    assert.deepEqual(await labels(), [{ id: 1, label: 'one', seen: 0 }, { id: 2, label: "two's", seen: 0 }]);
  });

  it('an UPDATE after a queued write to the same table sees it, as if sent one by one', async () => {
    await sequelize.transaction(async (transaction) => {
      const sql = writeBatch(transaction);
      await sql.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 3, label: 'three' });
      await sql.write('UPDATE items SET seen = seen + 1 WHERE id >= :from', { from: 1 });
      await sql.write('UPDATE items SET seen = seen + 10 WHERE id = :id', { id: 3 });
      await sql.flush();
    });
    assert.deepEqual((await labels()).map((r) => r.seen), [1, 1, 11]);
  });

  it('scoped writes flush only for their own scope: other scopes share the statement (and so do not see each other)', async () => {
    await sequelize.transaction(async (transaction) => {
      const sql = writeBatch(transaction);
      const a = sql.scoped('a');
      const b = sql.scoped('b');
      await a.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 20, label: 'a' });
      await b.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 21, label: 'b' });
      // Same scope: flushed first, so this UPDATE sees the row its scope inserted.
      await a.write('UPDATE items SET seen = seen + 1 WHERE id = :id', { id: 20 });
      // Another scope, breaking its promise on purpose: it goes with a's queued write and cannot see a's new row.
      await a.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 22, label: 'a2' });
      await b.write('UPDATE items SET seen = seen + 100 WHERE id = :id', { id: 22 });
      // An unscoped UPDATE conflicts with every scope: it flushes and sees everything.
      await sql.write('UPDATE items SET seen = seen + 1000 WHERE id IN (20, 21, 22)', {});
      await sql.flush();
    });
    const seen = Object.fromEntries((await labels()).filter((r) => r.id >= 20).map((r) => [r.id, r.seen]));
    assert.deepEqual(seen, { 20: 1001, 21: 1000, 22: 1000 });
    await sequelize.query('DELETE FROM items WHERE id >= 20');
  });

  it('a read flushes what is queued first', async () => {
    await sequelize.transaction(async (transaction) => {
      const sql = writeBatch(transaction);
      await sql.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 4, label: 'four' });
      const rows = await sql.read<{ n: number }>('SELECT count(*)::int AS n FROM items', {});
      assert.equal(rows[0]?.n, 4);
    });
  });

  it('nothing queued reaches the database when the transaction rolls back', async () => {
    await assert.rejects(
      sequelize.transaction(async (transaction) => {
        const sql = writeBatch(transaction);
        await sql.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 5, label: 'five' });
        await sql.write('INSERT INTO items (id, label) VALUES (:id, :label)', { id: 1, label: 'duplicate' });
        await sql.flush();
      }),
    );
    assert.equal((await labels()).length, 4);
  });

  it('a sequence of writes met again, and a longer one sharing its start, each carry their own values', async () => {
    const insert = 'INSERT INTO items (id, label) VALUES (:id, :label)';
    const touch = 'UPDATE items SET seen = seen + :by WHERE id = :id';
    const rounds: Array<Array<[string, Record<string, unknown>]>> = [
      [[insert, { id: 40, label: 'forty' }], [insert, { id: 41, label: 'forty-one' }]],
      [[insert, { id: 42, label: 'forty-two' }], [insert, { id: 43, label: 'forty-three' }]],
      [[insert, { id: 44, label: 'forty-four' }], [insert, { id: 45, label: 'forty-five' }], [touch, { id: 40, by: 7 }]],
      [[insert, { id: 46, label: 'forty-six' }]],
    ];
    for (const writes of rounds) {
      await sequelize.transaction(async (transaction) => {
        const sql = writeBatch(transaction);
        for (const [statement, params] of writes) await sql.write(statement, params);
        await sql.flush();
      });
    }
    const rows = (await labels()).filter((row) => row.id >= 40);
    assert.deepEqual(rows.map((row) => [row.id, row.label, row.seen]), [
      [40, 'forty', 7],
      [41, 'forty-one', 0],
      [42, 'forty-two', 0],
      [43, 'forty-three', 0],
      [44, 'forty-four', 0],
      [45, 'forty-five', 0],
      [46, 'forty-six', 0],
    ]);
  });
});
