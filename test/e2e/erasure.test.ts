import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkoutFor, eventually, startHarness, type Harness, type QueueMode, type TestMerchant } from '../support/harness.js';
import { reachableRecipient, type Recipient } from '../support/reachable-recipient.js';

/**
 * Erasure end to end over HTTP: signed Twilio replies, the merchant's DELETE,
 * then the same phone checking out again with SMS consent. The suppression
 * digest is all that remembers the phone, and it is enough: nothing is ever
 * sent again, and the export holds nothing personal, until the shopper's own
 * START lifts it.
 */
const FLOW = {
  abandonAfterSeconds: 1,
  optInTimeoutSeconds: 600,
  steps: [
    { afterSeconds: 0, template: '{{shopName}}: {{firstName}}, your {{itemsSummary}} is waiting: {{recoveryUrl}}' },
    { afterSeconds: 2, template: '{{shopName}}: take 10% off with {{discountCode}}', discountCode: 'COMEBACK10' },
  ],
};
/** Past the abandonment and every step of FLOW, with room for the queue. */
const PAST_THE_FLOW_MS = 6000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const mode of (process.env.E2E_MODES?.split(',') ?? ['redis', 'postgres']) as QueueMode[]) {
  describe(`erasure end to end (${mode} queue)`, { concurrency: true }, () => {
    let h: Harness;
    let merchant: TestMerchant;
    let variant = 70;
    const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

    before(async () => {
      h = await startHarness({ label: `e2e_erasure_${mode}`, queue: mode });
      merchant = await h.createMerchant({ flow: FLOW });
    });
    after(async () => h?.close());

    const q = (phone: string) => `phone=${encodeURIComponent(phone)}`;
    const exportOf = (phone: string) => h.request('GET', `/api/v1/customers/export?${q(phone)}`, { token: merchant.apiKey });
    const erase = (phone: string) => h.request('DELETE', `/api/v1/customers?${q(phone)}`, { token: merchant.apiKey });
    const bodiesTo = (phone: string) => h.twilio.messagesTo(phone).map((r) => r.form.Body ?? '');

    /** The export holds nothing about who the shopper is or what they bought or wrote; the phone is at most the key it was asked by. */
    function assertNothingPersonal(text: string, recipient: Recipient, sentBodies: string[], extra: string[] = []) {
      const withoutKey = text.replaceAll(`"phone":"${recipient.phone}"`, '"phone":"<asked>"');
      for (const personal of [recipient.phone, 'Bob', 'IPod', 'checkouts/', 'COMEBACK10', ...sentBodies, ...extra]) {
        assert.ok(!withoutKey.includes(personal), `the export holds ${JSON.stringify(personal)}: ${text}`);
      }
    }

    /** A new signed checkout with SMS consent from an erased phone: it is processed, and nothing is ever texted. */
    async function checkoutAfterErasure(recipient: Recipient) {
      const sentBefore = h.twilio.messagesTo(recipient.phone).length;
      const checkout = checkoutFor(recipient);
      assert.equal(checkout.buyer_accepts_sms_marketing, true);
      const accepted = await h.postCheckout(merchant, checkout);
      assert.equal(accepted.status, 200);
      assert.equal(accepted.body.status, 'processed');
      const conversation = await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.state === 'optedOut' ? c : undefined;
      }, 10_000, 'the new checkout to be applied to a new, opted-out thread');
      assert.equal(conversation.consent, 'revoked');
      assert.deepEqual(conversation.pendingTimers, []);
      assert.equal(conversation.cart.status, 'not_contacted');
      await sleep(PAST_THE_FLOW_MS);
      assert.equal(h.twilio.messagesTo(recipient.phone).length, sentBefore, `texted after erasure: ${bodiesTo(recipient.phone).slice(sentBefore).join(' | ')}`);
      const after = await h.conversation(merchant, recipient.phone);
      assert.deepEqual(after.messages, [], 'not even queued');
      return checkout;
    }

    test('STOP, then erasure, then a new checkout with consent: no provider request ever, and the export holds nothing personal', async () => {
      const recipient = nextRecipient();
      assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
      await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
      assert.equal((await h.postInbound(merchant, recipient.phone, 'STOP')).status, 200);
      await eventually(async () => bodiesTo(recipient.phone).find((b) => /unsubscribed/i.test(b)), 10_000, 'the STOP confirmation');
      const sentBodies = bodiesTo(recipient.phone);

      const erased = await erase(recipient.phone);
      assert.equal(erased.status, 200, erased.text);
      assert.equal(erased.body.status, 'erased');
      assert.equal(erased.body.erased.customers, 1);

      const afterErasure = await exportOf(recipient.phone);
      assert.equal(afterErasure.status, 200, afterErasure.text);
      assert.equal(afterErasure.body.suppressed, true);
      assert.equal(afterErasure.body.customer, null);
      assertNothingPersonal(afterErasure.text, recipient, sentBodies, ['STOP']);

      const checkout = await checkoutAfterErasure(recipient);

      // What the new checkout left is the thread that keeps the phone quiet: no name, no items, no link, no text.
      const later = await exportOf(recipient.phone);
      assert.equal(later.status, 200, later.text);
      assert.equal(later.body.suppressed, true);
      assert.equal(later.body.customer.consentStatus, 'revoked');
      assert.equal(later.body.customer.firstName, null);
      assert.deepEqual(later.body.messages, []);
      assert.deepEqual(later.body.consentLedger, []);
      assert.equal(later.body.carts.length, 1);
      assert.deepEqual(later.body.carts[0].lineItems, []);
      assert.equal(later.body.carts[0].total, 63282, 'the total stays, as a count');
      assertNothingPersonal(later.text, recipient, sentBodies, ['STOP', checkout.abandoned_checkout_url]);
    });

    test('erasure of a shopper who never opted out suppresses too: a new checkout with consent texts nothing', async () => {
      const recipient = nextRecipient();
      assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
      await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
      const asked = await h.conversation(merchant, recipient.phone);
      assert.equal(asked.consent, 'requested', 'asked, never opted out');
      const sentBodies = bodiesTo(recipient.phone);

      const erased = await erase(recipient.phone);
      assert.equal(erased.status, 200, erased.text);
      assert.equal(erased.body.status, 'erased');
      assert.equal(erased.body.erased.timersCancelled, 1, 'the opt-in timeout was still pending');
      const afterErasure = await exportOf(recipient.phone);
      assert.equal(afterErasure.body.suppression.reason, 'erased');
      assertNothingPersonal(afterErasure.text, recipient, sentBodies);

      await checkoutAfterErasure(recipient);
    });

    test("an erased shopper's own START lifts the suppression: the next checkout is texted again", async () => {
      const recipient = nextRecipient();
      assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
      await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
      assert.equal((await erase(recipient.phone)).body.status, 'erased');
      const sentBefore = h.twilio.messagesTo(recipient.phone).length;

      assert.equal((await h.postInbound(merchant, recipient.phone, 'START')).status, 200);
      const resubscribed = await exportOf(recipient.phone);
      assert.equal(resubscribed.body.suppressed, false);
      assert.equal(resubscribed.body.customer.consentStatus, 'confirmed');
      assert.deepEqual(resubscribed.body.consentLedger.map((e: any) => e.change), ['confirmed']);

      // START is answered, and a checkout after it runs the sequence (the shopper confirmed with START).
      assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
      const requests = await h.twilio.waitForMessages(sentBefore + 2, { to: recipient.phone, timeoutMs: 15_000 });
      const bodies = requests.slice(sentBefore).map((r) => r.form.Body ?? '');
      assert.ok(bodies.some((b) => /Bob, your IPod/.test(b)), bodies.join(' | '));
    });
  });
}
