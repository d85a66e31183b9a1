import type { MigrationFn } from 'umzug';
import { QueryTypes, type Sequelize } from 'sequelize';
import { linkAfter } from '../src/compliance/ledger-chain.js';
import { queryIn } from '../src/db/sql.js';

/**
 * The consent ledger's chain moves out of `consent_events` into its own
 * append-only table, written after commit by a sealer. Linking inside the
 * append meant a per-merchant lock held until commit, so every consent change
 * of one merchant took turns; now an append is a plain insert, and a trigger
 * queues it in `consent_unsealed` for the sealer, whoever the writer is.
 *
 * Existing links move as they are (their hashes stay verifiable, in the order
 * they were made); existing entries are not queued, they are sealed already.
 */
export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.transaction(async (transaction) => {
    await sequelize.query(
      `CREATE TABLE consent_chain (
         merchant_id uuid NOT NULL,
         seq bigint NOT NULL,
         event_id bigint NOT NULL UNIQUE REFERENCES consent_events(id),
         prev_hash text,
         hash text NOT NULL,
         sealed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         PRIMARY KEY (merchant_id, seq)
       );

       -- The chain is evidence like the entries it covers: appended to, never rewritten.
       CREATE FUNCTION consent_chain_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'consent_chain is append-only';
       END;
       $$ LANGUAGE plpgsql;
       CREATE TRIGGER consent_chain_no_update BEFORE UPDATE OR DELETE ON consent_chain
         FOR EACH ROW EXECUTE FUNCTION consent_chain_append_only();

       CREATE TABLE consent_unsealed (
         event_id bigint PRIMARY KEY,
         merchant_id uuid NOT NULL
       );
       CREATE INDEX consent_unsealed_merchant ON consent_unsealed (merchant_id, event_id);

       -- Queued by the database, so no writer (today's or a later one) can leave an entry out of the chain.
       CREATE FUNCTION consent_events_queue_seal() RETURNS trigger AS $$
       BEGIN
         INSERT INTO consent_unsealed (event_id, merchant_id) VALUES (NEW.id, NEW.merchant_id);
         RETURN NULL;
       END;
       $$ LANGUAGE plpgsql;
       CREATE TRIGGER consent_events_to_seal AFTER INSERT ON consent_events
         FOR EACH ROW EXECUTE FUNCTION consent_events_queue_seal();

       INSERT INTO consent_chain (merchant_id, seq, event_id, prev_hash, hash, sealed_at)
       SELECT merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY id), id, prev_hash, hash, created_at
       FROM consent_events;

       DROP INDEX consent_events_chain;
       ALTER TABLE consent_events DROP COLUMN prev_hash, DROP COLUMN hash;`,
      { transaction },
    );
  });
};

interface EntryRow {
  id: string;
  merchant_id: string;
  phone: string;
  change: string;
  source: string;
  evidence: Record<string, unknown>;
  at: Date;
}

const UPDATE_CHUNK = 1_000;

/**
 * Back to links inside `consent_events`, chained in id order as that schema
 * verifies them. Where sealing followed id order (the usual case) every hash
 * comes out as it was sealed; entries still queued get theirs here.
 */
export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.transaction(async (transaction) => {
    await sequelize.query(
      `DROP TRIGGER consent_events_to_seal ON consent_events;
       DROP FUNCTION consent_events_queue_seal();
       ALTER TABLE consent_events ADD COLUMN prev_hash text, ADD COLUMN hash text;
       ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update;`,
      { transaction },
    );
    const rows = await sequelize.query<EntryRow>(
      'SELECT id, merchant_id, phone, change, source, evidence, at FROM consent_events ORDER BY merchant_id, id',
      { transaction, type: QueryTypes.SELECT },
    );
    const byMerchant = new Map<string, EntryRow[]>();
    for (const row of rows) {
      const entries = byMerchant.get(row.merchant_id);
      if (entries) entries.push(row);
      else byMerchant.set(row.merchant_id, [row]);
    }
    const links = [...byMerchant.values()].flatMap((entries) =>
      linkAfter(
        null,
        entries.map((row) => ({ ...row, merchantId: row.merchant_id, at: new Date(row.at) })),
      ),
    );
    for (let i = 0; i < links.length; i += UPDATE_CHUNK) {
      const chunk = links.slice(i, i + UPDATE_CHUNK);
      await queryIn(
        transaction,
        `UPDATE consent_events e SET prev_hash = l.prev_hash, hash = l.hash
         FROM unnest(:ids::bigint[], :prevHashes::text[], :hashes::text[]) AS l(id, prev_hash, hash)
         WHERE e.id = l.id`,
        { ids: chunk.map((l) => l.entry.id), prevHashes: chunk.map((l) => l.prevHash), hashes: chunk.map((l) => l.hash) },
      );
    }
    await sequelize.query(
      `ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update;
       ALTER TABLE consent_events ALTER COLUMN hash SET NOT NULL;
       CREATE UNIQUE INDEX consent_events_chain ON consent_events (merchant_id, prev_hash) NULLS NOT DISTINCT;
       DROP TABLE consent_unsealed, consent_chain;
       DROP FUNCTION consent_chain_append_only();`,
      { transaction },
    );
  });
};
