import type { CartRow, MerchantRow } from '../db/models/index.js';
import type { Flow } from '../domain/flow.js';
import type { OutboundKind } from '../machines/effects.js';
import { smsEncoding } from '../templates/encoding.js';
import { renderReminder, type RenderedMessage } from '../templates/render.js';
import { helpReply, optInRequest, startConfirmation, stopConfirmation } from '../templates/system-messages.js';

export class MessageBodyError extends Error {
  readonly code = 'message_body';
  constructor(message: string) {
    super(message);
    this.name = 'MessageBodyError';
  }
}

/**
 * The text of an outgoing message, rendered when it is queued so the outbox
 * row holds exactly what will be sent (and what it will cost).
 */
export function messageBody(input: {
  kind: OutboundKind;
  merchant: MerchantRow;
  cart: Pick<CartRow, 'firstName' | 'lineItems' | 'totalMinor' | 'currency' | 'locale' | 'recoveryUrl'> | null;
  flow: Flow | null;
  stepIndex: number | null;
}): RenderedMessage {
  const { kind, merchant, cart } = input;
  // The disclosure promises a number of texts: it must be this flow's, not a default.
  const shop = { shopName: merchant.name, supportContact: merchant.supportContact, messagesPerCart: input.flow?.steps.length ?? merchant.flow.steps.length };
  switch (kind) {
    case 'opt_in_request':
      return withEncoding(optInRequest(shop));
    case 'help':
      return withEncoding(helpReply(shop));
    case 'stop_confirmation':
      return withEncoding(stopConfirmation(shop));
    case 'start_confirmation':
      return withEncoding(startConfirmation(shop));
    case 'reminder': {
      const step = input.stepIndex === null ? undefined : input.flow?.steps[input.stepIndex];
      if (!step || !cart) throw new MessageBodyError(`no step ${input.stepIndex} or cart for a reminder`);
      // Steps go one after another from the first, which is therefore the first reminder after the opt-in.
      return renderReminder(step.template, {
        shopName: merchant.name,
        firstName: cart.firstName,
        items: cart.lineItems,
        totalMinor: cart.totalMinor,
        currency: cart.currency,
        locale: cart.locale,
        recoveryUrl: cart.recoveryUrl,
        discountCode: step.discountCode ?? null,
        supportContact: merchant.supportContact,
      }, { firstAfterOptIn: input.stepIndex === 0 });
    }
  }
}

function withEncoding(body: string): RenderedMessage {
  return { body, ...smsEncoding(body) };
}

/** Bumped whenever the opt-in wording changes, so the ledger says which text a shopper agreed to. */
export const OPT_IN_DISCLOSURE_VERSION = '2026-11-25.1';

/**
 * The exact disclosure a consent request carried, kept with the ledger entry:
 * in a dispute, "what did they agree to" has a verbatim answer.
 */
export function disclosureFor(
  change: string,
  merchant: MerchantRow,
  step: { context: { flow: Flow | null } },
): Record<string, unknown> {
  if (change !== 'requested') return {};
  const { body } = messageBody({ kind: 'opt_in_request', merchant, cart: null, flow: step.context.flow, stepIndex: null });
  return { disclosure: body, disclosureVersion: OPT_IN_DISCLOSURE_VERSION };
}
