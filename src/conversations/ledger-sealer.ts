import type { Transaction } from 'sequelize';
import { linkAfter, type LedgerEntryContent } from '../compliance/ledger-chain.js';
import { queryAlone, queryIn } from '../db/sql.js';
import type { ConversationDeps } from './deps.js';

/**
 * Links committed consent entries into their merchant's chain, after the
 * fact and off the request path. The database queues every new entry in
 * `consent_unsealed`; a seal takes a merchant's queued entries in id order,
 * hashes each after the chain's head and appends the links, all in one
 * transaction. Only one sealer works on a merchant at a time: the others skip
 * it rather than wait, since the one holding it seals what they would have.
 */
type Deps = Pick<ConversationDeps, 'db' | 'logger'>;

export interface SealOptions {
  /** Entries linked per transaction, so a long backlog never holds one transaction open for long. */
  batchSize?: number;
}

export interface SealReport {
  merchants: number;
  sealed: number;
}

interface QueuedEntry extends LedgerEntryContent {
  id: string;
}

/** Seals a merchant's queued entries; 0 when another sealer holds the merchant. */
export async function sealLedger(deps: Deps, merchantId: string, options: SealOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let sealed = 0;
  for (;;) {
    const batch = await deps.db.sequelize.transaction((transaction) => sealBatch(transaction, merchantId, batchSize));
    if (batch === null) return sealed;
    sealed += batch.sealed;
    if (batch.taken < batchSize) return sealed;
  }
}

/** Every merchant with entries waiting, one after the other. */
export async function sealAll(deps: Deps, options: SealOptions = {}): Promise<SealReport> {
  const waiting = await queryAlone<{ merchantId: string }>(deps.db.sequelize, 'SELECT DISTINCT merchant_id AS "merchantId" FROM consent_unsealed', {});
  let sealed = 0;
  for (const { merchantId } of waiting) {
    const count = await sealLedger(deps, merchantId, options);
    if (count > 0) deps.logger.debug({ merchantId, sealed: count }, 'consent entries sealed');
    sealed += count;
  }
  return { merchants: waiting.length, sealed };
}

/** One transaction's worth; null when another sealer holds the merchant. */
async function sealBatch(transaction: Transaction, merchantId: string, limit: number): Promise<{ taken: number; sealed: number } | null> {
  // First statement of the transaction: every later one sees what the previous holder committed.
  const [lock] = await queryIn<{ got: boolean }>(transaction, 'SELECT pg_try_advisory_xact_lock(hashtext(:key)) AS got', {
    key: `consent-ledger:${merchantId}`,
  });
  if (!lock?.got) return null;
  const taken = await queryIn<{ id: string }>(
    transaction,
    `DELETE FROM consent_unsealed WHERE event_id IN (
       SELECT event_id FROM consent_unsealed WHERE merchant_id = :merchantId ORDER BY event_id LIMIT :limit
     ) RETURNING event_id AS id`,
    { merchantId, limit },
  );
  if (taken.length === 0) return { taken: 0, sealed: 0 };
  // The chain, not the queue, says what is sealed and whose it is: a queue row
  // added by hand twice, or under another merchant, links nothing.
  const entries = await queryIn<QueuedEntry>(
    transaction,
    `SELECT e.id, e.merchant_id AS "merchantId", e.phone, e.change, e.source, e.evidence, e.at
     FROM consent_events e
     WHERE e.id = ANY(:ids::bigint[]) AND e.merchant_id = :merchantId
       AND NOT EXISTS (SELECT 1 FROM consent_chain c WHERE c.event_id = e.id)
     ORDER BY e.id`,
    { ids: taken.map((row) => row.id), merchantId },
  );
  if (entries.length === 0) return { taken: taken.length, sealed: 0 };
  const [head] = await queryIn<{ seq: string; hash: string }>(
    transaction,
    'SELECT seq, hash FROM consent_chain WHERE merchant_id = :merchantId ORDER BY seq DESC LIMIT 1',
    { merchantId },
  );
  const links = linkAfter(head?.hash ?? null, entries);
  const firstSeq = Number(head?.seq ?? 0) + 1;
  await queryIn(
    transaction,
    `INSERT INTO consent_chain (merchant_id, seq, event_id, prev_hash, hash)
     SELECT :merchantId, l.seq, l.event_id, l.prev_hash, l.hash
     FROM unnest(:seqs::bigint[], :eventIds::bigint[], :prevHashes::text[], :hashes::text[]) AS l(seq, event_id, prev_hash, hash)`,
    {
      merchantId,
      seqs: links.map((_, i) => firstSeq + i),
      eventIds: links.map((link) => link.entry.id),
      prevHashes: links.map((link) => link.prevHash),
      hashes: links.map((link) => link.hash),
    },
  );
  return { taken: taken.length, sealed: links.length };
}
