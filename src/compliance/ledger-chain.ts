import { createHash, randomUUID } from 'node:crypto';

/**
 * The consent ledger is tamper-evident: each entry carries the hash of the
 * merchant's previous entry, and its own hash covers its content and that
 * link. Changing, removing or reordering any entry breaks every link after it.
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

export const GENESIS = 'genesis';

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

/**
 * The hashed text split around the link, so a writer that learns the
 * previous hash only inside the database can finish the hash there:
 * `sha256(head + JSON.stringify(prevHash ?? GENESIS) + tail)` equals `entryHash`.
 */
export function entryHashParts(content: LedgerEntryContent): { head: string; tail: string } {
  const marker = `link-${randomUUID()}`;
  const [head, tail, ...rest] = hashedPayload(content, marker).split(JSON.stringify(marker));
  if (head === undefined || tail === undefined || rest.length > 0) throw new Error('ledger entry could not be split at its link');
  return { head, tail };
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

export type ChainVerdict =
  | { ok: true; entries: number }
  | { ok: false; entries: number; brokenAt: string; reason: 'content_changed' | 'link_broken' };

/** Walks one merchant's entries in order and reports the first broken link. */
export function verifyChain(entries: readonly ChainedEntry[]): ChainVerdict {
  let previous: string | null = null;
  for (const entry of entries) {
    if (entry.prevHash !== previous) return { ok: false, entries: entries.length, brokenAt: entry.id, reason: 'link_broken' };
    if (entryHash(entry, entry.prevHash) !== entry.hash) {
      return { ok: false, entries: entries.length, brokenAt: entry.id, reason: 'content_changed' };
    }
    previous = entry.hash;
  }
  return { ok: true, entries: entries.length };
}
