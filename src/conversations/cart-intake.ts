import type { Transaction } from 'sequelize';
import type { CartUpdated } from '../domain/cart-event.js';
import type { MerchantRow } from '../db/models/index.js';
import { applyEvent } from './apply-event.js';
import { createdThread, existingThread, lockConversationById, newThread, newThreadCtes, type LockedConversation, type NewThread } from './conversation-lock.js';
import { deliveryParams, RECORD_DELIVERY_SQL, type IntakeOutcome, type WebhookReceipt } from './deliveries.js';
import type { ConversationDeps, Dispatch } from './deps.js';
import { candidateZones, factsFor, mergeZones } from './recipient-facts.js';
import { execute, selectRows, updateCustomer } from './rows.js';
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
    const thread = event.phone
      ? newThread(deps, merchant.id, event.phone, {
          firstName: event.cart.firstName,
          timezoneCandidates: mergeZones([], candidateZones(merchant, event.phone, event.cart.addresses)),
        })
      : null;
    const delivery = await recordDeliveryAndFindCart(deps, transaction, merchant.id, receipt, event, thread);
    if (!delivery.recorded) return { status: 'duplicate' };
    const previous = delivery.cart;
    const ensured = !thread
      ? null
      : delivery.created
        ? await createdThread(deps, transaction, thread, delivery.created.suppressed)
        : await existingThread(deps, transaction, thread);
    const conversationId = ensured?.id ?? null;
    const formerId = previous?.conversationId && previous.conversationId !== conversationId ? previous.conversationId : null;
    // Lock order everywhere: conversations (by id when there are two), then their rows. A thread
    // created just now is ours already, and no one else can be waiting for it.
    const locks = new Map<string, LockedConversation>();
    if (ensured?.created) locks.set(ensured.id, ensured.created);
    for (const id of [conversationId, formerId].filter((x): x is string => x !== null && !locks.has(x)).sort()) {
      const locked = await lockConversationById(deps, transaction, id);
      if (locked) locks.set(id, locked);
    }
    const locked = event.phone && conversationId ? locks.get(conversationId) : undefined;
    // An opted-out (or erased) shopper is never texted about a cart: we keep that it happened and its total, not what was in it.
    const withheld = locked?.customer.consentStatus === 'revoked';
    const cart = delivery.insertedCart
      ? { ...delivery.insertedCart, platform: event.platform, checkoutToken: event.cart.checkoutToken, applied: true }
      : await upsertCart(deps, transaction, merchant, withheld ? withoutContents(event) : event, locked ?? null);
    if (!cart.applied) {
      // An order already closed this cart, or this is an older update arriving late.
      return { status: 'processed', cartId: cart.id, conversationId: cart.conversationId, reason: 'stale_update' };
    }
    const former = formerId ? locks.get(formerId) : undefined;
    if (former) await detach(deps, transaction, merchant, former, cart, dispatches, event.eventId);
    if (!locked) {
      await markNotContacted(deps, transaction, cart.id);
      deps.logger.info({ merchantId: merchant.id, cartId: cart.id }, 'checkout has no usable phone; nothing will be sent');
      return { status: 'processed', cartId: cart.id, conversationId: null, reason: 'no_phone' };
    }
    if (!withheld) {
      const zones = mergeZones(locked.customer.timezoneCandidates, candidateZones(merchant, locked.customer.phone, event.cart.addresses));
      // Skipped when nothing changes (a returning shopper from the same places).
      await updateCustomer(deps, transaction, locked.customer, {
        timezoneCandidates: zones,
        firstName: event.cart.firstName ?? locked.customer.firstName,
      });
    }
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
  }, { answerFirst: true });
}

/** Built once (see `recordDeliveryAndFindCart`): with the CTEs for a new shopper, their thread and their cart, or without. */
function deliverySql(withThread: boolean): string {
  return `WITH delivery AS (${RECORD_DELIVERY_SQL}),
     cart AS (SELECT conversation_id FROM abandoned_carts WHERE merchant_id = :merchantId AND checkout_token = :checkoutToken)
     ${
       withThread
         ? `, ${newThreadCtes('EXISTS (SELECT 1 FROM delivery)')},
     new_cart AS (
       INSERT INTO abandoned_carts (${CART_COLUMNS})
       SELECT ${CART_VALUES} FROM customer
       WHERE customer.suppressed IS NOT TRUE AND EXISTS (SELECT 1 FROM conversation) AND NOT EXISTS (SELECT 1 FROM cart)
       ON CONFLICT (merchant_id, checkout_token) DO NOTHING
       RETURNING id)`
         : ''
     }
     SELECT EXISTS (SELECT 1 FROM delivery) AS recorded, EXISTS (SELECT 1 FROM cart) AS "cartExists",
       (SELECT conversation_id FROM cart) AS "conversationId",
       ${
         withThread
           ? `EXISTS (SELECT 1 FROM conversation) AS created, (SELECT suppressed FROM customer) AS suppressed,
       EXISTS (SELECT 1 FROM new_cart) AS "cartInserted"`
           : 'false AS created, NULL AS suppressed, false AS "cartInserted"'
       }`;
}

