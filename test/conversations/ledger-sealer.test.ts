import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { QueryTypes, type Transaction } from 'sequelize';
import { appendConsent, verifyLedger, type ConsentRecord } from '../../src/conversations/consent-ledger.js';
import { sealAll, sealLedger } from '../../src/conversations/ledger-sealer.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrator.js';
import { writeBatch } from '../../src/db/write-batch.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const PARALLEL = 40;

describe('consent ledger sealing', () => {
  let database: TestDatabase;
  let db: Database;
  const logger = createLogger('silent');
  const deps = () => ({ db, logger });

  before(async () => {
    database = await createTestDatabase('ledger_sealer');
    db = openDatabase(database.url, logger, { poolMax: PARALLEL + 4 });
    await migrate(db.sequelize, logger);
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  const record = (merchantId: string, i: number, change: ConsentRecord['change'] = 'revoked'): ConsentRecord => ({
    merchantId,
    customerId: null,
    phone: `+1212555${String(1000 + i)}`,
    change,
    source: 'api',
    evidence: { i, text: `entry "${i}" ñ` },
    at: new Date(Date.now() + i),
  });
  const append = async (transaction: Transaction, records: ConsentRecord[]) => {
    const sql = writeBatch(transaction);
    await appendConsent(sql, records);
    await sql.flush();
  };
  const newestId = async (transaction: Transaction, merchantId: string) => {
    const [row] = await db.sequelize.query<{ id: string }>('SELECT max(id) AS id FROM consent_events WHERE merchant_id = :merchantId', {
      replacements: { merchantId },
      transaction,
      type: QueryTypes.SELECT,
    });
    return row!.id;
  };
  const chainOf = (merchantId: string) =>
    db.sequelize.query<{ seq: string; eventId: string; prevHash: string | null; hash: string }>(
      'SELECT seq, event_id AS "eventId", prev_hash AS "prevHash", hash FROM consent_chain WHERE merchant_id = :merchantId ORDER BY seq',
      { replacements: { merchantId }, type: QueryTypes.SELECT },
    );
  const assertLinked = (chain: Awaited<ReturnType<typeof chainOf>>) => {
    assert.deepEqual(chain.map((link) => Number(link.seq)), chain.map((_, i) => i + 1), 'seq runs 1..n without a gap');
    chain.forEach((link, i) => assert.equal(link.prevHash, i === 0 ? null : chain[i - 1]!.hash, `link ${i + 1} follows the one before`));
  };

  test(`appends of one merchant from ${PARALLEL} open transactions commit without waiting for each other, and seal into one intact chain`, async () => {
    const merchantId = randomUUID();
    let appended = 0;
    let allAppended!: () => void;
    const everyoneAppended = new Promise<void>((resolve) => (allAppended = resolve));
    const timedOut = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('an append waited for another transaction to commit')), 10_000).unref(),
    );
    const ids = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        db.sequelize.transaction(async (transaction) => {
          await append(transaction, [record(merchantId, i)]);
          const id = await newestId(transaction, merchantId);
          // Nobody commits until every transaction has appended: a per-merchant lock would never get here.
          if (++appended === PARALLEL) allAppended();
          await Promise.race([everyoneAppended, timedOut]);
          return id;
        }),
      ),
    );
    assert.deepEqual(await verifyLedger(deps(), merchantId), { ok: true, entries: 0, pending: PARALLEL });

    assert.equal(await sealLedger(deps(), merchantId, { batchSize: 15 }), PARALLEL);
    assert.deepEqual(await verifyLedger(deps(), merchantId), { ok: true, entries: PARALLEL, pending: 0 });
    const chain = await chainOf(merchantId);
    assertLinked(chain);
    assert.deepEqual(chain.map((link) => link.eventId), [...ids].sort((a, b) => Number(a) - Number(b)), 'sealed in id order');
  });

  test('entries appended together keep their order in ids, whatever else the batch writes', async () => {
    const merchantId = randomUUID();
    await db.sequelize.transaction(async (transaction) => {
      const sql = writeBatch(transaction);
      await appendConsent(sql, [record(randomUUID(), 0)]);
      await appendConsent(sql, [record(merchantId, 1, 'requested'), record(merchantId, 2, 'confirmed'), record(merchantId, 3, 'revoked')]);
      await sql.flush();
    });
    const rows = await db.sequelize.query<{ change: string }>('SELECT change FROM consent_events WHERE merchant_id = :merchantId ORDER BY id', {
      replacements: { merchantId },
      type: QueryTypes.SELECT,
    });
    assert.deepEqual(rows.map((row) => row.change), ['requested', 'confirmed', 'revoked']);
  });

  test('an entry committed late, with a lower id than one already sealed, is sealed in a later pass and the chain stays intact', async () => {
    const merchantId = randomUUID();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let appendedEarly!: (id: string) => void;
    const earlyId = new Promise<string>((resolve) => (appendedEarly = resolve));
    const early = db.sequelize.transaction(async (transaction) => {
      await append(transaction, [record(merchantId, 1)]);
      appendedEarly(await newestId(transaction, merchantId));
      await released;
    });
    const lowerId = await earlyId;
    const laterId = await db.sequelize.transaction(async (transaction) => {
      await append(transaction, [record(merchantId, 2)]);
      return newestId(transaction, merchantId);
    });
    assert.ok(Number(lowerId) < Number(laterId));

    assert.equal(await sealLedger(deps(), merchantId), 1, 'only the committed entry is sealed');
    release();
    await early;
    assert.deepEqual(await verifyLedger(deps(), merchantId), { ok: true, entries: 1, pending: 1 });
    assert.equal(await sealLedger(deps(), merchantId), 1);

    const chain = await chainOf(merchantId);
    assertLinked(chain);
    assert.deepEqual(chain.map((link) => link.eventId), [laterId, lowerId], 'chained in the order sealed');
    assert.deepEqual(await verifyLedger(deps(), merchantId), { ok: true, entries: 2, pending: 0 });
  });

  test('sealers at work on one merchant at once take turns: no duplicate seq, no error', async () => {
    const merchantId = randomUUID();
    await Promise.all(
      Array.from({ length: 6 }, (_, t) =>
        db.sequelize.transaction((transaction) => append(transaction, Array.from({ length: 5 }, (_, i) => record(merchantId, t * 5 + i)))),
      ),
    );
    const [first, second] = await Promise.all([
      sealLedger(deps(), merchantId, { batchSize: 4 }),
      sealLedger(deps(), merchantId, { batchSize: 4 }),
      sealAll(deps(), { batchSize: 4 }),
    ]);
    assert.ok(first + second <= 30);
    await sealLedger(deps(), merchantId);
    const chain = await chainOf(merchantId);
    assert.equal(chain.length, 30);
    assertLinked(chain);
    assert.equal(new Set(chain.map((link) => link.eventId)).size, 30, 'every entry is chained once');
    assert.deepEqual(await verifyLedger(deps(), merchantId), { ok: true, entries: 30, pending: 0 });
  });

  test('an entry taken out of the sealing queue is reported not_chained', async () => {
    const merchantId = randomUUID();
    await db.sequelize.transaction((transaction) => append(transaction, [record(merchantId, 1), record(merchantId, 2)]));
    await sealLedger(deps(), merchantId);
    const removed = await db.sequelize.transaction(async (transaction) => {
      await append(transaction, [record(merchantId, 3)]);
      const id = await newestId(transaction, merchantId);
      await db.sequelize.query('DELETE FROM consent_unsealed WHERE event_id = :id', { replacements: { id }, transaction });
      return id;
    });
    assert.equal(await sealLedger(deps(), merchantId), 0, 'nothing left for the sealer');
    assert.deepEqual(await verifyLedger(deps(), merchantId), { ok: false, entries: 2, pending: 0, brokenAt: removed, reason: 'not_chained' });
  });

  test('the chain refuses UPDATE and DELETE', async () => {
    const merchantId = randomUUID();
    await db.sequelize.transaction((transaction) => append(transaction, [record(merchantId, 1)]));
    await sealLedger(deps(), merchantId);
    const replacements = { merchantId };
    await assert.rejects(db.sequelize.query(`UPDATE consent_chain SET hash = 'forged' WHERE merchant_id = :merchantId`, { replacements }), /append-only/);
    await assert.rejects(db.sequelize.query('DELETE FROM consent_chain WHERE merchant_id = :merchantId', { replacements }), /append-only/);
    assert.equal((await chainOf(merchantId)).length, 1);
  });

  test('sealing every merchant seals each one into its own chain', async () => {
    const merchants = [randomUUID(), randomUUID()];
    await db.sequelize.transaction((transaction) => append(transaction, merchants.flatMap((m) => [record(m, 1), record(m, 2), record(m, 3)])));
    const report = await sealAll(deps());
    assert.ok(report.sealed >= 6);
    for (const merchantId of merchants) {
      assertLinked(await chainOf(merchantId));
      assert.deepEqual(await verifyLedger(deps(), merchantId), { ok: true, entries: 3, pending: 0 });
    }
  });
});
