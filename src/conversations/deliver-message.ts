import { SmsSendError, type SmsProvider } from '../domain/sms.js';
import type { Transaction } from 'sequelize';
import type { MerchantRow, MessageRow } from '../db/models/index.js';
import { applyEvent } from './apply-event.js';
import { lockConversationById, lockConversationOf } from './conversation-lock.js';
import type { ConversationDeps } from './deps.js';
import { factsFor } from './recipient-facts.js';
import { execute, type MessageData } from './rows.js';
import { gateInput, loadForDelivery, storedDecision } from './send-facts.js';
import { sendGate } from './send-gate.js';
import { inTransaction } from './transactions.js';

export type DeliveryOutcome = 'sent' | 'deferred' | 'refused' | 'skipped' | 'failed' | 'unknown' | 'missing';

export interface DeliveryDeps extends ConversationDeps {
  provider: SmsProvider;
  /** Base of our public URL, for the provider's delivery callbacks; null when there is none. */
  statusCallbackUrl: string | null;
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
  const claim = await inTransaction(deps, async (transaction, dispatches) => {
    // The conversation lock orders us after any STOP or order being applied right now.
    const locked = await lockConversationOf(deps, transaction, { messageId });
    if (!locked) return { outcome: 'missing' as const };
    const now = deps.clock.now();
    // The row, its cart's addresses and the phone's recent marketing, in the statement that locks the row.
    const loaded = await loadForDelivery(deps, transaction, messageId, now);
    if (!loaded) return { outcome: 'missing' as const };
    const { message } = loaded;
    const merchant = await deps.merchants.byId(message.merchantId, transaction);
    if (!merchant) return { outcome: 'missing' as const };
    const verdict = sendGate(gateInput({ ...loaded, conversation: locked.conversation, customer: locked.customer, merchant, at: now }));
    const log = { merchantId: merchant.id, conversationId: message.conversationId, messageId: message.id, kind: message.kind };
    if (verdict.verdict === 'skip') return { outcome: 'skipped' as const };
    const decision = storedDecision(verdict.decision, now);
    const rules = decision.rules.map((rule) => rule.id);
    switch (verdict.verdict) {
      case 'refuse':
        // Refused for good: nothing is enqueued again.
        await updateMessage(deps, transaction, message.id, { status: 'refused', statusReason: verdict.rule, decision });
        deps.metrics.messages.inc({ outcome: 'refused', kind: message.kind });
        deps.logger.info({ ...log, rule: verdict.rule, rules }, 'message refused by the send gate');
        return { outcome: 'refused' as const };
      case 'defer':
        await updateMessage(deps, transaction, message.id, { status: 'deferred', statusReason: verdict.rule, sendAfter: verdict.until, decision });
        dispatches.push({ queue: 'outbox', messageId: message.id, notBefore: verdict.until, attempt: message.attempts + 1 });
        deps.metrics.messages.inc({ outcome: 'deferred', kind: message.kind });
        deps.logger.info({ ...log, until: verdict.until, rule: verdict.rule, rules }, 'message deferred by the send gate');
        return { outcome: 'deferred' as const };
      case 'send':
        await updateMessage(deps, transaction, message.id, { status: 'sending', attempts: message.attempts + 1, decision });
        return { outcome: 'claimed' as const, message, merchant, log };
    }
  });
  if (claim.outcome !== 'claimed') return claim.outcome;
  return send(deps, claim.message, claim.merchant, claim.log);
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
      statusCallbackUrl: deps.statusCallbackUrl,
    });
    await updateMessage(deps, null, message.id, {
      status: 'sent',
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
    await updateMessage(deps, null, message.id, {
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
    'status' | 'statusReason' | 'sendAfter' | 'attempts' | 'provider' | 'providerMessageId' | 'segments' | 'sentAt' | 'errorCode' | 'decision'
  >
>;

const MESSAGE_SETTERS: Record<keyof MessageChanges, string> = {
  status: 'status = :status',
  statusReason: 'status_reason = :statusReason',
  sendAfter: 'send_after = :sendAfter',
  attempts: 'attempts = :attempts',
  provider: 'provider = :provider',
  providerMessageId: 'provider_message_id = :providerMessageId',
  segments: 'segments = :segments',
  sentAt: 'sent_at = :sentAt',
  errorCode: 'error_code = :errorCode',
  decision: 'decision = :decision::jsonb',
};

/** One UPDATE of the named columns (and `updated_at`), as a model instance's `update` wrote them. */
async function updateMessage(deps: ConversationDeps, transaction: Transaction | null, id: string, changes: MessageChanges): Promise<void> {
  const keys = Object.keys(changes) as (keyof MessageChanges)[];
  const sets = keys.map((key) => MESSAGE_SETTERS[key]);
  const decision = changes.decision === undefined ? {} : { decision: JSON.stringify(changes.decision) };
  await execute(deps, transaction, `UPDATE messages SET ${sets.join(', ')}, updated_at = clock_timestamp() WHERE id = :id`, {
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
