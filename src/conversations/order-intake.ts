import { col, fn, Op, type Transaction } from 'sequelize';
import type { OrderPlaced } from '../domain/cart-event.js';
import type { CartRow, MerchantRow } from '../db/models/index.js';
import { MARKETING_KINDS, applyEvent } from './apply-event.js';
import { lockConversationById } from './conversation-lock.js';
import { recordDelivery, type IntakeOutcome, type WebhookReceipt } from './deliveries.js';
import type { ConversationDeps } from './deps.js';
import { factsFor } from './recipient-facts.js';
import { inTransaction } from './transactions.js';

/** How long after its last activity an order by the same phone still counts as this cart's recovery. */
function attributionWindowMs(merchant: MerchantRow): number {
  const flow = merchant.flow;
  const lastStep = flow.steps[flow.steps.length - 1]?.afterSeconds ?? 0;
  return (flow.abandonAfterSeconds + flow.optInTimeoutSeconds + lastStep + 86400) * 1000;
}

async function findOrderedCart(
  deps: ConversationDeps,
  transaction: Transaction,
  merchant: MerchantRow,
  event: OrderPlaced,
): Promise<CartRow | null> {
  const { models } = deps.db;
  const byToken = [
    event.checkoutToken ? { checkoutToken: event.checkoutToken } : null,
    event.cartToken ? { cartToken: event.cartToken } : null,
  ].filter((clause) => clause !== null);
  if (byToken.length > 0) {
    const cart = await models.Cart.findOne({
      where: { merchantId: merchant.id, [Op.or]: byToken },
      order: [['lastActivityAt', 'DESC']],
      transaction,
    });
    if (cart) return cart;
  }
  if (!event.phone) return null;
  return models.Cart.findOne({
    where: {
      merchantId: merchant.id,
      phone: event.phone,
      status: { [Op.notIn]: ['recovered'] },
      lastActivityAt: { [Op.gte]: new Date(event.occurredAt.getTime() - attributionWindowMs(merchant)) },
    },
    order: [['lastActivityAt', 'DESC']],
    transaction,
  });
}

export async function ingestOrderPlaced(
  deps: ConversationDeps,
  merchant: MerchantRow,
  event: OrderPlaced,
  receipt: WebhookReceipt,
): Promise<IntakeOutcome> {
  return inTransaction(deps, async (transaction, dispatches) => {
    if (!(await recordDelivery(deps, transaction, merchant.id, receipt, 'processed', null))) return { status: 'duplicate' };
    const found = await findOrderedCart(deps, transaction, merchant, event);
    if (!found) return { status: 'processed', cartId: null, conversationId: null, reason: 'no_matching_cart' };
    // Lock order everywhere: the conversation first, then its rows (here, the cart).
    const locked = found.conversationId ? await lockConversationById(deps, transaction, found.conversationId) : null;
    const cart = await deps.db.models.Cart.findByPk(found.id, { transaction, lock: transaction.LOCK.UPDATE });
    if (!cart) return { status: 'processed', cartId: null, conversationId: null, reason: 'no_matching_cart' };
    if (cart.status === 'recovered') {
      return { status: 'processed', cartId: cart.id, conversationId: cart.conversationId, reason: 'already_recovered' };
    }
    const lastSent = await deps.db.models.Message.findOne({
      where: { cartId: cart.id, direction: 'outbound', status: { [Op.in]: ['sent', 'delivered'] } },
      // A delivery report can land before the send's own write-back records sentAt: such a row was still
      // sent, after it was queued.
      order: [[fn('COALESCE', col('sent_at'), col('created_at')), 'DESC']],
      transaction,
    });
    await cart.update(
      {
        status: 'recovered',
        statusReason: lastSent ? 'order_after_message' : 'order_without_message',
        recoveredAt: event.occurredAt,
        orderId: event.orderId,
        recoveredRevenueMinor: event.totalMinor,
        attributedMessageId: lastSent?.id ?? null,
      },
      { transaction },
    );
    if (locked) {
      const applied = await applyEvent(
        deps,
        transaction,
        locked,
        merchant,
        { type: 'order.placed', at: deps.clock.now(), facts: factsFor(merchant, locked.customer), cartId: cart.id },
        { source: event.platform, refs: { eventId: event.eventId, orderId: event.orderId } },
      );
      dispatches.push(...applied.dispatches);
      // Whatever the machine decided, nothing more goes out about a bought cart.
      await cancelCartLeftovers(deps, transaction, cart.id);
    }
    return { status: 'processed', cartId: cart.id, conversationId: cart.conversationId, reason: null };
  }, { answerFirst: true });
}

async function cancelCartLeftovers(deps: ConversationDeps, transaction: Transaction, cartId: string): Promise<void> {
  const { models } = deps.db;
  await models.Timer.update({ status: 'cancelled' }, { where: { cartId, status: 'pending' }, transaction });
  await models.Message.update(
    { status: 'cancelled', statusReason: 'order_placed' },
    {
      where: { cartId, direction: 'outbound', kind: { [Op.in]: [...MARKETING_KINDS] }, status: { [Op.in]: ['pending', 'deferred'] } },
      transaction,
    },
  );
}
