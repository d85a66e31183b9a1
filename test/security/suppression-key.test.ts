import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretBoxError } from '../../src/security/secret-box.js';
import { deriveSuppressionKey, SUPPRESSION_KEY_INFO, suppressionKey } from '../../src/security/suppression-key.js';

const SECRETS = Buffer.alloc(32, 0x01);

describe('deriveSuppressionKey', () => {
  it('is HKDF-SHA256 of the secrets key with the label "cartrescue suppression v1" (known answer from openssl kdf)', () => {
    assert.equal(SUPPRESSION_KEY_INFO, 'cartrescue suppression v1');
    // openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:0101…01 -kdfopt info:'cartrescue suppression v1' HKDF
    assert.equal(deriveSuppressionKey(SECRETS).toString('hex'), '64500cce8caa167239e4d06f52c4824ee102a9675ee8386cbfb5f4a0c088fa59');
  });

  it('gives 32 bytes that are not the secrets key, and a different key for a different secrets key', () => {
    const derived = deriveSuppressionKey(SECRETS);
    assert.equal(derived.length, 32);
    assert.ok(!derived.equals(SECRETS));
    assert.ok(!deriveSuppressionKey(Buffer.alloc(32, 0x02)).equals(derived));
  });
});

describe('suppressionKey', () => {
  const secretsKey = SECRETS.toString('base64');

  it('uses the configured key when there is one, hex or base64', () => {
    const configured = Buffer.alloc(32, 0xaa);
    assert.ok(suppressionKey(configured.toString('hex'), secretsKey).equals(configured));
    assert.ok(suppressionKey(configured.toString('base64'), secretsKey).equals(configured));
  });

  it('derives from the secrets key when none is configured', () => {
    assert.ok(suppressionKey(null, secretsKey).equals(deriveSuppressionKey(SECRETS)));
    assert.ok(suppressionKey(null, SECRETS.toString('hex')).equals(deriveSuppressionKey(SECRETS)));
  });

  it('a configured key that is not 32 bytes is refused, naming SUPPRESSION_KEY', () => {
    assert.throws(() => suppressionKey(Buffer.alloc(16).toString('hex'), secretsKey), (error: unknown) => {
      return error instanceof SecretBoxError && /SUPPRESSION_KEY/.test(error.message);
    });
  });
});
