import { Op } from 'sequelize';
import type { ConversationRow } from '../db/models/index.js';
import type { ConversationDeps } from './deps.js';

/** The support-facing view of a thread: where it stands, what was said, what is still to come. */
export async function conversationView(deps: Pick<ConversationDeps, 'db'>, conversation: ConversationRow) {
  const { models } = deps.db;
  const [customer, cart, messages, timers] = await Promise.all([
    models.Customer.findByPk(conversation.customerId),
    conversation.currentCartId ? models.Cart.findByPk(conversation.currentCartId) : null,
    models.Message.findAll({ where: { conversationId: conversation.id }, order: [['createdAt', 'ASC'], ['id', 'ASC']] }),
    models.Timer.findAll({ where: { conversationId: conversation.id, status: 'pending' }, order: [['dueAt', 'ASC']] }),
  ]);
  return {
    id: conversation.id,
    state: conversation.state,
    consent: customer?.consentStatus ?? 'none',
    phone: conversation.phone,
    needsAgent: conversation.needsAgent,
    cart: cart
      ? {
          id: cart.id,
          status: cart.status,
          total: cart.totalMinor,
          currency: cart.currency,
          recoveredAt: cart.recoveredAt,
          recoveredRevenue: cart.recoveredRevenueMinor,
          orderId: cart.orderId,
        }
      : null,
    messages: messages.map((message) => ({
      id: message.id,
      direction: message.direction,
      kind: message.kind,
      body: message.body,
      status: message.status,
      statusReason: message.statusReason,
      segments: message.segments,
      encoding: message.encoding,
      sendAfter: message.sendAfter,
      at: message.sentAt ?? message.createdAt,
      queuedAt: message.createdAt,
      sentAt: message.sentAt,
      // Why it went when it did, was deferred or refused: the send gate's decision (null for inbound or undecided).
      decision: message.decision ?? null,
    })),
    pendingTimers: timers.map((timer) => ({ kind: timer.kind, stepIndex: timer.stepIndex, dueAt: timer.dueAt })),
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
  };
}

export async function findConversationByPhone(deps: Pick<ConversationDeps, 'db'>, merchantId: string, phone: string) {
  return deps.db.models.Conversation.findOne({ where: { merchantId, phone } });
}

/** Scoped to the merchant: another merchant's conversation simply does not exist. */
export async function findConversation(deps: Pick<ConversationDeps, 'db'>, merchantId: string, id: string) {
  return deps.db.models.Conversation.findOne({ where: { id, merchantId: { [Op.eq]: merchantId } } });
}
