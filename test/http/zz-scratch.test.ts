import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { signShopifyBody } from '../../src/integrations/shopify/shopify-signature.js';
import { ACCOUNT_SID, checkoutFor, startHarness, WEBHOOK_SECRET, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

describe('scratch', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let v = 60;
  before(async () => { h = await startHarness({ label: 'scratch' }); merchant = await h.createMerchant(); });
  after(async () => h?.close());

  test('concurrent same event id', async () => {
    const checkout = checkoutFor(reachableRecipient(new Date(), 30, v++));
    const eventId = randomUUID();
    const rs = await Promise.all(Array.from({ length: 6 }, () => h.postCheckout(merchant, checkout, { eventId })));
    console.log(rs.map((r) => `${r.status} ${JSON.stringify(r.body)}`));
  });
  test('concurrent create+update phoneless', async () => {
    const checkout = checkoutFor(reachableRecipient(new Date(), 30, v++), { sms_marketing_phone: null, customer: null });
    const rs = await Promise.all([h.postCheckout(merchant, checkout), h.postCheckout(merchant, checkout, { topic: 'checkouts/update' }), h.postCheckout(merchant, checkout, { topic: 'checkouts/update' })]);
    console.log(rs.map((r) => `${r.status} ${JSON.stringify(r.body)}`));
  });
  test('concurrent two different checkouts same new phone', async () => {
    const r = reachableRecipient(new Date(), 30, v++);
    const rs = await Promise.all([h.postCheckout(merchant, checkoutFor(r)), h.postCheckout(merchant, checkoutFor(r)), h.postCheckout(merchant, checkoutFor(r))]);
    console.log(rs.map((x) => `${x.status} ${JSON.stringify(x.body)}`));
  });
  test('concurrent same MessageSid new phone', async () => {
    const r = reachableRecipient(new Date(), 30, v++);
    const sid = 'SM' + randomBytes(16).toString('hex');
    const rs = await Promise.all(Array.from({ length: 4 }, () => h.postInbound(merchant, r.phone, 'hey', { MessageSid: sid })));
    console.log(rs.map((x) => `${x.status} ${x.text}`));
    console.log(await h.service.deps.db.models.Message.count({ where: { providerMessageId: sid } }));
  });
  test('concurrent inbound different sids new phone', async () => {
    const r = reachableRecipient(new Date(), 30, v++);
    const rs = await Promise.all(Array.from({ length: 4 }, (_, i) => h.postInbound(merchant, r.phone, 'hey ' + i)));
    console.log(rs.map((x) => `${x.status} ${x.text}`));
  });
  test('misc shopify', async () => {
    const post = async (raw: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${h.service.url}/webhooks/shopify/${merchant.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-topic': 'checkouts/create', 'x-shopify-hmac-sha256': signShopifyBody(Buffer.from(raw), WEBHOOK_SECRET), 'x-shopify-event-id': randomUUID(), ...headers }, body: raw });
      return `${res.status} ${await res.text()}`;
    };
    console.log('empty', await post(''));
    console.log('null', await post('null'));
    console.log('array', await post('[]'));
    console.log('privacy', await post('{}', { 'x-shopify-topic': 'customers/redact' }));
    console.log('orders/create {}', await post('{}', { 'x-shopify-topic': 'orders/create' }));
    console.log('bigid', await post(JSON.stringify(checkoutFor(reachableRecipient(new Date(), 30, v++), { id: 2 ** 60 }))));
    console.log('ct text', await post(JSON.stringify(checkoutFor(reachableRecipient(new Date(), 30, v++))), { 'content-type': 'text/plain' }));
    console.log('no ct', await post(JSON.stringify(checkoutFor(reachableRecipient(new Date(), 30, v++))), { 'content-type': '' }));
    console.log('gzip hdr', await post(JSON.stringify(checkoutFor(reachableRecipient(new Date(), 30, v++))), { 'content-encoding': 'identity' }));
    const big = 'x'.repeat(1_100_000);
    console.log('big', (await post(JSON.stringify({ big }))).slice(0, 200));
    console.log('triggered-at junk', await post(JSON.stringify(checkoutFor(reachableRecipient(new Date(), 30, v++))), { 'x-shopify-triggered-at': 'yesterday' }));
    console.log('GET', await (await fetch(`${h.service.url}/webhooks/shopify/${merchant.id}`)).text());
  });
  test('misc api', async () => {
    const r = (await h.request('POST', '/api/v1/merchants', { body: '[]' })); console.log('array', r.status, r.text);
    const r2 = (await h.request('POST', '/api/v1/merchants', { body: 'null' })); console.log('null', r2.status, r2.text);
    const r3 = (await h.request('POST', '/api/v1/merchants', { body: '"x"' })); console.log('string', r3.status, r3.text);
    const r4 = (await h.request('POST', '/api/v1/merchants', { body: '{"a":1}', headers: { 'content-type': 'text/plain' } })); console.log('text/plain', r4.status, r4.text.slice(0, 200));
    const r5 = await h.request('GET', `/api/v1/merchants/${merchant.id.toUpperCase()}`, { token: merchant.apiKey }); console.log('upper own', r5.status);
    const r6 = await h.request('GET', `/api/v1/merchants/${merchant.id}`, { token: null, headers: { authorization: `bearer ${merchant.apiKey}` } }); console.log('lower bearer', r6.status);
    const r7 = await h.request('GET', `/api/v1/conversations?phone=12125550143`, { token: merchant.apiKey }); console.log('no plus', r7.status, r7.text.slice(0, 100));
    const r8 = await h.request('GET', `/api/v1/conversations?phone=${encodeURIComponent('+1 (212) 555-0143')}`, { token: merchant.apiKey }); console.log('formatted', r8.status, r8.text.slice(0, 100));
    const r9 = await h.request('GET', `/api/v1/conversations?phone[a]=1`, { token: merchant.apiKey }); console.log('obj', r9.status, r9.text.slice(0, 200));
    const r10 = await h.request('GET', `/api/v1/conversations?phone=a&phone=b`, { token: merchant.apiKey }); console.log('arr', r10.status, r10.text.slice(0, 200));
    const r11 = await h.request('POST', '/api/v1/merchants', { body: { name: 'x', platform: 'shopify', shopDomain: 'a.myshopify.com', webhookSecret: '12345678', timezone: 'UTC', senderNumber: '+14155550000', flow: { steps: [{ afterSeconds: 0, template: '{{money cartTotal}}' }] } } }); console.log('money var', r11.status, r11.text.slice(0, 300));
    const r12 = await h.request('POST', '/api/v1/merchants', { body: { name: 'x', platform: 'shopify', shopDomain: 'a.myshopify.com', webhookSecret: '12345678', timezone: 'UTC', senderNumber: '+14155550001', flow: { steps: [{ afterSeconds: 0, template: '{{constructor}}' }] } } }); console.log('constructor', r12.status, r12.text.slice(0, 300));
    const r13 = await h.request('POST', '/api/v1/merchants', { body: { name: 'x', platform: 'shopify', shopDomain: 'a.myshopify.com', webhookSecret: '12345678', timezone: 'UTC', senderNumber: '+14155550002', flow: { steps: [{ afterSeconds: 0, template: '{{> partial}}' }] } } }); console.log('partial', r13.status, r13.text.slice(0, 300));
    const r14 = await h.request('POST', '/api/v1/merchants', { body: { name: 'x', platform: 'shopify', shopDomain: 'a.myshopify.com', webhookSecret: '12345678', timezone: 'UTC', senderNumber: '+14155550003', sendingWindow: '22:00-23:00' } }); console.log('window', r14.status, r14.text.slice(0, 300));
    const r15 = await h.request('POST', '/api/v1/merchants', { body: { name: 'x', platform: 'shopify', shopDomain: 'a.myshopify.com', webhookSecret: '12345678', timezone: 'UTC', senderNumber: '+14155550004', flow: { steps: [{ afterSeconds: 0, template: 'hi' }] } } }); console.log('flow defaults', r15.status, (await h.request('GET', `/api/v1/merchants/${r15.body.id}`)).text);
  });
  test('twilio misc', async () => {
    const r = await h.postInbound({ ...merchant, senderNumber: '+14155550199' }, '+12125550111', 'hi', { MessagingServiceSid: 'MG' + 'a'.repeat(32) }); console.log('unknown w/ mgsid', r.status, r.text);
    const s = await h.postStatus({ MessageSid: 'SM' + 'b'.repeat(32), MessageStatus: 'delivered', AccountSid: ACCOUNT_SID, ErrorCode: '' }); console.log('status empty errcode', s.status, s.text);
    const s2 = await h.postStatus({ MessageSid: 'SM' + 'b'.repeat(32), SmsStatus: 'delivered', AccountSid: ACCOUNT_SID }); console.log('status SmsStatus only', s2.status, s2.text);
    const s3 = await h.postStatus({ MessageSid: 'SM' + 'b'.repeat(32), MessageStatus: 'weird', AccountSid: ACCOUNT_SID }); console.log('status weird', s3.status, s3.text);
    const s4 = await h.postInbound(merchant, '+12125550112', 'hi', { AccountSid: 'AC' + 'c'.repeat(32) }); console.log('other account', s4.status, s4.text);
  });
});
