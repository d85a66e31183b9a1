import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { checkoutFor, eventually, orderFor, startHarness, type FlowInput, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient, type Recipient } from '../support/reachable-recipient.js';

/**
 * Which cart an `orders/create` recovers: the one with its checkout or cart
 * token, else the merchant's latest open cart for the buyer's phone within
 * the flow's window, and never another merchant's.
 */

/** Texts: the opt-in request at once, a reminder as soon as the shopper says YES, another four seconds later. */
const TEXTING_FLOW = {
  abandonAfterSeconds: 1,
  optInTimeoutSeconds: 600,
  steps: [
    { afterSeconds: 0, template: '{{shopName}}: your cart is waiting: {{recoveryUrl}}' },
    { afterSeconds: 4, template: '{{shopName}}: still thinking about it?' },
  ],
} satisfies FlowInput;

/** Quiet for the length of a test: the cart stays open, with only its abandon timer pending. */
const QUIET_FLOW = {
  abandonAfterSeconds: 3600,
  optInTimeoutSeconds: 600,
  steps: [{ afterSeconds: 0, template: '{{shopName}}: your cart is waiting' }],
} satisfies FlowInput;

/**
 * How long after a cart's last activity an order by the same phone still counts:
 * the whole flow (abandon delay, opt-in timeout, last step) plus a day.
 */
const QUIET_WINDOW_MS = (QUIET_FLOW.abandonAfterSeconds + QUIET_FLOW.optInTimeoutSeconds + QUIET_FLOW.steps.at(-1)!.afterSeconds + 86_400) * 1000;

/** The fixture order's total_price, 569.54 USD. */
const ORDER_TOTAL_MINOR = 56954;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An order for `checkout` that names neither of its tokens, placed by `phone`. */
function phoneOnlyOrder(checkout: Record<string, any>, phone: string, overrides: Record<string, unknown> = {}): Record<string, any> {
  const order = orderFor(checkout);
  return { ...order, checkout_token: null, cart_token: null, phone, customer: { ...order.customer, phone }, ...overrides };
}

/** The order's id as the service keeps it (the text of its GraphQL id, exact beyond 2^53). */
const orderIdOf = (order: Record<string, any>) => String(order.admin_graphql_api_id).split('/').at(-1);

interface CartRecord {
  id: string;
  status: string;
  recovered_at: Date | null;
  recovered_revenue_minor: string | null;
  order_id: string | null;
  attributed_message_id: string | null;
}

