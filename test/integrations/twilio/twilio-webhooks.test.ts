import { test } from 'node:test';
import assert from 'node:assert/strict';
import twilio from 'twilio';
import { AppError } from '../../../src/errors.js';
import {
  TwilioPayloadError,
  emptyTwiml,
  parseInbound,
  parseStatus,
} from '../../../src/integrations/twilio/twilio-webhooks.js';
import { inboundStopFixture, statusUndeliveredFixture } from '../../support/twilio-webhook-client.js';

function assertInvalidPayload(fn: () => unknown, path?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TwilioPayloadError);
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'invalid_payload');
    assert.equal(err.status, 400);
    if (path) {
      const details = err.details as { path: string }[];
      assert.ok(details.some((d) => d.path === path), JSON.stringify(details));
    }
    return true;
  });
}

test('parseInbound maps the STOP fixture to an InboundSms', () => {
  const sms = parseInbound({ ...inboundStopFixture });
  assert.deepEqual(sms, {
    providerMessageId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
    from: '+15024592181',
    to: '+14155550100',
    messagingServiceSid: 'MG2d6c5b0a9e5f4d2b8e1c3a7f6b9d0e11',
    body: 'Stop',
    optOutType: 'STOP',
    fromState: 'KY',
    fromCountry: 'US',
    raw: { ...inboundStopFixture },
  });
});

test('parseInbound keeps only STOP, START and HELP as opt-out types', () => {
  assert.equal(parseInbound({ ...inboundStopFixture, OptOutType: 'START' }).optOutType, 'START');
  assert.equal(parseInbound({ ...inboundStopFixture, OptOutType: 'HELP' }).optOutType, 'HELP');
  assert.equal(parseInbound({ ...inboundStopFixture, OptOutType: 'UNSUBSCRIBE' }).optOutType, null);
  assert.equal(parseInbound({ ...inboundStopFixture, OptOutType: '' }).optOutType, null);
  const { OptOutType: _omit, ...withoutOptOut } = inboundStopFixture;
  assert.equal(parseInbound(withoutOptOut).optOutType, null);
});

test('parseInbound turns Twilio empty strings and absent location fields into null', () => {
  const { FromState: _s, FromCountry: _c, MessagingServiceSid: _m, ...rest } = inboundStopFixture;
  const sms = parseInbound({ ...rest, FromState: '' });
  assert.equal(sms.fromState, null);
  assert.equal(sms.fromCountry, null);
  assert.equal(sms.messagingServiceSid, null);
});

test('parseInbound accepts an empty body (a picture-only message)', () => {
  assert.equal(parseInbound({ ...inboundStopFixture, Body: '', NumMedia: '1' }).body, '');
});

test('parseInbound refuses From or To not in E.164', () => {
  assertInvalidPayload(() => parseInbound({ ...inboundStopFixture, From: '5024592181' }), 'From');
  assertInvalidPayload(() => parseInbound({ ...inboundStopFixture, To: 'whatsapp:+14155550100' }), 'To');
});

test('parseInbound refuses a body without MessageSid or Body', () => {
  const { MessageSid: _sid, ...noSid } = inboundStopFixture;
  assertInvalidPayload(() => parseInbound(noSid), 'MessageSid');
  const { Body: _body, ...noBody } = inboundStopFixture;
  assertInvalidPayload(() => parseInbound(noBody), 'Body');
});

test('the payload error names fields, not the values it was sent', () => {
  try {
    parseInbound({ ...inboundStopFixture, From: 'secret-value-555' });
    assert.fail('expected a TwilioPayloadError');
  } catch (err) {
    assert.ok(err instanceof TwilioPayloadError);
    assert.ok(!JSON.stringify(err.details).includes('secret-value-555'));
  }
});

test('parseStatus maps the undelivered fixture with its error code', () => {
  assert.deepEqual(parseStatus({ ...statusUndeliveredFixture }), {
    providerMessageId: 'SM9b2f6e0c1d3a4b5c6d7e8f9012345678',
    status: 'undelivered',
    errorCode: '30006',
    raw: { ...statusUndeliveredFixture },
  });
});

test('parseStatus gives a null error code when Twilio sends none', () => {
  const { ErrorCode: _e, ...rest } = statusUndeliveredFixture;
  const report = parseStatus({ ...rest, MessageStatus: 'delivered', SmsStatus: 'delivered' });
  assert.equal(report.status, 'delivered');
  assert.equal(report.errorCode, null);
});

test('parseStatus falls back to the legacy SmsStatus field', () => {
  const { MessageStatus: _m, ...rest } = statusUndeliveredFixture;
  assert.equal(parseStatus(rest).status, 'undelivered');
});

test('parseStatus refuses an unknown status, a missing status and a non-numeric error code', () => {
  assertInvalidPayload(() => parseStatus({ ...statusUndeliveredFixture, MessageStatus: 'exploded' }), 'MessageStatus');
  const { MessageStatus: _m, SmsStatus: _s, ...noStatus } = statusUndeliveredFixture;
  assertInvalidPayload(() => parseStatus(noStatus), 'MessageStatus');
  assertInvalidPayload(() => parseStatus({ ...statusUndeliveredFixture, ErrorCode: 'oops' }), 'ErrorCode');
});

test('emptyTwiml is the SDK’s empty MessagingResponse', () => {
  const sdk = new twilio.twiml.MessagingResponse().toString();
  assert.equal(emptyTwiml(), sdk);
  assert.equal(emptyTwiml(), '<?xml version="1.0" encoding="UTF-8"?><Response/>');
});
