import type { Transaction } from 'sequelize';
import { statusAfter } from '../compliance/consent.js';
import type { MerchantRow } from '../db/models/index.js';
import type { ConversationEvent } from '../machines/conversation-events.js';
import type { Effect } from '../machines/effects.js';
import { step, type PersistedConversation, type StepResult } from '../machines/step.js';
import type { LockedConversation } from './conversation-lock.js';
import type { ConversationDeps, Dispatch } from './deps.js';
import { writeBatch, type WriteBatch } from '../db/write-batch.js';
import { appendConsent, type ConsentRecord } from './consent-ledger.js';
import { answersTheShopper } from './answer-kinds.js';
import { disclosureFor, messageBody } from './message-body.js';
import { followConsentChange } from './suppressions.js';
import {
  findCartFacts,
  TIMER_COLUMNS,
  updateCustomer,
  type CartFacts,
  type ConversationData,
  type TimerData,
} from './rows.js';

// Statement texts are built once: a text made anew for every call would be hashed anew by every cache it meets.
const PENDING_TIMERS_SQL = `SELECT ${TIMER_COLUMNS} FROM timers WHERE conversation_id = :conversationId AND status = 'pending'`;
const SET_CART_STATUS_SQL = `UPDATE abandoned_carts SET status = :status, status_reason = :reason, updated_at = clock_timestamp()
         WHERE id = :id AND merchant_id = :merchantId`;
const SET_CART_ABANDONED_SQL = `UPDATE abandoned_carts SET status = :status, status_reason = :reason, abandoned_at = :now, updated_at = clock_timestamp()
         WHERE id = :id AND merchant_id = :merchantId`;

/** Kinds that are marketing: they need consent, obey quiet hours and stop with a STOP. */
export const MARKETING_KINDS = ['opt_in_request', 'reminder'] as const;

export interface AuditInfo {
  /** Who brought the event: `shopify`, `twilio`, `timer`, `api`… */
  source: string;
  /** The ids it came with (platform event id, provider message id, timer id). */
  refs: Record<string, unknown>;
  /** Evidence kept in the consent ledger when the event changes consent. */
  evidence?: Record<string, unknown>;
}

/**
 * What the caller read already, in a round trip it made anyway: applying the
 * event uses it instead of reading again.
 */
export interface Prefetched {
  /** The conversation's pending timers, as of the caller's read under the conversation lock. */
  pendingTimers?: TimerData[];
  /** Carts the event's effects may need. */
  carts?: CartFacts[];
  /**
   * The caller's write batch, shared with other conversations' events in the
   * same transaction: the event's writes are queued in it (scoped to this
   * conversation) and the caller flushes.
   */
  batch?: WriteBatch;
}

export interface Applied {
  result: StepResult;
  dispatches: Dispatch[];
}

/**
 * Steps 2–4 of applying an event (the caller holds the lock and commits):
 * compute the transition, write the snapshot, and turn every effect into rows.
 * Nothing leaves the process here; `dispatches` are handed to the queue only
 * after the commit.
 */
export async function applyEvent(
  deps: ConversationDeps,
  transaction: Transaction,
  locked: LockedConversation,
  merchant: MerchantRow,
  event: ConversationEvent,
  audit: AuditInfo,
  prefetched: Prefetched = {},
): Promise<Applied> {
  const { conversation } = locked;
  const result = step(conversation.snapshot as PersistedConversation, event);
  const dispatches: Dispatch[] = [];
  const ledger: ConsentRecord[] = [];
  const shared = prefetched.batch;
  const sql = shared ? shared.scoped(conversation.id) : writeBatch(transaction);
  const scratch: EffectScratch = {
    dispatches,
    ledger,
    carts: cartReader(sql, transaction, deps, prefetched.carts ?? []),
    // A thread still at version 0 has no timers: they are only ever written by an event, which bumps the version.
    pendingTimers: conversation.version === 0 ? [] : (prefetched.pendingTimers ?? null),
    sql,
  };
  for (const effect of result.effects) {
    await applyEffect(deps, transaction, locked, merchant, event, result, effect, audit, scratch);
  }
  await saveConversation(sql, merchant, conversation, event, result, audit);
  await appendConsent(sql, ledger);
  if (!shared) await sql.flush();
  deps.logger.debug(
    { merchantId: merchant.id, conversationId: conversation.id, event: event.type, from: result.before, to: result.state },
    'conversation event applied',
  );
  return { result, dispatches };
}

/** What the effects of one event collect as they go. */
interface EffectScratch {
  dispatches: Dispatch[];
  /** Consent entries, appended together with the event's writes (one statement keeps their order). */
  ledger: ConsentRecord[];
  carts: { get(id: string): Promise<CartFacts | null> };
  /** The conversation's pending timers as this event has left them so far; null until read. */
  pendingTimers: TimerData[] | null;
  /** The event's writes, sent together; reads flush them first. */
  sql: WriteBatch;
}

