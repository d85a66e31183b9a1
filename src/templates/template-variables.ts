/**
 * What merchant templates may use, as data: the checker builds its scopes from
 * these lists, and the README and the editor show them to merchants.
 */

export interface TemplateVariable {
  readonly name: string;
  readonly description: string;
}

export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  { name: 'shopName', description: "The shop's name." },
  { name: 'firstName', description: 'The shopper\'s first name; "there" when unknown ({{default firstName "friend"}} picks another).' },
  { name: 'cartTotal', description: 'The cart total in its currency, e.g. "$632.82".' },
  { name: 'itemCount', description: 'How many units are in the cart (quantities added up).' },
  { name: 'items', description: 'The cart lines, for {{#each items}}…{{/each}}; each has title, variant, quantity and price.' },
  { name: 'itemsSummary', description: 'The cart lines on one line, at most 60 characters, e.g. "Tee (Red), 2x Cap and 2 more".' },
  { name: 'recoveryUrl', description: 'The link that brings the shopper back to the cart.' },
  { name: 'discountCode', description: 'The discount code offered for this cart; empty when there is none.' },
  { name: 'supportContact', description: 'How to reach the shop (email or phone); empty when not set.' },
];

export const ITEM_VARIABLES: readonly TemplateVariable[] = [
  { name: 'title', description: "The product's title." },
  { name: 'variant', description: 'The variant, e.g. "Red"; empty when the product has none.' },
  { name: 'quantity', description: 'How many of this line are in the cart.' },
  { name: 'price', description: 'The price of one unit, formatted, e.g. "$199.00".' },
];

export const TEMPLATE_HELPERS: readonly TemplateVariable[] = [
  { name: 'money', description: '{{money 500}}: an amount in minor units, formatted in the cart currency ("$5.00").' },
  { name: 'upper', description: '{{upper discountCode}}: the value in capitals.' },
  { name: 'default', description: '{{default firstName "friend"}}: the value, or the fallback when it is empty.' },
  { name: 'if', description: '{{#if discountCode}}…{{else}}…{{/if}}: a part shown only when the value is not empty.' },
  { name: 'unless', description: '{{#unless discountCode}}…{{/unless}}: the opposite of #if.' },
  { name: 'each', description: '{{#each items}}…{{/each}}: repeats a part for every cart line.' },
];
