import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { QueryTypes, Sequelize, type Transaction } from 'sequelize';
import { deferIn, queryIn } from '../../src/db/sql.js';
import { installPipeline, quoted, type PgClientLike } from '../../src/db/transaction-pipeline.js';
import { runTransaction } from '../../src/db/transaction-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * What reaches the server is counted on pg's own client, beneath the
 * pipeline: one call of the driver's `query` is one message, one round trip.
 */
describe('transaction pipeline', () => {
  let database: TestDatabase;
  let sequelize: Sequelize;
  let messages: string[] = [];
  /** Whether each call of the driver's `query` carried a callback (pg's callback form). */
  let withCallback: boolean[] = [];

  before(async () => {
    database = await createTestDatabase('transaction_pipeline');
    sequelize = new Sequelize(database.url, {
      dialect: 'postgres',
      dialectModule: pg,
      logging: false,
      pool: { max: 1, min: 0 },
      hooks: {
        afterConnect: (connection) => {
          const client = connection as PgClientLike;
          const driver = client.query.bind(client) as (...args: unknown[]) => unknown;
          client.query = (...args: unknown[]) => {
            const [config] = args;
            messages.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
            withCallback.push(typeof args[args.length - 1] === 'function');
            return driver(...args);
          };
          installPipeline(client);
        },
      },
    });
    await sequelize.query(`CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)`);
    await sequelize.query(`CREATE TABLE kinds (
      id int PRIMARY KEY, t text, n int, b boolean, at timestamptz, doc jsonb, ids uuid[], words text[], raw bytea)`);
  });
  after(async () => {
    await sequelize?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await sequelize.query('TRUNCATE items, kinds');
    messages = [];
    withCallback = [];
  });

  it("every statement reaches pg through its callback form, whose queries die young (pg's promise form keeps them until a full GC)", async () => {
    // Statement texts of its own, so the other tests still see their first PREPARE.
    const add = (transaction: Transaction, id: number, label: string) =>
      deferIn(transaction, 'INSERT INTO items (label, id) VALUES (:label, :id)', { id, label });
    await runTransaction(sequelize, async (transaction) => {
      await add(transaction, 1, 'one');
      await queryIn(transaction, 'SELECT label FROM items WHERE id = :id', { id: 1 });
      await add(transaction, 2, 'two');
    });
    await sequelize.query('SELECT 1', { type: QueryTypes.SELECT });
    assert.ok(messages.length >= 3, `messages: ${messages.join(' | ')}`);
    assert.deepEqual(withCallback, messages.map(() => true), `messages: ${messages.join(' | ')}`);
    assert.deepEqual(await labels(), ['one', 'two']);
  });

  const labels = async () =>
    (await sequelize.query<{ id: number; label: string }>('SELECT id, label FROM items ORDER BY id', { type: QueryTypes.SELECT })).map((row) => row.label);
  const insert = (transaction: Transaction, id: number, label: string) =>
    deferIn(transaction, 'INSERT INTO items (id, label) VALUES (:id, :label)', { id, label });

  it('the BEGIN travels with the first statement and deferred writes with the COMMIT: two round trips for four statements', async () => {
    const seen = await sequelize.transaction(async (transaction) => {
      await insert(transaction, 1, 'one');
      const rows = await queryIn<{ count: string }>(transaction, 'SELECT count(*) AS count FROM items WHERE id >= :from', { from: 0 });
      await insert(transaction, 2, 'two');
      return rows[0]?.count;
    });
    assert.equal(seen, '1', 'the read saw the write deferred before it');
    assert.equal(messages.length, 2);
    assert.match(messages[0] ?? '', /^START TRANSACTION;\nPREPARE .*\nEXECUTE .*;\nPREPARE .*\nEXECUTE /s);
    assert.match(messages[1] ?? '', /EXECUTE .*;\nCOMMIT$/s);
    assert.deepEqual(await labels(), ['one', 'two']);
  });

  it('a statement is prepared once per connection: later transactions send EXECUTE alone', async () => {
    await sequelize.transaction((transaction) => insert(transaction, 1, 'one'));
    await sequelize.transaction((transaction) => insert(transaction, 2, 'two'));
    assert.equal(messages.length, 2);
    assert.doesNotMatch(messages[1] ?? '', /PREPARE/);
    assert.deepEqual(await labels(), ['one', 'two']);
  });

  it('a transaction that sends nothing costs no round trip, committed or rolled back', async () => {
    await sequelize.transaction(async () => undefined);
    await assert.rejects(
      sequelize.transaction(async (transaction) => {
        await insert(transaction, 1, 'never sent');
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.deepEqual(messages, []);
    assert.deepEqual(await labels(), []);
  });

  it('a deferred write that fails fails the COMMIT, undoes the transaction and leaves the connection clean', async () => {
    const pid = () => runTransaction(sequelize, (transaction) => queryIn<{ pid: number }>(transaction, 'SELECT pg_backend_pid() AS pid', {}));
    await runTransaction(sequelize, (transaction) => insert(transaction, 1, 'first'));
    const before = await pid();
    await assert.rejects(
      runTransaction(sequelize, async (transaction) => {
        await insert(transaction, 2, 'undone with the rest');
        await insert(transaction, 1, 'duplicate key');
      }),
      (error: Error & { code?: string }) => error.code === '23505',
    );
    // Sequelize's own transaction would replace the connection after a failed COMMIT; ours keeps it, so it must be clean.
    assert.deepEqual(await pid(), before, 'the same connection');
    await runTransaction(sequelize, (transaction) => insert(transaction, 3, 'after'));
    assert.deepEqual(await labels(), ['first', 'after']);
  });

  it('a failing statement sent with the BEGIN rolls back what was deferred before it', async () => {
    await assert.rejects(
      sequelize.transaction(async (transaction) => {
        await insert(transaction, 1, 'undone');
        await queryIn(transaction, 'SELECT 1 / :zero AS x', { zero: 0 });
      }),
      /division by zero/,
    );
    assert.deepEqual(await labels(), []);
  });

  it('a statement whose PREPARE went out in a failed message goes bound afterwards, and works', async () => {
    const odd = 'INSERT INTO items (id, label) VALUES (:id, :label || :suffix)';
    const pid = () => runTransaction(sequelize, (transaction) => queryIn<{ pid: number }>(transaction, 'SELECT pg_backend_pid() AS pid', {}));
    const before = await pid();
    // Our runner keeps the connection after a failed COMMIT (Sequelize's own transaction would replace it).
    await assert.rejects(
      runTransaction(sequelize, async (transaction) => {
        await deferIn(transaction, odd, { id: 1, label: 'x', suffix: '' });
        await deferIn(transaction, odd, { id: 1, label: 'clash', suffix: '' });
      }),
      (error: Error & { code?: string }) => error.code === '23505',
    );
    assert.deepEqual(await pid(), before, 'the same connection');
    // The PREPARE did run (PREPARE is not undone by a rollback); preparing it again would fail.
    messages = [];
    await runTransaction(sequelize, async (transaction) => {
      await queryIn(transaction, 'SELECT 1 AS one', {});
      await deferIn(transaction, odd, { id: 2, label: 'bound', suffix: '!' });
    });
    // BEGIN with the SELECT; the bound INSERT alone (nothing was pending); the COMMIT.
    assert.equal(messages.length, 3, messages.join(' | '));
    assert.doesNotMatch(messages.join(' | '), /PREPARE/);
    assert.deepEqual(await labels(), ['bound!']);
  });

  it("Sequelize's own queries with bound values see the writes deferred before them", async () => {
    const count = await sequelize.transaction(async (transaction) => {
      await insert(transaction, 1, 'one');
      const rows = await sequelize.query<{ count: string }>('SELECT count(*) AS count FROM items WHERE label = $1', {
        bind: ['one'],
        transaction,
        type: QueryTypes.SELECT,
      });
      return rows[0]?.count;
    });
    assert.equal(count, '1');
    assert.deepEqual(await labels(), ['one']);
  });

  it('values keep their type and meaning as literals, exactly as when bound', async () => {
    const values = {
      t: `it's a "test" \\ with a backslash, a new\nline, émoji 🛒 and a ; semicolon`,
      n: -42,
      b: false,
      at: new Date('2026-03-08T07:30:00.123Z'),
      doc: JSON.stringify({ quote: "'", backslash: '\\', nested: { list: [1, 'two', null] } }),
      ids: ['01a21370-f448-7770-9893-ed358aa3c2e2', '01a21370-f34d-76fa-88e4-0b75051aee0e'],
      words: ['plain', 'with,comma', 'with "quotes"', "it's", null],
      raw: Buffer.from([0, 1, 2, 254, 255]),
    };
    const insertAll = `INSERT INTO kinds (id, t, n, b, at, doc, ids, words, raw)
      VALUES (:id, :t, :n, :b, :at, :doc::jsonb, :ids::uuid[], :words::text[], :raw)`;
    await sequelize.transaction((transaction) => deferIn(transaction, insertAll, { id: 1, ...values }));
    // The same values bound, on a connection with nothing pending.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO kinds (id, t, n, b, at, doc, ids, words, raw) VALUES (2, $1, $2, $3, $4, $5::jsonb, $6::uuid[], $7::text[], $8)`,
        [values.t, values.n, values.b, values.at, values.doc, values.ids, values.words, values.raw],
      );
      const { rows } = await client.query('SELECT t, n, b, at, doc, ids, words, raw FROM kinds ORDER BY id');
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[0], rows[1]);
      assert.equal(rows[0].t, values.t);
      assert.equal(rows[0].at.toISOString(), values.at.toISOString());
      assert.deepEqual(rows[0].doc, JSON.parse(values.doc));
      assert.deepEqual(rows[0].raw, values.raw);
    } finally {
      await client.end();
    }
  });

  it('a connection keeps a bounded number of statements prepared: past it, new texts still run, unnamed', async () => {
    for (let i = 0; i < 300; i += 1) {
      const rows = await sequelize.transaction((transaction) => queryIn<{ x: number }>(transaction, `SELECT :v::int + ${i} AS x`, { v: 1 }));
      assert.equal(rows[0]?.x, i + 1);
    }
    const [kept] = await sequelize.query<{ count: string }>("SELECT count(*) AS count FROM pg_prepared_statements WHERE name LIKE 'p\\_%'", {
      type: QueryTypes.SELECT,
    });
    assert.ok(Number(kept?.count) <= 256, `${kept?.count} statements kept prepared`);
  });

  it('quotes exactly as pg does', () => {
    for (const text of ['', 'plain', "it's", 'back\\slash', "both ' and \\", "''\\\\"]) {
      assert.equal(quoted(text), pg.escapeLiteral(text), text);
    }
  });
});
