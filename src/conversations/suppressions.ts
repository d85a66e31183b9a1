import { QueryTypes, type Transaction } from 'sequelize';
import type { ConsentChange, ConsentSource, ConsentStatus } from '../compliance/consent.js';
import { suppressionChange } from '../compliance/suppression.js';
import { isE164 } from '../domain/phone.js';
import type { ConversationDeps } from './deps.js';

/**
 * The suppression list: per merchant, keyed HMACs of phones that must never
 * be texted again. Written in the transaction of the opt-out or erasure that
 * causes it, removed in the transaction of the re-subscription that lifts it.
 */
type Deps = Pick<ConversationDeps, 'db' | 'suppression'>;

/** Why a phone is on the list: the opt-out's source, or an erasure. */
export type SuppressionReason = ConsentSource | 'erased';

export async function suppressPhone(
  deps: Deps,
  transaction: Transaction,
  merchantId: string,
  phone: string,
  reason: SuppressionReason,
  at: Date,
): Promise<void> {
  // The latest reason wins: an erasure after a STOP is what the record should say now.
  await deps.db.sequelize.query(
    `INSERT INTO suppressions (merchant_id, phone_hmac, reason, created_at) VALUES (:merchantId, :digest, :reason, :at)
     ON CONFLICT (merchant_id, phone_hmac) DO UPDATE SET reason = EXCLUDED.reason, created_at = EXCLUDED.created_at`,
    { replacements: { merchantId, digest: deps.suppression.digest(phone), reason, at }, transaction, type: QueryTypes.INSERT },
  );
}

export async function liftSuppression(deps: Deps, transaction: Transaction, merchantId: string, phone: string): Promise<void> {
  await deps.db.sequelize.query('DELETE FROM suppressions WHERE merchant_id = :merchantId AND phone_hmac = :digest', {
    replacements: { merchantId, digest: deps.suppression.digest(phone) },
    transaction,
    type: QueryTypes.DELETE,
  });
}

export interface SuppressionRecord {
  reason: SuppressionReason;
  since: Date;
}

export async function findSuppression(
  deps: Deps,
  transaction: Transaction | null,
  merchantId: string,
  phone: string,
): Promise<SuppressionRecord | null> {
  const rows = await deps.db.sequelize.query<{ reason: SuppressionReason; since: Date }>(
    'SELECT reason, created_at AS since FROM suppressions WHERE merchant_id = :merchantId AND phone_hmac = :digest',
    { replacements: { merchantId, digest: deps.suppression.digest(phone) }, transaction: transaction ?? undefined, type: QueryTypes.SELECT },
  );
  return rows[0] ?? null;
}

/** Keeps the list in step with one consent change of a shopper's thread. */
export async function followConsentChange(
  deps: Deps,
  transaction: Transaction,
  input: { merchantId: string; phone: string; change: ConsentChange; source: ConsentSource; previous: ConsentStatus; at: Date },
): Promise<void> {
  // An erased thread's phone is a placeholder: its number is on the list already.
  if (!isE164(input.phone)) return;
  const action = suppressionChange(input.change, input.previous);
  if (action === 'suppress') await suppressPhone(deps, transaction, input.merchantId, input.phone, input.source, input.at);
  if (action === 'lift') await liftSuppression(deps, transaction, input.merchantId, input.phone);
}