/**
 * Reads a cart once per event: an opt-in request renders from it and records
 * its consent evidence. A status change by an earlier effect of the same event
 * does not touch the fields read here.
 */
function cartReader(sql: WriteBatch, transaction: Transaction, deps: ConversationDeps, known: CartFacts[]): EffectScratch['carts'] {
  const seen = new Map<string, Promise<CartFacts | null>>(known.map((cart) => [cart.id, Promise.resolve(cart)]));
  return {
    get(id) {
      let cart = seen.get(id);
      if (!cart) {
        cart = sql.flush().then(() => findCartFacts(deps, transaction, id));
        seen.set(id, cart);
      }
      return cart;
    },
  };
}

/**
 * Writes the new snapshot and version and appends the audit log entry (one
 * row per applied event), queued with the event's other writes, and keeps
 * the locked row in memory in step.
 */
async function saveConversation(
  sql: WriteBatch,
  merchant: MerchantRow,
  conversation: ConversationData,
  event: ConversationEvent,
  result: StepResult,
  audit: AuditInfo,
): Promise<void> {
  const next = {
    snapshot: result.persisted,
    state: result.state,
    version: conversation.version + 1,
    currentCartId: result.context.cartId,
    needsAgent: result.context.needsAgent,
  };
  await sql.write(
    `UPDATE conversations SET snapshot = :snapshot::jsonb, state = :state, version = :version, current_cart_id = :currentCartId,
       needs_agent = :needsAgent, updated_at = clock_timestamp()
     WHERE id = :id`,
    { ...next, snapshot: JSON.stringify(next.snapshot), id: conversation.id },
  );
  await sql.write(
    `INSERT INTO conversation_events (merchant_id, conversation_id, type, source, at, refs, state_before, state_after, created_at)
     VALUES (:merchantId, :conversationId, :type, :source, :at, :refs::jsonb, :stateBefore, :stateAfter, clock_timestamp())`,
    {
      merchantId: merchant.id,
      conversationId: conversation.id,
      type: event.type,
      source: audit.source,
      at: event.at,
      refs: JSON.stringify(audit.refs),
      stateBefore: result.before,
      stateAfter: result.state,
    },
  );
  Object.assign(conversation, next);
}

/**
 * One pending timer per conversation: rescheduling the same kind and step
 * bumps its revision (so a job for the old time does nothing); anything else is cancelled.
 */
async function scheduleTimer(
  deps: ConversationDeps,
  transaction: Transaction,
  merchant: MerchantRow,
  conversation: ConversationData,
  result: StepResult,
  effect: Extract<Effect, { type: 'schedule_timer' }>,
  scratch: EffectScratch,
): Promise<Pick<TimerData, 'id' | 'revision' | 'dueAt'>> {
  const pending =
    scratch.pendingTimers ??
    (await scratch.sql.read<TimerData>(
      PENDING_TIMERS_SQL,
      { conversationId: conversation.id },
    ));
  const same = pending.find((t) => t.kind === effect.kind && t.stepIndex === effect.stepIndex) ?? null;
  const others = pending.filter((t) => t !== same).map((t) => t.id);
  if (others.length > 0) {
    await scratch.sql.write(`UPDATE timers SET status = 'cancelled', updated_at = clock_timestamp() WHERE id = ANY(:ids)`, {
      ids: others,
    });
  }
  const cartId = result.context.cartId;
  if (same) {
    const revision = same.revision + 1;
    await scratch.sql.write(
      `UPDATE timers SET due_at = :dueAt, revision = :revision, cart_id = :cartId, updated_at = clock_timestamp() WHERE id = :id`,
      { dueAt: effect.dueAt, revision, cartId, id: same.id },
    );
    scratch.pendingTimers = [{ ...same, revision, cartId, dueAt: effect.dueAt }];
    return { id: same.id, revision, dueAt: effect.dueAt };
  }
  const id = deps.ids();
  await scratch.sql.write(
    `INSERT INTO timers (id, merchant_id, conversation_id, cart_id, kind, step_index, due_at, revision, status, fired_at, created_at, updated_at)
     VALUES (:id, :merchantId, :conversationId, :cartId, :kind, :stepIndex, :dueAt, 1, 'pending', NULL, clock_timestamp(), clock_timestamp())`,
    { id, merchantId: merchant.id, conversationId: conversation.id, cartId, kind: effect.kind, stepIndex: effect.stepIndex, dueAt: effect.dueAt },
  );
  scratch.pendingTimers = [
    { id, merchantId: merchant.id, conversationId: conversation.id, cartId, kind: effect.kind, stepIndex: effect.stepIndex, dueAt: effect.dueAt, revision: 1, status: 'pending' },
  ];
  return { id, revision: 1, dueAt: effect.dueAt };
}

