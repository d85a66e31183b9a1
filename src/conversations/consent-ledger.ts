import { Transaction } from 'sequelize';
import { queryAlone, queryIn } from '../db/sql.js';
import type { WriteBatch } from '../db/write-batch.js';
import { verifyChain, type ChainedEntry, type ChainVerdict } from '../compliance/ledger-chain.js';
import type { ConsentChange, ConsentSource } from '../compliance/consent.js';
import type { ConversationDeps } from './deps.js';

export interface ConsentRecord {
  merchantId: string;
  customerId: string | null;
  phone: string;
  change: ConsentChange;
  source: ConsentSource;
  evidence: Record<string, unknown>;
  at: Date;
}

/**
 * Appends entries to the merchant's ledger, queued with the caller's other
 * writes. No lock and no hash here: the database queues every new entry for
 * the sealer, which links it into the merchant's chain after commit, so
 * consent changes of one merchant no longer wait for each other.
 *
 * One statement for all of them: writes queued in one batch run in no
 * guaranteed order, and the entries' ids must follow the order they happened in.
 */
export async function appendConsent(sql: WriteBatch, records: readonly ConsentRecord[]): Promise<void> {
  if (records.length === 0) return;
  await sql.write(
    `INSERT INTO consent_events (merchant_id, customer_id, phone, change, source, evidence, at, created_at)
     SELECT (r->>'merchantId')::uuid, (r->>'customerId')::uuid, r->>'phone', r->>'change', r->>'source', r->'evidence',
       (r->>'at')::timestamptz, clock_timestamp()
     FROM jsonb_array_elements(:records::jsonb) WITH ORDINALITY AS x(r, n)
     ORDER BY n`,
    { records: JSON.stringify(records) },
  );
}

/** An entry as the merchant sees it: its link is null until the sealer has chained it. */
export interface LedgerEntry {
  id: string;
  at: Date;
  phone: string;
  change: ConsentChange;
  source: ConsentSource;
  evidence: Record<string, unknown>;
  prevHash: string | null;
  hash: string | null;
}

/** A phone's entries at one merchant, oldest first; `null` reads outside any transaction. */
export async function consentHistory(
  deps: Pick<ConversationDeps, 'db'>,
  transaction: Transaction | null,
  merchantId: string,
  phone: string,
): Promise<LedgerEntry[]> {
  const sql = `SELECT e.id, e.at, e.phone, e.change, e.source, e.evidence, c.prev_hash AS "prevHash", c.hash
    FROM consent_events e LEFT JOIN consent_chain c ON c.event_id = e.id
    WHERE e.merchant_id = :merchantId AND e.phone = :phone
    ORDER BY e.id`;
  const params = { merchantId, phone };
  return transaction ? queryIn<LedgerEntry>(transaction, sql, params) : queryAlone<LedgerEntry>(deps.db.sequelize, sql, params);
}

/**
 * Re-computes a merchant's whole chain; the first broken link is what a
 * dispute needs to know. Entries waiting for the sealer are counted, not
 * sealed: verifying never writes. It reads from one snapshot, so an entry the
 * sealer moves from the queue into the chain meanwhile is seen in one place.
 */
export async function verifyLedger(deps: Pick<ConversationDeps, 'db'>, merchantId: string): Promise<ChainVerdict> {
  const options = { isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ, readOnly: true };
  return deps.db.sequelize.transaction(options, async (transaction) => {
    const chain = await queryIn<ChainedEntry>(
      transaction,
      `SELECT e.id, e.merchant_id AS "merchantId", e.phone, e.change, e.source, e.evidence, e.at, c.prev_hash AS "prevHash", c.hash
       FROM consent_chain c JOIN consent_events e ON e.id = c.event_id
       WHERE c.merchant_id = :merchantId
       ORDER BY c.seq`,
      { merchantId },
    );
    const [queued] = await queryIn<{ pending: string }>(
      transaction,
      'SELECT count(*) AS pending FROM consent_unsealed WHERE merchant_id = :merchantId',
      { merchantId },
    );
    // Neither chained nor queued: taken out of the queue, so no seal would ever cover it.
    const unchained = await queryIn<{ id: string }>(
      transaction,
      `SELECT e.id FROM consent_events e
       WHERE e.merchant_id = :merchantId
         AND NOT EXISTS (SELECT 1 FROM consent_chain c WHERE c.event_id = e.id)
         AND NOT EXISTS (SELECT 1 FROM consent_unsealed u WHERE u.event_id = e.id)
       ORDER BY e.id`,
      { merchantId },
    );
    return verifyChain(chain, { pending: Number(queued?.pending ?? 0), unchained: unchained.map((row) => row.id) });
  });
}
