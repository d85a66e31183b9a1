import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ACCOUNT_SID, AUTH_TOKEN, checkoutFor, eventually, PUBLIC_BASE_URL, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';
import { buildSignedTwilioPost } from '../support/twilio-webhook-client.js';

/**
 * `POST /webhooks/twilio/inbound` and `/status`: form-encoded bodies signed
 * with X-Twilio-Signature over PUBLIC_BASE_URL + path, answered with an empty
 * TwiML document so Twilio itself never replies to the shopper.
 */
const INBOUND_PATH = '/webhooks/twilio/inbound';
const STATUS_PATH = '/webhooks/twilio/status';
const EMPTY_TWIML = /^(<\?xml version="1\.0" encoding="UTF-8"\?>)?<Response\s*\/>$/;

const messageSid = () => 'SM' + randomBytes(16).toString('hex');
const messagingServiceSid = () => 'MG' + randomBytes(16).toString('hex');
/** A number no merchant owns (the harness hands out +1415555xxxx senders; no test shopper is in 202). */
const UNOWNED_NUMBER = '+12025550188';

describe('Twilio webhook contract', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let variant = 30;
  const nextPhone = () => reachableRecipient(new Date(), 30, variant++).phone;

  before(async () => {
    h = await startHarness({ label: 'http_twilio' });
    merchant = await h.createMerchant();
  });
  after(async () => h?.close());

  const models = () => h.service.deps.db.models;

  function inboundParams(from: string, body: string, overrides: Record<string, string> = {}): Record<string, string> {
    const sid = messageSid();
    return {
      ToCountry: 'US',
      ToState: 'CA',
      SmsMessageSid: sid,
      NumMedia: '0',
      SmsSid: sid,
      SmsStatus: 'received',
      Body: body,
      To: merchant.senderNumber,
      NumSegments: '1',
      MessageSid: sid,
      AccountSid: ACCOUNT_SID,
      From: from,
      ApiVersion: '2010-04-01',
      ...overrides,
    };
  }

  /** POSTs `params` form-encoded to `path`, signed over `signedUrl` with `token` unless a signature is given. */
  async function post(
    path: string,
    params: Record<string, string>,
    options: { signedUrl?: string; token?: string; signature?: string | null; body?: string } = {},
  ) {
    const signed = buildSignedTwilioPost(options.signedUrl ?? PUBLIC_BASE_URL + path, params, options.token ?? AUTH_TOKEN);
    const headers: Record<string, string> = { ...signed.headers };
    if (options.signature === null) delete headers['x-twilio-signature'];
    else if (options.signature !== undefined) headers['x-twilio-signature'] = options.signature;
    const response = await fetch(h.service.url + path, { method: 'POST', headers, body: options.body ?? signed.body });
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body: json };
  }

  function assertEmptyTwiml(response: { status: number; contentType: string; text: string }) {
    assert.equal(response.status, 200, response.text);
    assert.match(response.contentType, /^text\/xml/);
    assert.match(response.text.trim(), EMPTY_TWIML);
    assert.doesNotMatch(response.text, /<Message/);
  }

  function assertError(response: { status: number; body: any; text: string }, status: number, code: string) {
    assert.equal(response.status, status, response.text);
    assert.equal(response.body?.error?.code, code, response.text);
    assert.equal(typeof response.body.error.message, 'string');
  }

  async function stored() {
    return { messages: await models().Message.count(), conversations: await models().Conversation.count() };
  }

  test('an inbound text with no signature is 403 and nothing is stored', async () => {
    const before = await stored();
    const params = inboundParams(nextPhone(), 'hello');
    assertError(await post(INBOUND_PATH, params, { signature: null }), 403, 'invalid_signature');
    assert.deepEqual(await stored(), before);
    assert.equal(await models().Message.count({ where: { providerMessageId: params.MessageSid! } }), 0);
  });

  test('an inbound text with a bad signature is 403 and nothing is stored, however it is wrong', async () => {
    const before = await stored();
    const from = nextPhone();
    // Wrong auth token.
    assertError(await post(INBOUND_PATH, inboundParams(from, 'hello'), { token: 'not-the-auth-token' }), 403, 'invalid_signature');
    // Signed for another URL (the service's own address instead of the public one, or another path).
    assertError(await post(INBOUND_PATH, inboundParams(from, 'hello'), { signedUrl: h.service.url + INBOUND_PATH }), 403, 'invalid_signature');
    assertError(await post(INBOUND_PATH, inboundParams(from, 'hello'), { signedUrl: PUBLIC_BASE_URL + STATUS_PATH }), 403, 'invalid_signature');
    // A parameter changed after signing.
    const params = inboundParams(from, 'hello');
    const signedBody = new URLSearchParams({ ...params, Body: 'STOP' }).toString();
    assertError(await post(INBOUND_PATH, params, { body: signedBody }), 403, 'invalid_signature');
    // Junk.
    assertError(await post(INBOUND_PATH, inboundParams(from, 'hello'), { signature: 'bm90IGEgc2lnbmF0dXJl' }), 403, 'invalid_signature');
    assert.deepEqual(await stored(), before);
  });

  test('a status callback with a bad or missing signature is 403', async () => {
    const params = { MessageSid: messageSid(), MessageStatus: 'delivered', AccountSid: ACCOUNT_SID };
    assertError(await post(STATUS_PATH, params, { signature: null }), 403, 'invalid_signature');
    assertError(await post(STATUS_PATH, params, { token: 'not-the-auth-token' }), 403, 'invalid_signature');
  });

  test('a valid inbound text is 200 text/xml with an empty <Response/> and is stored once', async () => {
    const from = nextPhone();
    const params = inboundParams(from, 'is this the shop?');
    const response = await post(INBOUND_PATH, params);
    assertEmptyTwiml(response);
    const rows = await models().Message.findAll({ where: { providerMessageId: params.MessageSid! } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.direction, 'inbound');
    assert.equal(rows[0]?.body, 'is this the shop?');
    const conversation = await h.conversation(merchant, from);
    assert.ok(conversation, 'the text opened a conversation');
    assert.ok(conversation.messages.some((m: any) => m.direction === 'inbound' && m.body === 'is this the shop?'));
  });

  test("the provider's FromState and FromCountry are kept on the shopper (state rules bind by state); the latest report wins", async () => {
    const from = nextPhone();
    assertEmptyTwiml(await post(INBOUND_PATH, inboundParams(from, 'hi', { FromState: 'tx', FromCountry: 'US' })));
    const customer = () => models().Customer.findOne({ where: { merchantId: merchant.id, phone: from } });
    assert.deepEqual([(await customer())?.providerCountry, (await customer())?.providerState], ['US', 'TX']);
    assert.ok((await customer())?.timezoneCandidates.includes('America/Chicago'), 'and the zones it implies');
    // Twilio sends empty strings for what it does not know: nothing is learnt, nothing forgotten.
    assertEmptyTwiml(await post(INBOUND_PATH, inboundParams(from, 'still me', { FromState: '', FromCountry: '' })));
    assert.equal((await customer())?.providerState, 'TX');
    assertEmptyTwiml(await post(INBOUND_PATH, inboundParams(from, 'moved', { FromState: 'LA', FromCountry: 'US' })));
    assert.equal((await customer())?.providerState, 'LA');
    const exported = await h.request('GET', `/api/v1/customers/export?phone=${encodeURIComponent(from)}`, { token: merchant.apiKey });
    assert.deepEqual(exported.body.customer.providerRegion, { country: 'US', state: 'LA' });
  });

  test('the same MessageSid delivered twice keeps one inbound message row', async () => {
    const from = nextPhone();
    const params = inboundParams(from, 'what sizes do you have?');
    assertEmptyTwiml(await post(INBOUND_PATH, params));
    assertEmptyTwiml(await post(INBOUND_PATH, params));
    assert.equal(await models().Message.count({ where: { providerMessageId: params.MessageSid! } }), 1);
    const conversation = await h.conversation(merchant, from);
    assert.equal(conversation.messages.filter((m: any) => m.direction === 'inbound').length, 1);
  });

  test('an inbound text to a number no merchant owns is 200 empty TwiML and opens no conversation', async () => {
    const before = await stored();
    const from = nextPhone();
    const response = await post(INBOUND_PATH, inboundParams(from, 'hello?', { To: '+14155550199' }));
    assertEmptyTwiml(response);
    assert.deepEqual(await stored(), before);
    assert.equal(await models().Conversation.count({ where: { phone: from } }), 0);
  });

  test('an inbound body without From is 400 invalid_payload (after the signature checks out)', async () => {
    const before = await stored();
    const params = inboundParams(nextPhone(), 'hello');
    delete params.From;
    assertError(await post(INBOUND_PATH, params), 400, 'invalid_payload');
    assert.deepEqual(await stored(), before);
  });

  test('an inbound body whose From is not a phone number is 400 invalid_payload', async () => {
    assertError(await post(INBOUND_PATH, inboundParams('not-a-phone', 'hello')), 400, 'invalid_payload');
  });

  test('a status callback for a MessageSid we never sent is 200 empty TwiML and changes nothing', async () => {
    const before = await stored();
    const sid = messageSid();
    const response = await post(STATUS_PATH, {
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
      AccountSid: ACCOUNT_SID,
      To: nextPhone(),
      From: merchant.senderNumber,
      ApiVersion: '2010-04-01',
    });
    assertEmptyTwiml(response);
    assert.deepEqual(await stored(), before);
  });

  test('a status callback without a status is 400 invalid_payload', async () => {
    const sid = messageSid();
    assertError(await post(STATUS_PATH, { MessageSid: sid, AccountSid: ACCOUNT_SID }), 400, 'invalid_payload');
  });

  test('the harness client (h.postInbound) speaks the same contract', async () => {
    const from = nextPhone();
    const response = await h.postInbound(merchant, from, 'hi there');
    assert.equal(response.status, 200);
    assert.match(response.text.trim(), EMPTY_TWIML);
  });

  /**
   * A merchant that sends through a Twilio Messaging Service only (no sender
   * number of its own), and a shopper its opt-in request has gone to: Twilio
   * sends that shopper's replies with `To` set to whichever number of the
   * service the shopper texted, and `MessagingServiceSid` set to the service.
   */
  async function serviceMerchantWithShopper(name: string, supportContact: string) {
    const sid = messagingServiceSid();
    const shop = await h.createMerchant({
      name,
      senderNumber: undefined,
      messagingServiceSid: sid,
      supportContact,
      flow: { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 3600, template: '{{shopName}}: your cart is waiting: {{recoveryUrl}}' }] },
    });
    const recipient = reachableRecipient(new Date(), 30, variant++);
    assert.equal((await h.postCheckout(shop, checkoutFor(recipient))).status, 200);
    const [optIn] = await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
    assert.equal(optIn!.form.MessagingServiceSid, sid, 'the opt-in request went through the messaging service');
    assert.equal(optIn!.form.From, undefined);
    const conversation = await eventually(async () => {
      const c = await h.conversation(shop, recipient.phone);
      return c?.state === 'awaitingOptIn' ? c : undefined;
    });
    assert.equal(conversation.consent, 'requested');
    return { shop, sid, phone: recipient.phone };
  }

  const requestsTo = (phone: string) => h.twilio.requests.filter((r) => r.form.To === phone);

  test("a STOP sent to a number no merchant owns is applied to the merchant whose MessagingServiceSid it carries", async () => {
    const { shop, sid, phone } = await serviceMerchantWithShopper('Service Shop', 'help@service-shop.test');
    const params = inboundParams(phone, 'STOP', { To: UNOWNED_NUMBER, MessagingServiceSid: sid });
    assertEmptyTwiml(await post(INBOUND_PATH, params));
    // A STOP is committed before the webhook is answered.
    const conversation = await h.conversation(shop, phone);
    assert.equal(conversation.state, 'optedOut');
    assert.equal(conversation.consent, 'revoked');
    assert.deepEqual(conversation.pendingTimers, []);
    const stop = conversation.messages.find((m: any) => m.direction === 'inbound');
    assert.equal(stop?.body, 'STOP');
    const [row] = await models().Message.findAll({ where: { providerMessageId: params.MessageSid! } });
    assert.equal(row?.merchantId, shop.id);
    assert.equal(row?.messagingServiceSid, sid);
    const ledger = await h.request('GET', `/api/v1/consent?phone=${encodeURIComponent(phone)}`, { token: shop.apiKey });
    assert.equal(ledger.body.status, 'revoked');
    assert.deepEqual([ledger.body.entries.at(-1).change, ledger.body.entries.at(-1).source], ['revoked', 'keyword']);
    assert.equal(ledger.body.entries.at(-1).evidence.providerMessageId, params.MessageSid);
    // Confirmed once, by that merchant, through its messaging service.
    const confirmation = await eventually(async () => h.twilio.messagesTo(phone).find((r) => /unsubscribed/i.test(r.form.Body ?? '')));
    assert.equal(confirmation.form.MessagingServiceSid, sid);
    assert.match(confirmation.form.Body ?? '', /Service Shop/);
    // Nobody else got the text: the file's own merchant knows nothing of this shopper.
    assert.equal(await models().Customer.count({ where: { merchantId: merchant.id, phone } }), 0);
    assert.equal(await models().Conversation.count({ where: { phone } }), 1);
  });

  test("HELP sent to a number no merchant owns is answered by the merchant whose MessagingServiceSid it carries, through that service", async () => {
    const { shop, sid, phone } = await serviceMerchantWithShopper('Service Shop', 'help@service-shop.test');
    assertEmptyTwiml(await post(INBOUND_PATH, inboundParams(phone, 'HELP', { To: UNOWNED_NUMBER, MessagingServiceSid: sid })));
    const help = await eventually(async () => h.twilio.messagesTo(phone).find((r) => (r.form.Body ?? '').includes('help@service-shop.test')));
    assert.equal(help.form.MessagingServiceSid, sid);
    assert.equal(help.form.From, undefined);
    assert.match(help.form.Body ?? '', /Service Shop/);
    assert.match(help.form.Body ?? '', /STOP/);
    const conversation = await h.conversation(shop, phone);
    assert.ok(conversation.messages.some((m: any) => m.direction === 'inbound' && m.body === 'HELP'));
    assert.ok(conversation.messages.some((m: any) => m.direction === 'outbound' && m.kind === 'help'));
    // HELP changes nothing else: the opt-in question is still open.
    assert.equal(conversation.state, 'awaitingOptIn');
    assert.equal(conversation.consent, 'requested');
  });

  test('an inbound text with an unknown To and an unknown MessagingServiceSid is 200 empty TwiML, stores nothing and is logged as unknown_recipient', async () => {
    // A merchant on a messaging service exists, so a lookup that ignored the SID's value would find one.
    await h.createMerchant({ senderNumber: undefined, messagingServiceSid: messagingServiceSid() });
    const from = nextPhone();
    const params = inboundParams(from, 'STOP', { To: UNOWNED_NUMBER, MessagingServiceSid: messagingServiceSid() });
    assertEmptyTwiml(await post(INBOUND_PATH, params));
    assert.equal(await models().Message.count({ where: { providerMessageId: params.MessageSid! } }), 0);
    assert.equal(await models().Customer.count({ where: { phone: from } }), 0);
    assert.equal(await models().Conversation.count({ where: { phone: from } }), 0);
    const events = await models().WebhookEvent.findAll({ where: { platform: 'twilio', eventId: params.MessageSid! } });
    assert.deepEqual(
      events.map((e) => [e.merchantId, e.status, e.reason]),
      [[null, 'rejected', 'unknown_recipient']],
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(requestsTo(from), [], 'no reply of any kind');
  });
});
