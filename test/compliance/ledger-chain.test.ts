import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, entryHash, entryHashParts, GENESIS, verifyChain, type ChainedEntry } from '../../src/compliance/ledger-chain.js';

function chain(contents: Array<{ change: string; at: string }>): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  let prev: string | null = null;
  contents.forEach((content, index) => {
    const base = { merchantId: 'm-1', phone: '+15024592181', source: 'keyword', evidence: { text: content.change }, change: content.change, at: new Date(content.at) };
    const hash = entryHash(base, prev);
    entries.push({ ...base, id: String(index + 1), prevHash: prev, hash });
    prev = hash;
  });
  return entries;
}

const HISTORY = chain([
  { change: 'requested', at: '2026-11-20T19:10:00Z' },
  { change: 'confirmed', at: '2026-11-20T19:11:00Z' },
  { change: 'revoked', at: '2026-11-21T15:00:00Z' },
  { change: 'resubscribed', at: '2026-11-22T15:00:00Z' },
]);

describe('consent ledger chain', () => {
  it('canonical JSON does not depend on key order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 2], c: null } }), canonicalJson({ a: { c: null, d: [1, 2] }, b: 1 }));
  });

  it('an untouched chain verifies', () => {
    assert.deepEqual(verifyChain(HISTORY), { ok: true, entries: 4 });
  });

  it('a changed entry is reported as the first broken link', () => {
    const tampered = HISTORY.map((entry) => (entry.id === '2' ? { ...entry, at: new Date('2026-11-19T00:00:00Z') } : entry));
    assert.deepEqual(verifyChain(tampered), { ok: false, entries: 4, brokenAt: '2', reason: 'content_changed' });
  });

  it('changed evidence is caught too', () => {
    const tampered = HISTORY.map((entry) => (entry.id === '3' ? { ...entry, evidence: { text: 'nothing to see' } } : entry));
    assert.equal(verifyChain(tampered).ok, false);
  });

  it('a removed entry breaks the link of the one after it', () => {
    const removed = HISTORY.filter((entry) => entry.id !== '3');
    assert.deepEqual(verifyChain(removed), { ok: false, entries: 3, brokenAt: '4', reason: 'link_broken' });
  });

  it('a rewritten entry with a recomputed hash still breaks the next link', () => {
    const forged = { ...HISTORY[1]!, change: 'revoked' };
    forged.hash = entryHash(forged, forged.prevHash);
    const tampered = HISTORY.map((entry) => (entry.id === '2' ? forged : entry));
    assert.deepEqual(verifyChain(tampered), { ok: false, entries: 4, brokenAt: '3', reason: 'link_broken' });
  });
});

describe('entryHashParts', () => {
  it('splits the hashed text at the link, so head + the quoted link + tail hashes exactly as entryHash', () => {
    const content = {
      merchantId: '6f1c2a7e-0000-4000-8000-000000000001',
      phone: '+14155550123',
      change: 'revoked',
      source: 'free_text',
      evidence: { text: 'stop "prev" texting me 🙏 \\ ñ', nested: { z: 1, a: [true, null] } },
      at: new Date('2026-11-25T12:00:00.123Z'),
    };
    for (const prev of [null, 'ab'.repeat(32)]) {
      const { head, tail } = entryHashParts(content);
      const joined = createHash('sha256').update(`${head}${JSON.stringify(prev ?? GENESIS)}${tail}`).digest('hex');
      assert.equal(joined, entryHash(content, prev));
    }
  });
});
