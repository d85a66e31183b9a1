import { SmsSendError, type SmsProvider } from '../domain/sms.js';
import type { Transaction } from 'sequelize';
import type { MerchantRow, MessageRow } from '../db/models/index.js';
import { applyEvent } from './apply-event.js';
import { lockConversationById } from './conversation-lock.js';
import { jobBatcher, type JobBatcher, type StartGate } from './job-batcher.js';
import type { ConversationDeps } from './deps.js';
import { factsFor } from './recipient-facts.js';
import { deferIn } from '../db/sql.js';
import { execute, lockConversationsOf, onePerConversation, type MessageData } from './rows.js';
import { gateInput, loadManyForDelivery, storedDecision } from './send-facts.js';
import { answersTheShopper } from './answer-kinds.js';
import { sendGate } from './send-gate.js';
import type { SentRecord } from './sent-records.js';
import { inTransaction } from './transactions.js';

export type DeliveryOutcome = 'sent' | 'deferred' | 'refused' | 'skipped' | 'failed' | 'unknown' | 'missing';

export interface DeliveryDeps extends ConversationDeps {
  provider: SmsProvider;
  /** Base of our public URL, for the provider's delivery callbacks; null when there is none. */
  statusCallbackUrl: string | null;
  /** Where accepted sends are written (see `sentRecorder`). */
  sentRecords: JobBatcher<SentRecord, 'recorded'>;
}

/** The provider error meaning the recipient has opted out of this sender at the carrier. */
const PROVIDER_OPTED_OUT = '21610';

/**
 * Delivers one outbox row, at most once. The row is claimed (`sending`) in its
 * own transaction after the send gate; only then is the provider called. A
 * crash after the claim leaves `sending`, which the reconciler turns into
 * `unknown`: never resent blindly.
 */
export async function deliverMessage(deps: DeliveryDeps, messageId: string): Promise<DeliveryOutcome> {
  const [outcome] = await deliverMessages(deps, [messageId]);
  return outcome ?? 'missing';
}

type Claimed = { index: number; message: MessageData; merchant: MerchantRow; log: Record<string, unknown> };

/**
 * Delivers several outbox rows of different conversations, each as
 * `deliverMessage` would: their conversations are locked together (in id
 * order), every row passes the send gate, and all the claims are written in
 * one statement of one transaction of their own; then each claimed row goes
 * to the provider. A second row of the same conversation runs afterwards,
 * alone, so the caps see the first. Outcomes come in the order of `messageIds`.
 */
export async function deliverMessages(deps: DeliveryDeps, messageIds: readonly string[]): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = messageIds.map(() => 'missing');
  const later: number[] = [];
  const claimed = await inTransaction(deps, async (transaction, dispatches) => {
    // The conversation locks order us after any STOP or order being applied right now.
    const locks = await lockConversationsOf(transaction, 'messages', messageIds);
    const split = onePerConversation(
      messageIds.map((_, index) => index),
      (index) => messageIds[index]!,
      locks,
    );
    later.push(...split.later);
    const now = deps.clock.now();
    // The rows, their carts' addresses and the phones' recent marketing, in the statement that locks the rows.
    const loaded = await loadManyForDelivery(deps, transaction, split.now.map((index) => messageIds[index]!), now);
    const claims: Claimed[] = [];
    const changes: Array<{ id: string } & MessageChanges> = [];
    for (const index of split.now) {
      const messageId = messageIds[index]!;
      const locked = locks.get(messageId);
      const row = loaded.get(messageId);
      const merchant = row ? await deps.merchants.byId(row.message.merchantId, transaction) : null;
      if (!locked || !row || !merchant) {
        outcomes[index] = 'missing';
        continue;
      }
      const { message } = row;
      const verdict = sendGate(gateInput({ ...row, conversation: locked.conversation, customer: locked.customer, merchant, at: now }));
      const log = { merchantId: merchant.id, conversationId: message.conversationId, messageId: message.id, kind: message.kind };
      if (verdict.verdict === 'skip') {
        outcomes[index] = 'skipped';
        continue;
      }
      const decision = storedDecision(verdict.decision, now);
      const rules = decision.rules.map((rule) => rule.id);
      switch (verdict.verdict) {
        case 'refuse':
          // Refused for good: nothing is enqueued again.
          changes.push({ id: message.id, status: 'refused', statusReason: verdict.rule, decision });
          deps.metrics.messages.inc({ outcome: 'refused', kind: message.kind });
          deps.logger.info({ ...log, rule: verdict.rule, rules }, 'message refused by the send gate');
          outcomes[index] = 'refused';
          break;
        case 'defer':
          changes.push({ id: message.id, status: 'deferred', statusReason: verdict.rule, sendAfter: verdict.until, decision });
          dispatches.push({
            queue: 'outbox',
            messageId: message.id,
            notBefore: verdict.until,
            attempt: message.attempts + 1,
            answer: answersTheShopper(message.kind),
          });
          deps.metrics.messages.inc({ outcome: 'deferred', kind: message.kind });
          deps.logger.info({ ...log, until: verdict.until, rule: verdict.rule, rules }, 'message deferred by the send gate');
          outcomes[index] = 'deferred';
          break;
        case 'send':
          changes.push({ id: message.id, status: 'sending', attempts: message.attempts + 1, decision });
          claims.push({ index, message, merchant, log });
          break;
      }
    }
    await updateMessages(transaction, changes);
    return claims;
  });
  await Promise.all(
    claimed.map(async (claim) => {
      outcomes[claim.index] = await send(deps, claim.message, claim.merchant, claim.log);
    }),
  );
  for (const index of later) outcomes[index] = await deliverMessage(deps, messageIds[index]!);
  return outcomes;
}

