import type { MessageKind } from '../db/models/message.js';

/**
 * Texts that answer the shopper's own keyword: the STOP, START and HELP
 * replies. They are not marketing, so no hour and no cap holds them (see
 * `send-gate.ts`), and they go ahead of campaign texts in the outbox queue:
 * the shopper is waiting for them, while a reminder a few seconds later loses
 * nothing. Behind a burst of checkouts, thousands of opt-in requests may be
 * queued; a HELP answer must not wait for all of them.
 */
const ANSWERS: ReadonlySet<MessageKind> = new Set(['stop_confirmation', 'start_confirmation', 'help']);

export function answersTheShopper(kind: MessageKind): boolean {
  return ANSWERS.has(kind);
}
