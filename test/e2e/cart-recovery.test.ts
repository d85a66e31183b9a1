import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { ACCOUNT_SID, AUTH_TOKEN, checkoutFor, eventually, orderFor, PUBLIC_BASE_URL, startHarness, type Harness, type QueueMode, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

/**
 * The core loop over HTTP, in both queue modes: signed Shopify webhooks in,
 * the official Twilio SDK out to a local Twilio, signed replies back.
 */
const FLOW = {
  abandonAfterSeconds: 1,
  optInTimeoutSeconds: 600,
  steps: [
    { afterSeconds: 0, template: '{{shopName}}: {{firstName}}, your {{itemsSummary}} is waiting: {{recoveryUrl}}' },
    { afterSeconds: 3, template: '{{shopName}}: still thinking? {{itemCount}} items, {{cartTotal}}. Take 10% off with {{discountCode}}', discountCode: 'COMEBACK10' },
    // Seconds after the opt-in request and two reminders: a fourth marketing text within 24 h, which the cap refuses.
    { afterSeconds: 6, template: '{{shopName}}: a last look at your cart: {{recoveryUrl}}' },
  ],
};

const bodiesTo = (h: Harness, phone: string) => h.twilio.messagesTo(phone).map((r) => r.form.Body ?? '');
const inbound = (conversation: any) => conversation.messages.filter((m: any) => m.direction === 'inbound');

for (const mode of (process.env.E2E_MODES?.split(',') ?? ['redis', 'postgres']) as QueueMode[]) {
  describe(`cart recovery end to end (${mode} queue)`, { concurrency: true }, () => {
    let h: Harness;
    let merchant: TestMerchant;
    let variant = 10;
    const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

    before(async () => {
      h = await startHarness({ label: `e2e_${mode}`, queue: mode });
      merchant = await h.createMerchant({ flow: FLOW });
    });
    after(async () => h?.close());

    async function optedIn(recipient = nextRecipient()) {
      const checkout = checkoutFor(recipient);
      const accepted = await h.postCheckout(merchant, checkout);
      assert.equal(accepted.status, 200);
      const [optIn] = await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
      assert.match(optIn!.form.Body ?? '', /reply YES/i);
      const reply = await h.postInbound(merchant, recipient.phone, 'Yes please');
      assert.equal(reply.status, 200);
      return { recipient, checkout };
    }

    test('a consenting shopper gets one opt-in request, then the steps rendered with the cart, in order, until the cap', async () => {
      const { recipient } = await optedIn();
      const requests = await h.twilio.waitForMessages(3, { to: recipient.phone, timeoutMs: 20_000 });
      const bodies = requests.map((r) => r.form.Body ?? '');
      assert.match(bodies[0]!, /Example Shop: reply YES/);
      assert.match(bodies[0]!, /Msg & data rates may apply/);
      assert.match(bodies[0]!, /STOP/);
      assert.match(bodies[1]!, /^Example Shop: Bob, your IPod Nano - 8GB \(Red\), 2x IPod Nano - 8GB \(Pink\) is waiting: https:\/\/example-shop/);
      // The first reminder after the opt-in says how to opt out, although its template does not.
      assert.match(bodies[1]!, / Reply STOP to opt out$/);
      assert.equal(bodies[2], 'Example Shop: still thinking? 3 items, $632.82. Take 10% off with COMEBACK10');
      for (const request of requests) {
        assert.equal(request.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
        assert.equal(request.authUser, ACCOUNT_SID);
        assert.equal(request.authOk, true);
        assert.equal(request.form.To, recipient.phone);
        assert.equal(request.form.From, merchant.senderNumber);
        assert.match(request.form.StatusCallback ?? '', new RegExp(`^${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}/webhooks/twilio/status\\?message=[0-9a-f-]{36}$`));
      }
      const conversation = await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        const decided = c?.messages.every((m: any) => m.direction !== 'outbound' || !['pending', 'sending'].includes(m.status));
        return c?.state === 'completed' && decided ? c : undefined;
      });
      assert.equal(conversation.consent, 'confirmed');
      assert.equal(conversation.phone, recipient.phone);
      assert.deepEqual(conversation.pendingTimers, []);
      assert.equal(conversation.cart.total, 63282);
      assert.equal(conversation.cart.currency, 'USD');
      const outbound = conversation.messages.filter((m: any) => m.direction === 'outbound');
      assert.deepEqual(outbound.map((m: any) => m.kind), ['opt_in_request', 'reminder', 'reminder', 'reminder']);
      // Every text that went carries the send gate's decision, with the rules it was checked against.
      for (const sent of outbound.slice(0, 3)) {
        assert.equal(sent.status, 'sent');
        assert.ok(sent.segments >= 1);
        assert.equal(sent.decision.verdict, 'send');
        assert.ok(sent.decision.rules.length > 0);
        assert.ok(sent.decision.rules.every((rule: any) => rule.id && rule.citation && rule.reason));
        assert.ok(sent.decision.rules.some((rule: any) => rule.id === 'cap-default'));
        assert.ok(Date.parse(sent.decision.decidedAt) <= Date.parse(sent.sentAt));
      }
      // The fourth marketing text within 24 h (the opt-in request counts) is refused with its reason, not queued.
      const capped = outbound[3];
      assert.equal(capped.status, 'refused');
      assert.equal(capped.statusReason, 'frequency_cap');
      assert.equal(capped.sentAt, null);
      assert.equal(capped.decision.verdict, 'refuse');
      assert.equal(capped.decision.rules[0].id, 'cap-default');
      assert.match(capped.decision.rules[0].reason, /^3 marketing texts to this phone in the last 24 h \(limit 3/);
      assert.equal(inbound(conversation).length, 1);
      assert.equal(inbound(conversation)[0].decision, null, 'inbound messages carry no decision');
      // Refused for good: a reconcile does not pick it up again, and nothing more is sent.
      await h.service.reconcileNow();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, 3);
      const later = await h.conversation(merchant, recipient.phone);
      assert.equal(later.messages.find((m: any) => m.id === capped.id).status, 'refused');
    });

    test('an order for the cart cancels what is pending and records the recovered revenue, attributed to the last text sent', async () => {
      const { recipient, checkout } = await optedIn();
      await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 });
      // Both the opt-in request and the first reminder are recorded as sent before the order comes.
      await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.messages.filter((m: any) => m.direction === 'outbound' && m.sentAt).length === 2;
      }, 10_000, 'two texts recorded as sent');
      const order = orderFor(checkout);
      assert.equal((await h.postOrder(merchant, order)).status, 200);
      const sentSoFar = h.twilio.messagesTo(recipient.phone).length;
      const conversation = await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.state === 'recovered' ? c : undefined;
      });
      assert.deepEqual(conversation.pendingTimers, []);
      assert.equal(conversation.cart.recoveredRevenue, 56954);
      assert.ok(conversation.cart.recoveredAt);
      // The later steps' due times pass: nothing more is sent about a bought cart.
      await new Promise((resolve) => setTimeout(resolve, 7000));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, sentSoFar);
      const [cart] = await h.service.deps.db.models.Cart.findAll({ where: { checkoutToken: checkout.token } });
      assert.equal(cart?.status, 'recovered');
      assert.ok(cart?.attributedMessageId, 'revenue is attributed to the last message sent');
      const attributed = conversation.messages.find((m: any) => m.id === cart?.attributedMessageId);
      assert.equal(attributed?.direction, 'outbound');
      assert.ok(attributed?.sentAt, 'attributed to a text that was sent');
      // Not just any text that was sent: the latest one, the reminder after the opt-in request.
      const sent = await h.service.deps.db.sequelize.query<{ id: string; kind: string }>(
        `SELECT id, kind FROM messages WHERE cart_id = :cartId AND direction = 'outbound' AND sent_at IS NOT NULL ORDER BY sent_at DESC`,
        { replacements: { cartId: cart?.id }, type: QueryTypes.SELECT },
      );
      assert.ok(sent.length >= 2, `${sent.length} texts sent about the cart`);
      assert.equal(cart?.attributedMessageId, sent[0]!.id);
      assert.equal(sent[0]!.kind, 'reminder');
    });

    /** Nothing automated went out after the shopper's text arrived, and nothing is left to go. */
    async function assertNothingAfter(recipient: { phone: string }, inboundBody: string) {
      const conversation = await h.conversation(merchant, recipient.phone);
      const inbound = conversation.messages.find((m: any) => m.direction === 'inbound' && m.body === inboundBody);
      assert.ok(inbound, 'the inbound text is kept');
      // A reminder already handed to the provider when the text arrived may still complete; none may be queued after it.
      const lateReminders = conversation.messages.filter(
        (m: any) => m.kind === 'reminder' && m.status !== 'cancelled' && Date.parse(m.queuedAt) > Date.parse(inbound.queuedAt),
      );
      assert.deepEqual(lateReminders, []);
      assert.deepEqual(conversation.pendingTimers, []);
      return conversation;
    }

    test('STOP mid-sequence opts out, cancels the rest and confirms exactly once; a later checkout texts nothing', async () => {
      const { recipient } = await optedIn();
      await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 });
      assert.equal((await h.postInbound(merchant, recipient.phone, '  stop!! ')).status, 200);
      const confirmation = await eventually(async () => bodiesTo(h, recipient.phone).find((b) => /unsubscribed/i.test(b)));
      assert.doesNotMatch(confirmation, /%|off|COMEBACK/);
      const conversation = await assertNothingAfter(recipient, '  stop!! ');
      assert.equal(conversation.state, 'optedOut');
      assert.equal(conversation.consent, 'revoked');
      const sentSoFar = h.twilio.messagesTo(recipient.phone).length;
      assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
      // Past every step's due time: neither the old sequence nor the new checkout texts.
      await new Promise((resolve) => setTimeout(resolve, 7000));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, sentSoFar, bodiesTo(h, recipient.phone).join(' | '));
      assert.equal(bodiesTo(h, recipient.phone).filter((b) => /unsubscribed/i.test(b)).length, 1);
    });

    test('an opt-out in the shopper\'s own words stops the sequence with exactly one confirmation', async () => {
      const { recipient } = await optedIn();
      await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 });
      const words = 'pls stop texting me 🙏';
      assert.equal((await h.postInbound(merchant, recipient.phone, words)).status, 200);
      await eventually(async () => bodiesTo(h, recipient.phone).find((b) => /unsubscribed/i.test(b)));
      const conversation = await assertNothingAfter(recipient, words);
      assert.equal(conversation.state, 'optedOut');
      assert.equal(conversation.consent, 'revoked');
      const sentSoFar = h.twilio.messagesTo(recipient.phone).length;
      await new Promise((resolve) => setTimeout(resolve, 7000));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, sentSoFar);
      assert.equal(bodiesTo(h, recipient.phone).filter((b) => /unsubscribed/i.test(b)).length, 1);
      const ledger = await h.request('GET', `/api/v1/consent?phone=${encodeURIComponent(recipient.phone)}`, { token: merchant.apiKey });
      assert.equal(ledger.body.entries.at(-1).source, 'free_text');
      assert.equal(ledger.body.entries.at(-1).evidence.inboundText, words);
    });

    test('STOP that the provider already answered (OptOutType) opts out without a second confirmation', async () => {
      const { recipient } = await optedIn();
      await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 });
      await h.postInbound(merchant, recipient.phone, 'STOP', { OptOutType: 'STOP' });
      const conversation = await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.state === 'optedOut' ? c : undefined;
      });
      assert.equal(conversation.consent, 'revoked');
      await assertNothingAfter(recipient, 'STOP');
      const sentSoFar = h.twilio.messagesTo(recipient.phone).length;
      await new Promise((resolve) => setTimeout(resolve, 4000));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, sentSoFar);
      assert.ok(!bodiesTo(h, recipient.phone).some((b) => /unsubscribed/i.test(b)), 'no confirmation of our own');
    });

    test('HELP is answered at once with the shop, its support contact and how to stop; the sequence goes on', async () => {
      const { recipient } = await optedIn();
      await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 });
      await h.postInbound(merchant, recipient.phone, 'help');
      const help = await eventually(async () => bodiesTo(h, recipient.phone).find((b) => b.includes('help@example-shop.test')));
      assert.match(help, /Example Shop/);
      assert.match(help, /STOP/);
      // The next reminder still goes (a HELP answer is not marketing and does not count against the cap).
      const texts = await h.twilio.waitForMessages(4, { to: recipient.phone, timeoutMs: 15_000 });
      assert.ok(texts.some((r) => /still thinking/.test(r.form.Body ?? '')));
      const conversation = await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.state === 'completed' ? c : undefined;
      });
      assert.equal(conversation.messages.find((m: any) => m.kind === 'help').decision.rules[0].id, 'transactional');
    });

    test('any other reply is kept, pauses the automation and waits for a person', async () => {
      const { recipient } = await optedIn();
      await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 });
      await h.postInbound(merchant, recipient.phone, 'does it ship to Canada?');
      const conversation = await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.state === 'waitingForAgent' ? c : undefined;
      });
      assert.equal(conversation.needsAgent, true);
      await assertNothingAfter(recipient, 'does it ship to Canada?');
      const sentSoFar = h.twilio.messagesTo(recipient.phone).length;
      await new Promise((resolve) => setTimeout(resolve, 4000));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, sentSoFar);
    });

    test('a checkout without SMS consent never texts, and says why', async () => {
      const recipient = nextRecipient();
      const checkout = checkoutFor(recipient, { buyer_accepts_sms_marketing: false });
      assert.equal((await h.postCheckout(merchant, checkout)).status, 200);
      const conversation = await eventually(async () => h.conversation(merchant, recipient.phone));
      assert.equal(conversation.state, 'notContacted');
      assert.deepEqual(conversation.pendingTimers, []);
      const [cart] = await h.service.deps.db.models.Cart.findAll({ where: { checkoutToken: checkout.token } });
      assert.equal(cart?.statusReason, 'no_sms_consent');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, 0);
    });

    test('delivery reports move a message forward, and error 21610 opts the phone out', async () => {
      const { recipient } = await optedIn();
      const [optIn] = await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
      const sid = optIn!.sid!;
      const status = (s: string, extra: Record<string, string> = {}) =>
        h.postStatus({ MessageSid: sid, SmsSid: sid, MessageStatus: s, SmsStatus: s, AccountSid: ACCOUNT_SID, To: recipient.phone, From: merchant.senderNumber, ApiVersion: '2010-04-01', ...extra });
      assert.equal((await status('delivered')).status, 200);
      assert.equal((await status('sent')).status, 200);
      let conversation = await h.conversation(merchant, recipient.phone);
      assert.equal(conversation.messages.find((m: any) => m.kind === 'opt_in_request').status, 'delivered');
      const [reminder] = (await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 })).slice(1);
      // The report can only be matched once our row holds the provider's id.
      await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.messages.some((m: any) => m.kind === 'reminder' && m.status === 'sent');
      });
      await h.postStatus({ MessageSid: reminder!.sid!, MessageStatus: 'undelivered', ErrorCode: '21610', AccountSid: ACCOUNT_SID, To: recipient.phone, From: merchant.senderNumber });
      conversation = await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.consent === 'revoked' ? c : undefined;
      });
      assert.equal(conversation.state, 'optedOut');
      assert.equal(conversation.messages.find((m: any) => m.kind === 'reminder').status, 'undelivered');
      const sentSoFar = h.twilio.messagesTo(recipient.phone).length;
      await new Promise((resolve) => setTimeout(resolve, 3500));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, sentSoFar, 'nothing more after a carrier opt-out');
      assert.ok(!bodiesTo(h, recipient.phone).some((b) => /unsubscribed/i.test(b)), 'no confirmation of our own');
    });

    test('a send the provider refuses with error 21610 revokes consent (source provider) and ends the sequence without a STOP confirmation', async () => {
      const recipient = nextRecipient();
      assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
      await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
      // The shopper has since replied STOP to the sender at the carrier: Twilio refuses every further send to them.
      h.twilio.optedOut.add(recipient.phone);
      assert.equal((await h.postInbound(merchant, recipient.phone, 'Yes please')).status, 200);
      const attempts = () => h.twilio.requests.filter((r) => r.form.To === recipient.phone);
      const refused = await eventually(async () => attempts().find((r) => r.status === 400));
      assert.equal(refused.errorCode, 21610);
      assert.match(refused.form.Body ?? '', /your IPod Nano/, 'the first reminder was the send refused');
      const conversation = await eventually(async () => {
        const c = await h.conversation(merchant, recipient.phone);
        return c?.state === 'optedOut' ? c : undefined;
      });
      assert.equal(conversation.consent, 'revoked');
      assert.deepEqual(conversation.pendingTimers, []);
      const reminder = conversation.messages.find((m: any) => m.kind === 'reminder');
      assert.equal(reminder.status, 'failed');
      assert.equal(reminder.statusReason, 'provider_rejected');
      assert.equal((await h.service.deps.db.models.Message.findByPk(reminder.id))?.errorCode, '21610');
      // The consent ledger says who revoked it and why.
      const ledger = await h.request('GET', `/api/v1/consent?phone=${encodeURIComponent(recipient.phone)}`, { token: merchant.apiKey });
      assert.equal(ledger.body.status, 'revoked');
      assert.deepEqual(
        ledger.body.entries.map((e: any) => [e.change, e.source]),
        [['requested', 'checkout'], ['confirmed', 'keyword'], ['revoked', 'provider']],
      );
      const evidence = ledger.body.entries.at(-1).evidence;
      assert.deepEqual([evidence.providerErrorCode, evidence.messageId, evidence.previous], ['21610', reminder.id, 'confirmed']);
      // Past every later step's due time: nothing more is tried, and no confirmation of our own is queued or sent.
      await new Promise((resolve) => setTimeout(resolve, 7000));
      assert.deepEqual(
        attempts().map((r) => r.status),
        [201, 400],
        attempts().map((r) => r.form.Body).join(' | '),
      );
      const later = await h.conversation(merchant, recipient.phone);
      assert.deepEqual(
        later.messages.filter((m: any) => m.direction === 'outbound').map((m: any) => [m.kind, m.status]),
        [['opt_in_request', 'sent'], ['reminder', 'failed']],
      );
    });
  });
}

void AUTH_TOKEN;
