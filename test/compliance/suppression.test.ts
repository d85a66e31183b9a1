import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSuppression,
  phoneDigest,
  PHONE_DIGEST_PATTERN,
  SuppressionInputError,
  suppressionChange,
} from '../../src/compliance/suppression.js';
import type { ConsentChange, ConsentStatus } from '../../src/compliance/consent.js';

const KEY = Buffer.alloc(32, 0x0f);
const OTHER_KEY = Buffer.alloc(32, 0x10);

describe('phoneDigest', () => {
  it('is HMAC-SHA256 of the E.164 text, hex encoded (known answer computed outside Node)', () => {
    // printf '+15024592181' | openssl dgst -sha256 -mac HMAC -macopt hexkey:0f0f…0f (32 bytes)
    assert.equal(phoneDigest(KEY, '+15024592181'), '4614704b4634debb9fb3cfba2410ffb5f902ee59560c6ae87cf742c707cd8868');
  });

  it('always has the same shape: 64 lower-case hex characters', () => {
    for (const phone of ['+15024592181', '+447911123443', '+819012345678', '+61412345678']) {
      assert.match(phoneDigest(KEY, phone), PHONE_DIGEST_PATTERN);
    }
  });

  it('is stable for one key and phone, and differs with the phone or the key', () => {
    const digest = phoneDigest(KEY, '+15024592181');
    assert.equal(phoneDigest(KEY, '+15024592181'), digest);
    assert.notEqual(phoneDigest(KEY, '+15024592182'), digest);
    assert.notEqual(phoneDigest(OTHER_KEY, '+15024592181'), digest);
  });

  it('does not contain the number in any readable form', () => {
    const digest = phoneDigest(KEY, '+15024592181');
    assert.ok(!digest.includes('5024592181'));
  });

  it('refuses anything but E.164, so two spellings of a number never give two digests', () => {
    for (const phone of ['15024592181', '+1 502 459 2181', '+1(502)-459-2181', '(502) 459-2181', '', '+0123456789']) {
      assert.throws(() => phoneDigest(KEY, phone), SuppressionInputError, phone);
    }
  });

  it('refuses a key shorter than 32 bytes', () => {
    assert.throws(() => phoneDigest(Buffer.alloc(16, 1), '+15024592181'), SuppressionInputError);
  });
});

describe('createSuppression', () => {
  it('binds the key once: its digest is phoneDigest with that key', () => {
    const suppression = createSuppression(KEY);
    assert.equal(suppression.digest('+15024592181'), phoneDigest(KEY, '+15024592181'));
  });

  it('keeps its own copy of the key, so a caller reusing the buffer changes nothing', () => {
    const key = Buffer.from(KEY);
    const suppression = createSuppression(key);
    key.fill(0);
    assert.equal(suppression.digest('+15024592181'), phoneDigest(KEY, '+15024592181'));
  });
});

describe('suppressionChange', () => {
  const statuses: ConsentStatus[] = ['none', 'requested', 'confirmed', 'expired', 'revoked'];

  it('every revocation suppresses, whatever came before', () => {
    for (const previous of statuses) assert.equal(suppressionChange('revoked', previous), 'suppress');
  });

  it('a confirmation or re-subscription lifts only a revoked shopper', () => {
    for (const change of ['confirmed', 'resubscribed'] as const) {
      assert.equal(suppressionChange(change, 'revoked'), 'lift');
      for (const previous of statuses.filter((s) => s !== 'revoked')) assert.equal(suppressionChange(change, previous), null);
    }
  });

  it('requests, expiries, declines and erasures leave the list alone (an erasure writes it itself)', () => {
    for (const change of ['requested', 'expired', 'declined', 'erased'] as ConsentChange[]) {
      for (const previous of statuses) assert.equal(suppressionChange(change, previous), null);
    }
  });
});
