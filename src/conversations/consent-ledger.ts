import { QueryTypes, type Transaction } from 'sequelize';
import { entryHash, verifyChain, type ChainVerdict } from '../compliance/ledger-chain.js';
import type { ConsentChange, ConsentSource } from '../compliance/consent.js';
import type { ConsentEventRow } from '../db/models/index.js';
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
export async function appendConsent(deps: Pick<ConversationDeps, 'db'>, transaction: Transaction, record: ConsentRecord): Promise<ConsentEventRow> {
  const { sequelize, models } = deps.db;
  await sequelize.query('SELECT pg_advisory_xact_lock(hashtext(:key))', {
    replacements: { key: `consent-ledger:${record.merchantId}` },
    transaction,
    type: QueryTypes.SELECT,
  });
  const last = await models.ConsentEvent.findOne({
    where: { merchantId: record.merchantId },
    order: [['id', 'DESC']],
    attributes: ['hash'],
    transaction,
  });
  const prevHash = last?.hash ?? null;
  return models.ConsentEvent.create({ ...record, prevHash, hash: entryHash(record, prevHash) }, { transaction });
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
