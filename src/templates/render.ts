/**
 * Merchant message templates: Handlebars, checked when saved, rendered to SMS.
 *
 * Variables (`TEMPLATE_VARIABLES` in template-variables.ts holds the same list
 * as data for the README and the editor):
 *   shopName        the shop's name
 *   firstName       the shopper's first name, or "there" when unknown
 *   cartTotal       the cart total, formatted ("$632.82")
 *   itemCount       the number of units in the cart (sum of quantities)
 *   items           the cart lines, for {{#each items}}: title, variant, quantity, price
 *   itemsSummary    the lines on one line, at most 60 characters ("... and 2 more")
 *   recoveryUrl     the link back to the cart
 *   discountCode    the discount code for this cart, or empty
 *   supportContact  how to reach the shop, or empty
 *
 * Helpers: {{money 500}} (minor units in the cart currency), {{upper x}},
 * {{default x "fallback"}}, and the blocks #if, #unless, #each items.
 *
 * A template is checked when the merchant saves it, not when the first text
 * goes out: syntax, helper names and arity, and every variable is one of the
 * above (`{{firstname}}` is an error, with a suggestion). Inside
 * {{#each items}} the item's fields are in scope; the outer variables are
 * reached as {{../shopName}} or {{@root.shopName}}, as in Handlebars itself.
 *
 * Output is plain text: `noEscape` keeps "&" as "&" (SMS is not HTML).
 */
import Handlebars from 'handlebars';
import type { CartLineItem } from '../domain/cart-event.js';
import { withOptOutNotice, withShopNamed } from './content-policy.js';
import { smsEncoding, type SmsEncodingInfo } from './encoding.js';
import { summarizeItems } from './items-summary.js';
import { formatMoney } from './money.js';
import { checkTemplate, FIRST_NAME_OR_THERE } from './template-checker.js';
import { TemplateError } from './template-error.js';

// Moved out by concept; re-exported so importers keep using this module.
export { ITEMS_SUMMARY_MAX_CHARS, summarizeItems } from './items-summary.js';
export { TemplateError } from './template-error.js';
export { ITEM_VARIABLES, TEMPLATE_HELPERS, TEMPLATE_VARIABLES, type TemplateVariable } from './template-variables.js';

export interface MessageContext {
  shopName: string;
  firstName: string | null;
  items: CartLineItem[];
  totalMinor: number;
  currency: string;
  locale: string | null;
  recoveryUrl: string | null;
  discountCode: string | null;
  supportContact: string | null;
}

export interface RenderedMessage extends SmsEncodingInfo {
  body: string;
}

/** A checked template. Opaque: build one with `compileTemplate`. */
export interface CompiledTemplate {
  readonly source: string;
  /** The top-level variables it uses, sorted, so a flow knows e.g. that it needs a discount code. */
  readonly variables: readonly string[];
}

// An environment of our own, so no other code's helpers or partials leak in.
const handlebars = Handlebars.create();
// `log` writes to the console; templates are pure.
handlebars.unregisterHelper('log');
handlebars.registerHelper('upper', (value: unknown) => text(value).toUpperCase());
handlebars.registerHelper('default', (value: unknown, fallback: unknown) => (text(value).trim() ? text(value) : text(fallback)));

const COMPILE_OPTIONS = {
  noEscape: true,
  strict: false,
  // The check (template-checker.ts) already refuses unknown helpers; this makes Handlebars refuse them too.
  knownHelpers: { money: true, upper: true, default: true },
  knownHelpersOnly: true,
} as const;

const delegates = new WeakMap<CompiledTemplate, HandlebarsTemplateDelegate<TemplateData>>();
// Flows render the same few templates thousands of times.
const MAX_CACHED_SOURCES = 256;
const bySource = new Map<string, CompiledTemplate>();

/** Parses and checks a template. Throws `TemplateError` saying what is wrong and where. */
export function compileTemplate(source: string): CompiledTemplate {
  let ast: hbs.AST.Program;
  try {
    ast = handlebars.parse(source);
  } catch (error) {
    throw syntaxError(error);
  }
  const used = checkTemplate(ast);
  try {
    // Compile now: Handlebars would otherwise defer it to the first render.
    handlebars.precompile(ast, COMPILE_OPTIONS);
  } catch (error) {
    throw syntaxError(error);
  }
  const compiled: CompiledTemplate = Object.freeze({ source, variables: Object.freeze([...used].sort()) });
  delegates.set(compiled, handlebars.compile<TemplateData>(ast, COMPILE_OPTIONS));
  return compiled;
}