/**
 * Records the delivery once (false for a duplicate event id: one effect) and,
 * in the same round trip, finds the thread that owns this checkout today, if
 * any (read without a lock: locks come in order, later), and creates the
 * shopper and their thread when the checkout has a phone we have never seen
 * (only for a delivery recorded now: a duplicate writes nothing).
 *
 * The commonest checkout, a new shopper's new cart, is also inserted here,
 * owned by the thread just created: there is no former owner to lock first
 * and nothing to withhold (a suppressed phone goes the long way, stripped).
 * Any other case, or a concurrent insert of the same checkout, leaves the
 * cart to `upsertCart`.
 */
async function recordDeliveryAndFindCart(
  deps: ConversationDeps,
  transaction: Transaction,
  merchantId: string,
  receipt: WebhookReceipt,
  event: CartUpdated,
  thread: NewThread | null,
): Promise<{
  recorded: boolean;
  cart: { conversationId: string | null } | null;
  created: { suppressed: boolean } | null;
  insertedCart: { id: string; conversationId: string } | null;
}> {
  // The cart a new thread would own, should this statement be the one to insert it.
  const newCart = thread ? { id: deps.ids(), thread } : null;
  const [row] = await selectRows<{
    recorded: boolean;
    cartExists: boolean;
    conversationId: string | null;
    created: boolean;
    suppressed: boolean | null;
    cartInserted: boolean;
  }>(
    deps,
    transaction,
    thread ? DELIVERY_WITH_NEW_THREAD_SQL : DELIVERY_SQL,
    // Object.assign, not a literal of spreads: V8 builds a spread literal this wide (some fifty
    // keys) in the old generation, where every webhook's copy then waited for a full GC.
    Object.assign(
      {},
      thread?.params,
      deliveryParams(deps, merchantId, receipt, 'processed', null),
      { checkoutToken: event.cart.checkoutToken },
      newCart
        ? cartParams(event, {
            cartId: newCart.id,
            customerId: newCart.thread.customer.id,
            conversationId: newCart.thread.conversation.id,
            now: newCart.thread.params.now as Date,
          })
        : {},
    ),
  );
  if (!row) throw new Error('delivery not recorded');
  return {
    recorded: row.recorded,
    cart: row.cartExists ? { conversationId: row.conversationId } : null,
    created: row.created ? { suppressed: row.suppressed === true } : null,
    insertedCart: row.cartInserted && newCart ? { id: newCart.id, conversationId: newCart.thread.conversation.id } : null,
  };
}

/** The checkout without anything that says who bought what: totals, currency and tokens stay. */
function withoutContents(event: CartUpdated): CartUpdated {
  return {
    ...event,
    phone: null,
    consent: { ...event.consent, evidence: {} },
    cart: { ...event.cart, lineItems: [], recoveryUrl: null, firstName: null, locale: null, addresses: [] },
  };
}

/** A cart row's columns, and the parameters `cartParams` fills them with (named apart from a thread's and a delivery's). */
const CART_COLUMNS = `id, merchant_id, platform, checkout_id, checkout_token, cart_token, phone, first_name, locale,
       line_items, addresses, total_minor, currency, recovery_url, sms_consent, consent_evidence, status, last_activity_at,
       customer_id, conversation_id, created_at, updated_at`;
const CART_VALUES = `:cartId, :merchantId, :cartPlatform, :checkoutId, :checkoutToken, :cartToken, :cartPhone, :cartFirstName, :cartLocale,
       :lineItems::jsonb, :addresses::jsonb, :totalMinor, :currency, :recoveryUrl, :smsConsent, :consentEvidence::jsonb, 'open',
       :occurredAt, :cartCustomerId, :cartConversationId, :cartNow, :cartNow`;

