import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { checkoutFor, eventually, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient, sleepingRecipient, type Recipient } from '../support/reachable-recipient.js';

/**
 * `GET /api/v1/conversations?phone=` and `/conversations/:id` (merchant key
 * only), and two time rules seen through them: quiet hours hold the opt-in
 * request until 08:00 recipient-local, and an unanswered opt-in expires.
 */
const FLOW = { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: 'x {{shopName}}' }] };
const SHORT_OPT_IN_FLOW = { ...FLOW, optInTimeoutSeconds: 2 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** "HH:MM" on the wall clock of `zone` at `at`. */
function localTime(at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = parts.find((p) => p.type === 'hour')?.value ?? '';
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '';
  return `${hour === '24' ? '00' : hour}:${minute}`;
}

function assertError(response: { status: number; body: any; text: string }, status: number, code: string) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.body?.error?.code, code, response.text);
  assert.equal(typeof response.body.error.message, 'string');
}

describe('conversations API, quiet hours and opt-in timeout', { concurrency: true }, () => {
  let h: Harness;
  let merchant: TestMerchant;
  let other: TestMerchant;
  let shortOptIn: TestMerchant;
  let variant = 40;
  const nextReachable = () => reachableRecipient(new Date(), 30, variant++);

  /** A shopper of `merchant` who has been sent the opt-in request (their conversation has messages and a timer). */
  let asked: { recipient: Recipient; conversationId: string };

  before(async () => {
    h = await startHarness({ label: 'http_conversations' });
    [merchant, other, shortOptIn] = await Promise.all([
      h.createMerchant({ flow: FLOW }),
      h.createMerchant({ flow: FLOW, name: 'Other Shop' }),
      h.createMerchant({ flow: SHORT_OPT_IN_FLOW, name: 'Quick Shop' }),
    ]);
    const recipient = nextReachable();
    const accepted = await h.postCheckout(merchant, checkoutFor(recipient));
    assert.equal(accepted.status, 200);
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 10_000 });
    const conversation = await eventually(async () => {
      const c = await h.conversation(merchant, recipient.phone);
      return c?.messages.some((m: any) => m.kind === 'opt_in_request' && m.status === 'sent') ? c : undefined;
    }, 10_000, 'the opt-in request to be recorded as sent');
    asked = { recipient, conversationId: conversation.id };
  });
  after(async () => h?.close());

  test('by phone, the merchant key gets the thread: state, consent, cart, messages and pending timers', async () => {
    const response = await h.request('GET', `/api/v1/conversations?phone=${encodeURIComponent(asked.recipient.phone)}`, { token: merchant.apiKey });
    assert.equal(response.status, 200, response.text);
    const c = response.body;
    assert.equal(c.id, asked.conversationId);
    assert.equal(c.state, 'awaitingOptIn');
    assert.equal(c.consent, 'requested');
    assert.equal(c.phone, asked.recipient.phone);

    assert.equal(typeof c.cart.id, 'string');
    assert.equal(c.cart.total, 63282);
    assert.equal(c.cart.currency, 'USD');
    assert.equal(c.cart.recoveredAt, null);

    assert.ok(Array.isArray(c.messages) && c.messages.length >= 1);
    const [optIn] = c.messages;
    assert.equal(optIn.direction, 'outbound');
    assert.equal(optIn.kind, 'opt_in_request');
    assert.match(optIn.body, /reply YES/i);
    assert.equal(optIn.status, 'sent');
    assert.ok(Number.isInteger(optIn.segments) && optIn.segments >= 1);
    assert.ok(!Number.isNaN(Date.parse(optIn.at)), 'at is a timestamp');

    assert.equal(c.pendingTimers.length, 1);
    assert.equal(c.pendingTimers[0].kind, 'opt_in_timeout');
    const dueAt = Date.parse(c.pendingTimers[0].dueAt);
    assert.ok(dueAt > Date.now(), 'the opt-in timeout is still ahead');
    assert.ok(dueAt <= Date.now() + FLOW.optInTimeoutSeconds * 1000);
  });

  test('by id, the merchant key gets the same view as by phone', async () => {
    const byId = await h.request('GET', `/api/v1/conversations/${asked.conversationId}`, { token: merchant.apiKey });
    assert.equal(byId.status, 200, byId.text);
    const byPhone = await h.conversation(merchant, asked.recipient.phone);
    assert.equal(byId.body.id, byPhone.id);
    assert.equal(byId.body.phone, byPhone.phone);
    assert.deepEqual(byId.body.cart, byPhone.cart);
    assert.deepEqual(
      byId.body.messages.map((m: any) => [m.direction, m.kind, m.body]),
      byPhone.messages.map((m: any) => [m.direction, m.kind, m.body]),
    );
  });

  test("a phone with an unencoded '+' (arriving as a space) still finds the conversation", async () => {
    const response = await h.request('GET', `/api/v1/conversations?phone=${asked.recipient.phone}`, { token: merchant.apiKey });
    assert.ok(asked.recipient.phone.startsWith('+'));
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.id, asked.conversationId);
  });

  test("another merchant's key gets 404 for the conversation, by id and by phone", async () => {
    const byId = await h.request('GET', `/api/v1/conversations/${asked.conversationId}`, { token: other.apiKey });
    assertError(byId, 404, 'not_found');
    assert.ok(!byId.text.includes(asked.recipient.phone));
    const byPhone = await h.request('GET', `/api/v1/conversations?phone=${encodeURIComponent(asked.recipient.phone)}`, { token: other.apiKey });
    assertError(byPhone, 404, 'not_found');
  });

  test('an unknown conversation is 404, whether the id is a UUID or not', async () => {
    assertError(await h.request('GET', `/api/v1/conversations/${randomUUID()}`, { token: merchant.apiKey }), 404, 'not_found');
    assertError(await h.request('GET', '/api/v1/conversations/not-a-uuid', { token: merchant.apiKey }), 404, 'not_found');
    // Thirty-six characters of the right alphabet are not yet a UUID: the database would refuse the cast.
    assertError(await h.request('GET', `/api/v1/conversations/${'-'.repeat(36)}`, { token: merchant.apiKey }), 404, 'not_found');
    assertError(await h.request('GET', `/api/v1/conversations/${'a'.repeat(36)}`, { token: merchant.apiKey }), 404, 'not_found');
    assertError(await h.request('GET', `/api/v1/conversations?phone=${encodeURIComponent('+12025550188')}`, { token: merchant.apiKey }), 404, 'not_found');
  });

  test('the operator token is 403 on these merchant-scoped routes; no token is 401', async () => {
    assertError(await h.request('GET', `/api/v1/conversations/${asked.conversationId}`), 403, 'forbidden');
    assertError(await h.request('GET', `/api/v1/conversations?phone=${encodeURIComponent(asked.recipient.phone)}`), 403, 'forbidden');
    assertError(await h.request('GET', `/api/v1/conversations/${asked.conversationId}`, { token: null }), 401, 'unauthorized');
    assertError(await h.request('GET', `/api/v1/conversations?phone=${encodeURIComponent(asked.recipient.phone)}`, { token: null }), 401, 'unauthorized');
  });

  test('a phone that is not E.164, or none at all, is 400 validation_failed', async () => {
    for (const query of ['?phone=abc', '?phone=', '?phone=%2B1', '?phone=%2B1502', '']) {
      const response = await h.request('GET', `/api/v1/conversations${query}`, { token: merchant.apiKey });
      assertError(response, 400, 'validation_failed');
    }
  });

  test('quiet hours: a shopper for whom it is night gets no text; the abandon timer waits for 08:00 their time', async () => {
    const recipient = sleepingRecipient(new Date(), 30, variant++);
    const accepted = await h.postCheckout(merchant, checkoutFor(recipient));
    assert.equal(accepted.status, 200);
    // The abandon timer (1 s) fires in the night and is put off to the morning.
    const conversation = await eventually(
      async () => {
        const c = await h.conversation(merchant, recipient.phone);
        const timer = c?.pendingTimers.find((t: any) => t.kind === 'abandon');
        return timer && Date.parse(timer.dueAt) > Date.now() + 60_000 ? c : undefined;
      },
      10_000,
      'the abandon timer to be rescheduled past the night',
    );
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 0, 'nothing is texted at night');
    assert.equal(conversation.state, 'watching');
    assert.equal(conversation.consent, 'none', 'not even the opt-in request was recorded as asked');
    assert.deepEqual(conversation.messages, []);
    assert.equal(conversation.pendingTimers.length, 1);
    const dueAt = new Date(conversation.pendingTimers[0].dueAt);
    assert.ok(dueAt.getTime() > Date.now(), 'due in the future');
    assert.ok(dueAt.getTime() < Date.now() + 24 * 3600_000, 'due within the next day');
    // 08:00 in the zone that opens last (zones[0] for every candidate sleepingRecipient picks), lawful in all of them.
    assert.equal(localTime(dueAt, recipient.zones[0]!), '08:00', `due ${dueAt.toISOString()} in ${recipient.zones.join(', ')}`);
    for (const zone of recipient.zones) {
      const [hour] = localTime(dueAt, zone).split(':').map(Number);
      assert.ok(hour! >= 8 && hour! < 21, `${zone} is inside 08:00-21:00 at ${dueAt.toISOString()}`);
    }
    await sleep(1000);
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 0);
  });

  test('an opt-in request left unanswered expires: state optInExpired, consent expired, no further text', async () => {
    const recipient = nextReachable();
    assert.equal((await h.postCheckout(shortOptIn, checkoutFor(recipient))).status, 200);
    const [optIn] = await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 10_000 });
    assert.match(optIn!.form.Body ?? '', /reply YES/i);
    const expired = await eventually(
      async () => {
        const c = await h.conversation(shortOptIn, recipient.phone);
        return c?.state === 'optInExpired' ? c : undefined;
      },
      10_000,
      'the opt-in request to expire',
    );
    assert.equal(expired.consent, 'expired');
    assert.deepEqual(expired.pendingTimers, []);
    assert.equal(expired.cart.status, 'not_contacted');
    // Past the time the only step would have been due: still the one opt-in request.
    await sleep(4000);
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 1, 'no text after the opt-in request');
    const later = await h.conversation(shortOptIn, recipient.phone);
    assert.equal(later.state, 'optInExpired');
    assert.equal(later.consent, 'expired');
    assert.deepEqual(
      later.messages.filter((m: any) => m.direction === 'outbound').map((m: any) => m.kind),
      ['opt_in_request'],
    );
  });
});
