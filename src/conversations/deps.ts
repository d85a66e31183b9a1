import type { Logger } from 'pino';
import type { Clock, IdGenerator } from '../clock.js';
import type { Suppression } from '../compliance/suppression.js';
import type { Database } from '../db/database.js';
import type { Metrics } from '../metrics.js';
import type { MerchantLookup } from './merchant-cache.js';

/** A job to hand to the execution engine once the transaction that made it has committed. */
export type Dispatch =
  | { queue: 'timers'; timerId: string; revision: number; dueAt: Date }
  | {
      queue: 'outbox';
      messageId: string;
      notBefore: Date | null;
      attempt: number;
      /** It answers the shopper: queued ahead of campaign texts (see `answer-kinds.ts`). */
      answer: boolean;
    };

/**
 * The execution engine as the conversation layer sees it. Enqueuing is
 * idempotent (job ids derive from row ids) and may fail: the reconciler
 * re-enqueues from the database, which stays the source of truth.
 */
export interface Dispatcher {
  dispatch(jobs: Dispatch[]): Promise<void>;
}

export interface ConversationDeps {
  db: Database;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  dispatcher: Dispatcher;
  metrics: Metrics;
  /** Merchants by id, cached for a few seconds. */
  merchants: MerchantLookup;
  /** Digests of phones that must never be texted again; keyed from the configuration. */
  suppression: Suppression;
}
