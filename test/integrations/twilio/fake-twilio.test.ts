import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';

const accountSid = 'AC' + '0f'.repeat(16);
const authToken = 'token-' + 'a'.repeat(26);

function post(fake: FakeTwilio, form: Record<string, string>, auth = `${accountSid}:${authToken}`, sid = accountSid) {
  return fetch(`${fake.url}/2010-04-01/Accounts/${sid}/Messages.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
}

describe('fake Twilio speaks the Messages API wire format', () => {
  let fake: FakeTwilio;
  before(async () => {
    fake = await startFakeTwilio({ accountSid, authToken });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  test('answers 201 with the message resource field set', async () => {
    const res = await post(fake, { To: '+15024592181', From: '+14155550100', Body: 'hi' });
    assert.equal(res.status, 201);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      'account_sid', 'api_version', 'body', 'date_created', 'date_sent', 'date_updated', 'direction',
      'error_code', 'error_message', 'from', 'messaging_service_sid', 'num_media', 'num_segments',
      'price', 'price_unit', 'sid', 'status', 'subresource_uris', 'to', 'uri',
    ]);
    assert.match(String(body.sid), /^SM[0-9a-f]{32}$/);
    assert.equal(body.status, 'queued');
    assert.equal(body.num_segments, '1');
    assert.equal(body.price, null);
    assert.equal(body.error_code, null);
    assert.equal(body.uri, `/2010-04-01/Accounts/${accountSid}/Messages/${String(body.sid)}.json`);
    assert.match(String(body.date_created), /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  });

  test('answers 401 with error 20003 for a wrong auth token', async () => {
    const res = await post(fake, { To: '+15024592181', From: '+14155550100', Body: 'hi' }, `${accountSid}:nope`);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), {
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    assert.equal(fake.requests[0]!.authOk, false);
  });

  test('answers 400 with 21604 without To and 21603 without From or MessagingServiceSid', async () => {
    const noTo = await post(fake, { From: '+14155550100', Body: 'hi' });
    assert.equal(noTo.status, 400);
    assert.equal(((await noTo.json()) as { code: number }).code, 21604);
    const noFrom = await post(fake, { To: '+15024592181', Body: 'hi' });
    assert.equal(noFrom.status, 400);
    assert.equal(((await noFrom.json()) as { code: number }).code, 21603);
  });

  test('waitForMessages resolves once the messages arrive and counts only accepted ones', async () => {
    const waiting = fake.waitForMessages(2, { to: '+15024592181', timeoutMs: 1000 });
    await post(fake, { To: '+15024592181', Body: 'hi' }); // refused: no sender
    await post(fake, { To: '+15024592181', From: '+14155550100', Body: 'one' });
    await post(fake, { To: '+15024592181', From: '+14155550100', Body: 'two' });
    const got = await waiting;
    assert.deepEqual(got.map((r) => r.form.Body), ['one', 'two']);
    assert.equal(fake.requests.length, 3);
  });

  test('waitForMessages rejects after its timeout', async () => {
    await assert.rejects(fake.waitForMessages(1, { to: '+15550000000', timeoutMs: 50 }), /expected 1 message/);
  });
});