/** Outbox jobs that start together, gated a batch per transaction (see `jobBatcher`). */
export function outboxBatcher(
  deps: DeliveryDeps,
  options: { maxBatch: number; maxInFlight: number; lingerMs?: number; gate?: StartGate },
): JobBatcher<{ messageId: string }, DeliveryOutcome> {
  return jobBatcher<{ messageId: string }, DeliveryOutcome>(
    {
      many: async (calls) => {
        const outcomes = await deliverMessages(deps, calls.map((call) => call.messageId));
        return new Map(calls.map((call, index) => [call, outcomes[index] ?? 'missing']));
      },
      one: (call) => deliverMessage(deps, call.messageId),
      missing: 'missing',
    },
    { ...options, logger: deps.logger, what: 'outbox rows' },
  );
}

/**
 * The status callback names our row: a report can arrive before the
 * provider's id is written to it (the call returns, the report overtakes the
 * write), and would find nothing by that id alone. Twilio signs the whole
 * URL, query included.
 */
function statusCallbackFor(deps: Pick<DeliveryDeps, 'statusCallbackUrl'>, messageId: string): string | null {
  return deps.statusCallbackUrl ? `${deps.statusCallbackUrl}?message=${encodeURIComponent(messageId)}` : null;
}

async function send(
  deps: DeliveryDeps,
  message: MessageData,
  merchant: MerchantRow,
  log: Record<string, unknown>,
): Promise<DeliveryOutcome> {
  try {
    const receipt = await deps.provider.send({
      to: message.toPhone,
      from: message.fromPhone,
      messagingServiceSid: message.messagingServiceSid,
      body: message.body,
      statusCallbackUrl: statusCallbackFor(deps, message.id),
    });
    await deps.sentRecords.run({
      id: message.id,
      provider: deps.provider.name,
      providerMessageId: receipt.providerMessageId,
      segments: receipt.segments ?? message.segments,
      sentAt: deps.clock.now(),
    });
    deps.metrics.messages.inc({ outcome: 'sent', kind: message.kind });
    deps.logger.info({ ...log, providerMessageId: receipt.providerMessageId }, 'message sent');
    return 'sent';
  } catch (error) {
    const definite = error instanceof SmsSendError && error.definite;
    const code = error instanceof SmsSendError ? error.providerErrorCode : null;
    await updateMessage(deps, message.id, {
      status: definite ? 'failed' : 'unknown',
      provider: deps.provider.name,
      errorCode: code,
      statusReason: definite ? 'provider_rejected' : 'provider_unreachable',
    });
    deps.metrics.messages.inc({ outcome: definite ? 'failed' : 'unknown', kind: message.kind });
    deps.logger.warn({ ...log, err: error, errorCode: code }, definite ? 'provider refused the message' : 'send outcome unknown');
    if (code === PROVIDER_OPTED_OUT) await markProviderOptOut(deps, message.conversationId, merchant, code, message.id);
    return definite ? 'failed' : 'unknown';
  }
}

