import { QueryTypes, type Transaction } from 'sequelize';
import type { ConversationRow, CustomerRow } from '../db/models/index.js';
import { initialConversation } from '../machines/step.js';
import type { ConversationDeps } from './deps.js';

export interface LockedConversation {
  customer: CustomerRow;
  conversation: ConversationRow;
}

/**
 * Finds or creates the shopper and their thread with this merchant and locks
 * the conversation row for the rest of the transaction. Every writer of a
 * conversation goes through here, so per-conversation order comes from this
 * lock, whichever process holds it.
 */
export async function lockConversationByPhone(
  deps: ConversationDeps,
  transaction: Transaction,
  merchantId: string,
  phone: string,
): Promise<LockedConversation> {
  const { sequelize, models } = deps.db;
  const now = deps.clock.now();
  await sequelize.query(
    `INSERT INTO customers (id, merchant_id, phone, consent_status, timezone_candidates, created_at, updated_at)
     VALUES (:id, :merchantId, :phone, 'none', '[]'::jsonb, :now, :now)
     ON CONFLICT (merchant_id, phone) DO NOTHING`,
    { replacements: { id: deps.ids(), merchantId, phone, now }, transaction, type: QueryTypes.INSERT },
  );
  const customer = await models.Customer.findOne({ where: { merchantId, phone }, transaction });
  if (!customer) throw new Error('customer vanished inside its own transaction');
  const initial = initialConversation();
  await sequelize.query(
    `INSERT INTO conversations (id, merchant_id, customer_id, phone, state, snapshot, version, needs_agent, created_at, updated_at)
     VALUES (:id, :merchantId, :customerId, :phone, :state, :snapshot::jsonb, 0, false, :now, :now)
     ON CONFLICT (merchant_id, customer_id) DO NOTHING`,
    {
      replacements: {
        id: deps.ids(),
        merchantId,
        customerId: customer.id,
        phone,
        state: initial.value,
        snapshot: JSON.stringify(initial),
        now,
      },
      transaction,
      type: QueryTypes.INSERT,
    },
  );
  const conversation = await models.Conversation.findOne({
    where: { merchantId, customerId: customer.id },
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  if (!conversation) throw new Error('conversation vanished inside its own transaction');
  // Re-read the customer after the lock: its consent may have changed while we waited.
  await customer.reload({ transaction });
  return { customer, conversation };
}

export async function lockConversationById(
  deps: ConversationDeps,
  transaction: Transaction,
  conversationId: string,
): Promise<LockedConversation | null> {
  const { models } = deps.db;
  const conversation = await models.Conversation.findByPk(conversationId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!conversation) return null;
  const customer = await models.Customer.findByPk(conversation.customerId, { transaction });
  if (!customer) return null;
  return { customer, conversation };
}
