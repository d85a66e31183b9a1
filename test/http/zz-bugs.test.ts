import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

describe('bugs', { concurrency: true }, () => {
  let h: Harness;
  let merchant: TestMerchant;
  let quick: TestMerchant;
  let variant = 80;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  before(async () => {
    h = await startHarness({ label: 'http_bugs' });
    merchant = await h.createMerchant();
    quick = await h.createMerchant({ flow: { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: 'x {{shopName}}' }] } });
  });
  after(async () => h?.close());

  // BUG 1
  test('create and update of a phoneless checkout arriving together both get 2xx and leave one cart', async () => {
    const checkout = checkoutFor(nextRecipient(), { sms_marketing_phone: null, customer: null });
    const responses = await Promise.all([
      h.postCheckout(merchant, checkout),
      h.postCheckout(merchant, checkout, { topic: 'checkouts/update' }),
      h.postCheckout(merchant, checkout, { topic: 'checkouts/update' }),
    ]);
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200], JSON.stringify(responses.map((r) => r.body)));
    const carts = await h.service.deps.db.models.Cart.findAll({ where: { merchantId: merchant.id, checkoutToken: checkout.token } });
    assert.equal(carts.length, 1);
    assert.equal(carts[0]?.statusReason, 'no_phone');
  });

  // BUG 2
  test('a checkouts/update that removes the phone stops the texts to the old phone', async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    assert.equal((await h.postCheckout(quick, checkout)).status, 200);
    const withoutPhone = { ...checkout, sms_marketing_phone: null, customer: { ...checkout.customer, phone: null } };
    const updated = await h.postCheckout(quick, withoutPhone, { topic: 'checkouts/update' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.reason, 'no_phone');
    await sleep(3000); // past the 1 s abandonment
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 0, 'the phone the buyer removed is not texted');
    const cart = await h.service.deps.db.models.Cart.findByPk(updated.body.cartId);
    assert.equal(cart?.status, 'not_contacted');
    assert.equal(cart?.statusReason, 'no_phone');
  });

  // BUG 3
  test('a checkouts/update that changes the phone texts only the new phone', async () => {
    const before = nextRecipient();
    const after = nextRecipient();
    const checkout = checkoutFor(before);
    assert.equal((await h.postCheckout(quick, checkout)).status, 200);
    const corrected = { ...checkout, sms_marketing_phone: after.phone, customer: { ...checkout.customer, phone: after.phone } };
    assert.equal((await h.postCheckout(quick, corrected, { topic: 'checkouts/update' })).status, 200);
    await h.twilio.waitForMessages(1, { to: after.phone, timeoutMs: 10_000 });
    await sleep(1500);
    assert.equal(h.twilio.messagesTo(before.phone).length, 0, 'the number the buyer replaced is not texted');
    const old = await h.conversation(quick, before.phone);
    assert.deepEqual(old?.pendingTimers ?? [], []);
  });
});