export function renderTemplate(template: CompiledTemplate | string, ctx: MessageContext): RenderedMessage {
  const delegate = delegateFor(template);
  const locale = ctx.locale ?? undefined;
  const money = (minor: unknown): string => formatMoney(Number(minor), ctx.currency, locale);
  const body = tidy(delegate(templateData(ctx), { helpers: { money } }));
  return { body, ...smsEncoding(body) };
}

/**
 * A reminder as it is sent: the rendered template, led by the shop's name
 * when it did not print it (a flow saved before names were checked, or a
 * `{{shopName}}` inside an {{#if}} that was false), and, for the first
 * reminder after an opt-in, ending with how to opt out unless it says so
 * already. Encoding and segments are those of the final text.
 */
export function renderReminder(template: CompiledTemplate | string, ctx: MessageContext, options: { firstAfterOptIn: boolean }): RenderedMessage {
  const rendered = renderTemplate(template, ctx);
  const named = withShopNamed(rendered.body, ctx.shopName);
  const body = options.firstAfterOptIn ? withOptOutNotice(named) : named;
  return body === rendered.body ? rendered : { body, ...smsEncoding(body) };
}

function delegateFor(template: CompiledTemplate | string): HandlebarsTemplateDelegate<TemplateData> {
  if (typeof template !== 'string') {
    // A template that crossed a process boundary arrives as plain data.
    return delegates.get(template) ?? delegateFor(template.source);
  }
  let compiled = bySource.get(template);
  if (!compiled) {
    compiled = compileTemplate(template);
    if (bySource.size >= MAX_CACHED_SOURCES) bySource.clear();
    bySource.set(template, compiled);
  }
  const delegate = delegates.get(compiled);
  if (!delegate) throw new Error('compileTemplate did not register its delegate');
  return delegate;
}

type TemplateData = ReturnType<typeof templateData>;

function templateData(ctx: MessageContext) {
  const locale = ctx.locale ?? undefined;
  const firstName = ctx.firstName?.trim() || null;
  return {
    shopName: ctx.shopName,
    firstName,
    [FIRST_NAME_OR_THERE]: firstName ?? 'there',
    cartTotal: formatMoney(ctx.totalMinor, ctx.currency, locale),
    itemCount: ctx.items.reduce((sum, item) => sum + item.quantity, 0),
    items: ctx.items.map(({ title, variant, quantity, unitPriceMinor }) => ({
      ...{ title, variant, quantity },
      price: formatMoney(unitPriceMinor, ctx.currency, locale),
    })),
    itemsSummary: summarizeItems(ctx.items),
    recoveryUrl: ctx.recoveryUrl,
    discountCode: ctx.discountCode,
    supportContact: ctx.supportContact,
  };
}

/**
 * Empty variables leave doubled spaces ("Use code  today"), and editors send
 * "\r\n" and tabs, which cost septets (or force UCS-2) for nothing.
 */
function tidy(body: string): string {
  return body
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

function syntaxError(error: unknown): TemplateError {
  const message = error instanceof Error ? error.message : String(error);
  const parse = /^Parse error on line (\d+):\n([^\n]*)\n(-*)\^\n(.*)$/s.exec(message);
  if (parse) {
    const [, line, excerpt, dashes, expected] = parse;
    const got = /got '([^']+)'$/.exec(expected ?? '')?.[1];
    const what = got === 'EOF' ? 'unexpected end of template (is a {{ or a block left open?)' : `unexpected ${got ?? 'input'}`;
    const column = (dashes?.length ?? 0) + 1;
    return new TemplateError(`syntax error at line ${line}, column ${column}: ${what}\n${excerpt}\n${dashes}^`, Number(line), column);
  }
  // Handlebars' own Exception carries the position and repeats it as " - 1:6".
  const located = error as { lineNumber?: unknown; column?: unknown };
  const line = typeof located.lineNumber === 'number' ? located.lineNumber : null;
  const column = typeof located.column === 'number' ? located.column + 1 : null;
  const what = message.replace(/ - \d+:\d+$/, '');
  const where = line === null ? '' : ` at line ${line}, column ${column}`;
  return new TemplateError(`invalid template${where}: ${what}`, line, column);
}