type MessageChanges = Partial<
  Pick<
    MessageRow,
    'status' | 'statusReason' | 'sendAfter' | 'attempts' | 'provider' | 'errorCode' | 'decision'
  >
>;

const MESSAGE_SETTERS: Record<keyof MessageChanges, string> = {
  status: 'status = :status',
  statusReason: 'status_reason = :statusReason',
  sendAfter: 'send_after = :sendAfter',
  attempts: 'attempts = :attempts',
  provider: 'provider = :provider',
  errorCode: 'error_code = :errorCode',
  decision: 'decision = :decision::jsonb',
};

/**
 * The send gate's verdicts on several rows in one UPDATE: each row gets the
 * columns its verdict names; the others keep their values.
 */
async function updateMessages(transaction: Transaction, changes: ReadonlyArray<{ id: string } & MessageChanges>): Promise<void> {
  if (changes.length === 0) return;
  const column = <K extends keyof MessageChanges>(key: K) => changes.map((change) => (key in change ? (change[key] ?? null) : null));
  const given = <K extends keyof MessageChanges>(key: K) => changes.map((change) => key in change);
  await deferIn(
    transaction,
    `UPDATE messages m SET
       status = u.status,
       status_reason = CASE WHEN u.has_reason THEN u.status_reason ELSE m.status_reason END,
       send_after = CASE WHEN u.has_send_after THEN u.send_after ELSE m.send_after END,
       attempts = COALESCE(u.attempts, m.attempts),
       decision = COALESCE(u.decision, m.decision),
       updated_at = clock_timestamp()
     FROM unnest(:ids::uuid[], :statuses::text[], :hasReason::bool[], :reasons::text[], :hasSendAfter::bool[], :sendAfters::timestamptz[],
       :attempts::int[], :decisions::jsonb[]) AS u(id, status, has_reason, status_reason, has_send_after, send_after, attempts, decision)
     WHERE m.id = u.id`,
    {
      ids: changes.map((change) => change.id),
      statuses: column('status'),
      hasReason: given('statusReason'),
      reasons: column('statusReason'),
      hasSendAfter: given('sendAfter'),
      sendAfters: column('sendAfter'),
      attempts: column('attempts'),
      decisions: changes.map((change) => (change.decision === undefined ? null : JSON.stringify(change.decision))),
    },
  );
}

/** One UPDATE of the named columns (and `updated_at`) on its own, after a failed provider call. */
async function updateMessage(deps: ConversationDeps, id: string, changes: MessageChanges): Promise<void> {
  const keys = Object.keys(changes) as (keyof MessageChanges)[];
  const sets = keys.map((key) => MESSAGE_SETTERS[key]);
  const decision = changes.decision === undefined ? {} : { decision: JSON.stringify(changes.decision) };
  // Only a row still being sent: a delivery report that overtook a timed-out call knows better than `unknown`.
  await execute(deps, null, `UPDATE messages SET ${sets.join(', ')}, updated_at = clock_timestamp() WHERE id = :id AND status = 'sending'`, {
    ...changes,
    ...decision,
    id,
  });
}

/** The carrier says this phone has opted out of our sender: honour it as a STOP. */
export async function markProviderOptOut(
  deps: ConversationDeps,
  conversationId: string,
  merchant: MerchantRow,
  errorCode: string,
  messageId: string,
): Promise<void> {
  await inTransaction(deps, async (transaction, dispatches) => {
    const locked = await lockConversationById(deps, transaction, conversationId);
    if (!locked || locked.customer.consentStatus === 'revoked') return;
    const applied = await applyEvent(
      deps,
      transaction,
      locked,
      merchant,
      { type: 'provider.opted_out', at: deps.clock.now(), facts: factsFor(merchant, locked.customer), errorCode },
      { source: 'provider', refs: { messageId, errorCode }, evidence: { providerErrorCode: errorCode, messageId } },
    );
    dispatches.push(...applied.dispatches);
  });
}
