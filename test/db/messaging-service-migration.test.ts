import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createMigrator } from '../../src/db/migrator.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const BEFORE = '0009-consent-ledger-sealing';
const UNIQUE_SID = '0010-messaging-service-per-merchant';

describe('migration 0010: a messaging service belongs to one merchant', () => {
  let database: TestDatabase;
  let db: Database;
  const logger = createLogger('silent');
  const shared = `MG${randomUUID().replace(/-/g, '')}`;
  const ids = [randomUUID(), randomUUID()];

  const insertMerchant = (id: string, sid: string, at: string) =>
    db.sequelize.query(
      `INSERT INTO merchants (id, name, platform, shop_domain, webhook_secret_enc, timezone, messaging_service_sid, flow, api_key_hash, api_key_prefix, created_at, updated_at)
       VALUES (:id, 'Shop', 'shopify', :domain, 'v1.x.y.z', 'America/Chicago', :sid, '{}'::jsonb, :hash, 'cr_', :at, :at)`,
      { replacements: { id, sid, domain: `${id}.myshopify.com`, hash: `hash-${id}`, at } },
    );

  before(async () => {
    database = await createTestDatabase('sid_migration');
    db = openDatabase(database.url, logger);
    await createMigrator(db.sequelize, logger).up({ to: BEFORE });
    await insertMerchant(ids[0]!, shared, '2026-01-01T00:00:00Z');
    await insertMerchant(ids[1]!, shared, '2026-01-02T00:00:00Z');
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  test('two merchants already sharing a service stop the migration, which names the service and both merchants', async () => {
    await assert.rejects(createMigrator(db.sequelize, logger).up({ to: UNIQUE_SID }), (error: Error) => {
      assert.match(error.message, new RegExp(shared));
      assert.match(error.message, new RegExp(`${ids[0]}, ${ids[1]}`));
      return true;
    });
    const pending = await createMigrator(db.sequelize, logger).pending();
    assert.ok(pending.some((m) => m.name.startsWith(UNIQUE_SID)), 'not recorded as applied');
  });

  test('once the operator gives each merchant its own service, the migration applies and a shared one is refused', async () => {
    await db.sequelize.query(`UPDATE merchants SET messaging_service_sid = :own WHERE id = :id`, {
      replacements: { own: `MG${randomUUID().replace(/-/g, '')}`, id: ids[1] },
    });
    await createMigrator(db.sequelize, logger).up({ to: UNIQUE_SID });
    await assert.rejects(insertMerchant(randomUUID(), shared, '2026-01-03T00:00:00Z'), /unique|duplicate/i);
  });
});
