import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for merchants' secrets at rest. The stored form is
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), so a key rotation can add `v2`.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(encodedKey: string) {
    this.key = decodeKey(encodedKey);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new SecretBoxError('unknown sealed format');
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    // A short tag would make forgery feasible: insist on the full 16 bytes.
    if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new SecretBoxError('unknown sealed format');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, ivBytes, { authTagLength: 16 });
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('secret cannot be opened with this key');
    }
  }
}

export class SecretBoxError extends Error {
  readonly code = 'secret_box';
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** The 32 key bytes of a key written as hex or base64. Shared by every key the configuration holds. */
export function decodeKey(encoded: string, name = 'SECRETS_KEY'): Buffer {
  const key = keyBytes(encoded);
  if (!key) throw new SecretBoxError(`${name} must decode to exactly 32 bytes (hex or base64)`);
  return key;
}

export function isKeyOf32Bytes(encoded: string): boolean {
  return keyBytes(encoded) !== null;
}

function keyBytes(encoded: string): Buffer | null {
  const candidates = [/^[0-9a-f]{64}$/i.test(encoded) ? Buffer.from(encoded, 'hex') : null, Buffer.from(encoded, 'base64')];
  return candidates.find((candidate) => candidate?.length === 32) ?? null;
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}
