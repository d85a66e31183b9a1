import { QueryTypes } from 'sequelize';
import type { InboundSms } from '../domain/sms.js';
import type { MerchantRow } from '../db/models/index.js';
import { applyEvent } from './apply-event.js';
import { lockConversationByPhone } from './conversation-lock.js';
import type { ConversationDeps } from './deps.js';
import { candidateZones, factsFor, mergeZones } from './recipient-facts.js';
import { updateCustomer } from './rows.js';
import { inTransaction } from './transactions.js';

export type InboundOutcome =
  | { status: 'applied'; conversationId: string; state: string }
  | { status: 'duplicate' }
  | { status: 'unknown_recipient' };

/** The merchant whose sender received the text: by number, else by messaging service. */
export async function findMerchantForInbound(deps: ConversationDeps, inbound: InboundSms): Promise<MerchantRow | null> {
  const { Merchant } = deps.db.models;
  const byNumber = await Merchant.findOne({ where: { senderNumber: inbound.to } });
  if (byNumber) return byNumber;
  if (!inbound.messagingServiceSid) return null;
  return Merchant.findOne({ where: { messagingServiceSid: inbound.messagingServiceSid }, order: [['createdAt', 'ASC']] });
}

/**
 * A shopper's text: stored, then applied to their conversation in the same
 * transaction. A STOP is committed here, before the webhook is answered.
 */
export async function receiveSms(deps: ConversationDeps, merchant: MerchantRow, inbound: InboundSms): Promise<InboundOutcome> {
  return inTransaction(deps, async (transaction, dispatches) => {
    const { sequelize } = deps.db;
    const locked = await lockConversationByPhone(deps, transaction, merchant.id, inbound.from);
    const messageId = deps.ids();
    const now = deps.clock.now();
    // The provider retries a webhook it thinks failed: the message id makes the second one a no-op.
    const inserted = await sequelize.query<{ id: string }>(
      `INSERT INTO messages (id, merchant_id, conversation_id, cart_id, direction, kind, body, to_phone, from_phone,
         messaging_service_sid, provider, provider_message_id, status, attempts, created_at, updated_at)
       VALUES (:id, :merchantId, :conversationId, :cartId, 'inbound', 'reply', :body, :to, :from,
         :messagingServiceSid, :provider, :providerMessageId, 'received', 0, :now, :now)
       ON CONFLICT (provider_message_id) DO NOTHING
       RETURNING id`,
      {
        replacements: {
          id: messageId,
          merchantId: merchant.id,
          conversationId: locked.conversation.id,
          cartId: locked.conversation.currentCartId,
          body: inbound.body,
          to: inbound.to,
          from: inbound.from,
          messagingServiceSid: inbound.messagingServiceSid,
          provider: 'twilio',
          providerMessageId: inbound.providerMessageId,
          now,
        },
        transaction,
        type: QueryTypes.SELECT,
      },
    );
    if (inserted.length === 0) return { status: 'duplicate' as const };
    if (inbound.fromState || inbound.fromCountry) {
      const learnt = candidateZones(merchant, inbound.from, [], { country: inbound.fromCountry, state: inbound.fromState });
      const zones = mergeZones(locked.customer.timezoneCandidates, learnt);
      // The state itself is kept too: state rules bind by state, and the send gate reads it from here.
      // One statement, and none when nothing changed (the same shopper texting again from the same place).
      await updateCustomer(deps, transaction, locked.customer, {
        timezoneCandidates: zones,
        providerCountry: inbound.fromCountry,
        providerState: inbound.fromState,
      });
    }
    const applied = await applyEvent(
      deps,
      transaction,
      locked,
      merchant,
      { type: 'sms.received', at: now, facts: factsFor(merchant, locked.customer), body: inbound.body, optOutType: inbound.optOutType },
      {
        source: 'sms',
        refs: { providerMessageId: inbound.providerMessageId, messageId },
        evidence: { inboundText: inbound.body, providerMessageId: inbound.providerMessageId, optOutType: inbound.optOutType },
      },
    );
    dispatches.push(...applied.dispatches);
    return { status: 'applied' as const, conversationId: locked.conversation.id, state: applied.result.state };
  }, { answerFirst: true });
}
