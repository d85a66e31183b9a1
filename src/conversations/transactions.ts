import type { Transaction } from 'sequelize';
import { runTransaction } from '../db/transaction-runner.js';
import type { ConversationDeps, Dispatch } from './deps.js';

export interface TransactionOptions {
  /**
   * Return once the transaction commits, handing its jobs to the queue in the
   * background: a webhook is answered without waiting for the queue, which
   * the platform does not need (the rows are committed; the reconciler
   * enqueues whatever a failed hand-over left behind).
   */
  answerFirst?: boolean;
}

/**
 * Runs `work` in one transaction and hands its jobs to the queue only after the
 * commit: a job never points at a row that does not exist. A failed enqueue is
 * logged, not thrown; the reconciler picks the rows up from the database.
 */
export async function inTransaction<T>(
  deps: ConversationDeps,
  work: (transaction: Transaction, dispatches: Dispatch[]) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const dispatches: Dispatch[] = [];
  const value = await runTransaction(deps.db.sequelize, (transaction) => work(transaction, dispatches));
  if (dispatches.length > 0) {
    const handOver = deps.dispatcher.dispatch(dispatches).catch((error: unknown) => {
      deps.logger.warn({ err: error, jobs: dispatches.length }, 'enqueue failed; the reconciler will retry');
    });
    if (!options.answerFirst) await handOver;
  }
  return value;
}
