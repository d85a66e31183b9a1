import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Merchant API keys are shown once and stored only as a SHA-256 hash: a
 * database leak does not leak working keys. The prefix lets a key be
 * recognised in logs and support tickets without revealing it.
 */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `cr_live_${randomBytes(24).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 12) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time equality for secrets of possibly different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
