import { Op } from 'sequelize';
import type { MessageRow, TimerRow } from '../db/models/index.js';
import type { ConversationDeps, Dispatch } from './deps.js';
import { answersTheShopper } from './answer-kinds.js';

export interface ReconcileReport {
  timers: number;
  messages: number;
  markedUnknown: number;
  overdueTimers: number;
}

export interface ReconcileOptions {
  /** A row still `sending` after this long belongs to a process that died mid-call. */
  sendingStaleAfterMs: number;
  /** Rows handed over per batch, so a large backlog never sits in memory at once. */
  batchSize?: number;
  /**
   * Only work due within this long is re-enqueued. A pass runs every minute or
   * so, so a job lost far ahead of its time (a Redis flush) is put back by a
   * later pass, before it is due; re-enqueuing every pending reminder of every
   * shopper each minute would cost the workers more than all their real work.
   */
  horizonMs: number;
  /**
   * Awaited before each batch is handed over: a large backlog is put back a
   * step at a time, yielding to webhook answers (see `background-pacer.ts`).
   */
  beforeBatch?: () => Promise<void>;
}

/**
 * The database is the source of truth; the queue is only how work gets done.
 * This re-enqueues what the database says is pending and due within the
 * horizon (harmless for rows already queued: job ids derive from row ids) and
 * closes out sends that a crash interrupted, without resending them.
 */
export async function reconcile(deps: ConversationDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const { models } = deps.db;
  const now = deps.clock.now();
  const batchSize = options.batchSize ?? 500;
  const horizon = new Date(now.getTime() + options.horizonMs);
  const [markedUnknown] = await models.Message.update(
    { status: 'unknown', statusReason: 'interrupted_while_sending' },
    { where: { status: 'sending', updatedAt: { [Op.lt]: new Date(now.getTime() - options.sendingStaleAfterMs) } } },
  );
  if (markedUnknown > 0) {
    deps.metrics.messages.inc({ outcome: 'unknown', kind: 'any' }, markedUnknown);
    deps.logger.warn({ count: markedUnknown }, 'sends interrupted by a crash marked unknown; they will not be resent');
  }

  let timers = 0;
  let lastTimerId: string | null = null;
  for (;;) {
    const rows: TimerRow[] = await models.Timer.findAll({
      where: { status: 'pending', dueAt: { [Op.lte]: horizon }, ...(lastTimerId ? { id: { [Op.gt]: lastTimerId } } : {}) },
      order: [['id', 'ASC']],
      limit: batchSize,
    });
    if (rows.length === 0) break;
    await options.beforeBatch?.();
    await deps.dispatcher.dispatch(
      rows.map((t): Dispatch => ({ queue: 'timers', timerId: t.id, revision: t.revision, dueAt: t.dueAt })),
    );
    timers += rows.length;
    lastTimerId = rows[rows.length - 1]!.id;
  }

  let messages = 0;
  let lastMessageId: string | null = null;
  for (;;) {
    const rows: MessageRow[] = await models.Message.findAll({
      where: {
        direction: 'outbound',
        status: { [Op.in]: ['pending', 'deferred'] },
        [Op.or]: [{ sendAfter: null }, { sendAfter: { [Op.lte]: horizon } }],
        ...(lastMessageId ? { id: { [Op.gt]: lastMessageId } } : {}),
      },
      order: [['id', 'ASC']],
      limit: batchSize,
    });
    if (rows.length === 0) break;
    await options.beforeBatch?.();
    await deps.dispatcher.dispatch(
      rows.map((m): Dispatch => ({ queue: 'outbox', messageId: m.id, notBefore: m.sendAfter, attempt: m.attempts, answer: answersTheShopper(m.kind) })),
    );
    messages += rows.length;
    lastMessageId = rows[rows.length - 1]!.id;
  }

  const overdueTimers = await models.Timer.count({
    where: { status: 'pending', dueAt: { [Op.lt]: new Date(now.getTime() - 60_000) } },
  });
  deps.metrics.timersOverdue.set(overdueTimers);
  if (timers + messages > 0) deps.logger.info({ timers, messages, overdueTimers }, 'reconciled pending work');
  return { timers, messages, markedUnknown, overdueTimers };
}
