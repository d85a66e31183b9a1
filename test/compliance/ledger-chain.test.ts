import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, entryHash, linkAfter, verifyChain, type ChainedEntry } from '../../src/compliance/ledger-chain.js';

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
    assert.deepEqual(verifyChain(HISTORY), { ok: true, entries: 4, pending: 0 });
  });

  it('a changed entry is reported as the first broken link', () => {
    const tampered = HISTORY.map((entry) => (entry.id === '2' ? { ...entry, at: new Date('2026-11-19T00:00:00Z') } : entry));
    assert.deepEqual(verifyChain(tampered), { ok: false, entries: 4, pending: 0, brokenAt: '2', reason: 'content_changed' });
  });

  it('changed evidence is caught too', () => {
    const tampered = HISTORY.map((entry) => (entry.id === '3' ? { ...entry, evidence: { text: 'nothing to see' } } : entry));
    assert.equal(verifyChain(tampered).ok, false);
  });

  it('a removed entry breaks the link of the one after it', () => {
    const removed = HISTORY.filter((entry) => entry.id !== '3');
    assert.deepEqual(verifyChain(removed), { ok: false, entries: 3, pending: 0, brokenAt: '4', reason: 'link_broken' });
  });

  it('a rewritten entry with a recomputed hash still breaks the next link', () => {
    const forged = { ...HISTORY[1]!, change: 'revoked' };
    forged.hash = entryHash(forged, forged.prevHash);
    const tampered = HISTORY.map((entry) => (entry.id === '2' ? forged : entry));
    assert.deepEqual(verifyChain(tampered), { ok: false, entries: 4, pending: 0, brokenAt: '3', reason: 'link_broken' });
  });
});

describe('entries outside the chain', () => {
  it('entries waiting for the sealer are counted, and the chain is still intact', () => {
    assert.deepEqual(verifyChain(HISTORY, { pending: 2, unchained: [] }), { ok: true, entries: 4, pending: 2 });
  });

  it('an entry neither chained nor queued breaks the ledger, named by its id', () => {
    assert.deepEqual(verifyChain(HISTORY, { pending: 1, unchained: ['9', '12'] }), {
      ok: false,
      entries: 4,
      pending: 1,
      brokenAt: '9',
      reason: 'not_chained',
    });
  });

  it('a broken link is reported before an entry left out', () => {
    const removed = HISTORY.filter((entry) => entry.id !== '3');
    const verdict = verifyChain(removed, { pending: 0, unchained: ['9'] });
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'link_broken');
  });
});

describe('linkAfter', () => {
  it('links a run after the head exactly as one chain made entry by entry', () => {
    const [first, second, ...rest] = HISTORY;
    const sealedLater = linkAfter(second!.hash, rest);
    assert.deepEqual(
      sealedLater.map((link) => [link.entry.id, link.prevHash, link.hash]),
      rest.map((entry) => [entry.id, entry.prevHash, entry.hash]),
    );
    assert.deepEqual(linkAfter(null, [first!])[0]?.hash, first!.hash);
    assert.deepEqual(linkAfter('head', []), []);
  });
});
