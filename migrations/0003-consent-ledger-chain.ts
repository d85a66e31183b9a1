import type { MigrationFn } from 'umzug';
import { QueryTypes, type Sequelize } from 'sequelize';
import { entryHash } from '../src/compliance/ledger-chain.js';

/**
 * Chains the consent ledger: every entry carries the hash of its merchant's
 * previous entry. Existing entries are chained in id order (the append-only
 * trigger is lifted for that one backfill, inside this migration's transaction).
 */
export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.transaction(async (transaction) => {
    await sequelize.query(
      `ALTER TABLE consent_events ADD COLUMN prev_hash text, ADD COLUMN hash text;
       ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update;`,
      { transaction },
    );
    const rows = await sequelize.query<{
      id: string;
      merchant_id: string;
      phone: string;
      change: string;
      source: string;
      evidence: Record<string, unknown>;
      at: Date;
    }>('SELECT id, merchant_id, phone, change, source, evidence, at FROM consent_events ORDER BY merchant_id, id', {
      transaction,
      type: QueryTypes.SELECT,
    });
    const last = new Map<string, string>();
    for (const row of rows) {
      const prev = last.get(row.merchant_id) ?? null;
      const hash = entryHash(
        { merchantId: row.merchant_id, phone: row.phone, change: row.change, source: row.source, evidence: row.evidence, at: new Date(row.at) },
        prev,
      );
      await sequelize.query('UPDATE consent_events SET prev_hash = :prev, hash = :hash WHERE id = :id', {
        replacements: { prev, hash, id: row.id },
        transaction,
      });
      last.set(row.merchant_id, hash);
    }
    await sequelize.query(
      `ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update;
       ALTER TABLE consent_events ALTER COLUMN hash SET NOT NULL;
       ALTER TABLE consent_events DROP CONSTRAINT IF EXISTS consent_events_change_check;
       ALTER TABLE consent_events ADD CONSTRAINT consent_events_change_check
         CHECK (change IN ('requested', 'confirmed', 'revoked', 'resubscribed', 'declined', 'expired', 'erased'));
       CREATE UNIQUE INDEX consent_events_chain ON consent_events (merchant_id, prev_hash) NULLS NOT DISTINCT;`,
      { transaction },
    );
  });
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`
    DROP INDEX IF EXISTS consent_events_chain;
    ALTER TABLE consent_events DROP COLUMN IF EXISTS prev_hash, DROP COLUMN IF EXISTS hash;
  `);
};
