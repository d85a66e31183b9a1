import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signTwilioRequest, verifyTwilioSignature } from '../../../src/integrations/twilio/twilio-signature.js';
import { buildSignedTwilioPost, inboundStopFixture } from '../../support/twilio-webhook-client.js';

const authToken = '12345678901234567890123456789012';
const url = 'https://cartrescue.example.com/webhooks/twilio/inbound';
const params: Record<string, string> = { ...inboundStopFixture };

test('signTwilioRequest is base64 HMAC-SHA1 of the URL followed by the parameters sorted by name', () => {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  const expected = createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
  assert.equal(signTwilioRequest(authToken, url, params), expected);
});

test('a signature made with the auth token over the fixture params is valid', () => {
  const signature = signTwilioRequest(authToken, url, params);
  assert.equal(verifyTwilioSignature({ authToken, url, params, signature }), true);
});

test('a signature made with another auth token is invalid', () => {
  const signature = signTwilioRequest('another-token-another-token-1234', url, params);
  assert.equal(verifyTwilioSignature({ authToken, url, params, signature }), false);
});

test('a changed parameter invalidates the signature', () => {
  const signature = signTwilioRequest(authToken, url, params);
  assert.equal(verifyTwilioSignature({ authToken, url, params: { ...params, Body: 'Start' }, signature }), false);
  assert.equal(verifyTwilioSignature({ authToken, url, params: { ...params, Extra: 'x' }, signature }), false);
});

test('a missing or empty signature is invalid', () => {
  assert.equal(verifyTwilioSignature({ authToken, url, params, signature: undefined }), false);
  assert.equal(verifyTwilioSignature({ authToken, url, params, signature: '' }), false);
});

test('a signature made for another URL is invalid', () => {
  const signature = signTwilioRequest(authToken, url, params);
  for (const other of [
    'https://cartrescue.example.com/webhooks/twilio/status',
    'http://cartrescue.example.com/webhooks/twilio/inbound',
    'https://evil.example.com/webhooks/twilio/inbound',
    `${url}?merchant=1`,
  ]) {
    assert.equal(verifyTwilioSignature({ authToken, url: other, params, signature }), false, other);
  }
});

test('the URL with or without the default port is accepted, as Twilio may sign either', () => {
  const signature = signTwilioRequest(authToken, url, params);
  const withPort = 'https://cartrescue.example.com:443/webhooks/twilio/inbound';
  assert.equal(verifyTwilioSignature({ authToken, url: withPort, params, signature }), true);
});

test('a malformed URL is invalid rather than throwing', () => {
  const signature = signTwilioRequest(authToken, url, params);
  assert.equal(verifyTwilioSignature({ authToken, url: 'not a url', params, signature }), false);
});

test('an empty auth token never validates', () => {
  const signature = signTwilioRequest('', url, params);
  assert.equal(verifyTwilioSignature({ authToken: '', url, params, signature }), false);
});

test('a POST built by the webhook client verifies once its form body is parsed back', () => {
  const post = buildSignedTwilioPost(url, params, authToken);
  assert.equal(post.headers['content-type'], 'application/x-www-form-urlencoded');
  const received = Object.fromEntries(new URLSearchParams(post.body));
  assert.deepEqual(received, params);
  assert.equal(
    verifyTwilioSignature({ authToken, url, params: received, signature: post.headers['x-twilio-signature'] }),
    true,
  );
});
