import { Op, type Transaction } from 'sequelize';
import { statusAfter } from '../compliance/consent.js';
import type { MerchantRow } from '../db/models/index.js';
import type { ConversationEvent } from '../machines/conversation-events.js';
import type { Effect } from '../machines/effects.js';
import { step, type PersistedConversation, type StepResult } from '../machines/step.js';
import type { LockedConversation } from './conversation-lock.js';
import type { ConversationDeps, Dispatch } from './deps.js';
import { appendConsent, type ConsentRecord } from './consent-ledger.js';
import { disclosureFor, messageBody } from './message-body.js';

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
): Promise<Applied> {
  const { conversation } = locked;
  const result = step(conversation.snapshot as PersistedConversation, event);
  const dispatches: Dispatch[] = [];
  const ledger: ConsentRecord[] = [];
  for (const effect of result.effects) {
    await applyEffect(deps, transaction, locked, merchant, event, result, effect, audit, { dispatches, ledger });
  }
  await deps.db.models.ConversationEvent.create(
    {
      merchantId: merchant.id,
      conversationId: conversation.id,
      type: event.type,
      source: audit.source,
      at: event.at,
      refs: audit.refs,
      stateBefore: result.before,
      stateAfter: result.state,
    },
    { transaction },
  );
  conversation.set({
    snapshot: result.persisted,
    state: result.state,
    version: conversation.version + 1,
    currentCartId: result.context.cartId,
    needsAgent: result.context.needsAgent,
  });
  await conversation.save({ transaction });
  // Last, because appending takes the merchant's ledger lock until commit: the
  // shorter that lock is held, the more conversations of one merchant proceed at once.
  for (const record of ledger) await appendConsent(deps, transaction, record);
  deps.logger.debug(
    { merchantId: merchant.id, conversationId: conversation.id, event: event.type, from: result.before, to: result.state },
    'conversation event applied',
  );
  return { result, dispatches };
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
  { dispatches, ledger }: { dispatches: Dispatch[]; ledger: ConsentRecord[] },
): Promise<void> {
  const { models } = deps.db;
  const { conversation, customer } = locked;
  const now = event.at;
  switch (effect.type) {
    case 'schedule_timer': {
      // One pending timer per conversation: rescheduling the same kind and step
      // bumps its revision (so a job for the old time does nothing); anything else is cancelled.
      const pending = await models.Timer.findAll({ where: { conversationId: conversation.id, status: 'pending' }, transaction });
      let timer = pending.find((t) => t.kind === effect.kind && t.stepIndex === effect.stepIndex) ?? null;
      for (const other of pending) {
        if (other !== timer) await other.update({ status: 'cancelled' }, { transaction });
      }
      if (timer) {
        await timer.update({ dueAt: effect.dueAt, revision: timer.revision + 1, cartId: result.context.cartId }, { transaction });
      } else {
        timer = await models.Timer.create(
          {
            id: deps.ids(),
            merchantId: merchant.id,
            conversationId: conversation.id,
            cartId: result.context.cartId,
            kind: effect.kind,
            stepIndex: effect.stepIndex,
            dueAt: effect.dueAt,
            status: 'pending',
            firedAt: null,
          },
          { transaction },
        );
      }
      dispatches.push({ queue: 'timers', timerId: timer.id, revision: timer.revision, dueAt: timer.dueAt });
      return;
    }
    case 'cancel_timers':
      await models.Timer.update(
        { status: 'cancelled' },
        { where: { conversationId: conversation.id, status: 'pending' }, transaction },
      );
      return;
    case 'cancel_messages': {
      const [count] = await models.Message.update(
        { status: 'cancelled', statusReason: effect.reason },
        {
          where: {
            conversationId: conversation.id,
            direction: 'outbound',
            kind: { [Op.in]: [...MARKETING_KINDS] },
            status: { [Op.in]: ['pending', 'deferred'] },
          },
          transaction,
        },
      );
      if (count > 0) deps.metrics.messages.inc({ outcome: 'cancelled', kind: 'marketing' }, count);
      return;
    }
    case 'queue_message': {
      const cart = effect.cartId ? await models.Cart.findByPk(effect.cartId, { transaction }) : null;
      const rendered = messageBody({ kind: effect.kind, merchant, cart, flow: result.context.flow, stepIndex: effect.stepIndex });
      const message = await models.Message.create(
        {
          id: deps.ids(),
          merchantId: merchant.id,
          conversationId: conversation.id,
          cartId: effect.cartId,
          direction: 'outbound',
          kind: effect.kind,
          body: rendered.body,
          toPhone: conversation.phone,
          fromPhone: merchant.senderNumber,
          messagingServiceSid: merchant.senderNumber ? null : merchant.messagingServiceSid,
          stepIndex: effect.stepIndex,
          provider: null,
          providerMessageId: null,
          status: 'pending',
          statusReason: null,
          errorCode: null,
          encoding: rendered.encoding,
          segments: rendered.segments,
          sendAfter: null,
          sentAt: null,
          deliveredAt: null,
        },
        { transaction },
      );
      dispatches.push({ queue: 'outbox', messageId: message.id, notBefore: null, attempt: 0 });
      return;
    }
    case 'record_consent': {
      const next = statusAfter(effect.change, customer.consentStatus);
      // A request rests on the checkout's own consent: keep those fields with the disclosure we sent.
      const cart = effect.change === 'requested' && result.context.cartId ? await models.Cart.findByPk(result.context.cartId, { transaction }) : null;
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
      if (next !== customer.consentStatus) {
        await customer.update({ consentStatus: next, consentUpdatedAt: now }, { transaction });
      }
      return;
    }
    case 'set_cart_status': {
      const update: Record<string, unknown> = { status: effect.status, statusReason: effect.reason };
      if (effect.status === 'abandoned') update.abandonedAt = now;
      await models.Cart.update(update, { where: { id: effect.cartId, merchantId: merchant.id }, transaction });
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