const DELIVERY_SQL = deliverySql(false);
const DELIVERY_WITH_NEW_THREAD_SQL = deliverySql(true);
const UPSERT_CART_SQL = `INSERT INTO abandoned_carts (${CART_COLUMNS})
     VALUES (${CART_VALUES})
     ON CONFLICT (merchant_id, checkout_token) DO UPDATE SET
       platform = EXCLUDED.platform, checkout_id = EXCLUDED.checkout_id, cart_token = EXCLUDED.cart_token, phone = EXCLUDED.phone,
       first_name = EXCLUDED.first_name, locale = EXCLUDED.locale, line_items = EXCLUDED.line_items, addresses = EXCLUDED.addresses,
       total_minor = EXCLUDED.total_minor, currency = EXCLUDED.currency, recovery_url = EXCLUDED.recovery_url,
       sms_consent = EXCLUDED.sms_consent, consent_evidence = EXCLUDED.consent_evidence,
       last_activity_at = EXCLUDED.last_activity_at, customer_id = EXCLUDED.customer_id,
       conversation_id = EXCLUDED.conversation_id, updated_at = clock_timestamp()
     WHERE abandoned_carts.status <> 'recovered' AND abandoned_carts.last_activity_at <= EXCLUDED.last_activity_at
     RETURNING id, conversation_id AS "conversationId"`;

function cartParams(
  event: CartUpdated,
  row: { cartId: string; customerId: string | null; conversationId: string | null; now: Date },
): Record<string, unknown> {
  return {
    cartId: row.cartId,
    cartPlatform: event.platform,
    checkoutId: event.cart.checkoutId,
    checkoutToken: event.cart.checkoutToken,
    cartToken: event.cart.cartToken,
    cartPhone: event.phone,
    cartFirstName: event.cart.firstName,
    cartLocale: event.cart.locale,
    lineItems: JSON.stringify(event.cart.lineItems),
    addresses: JSON.stringify(event.cart.addresses),
    totalMinor: event.cart.totalMinor,
    currency: event.cart.currency,
    recoveryUrl: event.cart.recoveryUrl,
    smsConsent: event.consent.smsMarketing,
    consentEvidence: JSON.stringify(event.consent.evidence),
    occurredAt: event.occurredAt,
    cartCustomerId: row.customerId,
    cartConversationId: row.conversationId,
    cartNow: row.now,
  };
}

interface UpsertedCart {
  id: string;
  conversationId: string | null;
  platform: string;
  checkoutToken: string;
  /** False when the row was left alone: recovered already, or this update is older than the last one. */
  applied: boolean;
}

/**
 * Creates or updates the cart in one statement and leaves it locked (ON
 * CONFLICT DO UPDATE locks the existing row even when its WHERE refuses the
 * update). A create and an update of one checkout can arrive together; an
 * update is applied only when the cart is still open to it and not older than
 * the last one. The shopper's thread is linked in the same write.
 */
async function upsertCart(
  deps: ConversationDeps,
  transaction: Transaction,
  merchant: MerchantRow,
  event: CartUpdated,
  locked: LockedConversation | null,
): Promise<UpsertedCart> {
  const rows = await selectRows<{ id: string; conversationId: string | null }>(
    deps,
    transaction,
    UPSERT_CART_SQL,
    {
      merchantId: merchant.id,
      ...cartParams(event, {
        cartId: deps.ids(),
        customerId: locked?.customer.id ?? null,
        conversationId: locked?.conversation.id ?? null,
        now: deps.clock.now(),
      }),
    },
  );
  const common = { platform: event.platform, checkoutToken: event.cart.checkoutToken };
  const written = rows[0];
  if (written) return { ...written, ...common, applied: true };
  // Refused by the WHERE: the row exists and we hold its lock; report it as it is.
  const existing = await selectRows<{ id: string; conversationId: string | null; platform: string }>(
    deps,
    transaction,
    `SELECT id, conversation_id AS "conversationId", platform FROM abandoned_carts WHERE merchant_id = :merchantId AND checkout_token = :checkoutToken`,
    { merchantId: merchant.id, checkoutToken: event.cart.checkoutToken },
  );
  if (!existing[0]) throw new Error('cart vanished inside its own transaction');
  return { ...existing[0], checkoutToken: event.cart.checkoutToken, applied: false };
}

/** No usable phone (or thread): nothing will be sent about this cart. */
async function markNotContacted(deps: ConversationDeps, transaction: Transaction, cartId: string): Promise<void> {
  await execute(
    deps,
    transaction,
    `UPDATE abandoned_carts SET status = 'not_contacted', status_reason = 'no_phone', customer_id = NULL, conversation_id = NULL,
       updated_at = clock_timestamp()
     WHERE id = :id`,
    { id: cartId },
  );
}

/** The thread that used to own this cart stops texting about it. */
async function detach(
  deps: ConversationDeps,
  transaction: Transaction,
  merchant: MerchantRow,
  former: LockedConversation,
  cart: Pick<UpsertedCart, 'id' | 'platform' | 'checkoutToken'>,
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
