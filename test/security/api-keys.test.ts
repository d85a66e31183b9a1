import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateApiKey, hashApiKey, safeEqual } from '../../src/security/api-keys.js';

describe('API keys', () => {
  it('the hash is SHA-256 hex (NIST test vector for "abc")', () => {
    assert.equal(hashApiKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('the hash is stable: the same key always hashes alike, so a stored hash finds its key', () => {
    const key = 'cr_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    assert.equal(hashApiKey(key), hashApiKey(`${key}`));
    assert.match(hashApiKey(key), /^[0-9a-f]{64}$/);
  });

  it('different keys hash differently, even when they differ by one character', () => {
    assert.notEqual(hashApiKey('cr_live_abc'), hashApiKey('cr_live_abd'));
    assert.notEqual(hashApiKey('cr_live_abc'), hashApiKey('cr_live_abc '));
  });

  it('a generated key starts with cr_live_, carries 24 random bytes, and comes with its hash and prefix', () => {
    const { key, hash, prefix } = generateApiKey();
    assert.match(key, /^cr_live_[A-Za-z0-9_-]{32}$/);
    assert.equal(hash, hashApiKey(key));
    assert.equal(prefix, key.slice(0, 12));
    assert.ok(prefix.startsWith('cr_live_'));
    assert.ok(!hash.includes(key) && !hash.includes(key.slice(8)), 'the hash does not contain the key');
  });

  it('the prefix identifies a key without revealing it', () => {
    const { key, prefix } = generateApiKey();
    assert.equal(prefix.length, 12);
    assert.ok(key.length - prefix.length >= 28, 'most of the secret is not in the prefix');
  });

  it('two generated keys differ, and so do their hashes', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    assert.notEqual(a.key, b.key);
    assert.notEqual(a.hash, b.hash);
  });

  const comparisons: ReadonlyArray<readonly [string, string, string, boolean]> = [
    ['equal strings', 'cr_live_secret', 'cr_live_secret', true],
    ['two empty strings', '', '', true],
    ['same length, one character off', 'cr_live_secret', 'cr_live_secreT', false],
    ['different lengths (no throw)', 'cr_live_secret', 'cr_live_secret_longer', false],
    ['a prefix of the other', 'cr_live_', 'cr_live_secret', false],
    ['empty against non-empty', '', 'x', false],
    ['case differs', 'ABC', 'abc', false],
  ];
  for (const [what, a, b, expected] of comparisons) {
    it(`safeEqual: ${what} → ${expected}`, () => {
      assert.equal(safeEqual(a, b), expected);
      assert.equal(safeEqual(b, a), expected, 'symmetric');
    });
  }
});
