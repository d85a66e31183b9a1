import type { Transaction } from 'sequelize';
import { applyEvent } from './apply-event.js';
import { lockConversationOf } from './conversation-lock.js';
import type { ConversationDeps } from './deps.js';
import { factsFor } from './recipient-facts.js';
import { queryIn } from '../db/sql.js';
import { CART_FACTS_COLUMNS, TIMER_COLUMNS, type CartFacts, type TimerData } from './rows.js';
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
    const claim = await claimTimer(transaction, { timerId, revision, now, conversationId: locked.conversation.id, cartId: locked.conversation.currentCartId });
    if (!claim.timer) return whyNotFired(claim.current, revision);
    const timer = claim.timer;
    const merchant = await deps.merchants.byId(timer.merchantId, transaction);
    if (!merchant) return 'missing';
    const applied = await applyEvent(
      deps,
      transaction,
      locked,
      merchant,
      { type: 'timer.fired', at: now, facts: factsFor(merchant, locked.customer), kind: timer.kind, stepIndex: timer.stepIndex },
      { source: 'timer', refs: { timerId: timer.id, revision: timer.revision, kind: timer.kind, stepIndex: timer.stepIndex } },
      { pendingTimers: claim.pending, carts: claim.cart ? [claim.cart] : [] },
    );
    dispatches.push(...applied.dispatches);
    return 'fired';
  });
}

interface Claim {
  /** The timer, now fired; null when it was not claimed. */
  timer: TimerData | null;
  /** How the timer stands when it was not claimed (null: gone). */
  current: Pick<TimerData, 'status' | 'revision'> | null;
  /** The conversation's other pending timers, and its current cart: what applying the event would otherwise read. */
  pending: TimerData[];
  cart: CartFacts | null;
}

type TimerJson = Omit<TimerData, 'dueAt'> & { dueAt: string };

/**
 * Claims the timer only when it is current and due (a second early is a clock
 * disagreement, not early), and in the same round trip reads what the event
 * will need. It runs under the conversation's lock, and every timer write
 * takes that lock first, so what it reads stays true until commit.
 */
async function claimTimer(
  transaction: Transaction,
  input: { timerId: string; revision: number; now: Date; conversationId: string; cartId: string | null },
): Promise<Claim> {
  const [row] = await queryIn<{
    claimed: TimerJson | null;
    current: Pick<TimerData, 'status' | 'revision'> | null;
    pending: TimerJson[] | null;
    cart: CartFacts | null;
  }>(
    transaction,
    `WITH claimed AS (
       UPDATE timers SET status = 'fired', fired_at = :now, updated_at = clock_timestamp()
       WHERE id = :timerId AND status = 'pending' AND revision = :revision AND due_at <= :dueBy
       RETURNING ${TIMER_COLUMNS})
     SELECT (SELECT row_to_json(claimed) FROM claimed) AS claimed,
       (SELECT json_build_object('status', status, 'revision', revision) FROM timers WHERE id = :timerId) AS current,
       (SELECT json_agg(p) FROM (SELECT ${TIMER_COLUMNS} FROM timers
          WHERE conversation_id = :conversationId AND status = 'pending' AND id <> :timerId) p) AS pending,
       (SELECT row_to_json(a) FROM (SELECT ${CART_FACTS_COLUMNS} FROM abandoned_carts WHERE id = :cartId) a) AS cart`,
    { ...input, dueBy: new Date(input.now.getTime() + 1000) },
  );
  const asTimer = (json: TimerJson): TimerData => ({ ...json, dueAt: new Date(json.dueAt) });
  return {
    timer: row?.claimed ? asTimer(row.claimed) : null,
    current: row?.current ?? null,
    pending: (row?.pending ?? []).map(asTimer),
    cart: row?.cart ?? null,
  };
}

/** A timer that was not claimed: gone, replaced or done already (stale), or not due yet. */
function whyNotFired(current: Pick<TimerData, 'status' | 'revision'> | null, revision: number): TimerOutcome {
  if (!current) return 'missing';
  if (current.status !== 'pending' || current.revision !== revision) return 'stale';
  return 'early';
}