describe('which cart an order recovers', { concurrency: true }, () => {
  let h: Harness;
  let texting: TestMerchant;
  let quiet: TestMerchant;
  let otherQuiet: TestMerchant;
  let variant = 60;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'e2e_order_matching' });
    [texting, quiet, otherQuiet] = await Promise.all([
      h.createMerchant({ flow: TEXTING_FLOW }),
      h.createMerchant({ flow: QUIET_FLOW, name: 'Quiet Shop' }),
      h.createMerchant({ flow: QUIET_FLOW, name: 'Other Shop' }),
    ]);
  });
  after(async () => h?.close());

  const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) =>
    h.service.deps.db.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

  /** The window counts back from the order to the cart's last activity: moved back in the database, as time would. */
  const lastActiveAgo = (cartId: string, ms: number) =>
    sql(`UPDATE abandoned_carts SET last_activity_at = :at WHERE id = :id RETURNING id`, { id: cartId, at: new Date(Date.now() - ms) });

  async function cartOf(merchant: TestMerchant, checkout: Record<string, any>): Promise<CartRecord> {
    const [cart] = await sql<CartRecord>(
      `SELECT id, status, recovered_at, recovered_revenue_minor, order_id, attributed_message_id
         FROM abandoned_carts WHERE merchant_id = :merchantId AND checkout_token = :token`,
      { merchantId: merchant.id, token: checkout.token },
    );
    assert.ok(cart, `a cart for checkout ${checkout.token}`);
    return cart;
  }

  const pendingTimersOf = async (cartId: string) =>
    (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM timers WHERE cart_id = :cartId AND status = 'pending'`, { cartId }))[0]!.n;

  /** A quiet merchant's open cart for `recipient`, its abandon timer pending. */
  async function openCart(merchant: TestMerchant, recipient: Recipient) {
    const checkout = checkoutFor(recipient);
    assert.equal((await h.postCheckout(merchant, checkout)).status, 200);
    const cart = await cartOf(merchant, checkout);
    assert.equal(cart.status, 'open');
    assert.equal(await pendingTimersOf(cart.id), 1, 'the abandon timer is pending');
    return { checkout, cart };
  }

  function assertRecovered(cart: CartRecord, order: Record<string, any>) {
    assert.equal(cart.status, 'recovered');
    assert.ok(cart.recovered_at, 'recoveredAt is set');
    assert.equal(Number(cart.recovered_revenue_minor), ORDER_TOTAL_MINOR);
    assert.equal(cart.order_id, orderIdOf(order));
  }

  function assertUntouched(cart: CartRecord) {
    assert.equal(cart.status, 'open');
    assert.equal(cart.recovered_at, null);
    assert.equal(cart.recovered_revenue_minor, null);
    assert.equal(cart.order_id, null);
  }

  test('an order without checkout or cart token recovers the open cart of the same phone, cancels its timers and stops the texts', async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    assert.equal((await h.postCheckout(texting, checkout)).status, 200);
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
    assert.equal((await h.postInbound(texting, recipient.phone, 'YES')).status, 200);
    await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 });
    // The first reminder is recorded as sent and the next step's timer is waiting.
    const asked = await eventually(async () => {
      const c = await h.conversation(texting, recipient.phone);
      const sent = c?.messages.filter((m: any) => m.kind === 'reminder' && m.status === 'sent') ?? [];
      return sent.length === 1 && c.pendingTimers.length === 1 ? c : undefined;
    }, 10_000, 'the first reminder to be sent and the second to be scheduled');
    const nextDue = Date.parse(asked.pendingTimers[0].dueAt);

    const order = phoneOnlyOrder(checkout, recipient.phone);
    const answer = await h.postOrder(texting, order);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: 'processed', cartId: asked.cart.id, conversationId: asked.id, reason: null });

    const sentSoFar = h.twilio.messagesTo(recipient.phone).length;
    assertRecovered(await cartOf(texting, checkout), order);
    const recovered = await eventually(async () => {
      const c = await h.conversation(texting, recipient.phone);
      return c?.state === 'recovered' ? c : undefined;
    }, 10_000, 'the conversation to be recovered');
    assert.deepEqual(recovered.pendingTimers, []);
    assert.equal(recovered.cart.recoveredRevenue, ORDER_TOTAL_MINOR);
    const timers = await sql<{ status: string }>(`SELECT status FROM timers WHERE cart_id = :cartId AND step_index = 1`, { cartId: asked.cart.id });
    assert.deepEqual(timers.map((t) => t.status), ['cancelled'], 'the next step was cancelled, not fired');

    // Past the second reminder's due time: nothing more is texted about the bought cart.
    await sleep(Math.max(0, nextDue - Date.now()) + 2500);
    assert.equal(h.twilio.messagesTo(recipient.phone).length, sentSoFar);
    const later = await h.conversation(texting, recipient.phone);
    assert.deepEqual(
      later.messages.filter((m: any) => m.direction === 'outbound').map((m: any) => [m.kind, m.status]),
      [['opt_in_request', 'sent'], ['reminder', 'sent']],
    );
  });

  test('an order by phone alone recovers a cart whose last activity is just inside the window', async () => {
    const recipient = nextRecipient();
    const { checkout, cart } = await openCart(quiet, recipient);
    await lastActiveAgo(cart.id, QUIET_WINDOW_MS - 5 * 60_000);

    const order = phoneOnlyOrder(checkout, recipient.phone);
    const answer = await h.postOrder(quiet, order);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.reason, null);
    assert.equal(answer.body.cartId, cart.id);
    assertRecovered(await cartOf(quiet, checkout), order);
    assert.equal(await pendingTimersOf(cart.id), 0);
  });

  test('an order by phone alone does not match a cart whose last activity is outside the window', async () => {
    const recipient = nextRecipient();
    const { checkout, cart } = await openCart(quiet, recipient);
    await lastActiveAgo(cart.id, QUIET_WINDOW_MS + 5 * 60_000);

    const answer = await h.postOrder(quiet, phoneOnlyOrder(checkout, recipient.phone));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: 'processed', cartId: null, conversationId: null, reason: 'no_matching_cart' });
    assertUntouched(await cartOf(quiet, checkout));
    assert.equal(await pendingTimersOf(cart.id), 1, 'the abandon timer is still pending');
    const conversation = await h.conversation(quiet, recipient.phone);
    assert.notEqual(conversation.state, 'recovered');
  });

  test('an order whose checkout token is unknown recovers the cart its cart token names', async () => {
    const recipient = nextRecipient();
    const { checkout, cart } = await openCart(quiet, recipient);
    // Neither the checkout token nor the phone points at the cart: only its cart token does.
    const order = phoneOnlyOrder(checkout, '+15024592181', { checkout_token: 'f'.repeat(32), cart_token: checkout.cart_token });
    const answer = await h.postOrder(quiet, order);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.reason, null);
    assert.equal(answer.body.cartId, cart.id);
    assertRecovered(await cartOf(quiet, checkout), order);
    assert.equal(await pendingTimersOf(cart.id), 0);
  });

  test('an order without a checkout token recovers the cart its cart token names', async () => {
    const recipient = nextRecipient();
    const { checkout, cart } = await openCart(quiet, recipient);
    const order = phoneOnlyOrder(checkout, '+15024592181', { cart_token: checkout.cart_token });
    const answer = await h.postOrder(quiet, order);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.cartId, cart.id);
    assertRecovered(await cartOf(quiet, checkout), order);
  });

  test("another merchant's order with the same phone and even the same tokens leaves this merchant's cart alone", async () => {
    const recipient = nextRecipient();
    const { checkout, cart } = await openCart(quiet, recipient);

    for (const order of [phoneOnlyOrder(checkout, recipient.phone), orderFor(checkout, { phone: recipient.phone })]) {
      const answer = await h.postOrder(otherQuiet, order);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { status: 'processed', cartId: null, conversationId: null, reason: 'no_matching_cart' });
    }
    assertUntouched(await cartOf(quiet, checkout));
    assert.equal(await pendingTimersOf(cart.id), 1, 'the abandon timer is still pending');
    assert.equal((await h.conversation(quiet, recipient.phone)).state, 'watching');

    // The same phone-only order, at its own merchant, does recover it.
    const own = phoneOnlyOrder(checkout, recipient.phone);
    assert.equal((await h.postOrder(quiet, own)).body.cartId, cart.id);
    assertRecovered(await cartOf(quiet, checkout), own);
  });

  test("when two merchants hold a cart for the phone, an order recovers only its own merchant's", async () => {
    const recipient = nextRecipient();
    const theirs = await openCart(otherQuiet, recipient);
    // This merchant's cart is the more recent one for the phone.
    await sleep(20);
    const ours = await openCart(quiet, recipient);

    const order = phoneOnlyOrder(theirs.checkout, recipient.phone);
    const answer = await h.postOrder(otherQuiet, order);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.cartId, theirs.cart.id);
    assertRecovered(await cartOf(otherQuiet, theirs.checkout), order);
    assertUntouched(await cartOf(quiet, ours.checkout));
    assert.equal(await pendingTimersOf(ours.cart.id), 1, "this merchant's abandon timer is still pending");
    assert.equal((await h.conversation(quiet, recipient.phone)).state, 'watching');
  });
});
