import { createHash } from 'node:crypto';

/**
 * The consent ledger is tamper-evident: each entry's link in its merchant's
 * chain carries the hash of the previous link, and its own hash covers the
 * entry's content and that link. Changing, removing or reordering any chained
 * entry breaks every link after it.
 */
export interface LedgerEntryContent {
  merchantId: string;
  phone: string;
  change: string;
  source: string;
  evidence: Record<string, unknown>;
  at: Date;
}

export interface ChainedEntry extends LedgerEntryContent {
  id: string;
  prevHash: string | null;
  hash: string;
}

const GENESIS = 'genesis';

/** JSON with keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(content: LedgerEntryContent, prevHash: string | null): string {
  return createHash('sha256').update(hashedPayload(content, prevHash)).digest('hex');
}

function hashedPayload(content: LedgerEntryContent, prevHash: string | null): string {
  return canonicalJson({
    merchantId: content.merchantId,
    phone: content.phone,
    change: content.change,
    source: content.source,
    evidence: content.evidence,
    at: content.at.toISOString(),
    prev: prevHash ?? GENESIS,
  });
}

export type ChainBreak = 'content_changed' | 'link_broken' | 'not_chained';

/** `entries` were walked in the chain; `pending` wait to be sealed into it. */
export type ChainVerdict =
  | { ok: true; entries: number; pending: number }
  | { ok: false; entries: number; pending: number; brokenAt: string; reason: ChainBreak };

/**
 * The entries outside the chain. Queued ones are merely not sealed yet; one
 * that is neither chained nor queued was taken out of the queue, and would
 * otherwise never be covered by any hash.
 */
export interface OutsideChain {
  pending: number;
  /** Ids of entries neither chained nor queued, oldest first. */
  unchained: readonly string[];
}

const NOTHING_OUTSIDE: OutsideChain = { pending: 0, unchained: [] };

/**
 * Walks one merchant's chain in order and reports the first broken link; an
 * intact chain is still broken when an entry was kept out of it.
 */
export function verifyChain(entries: readonly ChainedEntry[], outside: OutsideChain = NOTHING_OUTSIDE): ChainVerdict {
  const counts = { entries: entries.length, pending: outside.pending };
  let previous: string | null = null;
  for (const entry of entries) {
    if (entry.prevHash !== previous) return { ok: false, ...counts, brokenAt: entry.id, reason: 'link_broken' };
    if (entryHash(entry, entry.prevHash) !== entry.hash) return { ok: false, ...counts, brokenAt: entry.id, reason: 'content_changed' };
    previous = entry.hash;
  }
  const [unchained] = outside.unchained;
  if (unchained !== undefined) return { ok: false, ...counts, brokenAt: unchained, reason: 'not_chained' };
  return { ok: true, ...counts };
}

export interface Link<T> {
  entry: T;
  prevHash: string | null;
  hash: string;
}

/** Links `entries`, in the order given, after the chain's current head (null for an empty chain). */
export function linkAfter<T extends LedgerEntryContent>(head: string | null, entries: readonly T[]): Link<T>[] {
  const links: Link<T>[] = [];
  let prevHash = head;
  for (const entry of entries) {
    const hash = entryHash(entry, prevHash);
    links.push({ entry, prevHash, hash });
    prevHash = hash;
  }
  return links;
}
