import { QueryTypes, type Transaction } from 'sequelize';
import type { ConversationRow, CustomerRow } from '../db/models/index.js';
import { initialConversation } from '../machines/step.js';
import type { ConversationDeps } from './deps.js';

export interface LockedConversation {
  customer: CustomerRow;
  conversation: ConversationRow;
}

/**
 * Makes sure the shopper and their thread with this merchant exist, without
 * locking anything: callers that must lock several conversations learn the
 * ids first and then lock in id order.
 */
export async function ensureConversation(
  deps: ConversationDeps,
  transaction: Transaction,
  merchantId: string,
  phone: string,
): Promise<string> {
  const { sequelize } = deps.db;
  const now = deps.clock.now();
  await sequelize.query(
    `INSERT INTO customers (id, merchant_id, phone, consent_status, timezone_candidates, created_at, updated_at)
     VALUES (:id, :merchantId, :phone, 'none', '[]'::jsonb, :now, :now)
     ON CONFLICT (merchant_id, phone) DO NOTHING`,
    { replacements: { id: deps.ids(), merchantId, phone, now }, transaction, type: QueryTypes.INSERT },
  );
  const initial = initialConversation();
  // Two statements, not one: under READ COMMITTED only a new statement sees a
  // row that a concurrent transaction inserted and committed while we waited.
  await sequelize.query(
    `INSERT INTO conversations (id, merchant_id, customer_id, phone, state, snapshot, version, needs_agent, created_at, updated_at)
     SELECT :id, :merchantId, c.id, :phone, :state, :snapshot::jsonb, 0, false, :now, :now
     FROM customers c WHERE c.merchant_id = :merchantId AND c.phone = :phone
     ON CONFLICT (merchant_id, customer_id) DO NOTHING`,
    {
      replacements: { id: deps.ids(), merchantId, phone, state: initial.value, snapshot: JSON.stringify(initial), now },
      transaction,
      type: QueryTypes.INSERT,
    },
  );
  const rows = await sequelize.query<{ id: string }>(
    `SELECT v.id FROM conversations v JOIN customers c ON c.id = v.customer_id
     WHERE c.merchant_id = :merchantId AND c.phone = :phone AND v.merchant_id = :merchantId`,
    { replacements: { merchantId, phone }, transaction, type: QueryTypes.SELECT },
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('conversation vanished inside its own transaction');
  return id;
}

/**
 * Finds or creates the shopper and their thread with this merchant and locks
 * the conversation row for the rest of the transaction. Every writer of a
 * conversation goes through a lock here, so per-conversation order comes from
 * the row lock, whichever process holds it.
 */
export async function lockConversationByPhone(
  deps: ConversationDeps,
  transaction: Transaction,
  merchantId: string,
  phone: string,
): Promise<LockedConversation> {
  const id = await ensureConversation(deps, transaction, merchantId, phone);
  const locked = await lockConversationById(deps, transaction, id);
  if (!locked) throw new Error('conversation vanished inside its own transaction');
  return locked;
}

export async function lockConversationById(
  deps: ConversationDeps,
  transaction: Transaction,
  conversationId: string,
): Promise<LockedConversation | null> {
  const { models } = deps.db;
  const conversation = await models.Conversation.findByPk(conversationId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!conversation) return null;
  // Read after the lock: consent may have changed while we waited for it.
  const customer = await models.Customer.findByPk(conversation.customerId, { transaction });
  if (!customer) return null;
  return { customer, conversation };
}
