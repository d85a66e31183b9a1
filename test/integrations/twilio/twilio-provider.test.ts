import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { SmsSendError, type OutgoingSms } from '../../../src/domain/sms.js';
import { createTwilioProvider } from '../../../src/integrations/twilio/twilio-provider.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';

const accountSid = 'AC' + 'a1b2c3d4'.repeat(4);
const authToken = 'f00dfeed'.repeat(4);
const serviceSid = 'MG' + '0123456789abcdef'.repeat(2);

function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

function sms(overrides: Partial<OutgoingSms> = {}): OutgoingSms {
  return {
    to: '+15024592181',
    from: '+14155550100',
    messagingServiceSid: null,
    body: 'Your cart misses you: https://shop.example/r/abc',
    statusCallbackUrl: 'https://cartrescue.example.com/webhooks/twilio/status',
    ...overrides,
  };
}

async function rejection(p: Promise<unknown>): Promise<SmsSendError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SmsSendError, `expected SmsSendError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the send to fail');
}

describe('Twilio provider through the official SDK', () => {
  let fake: FakeTwilio;
  before(async () => {
    fake = await startFakeTwilio({ accountSid, authToken });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.optedOut.clear();
    fake.delayMs = 0;
  });

  test('sends POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth and the form fields', async () => {
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 2000 });
    assert.equal(provider.name, 'twilio');
    await provider.send(sms());

    assert.equal(fake.requests.length, 1);
    const req = fake.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, `/2010-04-01/Accounts/${accountSid}/Messages.json`);
    assert.equal(req.authUser, accountSid);
    assert.equal(req.authOk, true);
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(req.form, {
      To: '+15024592181',
      From: '+14155550100',
      Body: 'Your cart misses you: https://shop.example/r/abc',
      StatusCallback: 'https://cartrescue.example.com/webhooks/twilio/status',
    });
  });

  test('maps the created message resource to a receipt', async () => {
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 2000 });
    const receipt = await provider.send(sms());
    const recorded = fake.messagesTo('+15024592181');
    assert.equal(recorded.length, 1);
    assert.match(receipt.providerMessageId, /^SM[0-9a-f]{32}$/);
    assert.deepEqual(receipt, { providerMessageId: recorded[0]!.sid, status: 'queued', segments: 1 });
  });

  test('reports the segment count Twilio answers for a long body', async () => {
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 2000 });
    const receipt = await provider.send(sms({ body: 'x'.repeat(200) }));
    assert.equal(receipt.segments, 2);
  });

  test('sends MessagingServiceSid instead of From when the message goes through a service', async () => {
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 2000 });
    const receipt = await provider.send(sms({ from: null, messagingServiceSid: serviceSid, statusCallbackUrl: null }));
    const req = fake.requests[0]!;
    assert.deepEqual(req.form, {
      To: '+15024592181',
      MessagingServiceSid: serviceSid,
      Body: 'Your cart misses you: https://shop.example/r/abc',
    });
    // A service answers "accepted" with num_segments "0" until it picks a sender: segments unknown.
    assert.equal(receipt.status, 'accepted');
    assert.equal(receipt.segments, null);
  });

  test('a message with neither From nor a service is refused before any request', async () => {
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 2000 });
    const err = await rejection(provider.send(sms({ from: null, messagingServiceSid: null })));
    assert.equal(err.definite, true);
    assert.equal(fake.requests.length, 0);
  });

  test('error 21610 (recipient replied STOP) is a definite failure with its code', async () => {
    fake.optedOut.add('+15024592181');
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 2000 });
    const err = await rejection(provider.send(sms()));
    assert.equal(err.definite, true);
    assert.equal(err.providerErrorCode, '21610');
    assert.equal(err.code, 'sms_send_failed');
    assert.equal(fake.messagesTo('+15024592181').length, 0);
  });

  test('a wrong auth token is a definite failure with Twilio error 20003', async () => {
    const provider = createTwilioProvider({ accountSid, authToken: 'wrong'.repeat(6), apiBaseUrl: fake.url, timeoutMs: 2000 });
    const err = await rejection(provider.send(sms()));
    assert.equal(err.definite, true);
    assert.equal(err.providerErrorCode, '20003');
    assert.equal(fake.requests[0]!.status, 401);
  });

  test('a failure injected for one number hits only that number, once', async () => {
    fake.failNext(21408, 400, { to: '+447700900123', message: 'Permission to send an SMS has not been enabled for the region' });
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 2000 });
    await provider.send(sms());
    const err = await rejection(provider.send(sms({ to: '+447700900123' })));
    assert.equal(err.definite, true);
    assert.equal(err.providerErrorCode, '21408');
    await provider.send(sms({ to: '+447700900123' }));
    assert.equal(fake.messagesTo('+447700900123').length, 1);
  });

  test('a Twilio 5xx keeps its code but is not definite: the message may have been queued', async () => {
    fake.failNext(20500, 500);
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 2000 });
    const err = await rejection(provider.send(sms()));
    assert.equal(err.definite, false);
    assert.equal(err.providerErrorCode, '20500');
  });

  test('a server that never answers gives a non-definite failure within the timeout', async () => {
    fake.delayMs = 60_000;
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 300 });
    const started = Date.now();
    const err = await rejection(provider.send(sms()));
    const elapsed = Date.now() - started;
    assert.equal(err.definite, false);
    assert.equal(err.providerErrorCode, null);
    assert.ok(elapsed >= 250 && elapsed < 1000, `took ${elapsed} ms`);
    // The fake created the message on arrival, as Twilio would: the outcome really is unknown.
    assert.equal(fake.messagesTo('+15024592181').length, 1);
  });

  test('logs neither the auth token nor the message body, on success or failure', async () => {
    const { logger, lines } = capturingLogger();
    const body = 'Secret-body-text 20% off with code SAVE20';
    const provider = createTwilioProvider({ accountSid, authToken, apiBaseUrl: fake.url, timeoutMs: 300, logger });
    await provider.send(sms({ body }));
    fake.optedOut.add('+15024592181');
    await rejection(provider.send(sms({ body })));
    fake.optedOut.clear();
    fake.delayMs = 60_000;
    await rejection(provider.send(sms({ body })));

    assert.ok(lines.length >= 3, 'expected a log line per send');
    const basic = Buffer.from(`${accountSid}:${authToken}`).toString('base64');
    for (const line of lines) {
      assert.ok(!line.includes(authToken), line);
      assert.ok(!line.includes(basic), line);
      assert.ok(!line.includes('Secret-body-text'), line);
    }
  });
});

describe('Twilio provider without a reachable server', () => {
  let closedPort: number;
  let holder: Server;
  before(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    closedPort = (holder.address() as AddressInfo).port;
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  });

  test('a refused connection is a non-definite failure', async () => {
    const provider = createTwilioProvider({
      accountSid,
      authToken,
      apiBaseUrl: `http://127.0.0.1:${closedPort}`,
      timeoutMs: 1000,
    });
    const err = await rejection(provider.send(sms()));
    assert.equal(err.definite, false);
    assert.equal(err.providerErrorCode, null);
    assert.match(err.message, /ECONNREFUSED/);
  });
});
