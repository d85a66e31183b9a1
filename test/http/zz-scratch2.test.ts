import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

describe('scratch2', { concurrency: true }, () => {
  let h: Harness;
  let merchant: TestMerchant;
  let v = 70;
  before(async () => { h = await startHarness({ label: 'scratch2' }); merchant = await h.createMerchant({ flow: { abandonAfterSeconds: 2, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: 'x {{shopName}}' }] } }); });
  after(async () => h?.close());

  test('phone changed A -> B', async () => {
    const a = reachableRecipient(new Date(), 30, v++); const b = reachableRecipient(new Date(), 30, v++);
    const checkout = checkoutFor(a);
    console.log((await h.postCheckout(merchant, checkout)).body);
    const updated = { ...checkout, sms_marketing_phone: b.phone, customer: { ...checkout.customer, phone: b.phone } };
    console.log((await h.postCheckout(merchant, updated, { topic: 'checkouts/update' })).body);
    await new Promise((r) => setTimeout(r, 4500));
    console.log('A msgs', h.twilio.messagesTo(a.phone).map((r) => r.form.Body), 'B msgs', h.twilio.messagesTo(b.phone).map((r) => r.form.Body));
    const ca = await h.conversation(merchant, a.phone); console.log('A', ca.state, ca.cart, ca.messages.map((m: any) => m.kind));
    const cb = await h.conversation(merchant, b.phone); console.log('B', cb.state, cb.cart, cb.messages.map((m: any) => m.kind));
  });
  test('phone removed A -> none', async () => {
    const a = reachableRecipient(new Date(), 30, v++);
    const checkout = checkoutFor(a);
    console.log((await h.postCheckout(merchant, checkout)).body);
    const updated = { ...checkout, sms_marketing_phone: null, customer: { ...checkout.customer, phone: null } };
    console.log((await h.postCheckout(merchant, updated, { topic: 'checkouts/update' })).body);
    await new Promise((r) => setTimeout(r, 4500));
    console.log('A msgs', h.twilio.messagesTo(a.phone).map((r) => r.form.Body));
    const ca = await h.conversation(merchant, a.phone); console.log('A', ca.state, ca.cart, ca.messages.map((m: any) => m.kind));
  });
  test('consent withdrawn on update', async () => {
    const a = reachableRecipient(new Date(), 30, v++);
    const checkout = checkoutFor(a);
    await h.postCheckout(merchant, checkout);
    const updated = { ...checkout, buyer_accepts_sms_marketing: false };
    console.log((await h.postCheckout(merchant, updated, { topic: 'checkouts/update' })).body);
    await new Promise((r) => setTimeout(r, 4500));
    console.log('consent-withdrawn msgs', h.twilio.messagesTo(a.phone).map((r) => r.form.Body));
    const ca = await h.conversation(merchant, a.phone); console.log('A', ca.state, ca.cart, ca.pendingTimers);
  });
});
