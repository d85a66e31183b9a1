import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signShopifyBody, verifyShopifyHmac } from '../../../src/integrations/shopify/shopify-signature.js';
import { readFixture } from '../../support/fixtures.js';

const SECRET = 'shpss_test_secret';
const body = readFixture('shopify/checkouts-create.json');

describe('verifyShopifyHmac', () => {
  it('signs as base64 HMAC-SHA256 of the raw bytes (known vector)', () => {
    const signature = signShopifyBody(Buffer.from('The quick brown fox jumps over the lazy dog'), 'key');
    assert.equal(signature, '97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=');
  });

  it('accepts a valid signature over the raw body', () => {
    assert.equal(verifyShopifyHmac(body, signShopifyBody(body, SECRET), SECRET), true);
  });

  it('rejects a tampered body', () => {
    const signature = signShopifyBody(body, SECRET);
    const tampered = Buffer.from(body.toString('utf8').replace('"632.82"', '"0.01"'), 'utf8');
    assert.notDeepEqual(tampered, body);
    assert.equal(verifyShopifyHmac(tampered, signature, SECRET), false);
  });

  it('rejects the same JSON re-serialised, because the MAC covers bytes, not values', () => {
    const signature = signShopifyBody(body, SECRET);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))), 'utf8');
    assert.equal(verifyShopifyHmac(reserialised, signature, SECRET), false);
  });

  it('rejects a signature made with another secret', () => {
    assert.equal(verifyShopifyHmac(body, signShopifyBody(body, 'another_secret'), SECRET), false);
  });

  it('returns false for a missing or empty header without throwing', () => {
    assert.equal(verifyShopifyHmac(body, undefined, SECRET), false);
    assert.equal(verifyShopifyHmac(body, '', SECRET), false);
  });

  it('returns false for a header of the wrong length without throwing', () => {
    const signature = signShopifyBody(body, SECRET);
    assert.equal(verifyShopifyHmac(body, signature.slice(0, -1), SECRET), false);
    assert.equal(verifyShopifyHmac(body, `${signature}A`, SECRET), false);
    assert.equal(verifyShopifyHmac(body, 'short', SECRET), false);
  });

  it('rejects a header that only decodes to the right bytes (junk characters added)', () => {
    const signature = signShopifyBody(body, SECRET);
    // Node's base64 decoder would skip the "!", so a decode-then-compare check would accept this.
    const junked = `!${signature.slice(0, -1)}`;
    assert.equal(junked.length, signature.length);
    assert.equal(verifyShopifyHmac(body, junked, SECRET), false);
  });

  it('refuses to sign or verify with an empty secret', () => {
    assert.throws(() => signShopifyBody(body, ''), TypeError);
    assert.throws(() => verifyShopifyHmac(body, 'x', ''), TypeError);
  });
});
