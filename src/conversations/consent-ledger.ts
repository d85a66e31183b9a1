import type { Transaction } from 'sequelize';
import { queryIn } from '../db/sql.js';
import { entryHashParts, GENESIS, verifyChain, type ChainVerdict } from '../compliance/ledger-chain.js';
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
 * Appends one entry to the merchant's chained ledger. A transaction-scoped
 * advisory lock per merchant makes appends take turns, so two concurrent
 * writers never link to the same predecessor (a unique index backs this up).
 */
export async function appendConsent(
  deps: Pick<ConversationDeps, 'db'>,
  transaction: Transaction,
  record: ConsentRecord,
): Promise<AppendedConsent> {
  await queryIn(transaction, 'SELECT pg_advisory_xact_lock(hashtext(:key))', { key: `consent-ledger:${record.merchantId}` });
  // Its own statement, after the lock: only a new statement sees the entry the previous holder committed.
  // The link is read and the hash finished inside it, so an append is two round trips.
  const { head, tail } = entryHashParts(record);
  const [row] = await queryIn<AppendedConsent>(
    transaction,
    `WITH link AS (SELECT (SELECT hash FROM consent_events WHERE merchant_id = :merchantId ORDER BY id DESC LIMIT 1) AS prev)
     INSERT INTO consent_events (merchant_id, customer_id, phone, change, source, evidence, at, prev_hash, hash, created_at)
     SELECT :merchantId, :customerId, :phone, :change, :source, :evidence::jsonb, :at, link.prev,
       encode(sha256(convert_to(:head || '"' || coalesce(link.prev, :genesis) || '"' || :tail, 'UTF8')), 'hex'), clock_timestamp()
     FROM link
     RETURNING id, prev_hash AS "prevHash", hash`,
    { ...record, evidence: JSON.stringify(record.evidence), head, tail, genesis: GENESIS },
  );
  if (!row) throw new Error('consent entry not written');
  return row;
}

/** What an append wrote: the entry's id and its link in the chain. */
export interface AppendedConsent {
  id: string;
  prevHash: string | null;
  hash: string;
}

/** Re-computes a merchant's whole chain; the first broken link is what a dispute needs to know. */
export async function verifyLedger(deps: Pick<ConversationDeps, 'db'>, merchantId: string): Promise<ChainVerdict> {
  const rows = await deps.db.models.ConsentEvent.findAll({ where: { merchantId }, order: [['id', 'ASC']] });
  return verifyChain(
    rows.map((row) => ({
      id: String(row.id),
      merchantId: row.merchantId,
      phone: row.phone,
      change: row.change,
      source: row.source,
      evidence: row.evidence,
      at: row.at,
      prevHash: row.prevHash,
      hash: row.hash,
    })),
  );
}
