import type { Transaction } from 'sequelize';
import { QueryTypes } from 'sequelize';
import type { CartUpdated } from '../domain/cart-event.js';
import type { CartRow, MerchantRow } from '../db/models/index.js';
import { applyEvent } from './apply-event.js';
import { ensureConversation, lockConversationById, type LockedConversation } from './conversation-lock.js';
import { recordDelivery, type IntakeOutcome, type WebhookReceipt } from './deliveries.js';
import type { ConversationDeps, Dispatch } from './deps.js';
import { candidateZones, factsFor, mergeZones } from './recipient-facts.js';
import { inTransaction } from './transactions.js';

/**
 * A checkout created or updated. The cart row is upserted and the shopper's
 * conversation told; when an update moves the cart to another phone (or to
 * none) the old thread is told too, so the number the buyer replaced is never
 * texted about it.
 */
export async function ingestCartUpdated(
  deps: ConversationDeps,
  merchant: MerchantRow,
  event: CartUpdated,
  receipt: WebhookReceipt,
): Promise<IntakeOutcome> {
  return inTransaction(deps, async (transaction, dispatches) => {
    if (!(await recordDelivery(deps, transaction, merchant.id, receipt, 'processed', null))) return { status: 'duplicate' };
    const { models } = deps.db;
    const where = { merchantId: merchant.id, checkoutToken: event.cart.checkoutToken };
    const previous = await models.Cart.findOne({ where, transaction });
    const conversationId = event.phone ? await ensureConversation(deps, transaction, merchant.id, event.phone) : null;
    const formerId = previous?.conversationId && previous.conversationId !== conversationId ? previous.conversationId : null;
    // Lock order everywhere: conversations (by id when there are two), then their rows.
    const locks = new Map<string, LockedConversation>();
    for (const id of [conversationId, formerId].filter((x): x is string => x !== null).sort()) {
      const locked = await lockConversationById(deps, transaction, id);
      if (locked) locks.set(id, locked);
    }
    const cart = await upsertCart(deps, transaction, merchant, event);
    if (cart.status === 'recovered' || cart.lastActivityAt > event.occurredAt) {
      // An order already closed this cart, or this is an older update arriving late.
      return { status: 'processed', cartId: cart.id, conversationId: cart.conversationId, reason: 'stale_update' };
    }
    await cart.update({ ...cartValues(event), lastActivityAt: event.occurredAt }, { transaction });
    const former = formerId ? locks.get(formerId) : undefined;
    if (former) await detach(deps, transaction, merchant, former, cart, dispatches, event.eventId);
    const locked = conversationId ? locks.get(conversationId) : undefined;
    if (!event.phone || !locked) {
      await cart.update({ status: 'not_contacted', statusReason: 'no_phone', customerId: null, conversationId: null }, { transaction });
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

function cartValues(event: CartUpdated) {
  return {
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
  };
}

/**
 * Creates the cart if it is new (a create and an update of one checkout can
 * arrive together) and returns it locked. A new row starts with an activity
 * time before any event, so the staleness check lets the first event in.
 */
async function upsertCart(deps: ConversationDeps, transaction: Transaction, merchant: MerchantRow, event: CartUpdated): Promise<CartRow> {
  const values = cartValues(event);
  await deps.db.sequelize.query(
    `INSERT INTO abandoned_carts (id, merchant_id, platform, checkout_id, checkout_token, cart_token, phone, first_name, locale,
       line_items, addresses, total_minor, currency, recovery_url, sms_consent, consent_evidence, status, last_activity_at,
       created_at, updated_at)
     VALUES (:id, :merchantId, :platform, :checkoutId, :checkoutToken, :cartToken, :phone, :firstName, :locale,
       :lineItems::jsonb, :addresses::jsonb, :totalMinor, :currency, :recoveryUrl, :smsConsent, :consentEvidence::jsonb, 'open',
       'epoch', :now, :now)
     ON CONFLICT (merchant_id, checkout_token) DO NOTHING`,
    {
      replacements: {
        ...values,
        id: deps.ids(),
        merchantId: merchant.id,
        checkoutToken: event.cart.checkoutToken,
        lineItems: JSON.stringify(values.lineItems),
        addresses: JSON.stringify(values.addresses),
        consentEvidence: JSON.stringify(values.consentEvidence),
        now: deps.clock.now(),
      },
      transaction,
      type: QueryTypes.INSERT,
    },
  );
  const cart = await deps.db.models.Cart.findOne({
    where: { merchantId: merchant.id, checkoutToken: event.cart.checkoutToken },
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  if (!cart) throw new Error('cart vanished inside its own transaction');
  return cart;
}

/** The thread that used to own this cart stops texting about it. */
async function detach(
  deps: ConversationDeps,
  transaction: Transaction,
  merchant: MerchantRow,
  former: LockedConversation,
  cart: CartRow,
  dispatches: Dispatch[],
  eventId: string,
): Promise<void> {
  const applied = await applyEvent(
    deps,
    transaction,
    former,
    merchant,
    { type: 'cart.detached', at: deps.clock.now(), facts: factsFor(merchant, former.customer), cartId: cart.id },
    { source: cart.platform, refs: { eventId, checkoutToken: cart.checkoutToken, reason: 'phone_changed' } },
  );
  dispatches.push(...applied.dispatches);
}
