import type { Transaction } from 'sequelize';
import { queryIn } from '../db/sql.js';
import type { ConversationDeps } from './deps.js';

export interface WebhookReceipt {
  platform: string;
  eventId: string;
  topic: string;
}

export type IntakeOutcome =
  | { status: 'duplicate' }
  | { status: 'processed'; cartId: string | null; conversationId: string | null; reason: string | null };

/** Inserts a delivery unless its event id is known (returns its id only when new). */
export const RECORD_DELIVERY_SQL = `INSERT INTO webhook_events (id, merchant_id, platform, event_id, topic, status, reason, received_at)
  VALUES (:id, :merchantId, :platform, :eventId, :topic, :status, :reason, :receivedAt)
  ON CONFLICT DO NOTHING
  RETURNING id`;

export function deliveryParams(
  deps: Pick<ConversationDeps, 'ids' | 'clock'>,
  merchantId: string | null,
  receipt: WebhookReceipt,
  status: 'processed' | 'ignored' | 'rejected',
  reason: string | null,
): Record<string, unknown> {
  return { id: deps.ids(), merchantId, ...receipt, status, reason, receivedAt: deps.clock.now() };
}

/**
 * Records a platform delivery once. Returns false when the same event id was
 * already recorded: retries and duplicates have one effect.
 */
export async function recordDelivery(
  deps: ConversationDeps,
  transaction: Transaction,
  merchantId: string | null,
  receipt: WebhookReceipt,
  status: 'processed' | 'ignored' | 'rejected',
  reason: string | null,
): Promise<boolean> {
  const rows = await queryIn<{ id: string }>(transaction, RECORD_DELIVERY_SQL, deliveryParams(deps, merchantId, receipt, status, reason));
  return rows.length > 0;
}

/** Keeps an ignored or refused delivery in the audit trail (once per event id and merchant). */
export async function recordUnappliedDelivery(
  deps: ConversationDeps,
  merchantId: string | null,
  receipt: WebhookReceipt,
  status: 'ignored' | 'rejected',
  reason: string,
): Promise<void> {
  await deps.db.sequelize.transaction((transaction) => recordDelivery(deps, transaction, merchantId, receipt, status, reason));
}
