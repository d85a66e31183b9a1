import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { entryHash } from '../../src/compliance/ledger-chain.js';
import { appendConsent, verifyLedger } from '../../src/conversations/consent-ledger.js';
import { sealLedger } from '../../src/conversations/ledger-sealer.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createMigrator } from '../../src/db/migrator.js';
import { writeBatch } from '../../src/db/write-batch.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const BEFORE_SEALING = '0008-merchant-references-without-share-locks';
const SEALING = '0009-consent-ledger-sealing';

interface OldEntry {
  id: string;
  merchantId: string;
  hash: string;
}

describe('migration 0009: the consent chain moves to its own table', () => {
  let database: TestDatabase;
  let db: Database;
  const logger = createLogger('silent');
  const merchants = [randomUUID(), randomUUID()];
  const old: OldEntry[] = [];

  const select = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) =>
    db.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });

  before(async () => {
    database = await createTestDatabase('ledger_migration');
    db = openDatabase(database.url, logger);
    await createMigrator(db.sequelize, logger).up({ to: BEFORE_SEALING });
    // Chained the way appends did before: each entry links to its merchant's previous one, in id order.
    const heads = new Map<string, string | null>();
    for (let i = 0; i < 7; i += 1) {
      const merchantId = merchants[i % 2]!;
      const content = { merchantId, phone: `+1415555${1000 + i}`, change: 'requested', source: 'checkout', evidence: { i }, at: new Date(Date.UTC(2026, 0, 1, 0, i)) };
      const prev = heads.get(merchantId) ?? null;
      const hash = entryHash(content, prev);
      const [row] = await select<{ id: string }>(
        `INSERT INTO consent_events (merchant_id, phone, change, source, evidence, at, prev_hash, hash)
         VALUES (:merchantId, :phone, :change, :source, :evidence::jsonb, :at, :prev, :hash) RETURNING id`,
        { ...content, evidence: JSON.stringify(content.evidence), prev, hash },
      );
      old.push({ id: row!.id, merchantId, hash });
      heads.set(merchantId, hash);
    }
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  test('existing chains move with their hashes, verify, and are not queued again', async () => {
    await createMigrator(db.sequelize, logger).up({ to: SEALING });
    for (const merchantId of merchants) {
      const mine = old.filter((entry) => entry.merchantId === merchantId);
      assert.deepEqual(await verifyLedger({ db }, merchantId), { ok: true, entries: mine.length, pending: 0 });
      const chain = await select<{ seq: string; eventId: string; hash: string }>(
        'SELECT seq, event_id AS "eventId", hash FROM consent_chain WHERE merchant_id = :merchantId ORDER BY seq',
        { merchantId },
      );
      assert.deepEqual(
        chain.map((link) => [Number(link.seq), link.eventId, link.hash]),
        mine.map((entry, i) => [i + 1, entry.id, entry.hash]),
      );
    }
    const columns = await select<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'consent_events' AND column_name IN ('prev_hash', 'hash')`,
    );
    assert.deepEqual(columns, []);
  });

  test('entries appended after the move are sealed onto the moved chain', async () => {
    const merchantId = merchants[0]!;
    await db.sequelize.transaction(async (transaction) => {
      const sql = writeBatch(transaction);
      await appendConsent(sql, [
        { merchantId, customerId: null, phone: '+14155552000', change: 'confirmed', source: 'keyword', evidence: { inboundText: 'YES' }, at: new Date() },
        { merchantId, customerId: null, phone: '+14155552000', change: 'revoked', source: 'keyword', evidence: { inboundText: 'STOP' }, at: new Date() },
      ]);
      await sql.flush();
    });
    assert.deepEqual(await verifyLedger({ db }, merchantId), { ok: true, entries: 4, pending: 2 });
    assert.equal(await sealLedger({ db, logger }, merchantId), 2);
    assert.deepEqual(await verifyLedger({ db }, merchantId), { ok: true, entries: 6, pending: 0 });
    const [fifth] = await select<{ prevHash: string }>(
      'SELECT prev_hash AS "prevHash" FROM consent_chain WHERE merchant_id = :merchantId AND seq = 5',
      { merchantId },
    );
    assert.equal(fifth?.prevHash, old.filter((entry) => entry.merchantId === merchantId).at(-1)?.hash);
  });

  test('reverting puts the links back on the entries, the ones sealed since included', async () => {
    const sealed = await select<{ eventId: string; hash: string }>('SELECT event_id AS "eventId", hash FROM consent_chain ORDER BY event_id');
    await createMigrator(db.sequelize, logger).down({ to: SEALING });
    const entries = await select<{ id: string; hash: string }>('SELECT id, hash FROM consent_events ORDER BY id');
    assert.deepEqual(
      entries.map((entry) => [entry.id, entry.hash]),
      sealed.map((link) => [link.eventId, link.hash]),
    );
    const tables = await select<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE tablename IN ('consent_chain', 'consent_unsealed')`);
    assert.deepEqual(tables, []);

    await createMigrator(db.sequelize, logger).up({ to: SEALING });
    for (const merchantId of merchants) assert.equal((await verifyLedger({ db }, merchantId)).ok, true);
  });
});