async function applyEffect(
  deps: ConversationDeps,
  transaction: Transaction,
  locked: LockedConversation,
  merchant: MerchantRow,
  event: ConversationEvent,
  result: StepResult,
  effect: Effect,
  audit: AuditInfo,
  scratch: EffectScratch,
): Promise<void> {
  const { dispatches, ledger, carts } = scratch;
  const { conversation, customer } = locked;
  const now = event.at;
  switch (effect.type) {
    case 'schedule_timer': {
      const timer = await scheduleTimer(deps, transaction, merchant, conversation, result, effect, scratch);
      dispatches.push({ queue: 'timers', timerId: timer.id, revision: timer.revision, dueAt: timer.dueAt });
      return;
    }
    case 'cancel_timers':
      if (scratch.pendingTimers?.length === 0) return; // nothing to cancel
      await scratch.sql.write(
        `UPDATE timers SET status = 'cancelled', updated_at = clock_timestamp() WHERE conversation_id = :conversationId AND status = 'pending'`,
        { conversationId: conversation.id },
      );
      scratch.pendingTimers = [];
      return;
    case 'cancel_messages': {
      const cancelled = await scratch.sql.read<{ id: string }>(
        `UPDATE messages SET status = 'cancelled', status_reason = :reason, updated_at = clock_timestamp()
         WHERE conversation_id = :conversationId AND direction = 'outbound' AND kind = ANY(:kinds) AND status IN ('pending', 'deferred')
         RETURNING id`,
        { conversationId: conversation.id, reason: effect.reason, kinds: [...MARKETING_KINDS] },
      );
      if (cancelled.length > 0) deps.metrics.messages.inc({ outcome: 'cancelled', kind: 'marketing' }, cancelled.length);
      return;
    }
    case 'queue_message': {
      const cart = effect.cartId ? await carts.get(effect.cartId) : null;
      const rendered = messageBody({ kind: effect.kind, merchant, cart, flow: result.context.flow, stepIndex: effect.stepIndex });
      const messageId = deps.ids();
      await scratch.sql.write(
        `INSERT INTO messages (id, merchant_id, conversation_id, cart_id, direction, kind, body, to_phone, from_phone,
           messaging_service_sid, step_index, status, encoding, segments, created_at, updated_at)
         VALUES (:id, :merchantId, :conversationId, :cartId, 'outbound', :kind, :body, :toPhone, :fromPhone,
           :messagingServiceSid, :stepIndex, 'pending', :encoding, :segments, clock_timestamp(), clock_timestamp())`,
        {
          id: messageId,
          merchantId: merchant.id,
          conversationId: conversation.id,
          cartId: effect.cartId,
          kind: effect.kind,
          body: rendered.body,
          toPhone: conversation.phone,
          fromPhone: merchant.senderNumber,
          messagingServiceSid: merchant.senderNumber ? null : merchant.messagingServiceSid,
          stepIndex: effect.stepIndex,
          encoding: rendered.encoding,
          segments: rendered.segments,
        },
      );
      dispatches.push({ queue: 'outbox', messageId, notBefore: null, attempt: 0, answer: answersTheShopper(effect.kind) });
      return;
    }
    case 'record_consent': {
      const next = statusAfter(effect.change, customer.consentStatus);
      // A request rests on the checkout's own consent: keep those fields with the disclosure we sent.
      const cart = effect.change === 'requested' && result.context.cartId ? await carts.get(result.context.cartId) : null;
      const checkout = cart ? { checkoutConsent: cart.consentEvidence, checkoutToken: cart.checkoutToken } : {};
      ledger.push({
        merchantId: merchant.id,
        customerId: customer.id,
        phone: customer.phone,
        change: effect.change,
        source: effect.source,
        evidence: {
          ...audit.refs,
          ...(audit.evidence ?? {}),
          ...checkout,
          ...disclosureFor(effect.change, merchant, result),
          previous: customer.consentStatus,
        },
        at: now,
      });
      // The suppression list moves with consent, in this transaction: it is what outlives an erasure.
      await followConsentChange(deps, transaction, {
        merchantId: merchant.id,
        phone: customer.phone,
        change: effect.change,
        source: effect.source,
        previous: customer.consentStatus,
        at: now,
      });
      if (next !== customer.consentStatus) {
        await updateCustomer(deps, transaction, customer, { consentStatus: next, consentUpdatedAt: now }, scratch.sql);
      }
      return;
    }
    case 'set_cart_status': {
      await scratch.sql.write(
        effect.status === 'abandoned' ? SET_CART_ABANDONED_SQL : SET_CART_STATUS_SQL,
        { status: effect.status, reason: effect.reason, now, id: effect.cartId, merchantId: merchant.id },
      );
      return;
    }
    case 'notify_agent':
      deps.logger.info(
        { merchantId: merchant.id, conversationId: conversation.id, reason: effect.reason },
        'conversation waits for a person',
      );
      return;
  }
}
