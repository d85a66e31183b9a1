import { canReceiveMarketing, isSuppressed, type ConsentStatus } from '../compliance/consent.js';
import type { SendingWindow } from '../compliance/quiet-hours.js';
import { POLICY, RULESET_VERSION } from '../compliance/rules/rule-table.js';
import { decideSend, type Candidate, type DecisionRule, type SendDecision } from '../compliance/send-decision.js';
import { publicShortenerLinks } from '../templates/content-policy.js';
import type { ComplianceProfile } from '../merchants/merchant-settings.js';
import { answersTheShopper } from './answer-kinds.js';
import type { MessageData } from './rows.js';

const REMINDER_STATES = new Set(['sequencing', 'completed']);

/**
 * Every verdict but `skip` carries the full decision (what is stored on the
 * message); `rule` is the short code kept in `status_reason`.
 */
export type GateVerdict =
  | { verdict: 'send'; decision: SendDecision }
  | { verdict: 'defer'; until: Date; rule: string; decision: SendDecision }
  | { verdict: 'refuse'; rule: string; decision: SendDecision }
  | { verdict: 'skip'; reason: string };

export interface GateInput {
  message: Pick<MessageData, 'status' | 'kind' | 'direction' | 'cartId' | 'body'>;
  conversation: { state: string; currentCartId: string | null };
  consent: ConsentStatus;
  at: Date;
  /** Every place the shopper may be (area code, the cart's addresses, the provider's region; the merchant's zone last). */
  candidates: Candidate[];
  /** The merchant's own window, narrower than the law's; null when they set none. */
  merchantWindow: SendingWindow | null;
  /** The merchant's windows for recipients outside the US, by ISO country code. */
  countryWindows?: Record<string, SendingWindow>;
  profile: ComplianceProfile;
  /** When marketing texts went to this phone from this merchant lately (any cart), this one excluded. */
  recentMarketing: Date[];
  /** Reminders already sent for this message's cart. */
  cartRemindersSent: number;
}

/**
 * The last word before a text leaves: re-decided from the database at the
 * moment of sending, because a STOP, an order or the night may have arrived
 * since the message was queued. The hour, the caps and the profile are
 * `decideSend`'s; this adds what only the conversation knows (consent, the
 * running sequence) and the content. Pure; the outbox supplies the facts.
 */
export function sendGate(input: GateInput): GateVerdict {
  const { message, consent } = input;
  if (message.direction !== 'outbound') return { verdict: 'skip', reason: 'not_outbound' };
  if (message.status !== 'pending' && message.status !== 'deferred') return { verdict: 'skip', reason: `already_${message.status}` };
  // Answers to a keyword go at once, night or day. A STOP confirmation goes although the shopper is now
  // suppressed, and HELP is answered whatever the consent: carriers require both.
  if (message.kind === 'stop_confirmation' || message.kind === 'help') return transactional(input);
  if (isSuppressed(consent)) {
    return refuse('opted_out', { ...POLICY.optedOut, reason: `the shopper opted out (consent ${consent}); a ${message.kind} is not sent` });
  }
  if (answersTheShopper(message.kind)) return transactional(input);
  if (message.kind === 'reminder' && !canReceiveMarketing(consent)) {
    return refuse('consent_not_confirmed', { ...POLICY.consentRequired, reason: `consent is ${consent}, not confirmed` });
  }
  // A reminder belongs to the sequence that queued it; a newer cart, an order or a person taking over ends it.
  if (message.kind === 'reminder' && !REMINDER_STATES.has(input.conversation.state)) {
    const reason = `the conversation is ${input.conversation.state}, no longer running a sequence`;
    return refuse('sequence_not_running', { ...POLICY.sequenceEnded, reason });
  }
  if (message.cartId !== null && message.kind === 'reminder' && message.cartId !== input.conversation.currentCartId) {
    return refuse('cart_superseded', { ...POLICY.sequenceEnded, reason: 'the reminder is for a cart the conversation no longer follows' });
  }
  if (message.kind === 'opt_in_request' && consent !== 'requested') {
    return refuse('opt_in_not_requested', { ...POLICY.optInOnce, reason: `consent is ${consent}; no opt-in request is outstanding` });
  }
  // Flows saved before links were checked could still hold one; a filtered text is worse than none.
  const shorteners = publicShortenerLinks(message.body);
  if (shorteners.length > 0) {
    return refuse('public_url_shortener', { ...POLICY.publicShortener, reason: `links through ${shorteners.join(', ')}` });
  }
  return marketing(input);
}

function marketing(input: GateInput): GateVerdict {
  const decision = decideSend({
    at: input.at,
    kind: 'marketing',
    candidates: input.candidates,
    merchantWindow: input.merchantWindow,
    ...(input.countryWindows ? { countryWindows: input.countryWindows } : {}),
    recentMarketing: input.recentMarketing,
    profile: input.profile,
    // The strict profile allows one cart-recovery text per abandonment: the opt-in question is not one.
    cartMessagesSent: input.message.kind === 'reminder' ? input.cartRemindersSent : 0,
  });
  switch (decision.verdict) {
    case 'send':
      return { verdict: 'send', decision };
    case 'defer':
      // Every hold decideSend defers is one of time: a window, a Sunday, a holiday, in some candidate place.
      // It always says until when; without that there is no moment to wait for, which is a refusal.
      if (decision.until) return { verdict: 'defer', until: decision.until, rule: 'quiet_hours', decision };
      return { verdict: 'refuse', rule: 'no_common_sending_window', decision: { ...decision, verdict: 'refuse' } };
    case 'refuse':
      return { verdict: 'refuse', rule: refusalCode(decision.rules), decision };
  }
}

/** The short code for `status_reason`, from the rule that refused (they come first). */
function refusalCode(rules: readonly DecisionRule[]): string {
  const ids = rules.map((rule) => rule.id);
  if (ids.includes(POLICY.noCommonWindow.id)) return 'no_common_sending_window';
  if (ids[0] === POLICY.strictProfile.id) return 'strict_profile';
  return 'frequency_cap';
}

function transactional(input: GateInput): GateVerdict {
  const decision = decideSend({ at: input.at, kind: 'transactional', candidates: [], merchantWindow: null, recentMarketing: [], profile: input.profile });
  return { verdict: 'send', decision };
}

function refuse(rule: string, why: DecisionRule): GateVerdict {
  return { verdict: 'refuse', rule, decision: { verdict: 'refuse', rules: [why], rulesetVersion: RULESET_VERSION } };
}
