import type { Transaction } from 'sequelize';
import { applyEvent } from './apply-event.js';
import { lockConversationOf } from './conversation-lock.js';
import type { ConversationDeps } from './deps.js';
import { factsFor } from './recipient-facts.js';
import { selectRows, TIMER_COLUMNS, type TimerData } from './rows.js';
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
  return inTransaction(deps, async (transaction, dispatches) => {
    // Lock order everywhere: conversation, then its rows.
    const locked = await lockConversationOf(deps, transaction, { timerId });
    if (!locked) return 'missing';
    const now = deps.clock.now();
    // Claims the timer only when it is current and due (a second early is a clock disagreement, not early).
    const [timer] = await selectRows<TimerData>(
      deps,
      transaction,
      `UPDATE timers SET status = 'fired', fired_at = :now, updated_at = clock_timestamp()
       WHERE id = :timerId AND status = 'pending' AND revision = :revision AND due_at <= :dueBy
       RETURNING ${TIMER_COLUMNS}`,
      { now, timerId, revision, dueBy: new Date(now.getTime() + 1000) },
    );
    if (!timer) return whyNotFired(deps, transaction, timerId, revision);
    const merchant = await deps.merchants.byId(timer.merchantId, transaction);
    if (!merchant) return 'missing';
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

/** A timer that was not claimed: gone, replaced or done already (stale), or not due yet. */
async function whyNotFired(deps: ConversationDeps, transaction: Transaction, timerId: string, revision: number): Promise<TimerOutcome> {
  const [timer] = await selectRows<Pick<TimerData, 'status' | 'revision'>>(
    deps,
    transaction,
    `SELECT status, revision FROM timers WHERE id = :timerId`,
    { timerId },
  );
  if (!timer) return 'missing';
  if (timer.status !== 'pending' || timer.revision !== revision) return 'stale';
  return 'early';
}
