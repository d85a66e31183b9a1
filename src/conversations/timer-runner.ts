import type { MerchantRow } from '../db/models/index.js';
import { applyEvent } from './apply-event.js';
import { lockConversationById } from './conversation-lock.js';
import type { ConversationDeps } from './deps.js';
import { factsFor } from './recipient-facts.js';
import { execute, selectRows, TIMER_COLUMNS, type TimerData } from './rows.js';
import { inTransaction } from './transactions.js';

export type TimerOutcome = 'fired' | 'stale' | 'early' | 'missing';

export class TimerNotDueError extends Error {
  readonly code = 'timer_not_due';
  constructor(timerId: string) {
    super(`timer ${timerId} is not due yet`);
    this.name = 'TimerNotDueError';
  }
}

/**
 * Fires one timer if, and only if, it is still the conversation's current one
 * at the revision the job was made for. Jobs can run twice, late, or after a
 * reschedule; all of those do nothing.
 */
export async function fireTimer(deps: ConversationDeps, timerId: string, revision: number): Promise<TimerOutcome> {
  const { models } = deps.db;
  return inTransaction(deps, async (transaction, dispatches) => {
    const [peek] = await selectRows<{ conversationId: string }>(
      deps,
      transaction,
      `SELECT conversation_id AS "conversationId" FROM timers WHERE id = :timerId`,
      { timerId },
    );
    if (!peek) return 'missing';
    // Lock order everywhere: conversation, then its rows.
    const locked = await lockConversationById(deps, transaction, peek.conversationId);
    if (!locked) return 'missing';
    const [timer] = await selectRows<TimerData>(deps, transaction, `SELECT ${TIMER_COLUMNS} FROM timers WHERE id = :timerId FOR UPDATE`, {
      timerId,
    });
    if (!timer) return 'missing';
    if (timer.status !== 'pending' || timer.revision !== revision) return 'stale';
    const now = deps.clock.now();
    if (timer.dueAt.getTime() > now.getTime() + 1000) return 'early';
    const merchant = (await models.Merchant.findByPk(timer.merchantId, { transaction })) as MerchantRow;
    await execute(deps, transaction, `UPDATE timers SET status = 'fired', fired_at = :now, updated_at = clock_timestamp() WHERE id = :id`, {
      now,
      id: timer.id,
    });
    const applied = await applyEvent(
      deps,
      transaction,
      locked,
      merchant,
      { type: 'timer.fired', at: now, facts: factsFor(merchant, locked.customer), kind: timer.kind, stepIndex: timer.stepIndex },
      { source: 'timer', refs: { timerId: timer.id, revision: timer.revision, kind: timer.kind, stepIndex: timer.stepIndex } },
    );
    dispatches.push(...applied.dispatches);
    return 'fired';
  });
}
