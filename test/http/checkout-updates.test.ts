import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('checkout updates that race or change the phone', { concurrency: true }, () => {
  let h: Harness;
  let merchant: TestMerchant;
  let quick: TestMerchant;
  let variant = 70;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'http_checkout_updates' });
    [merchant, quick] = await Promise.all([
      h.createMerchant(),
      h.createMerchant({ name: 'Quick Shop', flow: { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: 'x {{shopName}}' }] } }),
    ]);
  });
  after(async () => h?.close());

  test('create and update of a phoneless checkout arriving together both get 2xx and leave one cart', async () => {
    const checkout = checkoutFor(nextRecipient(), { sms_marketing_phone: null, customer: null });
    const responses = await Promise.all([
      h.postCheckout(merchant, checkout),
      h.postCheckout(merchant, checkout, { topic: 'checkouts/update' }),
      h.postCheckout(merchant, checkout, { topic: 'checkouts/update' }),
    ]);
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200]);
    const carts = await h.service.deps.db.models.Cart.findAll({ where: { merchantId: merchant.id, checkoutToken: checkout.token } });
    assert.equal(carts.length, 1);
    assert.equal(carts[0]?.statusReason, 'no_phone');
  });

  test('create and update of one checkout with a phone arriving together leave one cart and one abandon timer', async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    const responses = await Promise.all([
      h.postCheckout(merchant, checkout),
      h.postCheckout(merchant, { ...checkout, updated_at: new Date(Date.now() + 1000).toISOString() }, { topic: 'checkouts/update' }),
    ]);
    assert.deepEqual(responses.map((r) => r.status), [200, 200]);
    const conversation = await h.conversation(merchant, recipient.phone);
    assert.equal(conversation.state, 'watching');
    assert.deepEqual(conversation.pendingTimers.map((t: any) => t.kind), ['abandon']);
  });

  test('a checkouts/update of the cart a person is now handling refreshes the cart and leaves the automation paused', async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    assert.equal((await h.postCheckout(quick, checkout)).status, 200);
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 10_000 });
    assert.equal((await h.postInbound(quick, recipient.phone, 'does it ship to Canada?')).status, 200);
    const paused = await h.conversation(quick, recipient.phone);
    assert.equal(paused.state, 'waitingForAgent');
    const more = { ...checkout, total_price: '999.00', updated_at: new Date(Date.now() + 1000).toISOString() };
    const updated = await h.postCheckout(quick, more, { topic: 'checkouts/update' });
    assert.equal(updated.status, 200);
    const after = await h.conversation(quick, recipient.phone);
    assert.equal(after.state, 'waitingForAgent');
    assert.deepEqual(after.pendingTimers, [], 'no abandon clock restarted behind the person');
    assert.equal(after.cart.total, 99900, 'the cart itself is refreshed');
    await sleep(2500);
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 1, 'nothing automated after the shopper asked a person');
  });

  test('a checkouts/update that removes the phone stops the texts to the old phone', async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    assert.equal((await h.postCheckout(quick, checkout)).status, 200);
    const withoutPhone = { ...checkout, sms_marketing_phone: null, customer: { ...checkout.customer, phone: null } };
    const updated = await h.postCheckout(quick, withoutPhone, { topic: 'checkouts/update' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.reason, 'no_phone');
    await sleep(3000);
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 0, 'the phone the buyer removed is not texted');
    const cart = await h.service.deps.db.models.Cart.findByPk(updated.body.cartId);
    assert.equal(cart?.status, 'not_contacted');
    assert.equal(cart?.statusReason, 'no_phone');
    const old = await h.conversation(quick, recipient.phone);
    assert.equal(old.state, 'idle');
    assert.deepEqual(old.pendingTimers, []);
  });

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
    assert.deepEqual((await h.conversation(quick, before.phone))?.pendingTimers ?? [], []);
  });

  test('a text to a number no merchant owns is recorded once, however often the provider retries it', async () => {
    const stranger = { ...merchant, senderNumber: '+14155550999' };
    const sid = 'SM' + 'ab'.repeat(16);
    for (let i = 0; i < 3; i++) {
      const response = await h.postInbound(stranger, nextRecipient().phone, 'hello?', { MessageSid: sid, SmsSid: sid });
      assert.equal(response.status, 200);
    }
    const rows = await h.service.deps.db.models.WebhookEvent.findAll({ where: { platform: 'twilio', eventId: sid } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.status, 'rejected');
    assert.equal(rows[0]?.reason, 'unknown_recipient');
  });
});
