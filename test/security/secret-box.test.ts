import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateKey, SecretBox, SecretBoxError } from '../../src/security/secret-box.js';

/** A fixed 32-byte key, written both ways the box accepts. */
const KEY_BYTES = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const KEY_HEX = KEY_BYTES.toString('hex');
const KEY_BASE64 = KEY_BYTES.toString('base64');

function isSecretBoxError(error: unknown): boolean {
  return error instanceof SecretBoxError && error.code === 'secret_box' && error.name === 'SecretBoxError';
}

/** Flips one bit in part `index` (1 = iv, 2 = tag, 3 = ciphertext) of a sealed value. */
function flipBit(sealed: string, index: 1 | 2 | 3): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  assert.ok(bytes.length > 0, `part ${index} is empty`);
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SecretBox', () => {
  const plaintexts = ['shpat_0123456789abcdef', '', 'ünïcödé ✓ 🛒', 'x'.repeat(10_000)];
  for (const plaintext of plaintexts) {
    it(`seals and opens ${JSON.stringify(plaintext.slice(0, 24))}${plaintext.length > 24 ? '…' : ''} unchanged`, () => {
      const box = new SecretBox(KEY_BASE64);
      const sealed = box.seal(plaintext);
      assert.notEqual(sealed, plaintext);
      if (plaintext.length > 0) assert.ok(!sealed.includes(plaintext), 'the plaintext does not show through');
      assert.equal(box.open(sealed), plaintext);
    });
  }

  it('stores v1.<12-byte iv>.<16-byte tag>.<ciphertext>, base64url', () => {
    const sealed = new SecretBox(KEY_BASE64).seal('secret');
    const [version, iv, tag, ciphertext] = sealed.split('.');
    assert.equal(version, 'v1');
    assert.equal(Buffer.from(iv ?? '', 'base64url').length, 12);
    assert.equal(Buffer.from(tag ?? '', 'base64url').length, 16);
    assert.equal(Buffer.from(ciphertext ?? '', 'base64url').length, 'secret'.length);
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('the same key written in hex or base64 opens the other’s seals', () => {
    const hex = new SecretBox(KEY_HEX);
    const base64 = new SecretBox(KEY_BASE64);
    assert.equal(base64.open(hex.seal('from hex')), 'from hex');
    assert.equal(hex.open(base64.seal('from base64')), 'from base64');
  });

  it('a value sealed earlier opens with a new box over the same key (survives a restart)', () => {
    const sealed = new SecretBox(KEY_BASE64).seal('persisted');
    assert.equal(new SecretBox(KEY_BASE64).open(sealed), 'persisted');
  });

  it('two seals of the same plaintext differ (a fresh random IV each time)', () => {
    const box = new SecretBox(KEY_BASE64);
    const first = box.seal('same');
    const second = box.seal('same');
    assert.notEqual(first, second);
    assert.notEqual(first.split('.')[1], second.split('.')[1], 'the IVs differ');
    assert.equal(box.open(first), box.open(second));
  });

  it('a different key cannot open it: SecretBoxError', () => {
    const sealed = new SecretBox(KEY_BASE64).seal('secret');
    assert.throws(() => new SecretBox(generateKey()).open(sealed), isSecretBoxError);
  });

  for (const [part, index] of [['iv', 1], ['tag', 2], ['ciphertext', 3]] as const) {
    it(`a tampered ${part} is detected: SecretBoxError, never wrong plaintext`, () => {
      const box = new SecretBox(KEY_BASE64);
      const sealed = box.seal('the real secret');
      assert.throws(() => box.open(flipBit(sealed, index)), isSecretBoxError);
    });
  }

  it('a ciphertext swapped in from another seal (same key) is detected', () => {
    const box = new SecretBox(KEY_BASE64);
    const a = box.seal('secret a').split('.');
    const b = box.seal('secret b').split('.');
    assert.throws(() => box.open([a[0], a[1], a[2], b[3]].join('.')), isSecretBoxError);
  });

  const malformed = ['', 'plaintext', 'v1', 'v1.aaaa.bbbb', 'v1..bbbb.cccc', 'v1.aaaa..cccc', 'v2.aaaa.bbbb.cccc'];
  for (const sealed of malformed) {
    it(`an unreadable stored value ${JSON.stringify(sealed)} is a SecretBoxError`, () => {
      assert.throws(() => new SecretBox(KEY_BASE64).open(sealed), isSecretBoxError);
    });
  }

  it('a seal with its version changed to v2 is refused, not opened as v1', () => {
    const box = new SecretBox(KEY_BASE64);
    const sealed = box.seal('secret').replace(/^v1\./, 'v2.');
    assert.throws(() => box.open(sealed), isSecretBoxError);
  });

  const badKeys: ReadonlyArray<readonly [string, string]> = [
    ['empty', ''],
    ['31 bytes, base64', randomBytes(31).toString('base64')],
    ['33 bytes, base64', randomBytes(33).toString('base64')],
    ['16 bytes, hex', randomBytes(16).toString('hex')],
    ['31 bytes, hex', randomBytes(31).toString('hex')],
    ['a passphrase', 'correct horse battery staple'],
  ];
  for (const [what, key] of badKeys) {
    it(`a key that is not 32 bytes (${what}) is refused with SecretBoxError`, () => {
      assert.throws(() => new SecretBox(key), (error: unknown) => isSecretBoxError(error) && /32 bytes/.test((error as Error).message));
    });
  }

  it('generateKey gives a base64 key of 32 random bytes that the box accepts', () => {
    const key = generateKey();
    assert.equal(Buffer.from(key, 'base64').length, 32);
    assert.notEqual(generateKey(), key);
    const box = new SecretBox(key);
    assert.equal(box.open(box.seal('ok')), 'ok');
  });
});

describe('SecretBox refuses a shortened authentication tag', () => {
  it('a seal whose GCM tag was truncated to 4 bytes is refused', () => {
    const box = new SecretBox(KEY_BASE64);
    const [v, iv, tag, ct] = box.seal('the real secret').split('.');
    const short = Buffer.from(tag ?? '', 'base64url').subarray(0, 4).toString('base64url');
    assert.throws(() => box.open([v, iv, short, ct].join('.')), isSecretBoxError);
  });
  it('a malformed (5-byte) tag is a SecretBoxError, not a TypeError', () => {
    const box = new SecretBox(KEY_BASE64);
    const [v, iv, tag, ct] = box.seal('x').split('.');
    const odd = Buffer.from(tag ?? '', 'base64url').subarray(0, 5).toString('base64url');
    assert.throws(() => box.open([v, iv, odd, ct].join('.')), isSecretBoxError);
  });
});
