/**
 * The fixed texts of the consent conversation, and the default reminder flow.
 *
 * The system texts carry what carriers and the TCPA/CTIA rules ask of them
 * (who is texting, what for, how often, that rates may apply, that consent is
 * not a condition of purchase, HELP and STOP), so merchants cannot edit them;
 * only the shop's name and support contact are filled in. They use only
 * GSM-7 characters (a straight apostrophe, no curly quotes) so the shop's
 * name alone decides whether they leave GSM-7.
 */

export interface SystemMessageContext {
  shopName: string;
  supportContact: string | null;
  /**
   * The most reminders one cart can bring, for the frequency disclosure.
   * Defaults to 3 (the default flow); pass the flow's step count when it differs.
   */
  messagesPerCart?: number;
}

const DEFAULT_MESSAGES_PER_CART = 3;

export function optInRequest(ctx: SystemMessageContext): string {
  const perCart = ctx.messagesPerCart ?? DEFAULT_MESSAGES_PER_CART;
  return (
    `${shop(ctx)}: reply YES to get cart reminders by text. Up to ${perCart} msg${perCart === 1 ? '' : 's'}/cart. ` +
    'Msg & data rates may apply. Consent is not a condition of purchase. Reply HELP for help, STOP to cancel.'
  );
}

export function helpReply(ctx: SystemMessageContext): string {
  const contact = ctx.supportContact ? oneLine(ctx.supportContact) : '';
  return `${shop(ctx)}: cart reminders by text. Help: ${contact || 'reply here'}. Msg & data rates may apply. Reply STOP to cancel.`;
}

/** Confirms a STOP. Nothing but the confirmation: no offer, no link. */
export function stopConfirmation(ctx: SystemMessageContext): string {
  return `${shop(ctx)}: you're unsubscribed and will get no more texts. Reply START to resubscribe.`;
}

export function startConfirmation(ctx: SystemMessageContext): string {
  return `${shop(ctx)}: you're subscribed to cart reminders again. Reply HELP for help, STOP to cancel.`;
}

/**
 * The reminders a new flow starts with: minutes after abandonment, a day
 * later, and a last one offering the discount code when the step has one.
 * Each names the shop first; the first carries the opt-out reminder. With a
 * short tracked link and a cart like the sample one, each fits one GSM-7
 * segment.
 */
export const DEFAULT_FLOW_TEMPLATES: readonly string[] = Object.freeze([
  '{{shopName}}: Hi {{firstName}}, you left {{itemsSummary}} in your cart: {{recoveryUrl}} Reply STOP to opt out',
  '{{shopName}}: Hi {{firstName}}, your cart is saved, but items can sell out. Pick up where you left off: {{recoveryUrl}}',
  '{{shopName}}: Hi {{firstName}}, a last reminder. ' +
    '{{#if discountCode}}Use code {{discountCode}} to save on your order: {{else}}Your cart is still waiting: {{/if}}' +
    '{{recoveryUrl}}',
]);

// A shop name comes from the merchant's settings; a line break in it would
// push the disclosure onto lines of its own.
function shop(ctx: SystemMessageContext): string {
  return oneLine(ctx.shopName);
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
