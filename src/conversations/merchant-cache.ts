import type { Transaction } from 'sequelize';
import type { MerchantRow } from '../db/models/index.js';

/** A merchant's row comes in bursts (webhooks, timers, sends); a few seconds of staleness is harmless for settings. */
const TTL_MS = 5_000;
const MAX_ENTRIES = 1_000;

export interface MerchantLookup {
  /**
   * Inside a transaction, pass it: a miss is then read on the transaction's
   * own connection, never on a second one from the pool (jobs that each hold
   * one connection and wait for another would exhaust the pool).
   */
  byId(id: string, transaction?: Transaction): Promise<MerchantRow | null>;
  /** Drops one merchant, so the process that changed it reads the change at once. */
  forget(id: string): void;
}

/**
 * Merchants by id, each kept for a few seconds (bounded; the oldest entry goes
 * first). The pending lookup is what is kept, so a burst for one merchant
 * reads it once. Unknown ids and failed lookups are not kept. Another process
 * sees a change within the TTL.
 */
export function merchantCache(
  load: (id: string, transaction?: Transaction) => Promise<MerchantRow | null>,
  now: () => number = Date.now,
): MerchantLookup {
  const entries = new Map<string, { at: number; merchant: Promise<MerchantRow | null> }>();
  return {
    byId(id, transaction) {
      const at = now();
      const hit = entries.get(id);
      if (hit && at - hit.at < TTL_MS) return hit.merchant;
      entries.delete(id);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      const merchant = load(id, transaction);
      entries.set(id, { at, merchant });
      const dropIfCurrent = () => {
        if (entries.get(id)?.merchant === merchant) entries.delete(id);
      };
      merchant.then((found) => {
        if (!found) dropIfCurrent();
      }, dropIfCurrent);
      return merchant;
    },
    forget(id) {
      entries.delete(id);
    },
  };
}
