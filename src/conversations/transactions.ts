import type { Transaction } from 'sequelize';
import type { ConversationDeps, Dispatch } from './deps.js';

/**
 * Runs `work` in one transaction and hands its jobs to the queue only after the
 * commit: a job never points at a row that does not exist. A failed enqueue is
 * logged, not thrown; the reconciler picks the rows up from the database.
 */
export async function inTransaction<T>(
  deps: ConversationDeps,
  work: (transaction: Transaction, dispatches: Dispatch[]) => Promise<T>,
): Promise<T> {
  const dispatches: Dispatch[] = [];
  const value = await deps.db.sequelize.transaction((transaction) => work(transaction, dispatches));
  if (dispatches.length > 0) {
    try {
      await deps.dispatcher.dispatch(dispatches);
    } catch (error) {
      deps.logger.warn({ err: error, jobs: dispatches.length }, 'enqueue failed; the reconciler will retry');
    }
  }
  return value;
}
