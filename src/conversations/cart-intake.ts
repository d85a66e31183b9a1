import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { CartUpdated, OrderPlaced } from '../domain/cart-event.js';
import type { CartRow, MerchantRow } from '../db/models/index.js';
import { MARKETING_KINDS, applyEvent } from './apply-event.js';
import { lockConversationById, lockConversationByPhone } from './conversation-lock.js';
import type { ConversationDeps } from './deps.js';
import { candidateZones, factsFor, mergeZones } from './recipient-facts.js';
import { inTransaction } from './transactions.js';

export interface WebhookReceipt {
  platform: string;
  eventId: string;
  topic: string;
}

export type IntakeOutcome =
  | { status: 'duplicate' }
  | { status: 'processed'; cartId: string | null; conversationId: string | null; reason: string | null };

/**
 * Records a platform delivery once. Returns false when the same event id was
 * already recorded: retries and duplicates have one effect.
 */
async function recordDelivery(
  deps: ConversationDeps,
  transaction: Transaction,
  merchantId: string | null,
  receipt: WebhookReceipt,
  status: 'processed' | 'ignored' | 'rejected',
  reason: string | null,
): Promise<boolean> {
  const rows = await deps.db.sequelize.query<{ id: string }>(
    `INSERT INTO webhook_events (id, merchant_id, platform, event_id, topic, status, reason, received_at)
     VALUES (:id, :merchantId, :platform, :eventId, :topic, :status, :reason, :receivedAt)
     ON CONFLICT (platform, merchant_id, event_id) DO NOTHING
     RETURNING id`,
    {
      replacements: { id: deps.ids(), merchantId, ...receipt, status, reason, receivedAt: deps.clock.now() },
      transaction,
      type: QueryTypes.SELECT,
    },
  );
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

export async function ingestCartUpdated(
  deps: ConversationDeps,
  merchant: MerchantRow,
  event: CartUpdated,
  receipt: WebhookReceipt,
): Promise<IntakeOutcome> {
  return inTransaction(deps, async (transaction, dispatches) => {
    if (!(await recordDelivery(deps, transaction, merchant.id, receipt, 'processed', null))) return { status: 'duplicate' };
    const { models } = deps.db;
    // Lock order everywhere: the conversation first, then its rows (here, the cart).
    const locked = event.phone ? await lockConversationByPhone(deps, transaction, merchant.id, event.phone) : null;
    const existing = await models.Cart.findOne({
      where: { merchantId: merchant.id, checkoutToken: event.cart.checkoutToken },
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (existing && (existing.status === 'recovered' || existing.lastActivityAt > event.occurredAt)) {
      // An order already closed this cart, or this is an older update arriving late.
      return { status: 'processed', cartId: existing.id, conversationId: existing.conversationId, reason: 'stale_update' };
    }
    const values = {
      platform: event.platform,
      checkoutId: event.cart.checkoutId,
      cartToken: event.cart.cartToken,
      phone: event.phone,
      firstName: event.cart.firstName,
      locale: event.cart.locale,
      lineItems: event.cart.lineItems,
      addresses: event.cart.addresses,
      totalMinor: event.cart.totalMinor,
      currency: event.cart.currency,
      recoveryUrl: event.cart.recoveryUrl,
      smsConsent: event.consent.smsMarketing,
      consentEvidence: event.consent.evidence,
      lastActivityAt: event.occurredAt,
    };
    const cart: CartRow = existing
      ? await existing.update(values, { transaction })
      : await models.Cart.create(
          {
            id: deps.ids(),
            merchantId: merchant.id,
            customerId: null,
            conversationId: null,
            checkoutToken: event.cart.checkoutToken,
            status: 'open',
            statusReason: null,
            abandonedAt: null,
            recoveredAt: null,
            orderId: null,
            recoveredRevenueMinor: null,
            attributedMessageId: null,
            ...values,
          },
          { transaction },
        );
    if (!event.phone || !locked) {
      await cart.update({ status: 'not_contacted', statusReason: 'no_phone' }, { transaction });
      deps.logger.info({ merchantId: merchant.id, cartId: cart.id }, 'checkout has no usable phone; nothing will be sent');
      return { status: 'processed', cartId: cart.id, conversationId: null, reason: 'no_phone' };
    }
    const zones = mergeZones(locked.customer.timezoneCandidates, candidateZones(merchant, event.phone, event.cart.addresses));
    await locked.customer.update(
      { timezoneCandidates: zones, firstName: event.cart.firstName ?? locked.customer.firstName },
      { transaction },
    );
    await cart.update({ customerId: locked.customer.id, conversationId: locked.conversation.id }, { transaction });
    const applied = await applyEvent(
      deps,
      transaction,
      locked,
      merchant,
      {
        type: 'cart.updated',
        at: deps.clock.now(),
        facts: factsFor(merchant, locked.customer),
        cartId: cart.id,
        checkoutConsent: event.consent.smsMarketing,
        flow: merchant.flow,
      },
      {
        source: event.platform,
        refs: { eventId: event.eventId, checkoutToken: event.cart.checkoutToken },
        evidence: { checkoutConsent: event.consent.evidence, platformEventId: event.eventId },
      },
    );
    dispatches.push(...applied.dispatches);
    return { status: 'processed', cartId: cart.id, conversationId: locked.conversation.id, reason: null };
  });
}

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
      order: [['sentAt', 'DESC']],
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
  });
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
