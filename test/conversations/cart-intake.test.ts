import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

/**
 * What reaches PostgreSQL for one checkout is counted on pg's own client,
 * beneath the transaction pipeline: one call of the driver's `query` is one
 * message, one round trip. The service runs as a web process alone, so
 * nothing else (timers, the reconciler, the ledger sealer) talks to the
 * database while a checkout is posted.
 */
let counting = false;
const messages: string[] = [];
const driverQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function countedQuery(this: unknown, ...args: unknown[]) {
  if (counting) {
    const [config] = args;
    messages.push(typeof config === 'string' ? config : String((config as { text?: unknown } | null)?.text ?? ''));
  }
  return driverQuery.apply(this, args);
} as typeof pg.Client.prototype.query;

describe('checkout intake', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let variant = 310;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'cart_intake', env: { ROLE: 'web' } });
    merchant = await h.createMerchant({
      flow: { abandonAfterSeconds: 3600, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}' }] },
    });
    // The merchant is read once, into the cache, on the first delivery's transaction.
    await h.postCheckout(merchant, checkoutFor(nextRecipient()));
  });
  after(async () => h?.close());

  async function roundTripsOf(post: () => Promise<{ status: number }>): Promise<string[]> {
    messages.length = 0;
    counting = true;
    try {
      assert.equal((await post()).status, 200);
    } finally {
      counting = false;
    }
    return [...messages];
  }

  test("a new shopper's new checkout is recorded, threaded, carted and applied in two round trips", async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    const sent = await roundTripsOf(() => h.postCheckout(merchant, checkout));
    assert.equal(sent.length, 2, sent.join('\n----\n'));

    const view = await h.conversation(merchant, recipient.phone);
    assert.equal(view.state, 'watching');
    assert.equal(view.cart.id.length > 0, true);
    const cart = await h.service.deps.db.models.Cart.findByPk(view.cart.id);
    assert.ok(cart);
    assert.equal(cart.conversationId, view.id);
    assert.equal(cart.checkoutToken, checkout.token);
    assert.equal(cart.phone, recipient.phone);
    assert.equal(cart.status, 'open');
    assert.ok(Array.isArray(cart.lineItems) && cart.lineItems.length > 0, 'the cart keeps what is in it');
    assert.deepEqual(view.pendingTimers.map((timer: { kind: string }) => timer.kind), ['abandon']);
  });

  test('an update of that checkout goes the long way, and still updates the one cart', async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    await h.postCheckout(merchant, checkout);
    const first = await h.conversation(merchant, recipient.phone);
    const updated = { ...checkout, total_price: '99.00', updated_at: new Date(Date.now() + 1000).toISOString() };
    const sent = await roundTripsOf(() => h.postCheckout(merchant, updated, { topic: 'checkouts/update' }));
    assert.ok(sent.length >= 3, 'the existing thread is locked before its cart is written');
    const view = await h.conversation(merchant, recipient.phone);
    assert.equal(view.id, first.id);
    assert.equal(view.cart.id, first.cart.id);
    assert.equal(view.cart.total, 9900);
  });

  test('a suppressed phone starts opted out, and its cart is kept without its contents', async () => {
    const recipient = nextRecipient();
    await h.postCheckout(merchant, checkoutFor(recipient));
    const erased = await h.request('DELETE', `/api/v1/customers?phone=${encodeURIComponent(recipient.phone)}`, { token: merchant.apiKey });
    assert.equal(erased.status, 200);

    const again = checkoutFor(recipient);
    await roundTripsOf(() => h.postCheckout(merchant, again));
    const cart = await h.service.deps.db.models.Cart.findOne({ where: { checkoutToken: again.token } });
    assert.ok(cart);
    assert.deepEqual(cart.lineItems, []);
    assert.equal(cart.phone, null);
    const view = await h.conversation(merchant, recipient.phone);
    assert.equal(view.consent, 'revoked');
  });
});
