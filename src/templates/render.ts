/**
 * Merchant message templates: Handlebars, checked when saved, rendered to SMS.
 *
 * Variables (`TEMPLATE_VARIABLES` holds the same list as data for the README
 * and the editor):
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
import { AppError } from '../errors.js';
import { smsEncoding, type SmsEncodingInfo } from './encoding.js';
import { formatMoney } from './money.js';

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

export const ITEMS_SUMMARY_MAX_CHARS = 60;

export class TemplateError extends AppError {
  declare readonly code: 'invalid_template';
  constructor(message: string, readonly line: number | null = null, readonly column: number | null = null) {
    super('invalid_template', message, 400, { line, column });
  }
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
  // The check below already refuses unknown helpers; this makes Handlebars refuse them too.
  knownHelpers: { money: true, upper: true, default: true },
  knownHelpersOnly: true,
} as const;

// The data key bare {{firstName}} is rewritten to, so it falls back to "there"
// while {{#if firstName}} and {{default firstName "friend"}} see the real value.
const FIRST_NAME_OR_THERE = '__firstNameOrThere';

/** What a position accepts: a printable value, a list (#each), either (#if), or a literal amount (money). */
type Kind = 'value' | 'list' | 'condition' | 'amount';
interface Scope { readonly names: ReadonlyMap<string, Kind>; readonly isItem: boolean }
const ROOT_SCOPE: Scope = {
  names: new Map(TEMPLATE_VARIABLES.map(({ name }) => [name, name === 'items' ? 'list' : 'value'])),
  isItem: false,
};
const ITEM_SCOPE: Scope = { names: new Map(ITEM_VARIABLES.map(({ name }) => [name, 'value'])), isItem: true };
const ITEM_DATA = new Set(['index', 'first', 'last']);

/** Parameter count and the kind each parameter takes, per inline helper. */
// A Map, not an object literal: `"constructor" in {}` is true.
const INLINE_HELPERS: ReadonlyMap<string, readonly Kind[]> = new Map<string, readonly Kind[]>([
  ['money', ['amount']],
  ['upper', ['value']],
  ['default', ['value', 'value']],
]);
const BLOCK_HELPERS = new Set(['if', 'unless', 'each']);

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
  const checker = new Checker();
  checker.program(ast, [ROOT_SCOPE]);
  try {
    // Compile now: Handlebars would otherwise defer it to the first render.
    handlebars.precompile(ast, COMPILE_OPTIONS);
  } catch (error) {
    throw syntaxError(error);
  }
  const compiled: CompiledTemplate = Object.freeze({ source, variables: Object.freeze([...checker.used].sort()) });
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
 * The cart lines on one line: `Title (Variant)`, prefixed `2x ` when more than
 * one. When the whole list is longer than `maxChars` (counted in code points),
 * it keeps as many leading lines as fit and ends "and N more".
 *
 * "x", not "×": the multiplication sign is not in GSM-7, and one of it would
 * send the whole message as UCS-2 at less than half the room per segment.
 */
export function summarizeItems(items: readonly CartLineItem[], maxChars: number = ITEMS_SUMMARY_MAX_CHARS): string {
  const lines = items.map((item) => {
    const title = oneLine(item.title);
    const variant = item.variant ? oneLine(item.variant) : '';
    return `${item.quantity > 1 ? `${item.quantity}x ` : ''}${title}${variant ? ` (${variant})` : ''}`;
  });
  const all = lines.join(', ');
  if (charCount(all) <= maxChars) return all;
  for (let shown = lines.length - 1; shown >= 1; shown -= 1) {
    const candidate = `${lines.slice(0, shown).join(', ')} and ${lines.length - shown} more`;
    if (charCount(candidate) <= maxChars) return candidate;
  }
  // Even the first line alone is too long: cut it.
  const rest = lines.length > 1 ? ` and ${lines.length - 1} more` : '';
  return truncate(lines[0] ?? '', maxChars - charCount(rest)) + rest;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function charCount(value: string): number {
  return Array.from(value).length;
}

/** Cuts at a code point, never inside a surrogate pair, and marks the cut with "...". */
function truncate(value: string, maxChars: number): string {
  const chars = Array.from(value);
  if (chars.length <= maxChars) return value;
  return `${chars.slice(0, Math.max(0, maxChars - 3)).join('').trimEnd()}...`;
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

/**
 * Walks the parsed template, refusing anything outside the documented
 * variables and helpers, and records what it uses. It also rewrites bare uses
 * of the root `firstName` to its "there" fallback.
 */
type HelperCall = Pick<hbs.AST.SubExpression, 'path' | 'params' | 'hash' | 'loc'>;

class Checker {
  readonly used = new Set<string>();

  program(program: hbs.AST.Program, scopes: readonly Scope[]): void {
    if (program.blockParams?.length) fail('block parameters (as |x|) are not supported; use the item fields directly', program);
    for (const statement of program.body) this.statement(statement, scopes);
  }

  private statement(node: hbs.AST.Statement, scopes: readonly Scope[]): void {
    if (node.type === 'ContentStatement' || node.type === 'CommentStatement') return;
    if (node.type === 'MustacheStatement') return this.mustache(node as hbs.AST.MustacheStatement, scopes);
    if (node.type === 'BlockStatement') return this.block(node as hbs.AST.BlockStatement, scopes);
    fail(node.type.startsWith('Partial') ? 'partials ({{> name}}) are not supported' : `${node.type} is not supported`, node);
  }

  private mustache(node: hbs.AST.MustacheStatement, scopes: readonly Scope[]): void {
    if (node.path.type !== 'PathExpression') return fail('expected a variable or helper name after {{', node);
    const path = node.path as hbs.AST.PathExpression;
    const isHelper = INLINE_HELPERS.has(path.original) || BLOCK_HELPERS.has(path.original);
    if (node.params.length === 0 && !node.hash && !isHelper) return this.variable(path, scopes, 'value', true);
    this.helperCall({ ...node, path }, scopes);
  }

  private block(node: hbs.AST.BlockStatement, scopes: readonly Scope[]): void {
    const name = node.path.original;
    if (!BLOCK_HELPERS.has(name) || node.path.depth > 0 || node.path.data) {
      const why = INLINE_HELPERS.has(name) ? `"${name}" is not a block helper; write {{${name} …}}` : `unknown block helper "#${name}"`;
      return fail(why, node);
    }
    if (node.params.length !== 1 || node.hash) fail(`{{#${name}}} takes exactly one value`, node);
    const [param] = node.params;
    if (name === 'each') {
      if (param?.type !== 'PathExpression') return fail('{{#each}} takes the name of a list, e.g. {{#each items}}', node);
      this.variable(param as hbs.AST.PathExpression, scopes, 'list', false);
      this.program(node.program, [...scopes, ITEM_SCOPE]);
    } else {
      // The condition sees the real value: {{#if firstName}} is false when the name is unknown.
      if (param) this.expression(param, scopes, 'condition', false);
      this.program(node.program, scopes);
    }
    if (node.inverse) this.program(node.inverse, scopes);
  }

  private helperCall(call: HelperCall, scopes: readonly Scope[]): void {
    const { path, params, hash } = call;
    const name = path.original;
    const kinds = INLINE_HELPERS.get(name);
    if (BLOCK_HELPERS.has(name)) return fail(`"${name}" is a block helper; write {{#${name} …}}…{{/${name}}}`, call);
    if (!kinds || path.depth > 0 || path.data) return fail(`unknown helper "${name}"${suggest(name, [...INLINE_HELPERS.keys()])}`, call);
    if (hash) fail(`"${name}" takes no named arguments`, call);
    if (params.length !== kinds.length) {
      fail(`"${name}" takes ${kinds.length} value${kinds.length === 1 ? '' : 's'}, got ${params.length}`, call);
    }
    // {{default firstName "friend"}} must see the missing name, not "there".
    params.forEach((param, index) => this.expression(param, scopes, kinds[index] ?? 'value', !(name === 'default' && index === 0)));
  }

  private expression(node: hbs.AST.Expression, scopes: readonly Scope[], kind: Kind, fallback: boolean): void {
    if (kind === 'amount') {
      const amount = node.type === 'NumberLiteral' ? (node as hbs.AST.NumberLiteral).value : NaN;
      if (!Number.isSafeInteger(amount)) fail('money takes an amount in minor units, e.g. {{money 500}} for 5.00', node);
      return;
    }
    switch (node.type) {
      case 'PathExpression':
        return this.variable(node as hbs.AST.PathExpression, scopes, kind, fallback);
      case 'SubExpression':
        return this.helperCall(node as hbs.AST.SubExpression, scopes);
      default:
        return; // string, number, boolean, null and undefined literals
    }
  }

  private variable(path: hbs.AST.PathExpression, scopes: readonly Scope[], kind: Kind, fallback: boolean): void {
    const inner = scopes[scopes.length - 1] ?? ROOT_SCOPE;
    if (path.data) {
      const [first, second, ...more] = path.parts;
      if (first === 'root' && second !== undefined && more.length === 0 && path.depth === 0) {
        return this.resolve(path, ROOT_SCOPE, second, kind, fallback);
      }
      if (first !== undefined && path.parts.length === 1 && ITEM_DATA.has(first) && inner.isItem && path.depth === 0) return;
      return fail(`unknown variable "${path.original}"`, path);
    }
    const [name, ...rest] = path.parts;
    if (name === undefined) return fail(`"${path.original}" is not supported; name a variable`, path);
    if (rest.length > 0) return fail(`"${path.original}": nested names are not supported`, path);
    const scope = scopes[scopes.length - 1 - path.depth];
    if (!scope) return fail(`"${path.original}" goes outside the template`, path);
    this.resolve(path, scope, name, kind, fallback, path.depth === 0 ? scopes.slice(0, -1) : []);
  }

  private resolve(path: hbs.AST.PathExpression, scope: Scope, name: string, kind: Kind, fallback: boolean, outer: readonly Scope[] = []): void {
    const found = scope.names.get(name);
    if (!found) {
      const hint = outer.some((s) => s.names.has(name))
        ? `; inside {{#each}} write {{../${name}}}`
        : suggest(name, [...scope.names.keys()]);
      return fail(`unknown variable "${path.original}"${hint}`, path);
    }
    if (found === 'list' && kind !== 'list' && kind !== 'condition') {
      return fail(`"${name}" is a list: use {{#each ${name}}}…{{/each}} or {{itemsSummary}}`, path);
    }
    if (found !== 'list' && kind === 'list') return fail(`"${name}" is not a list`, path);
    if (scope === ROOT_SCOPE) this.used.add(name);
    if (scope === ROOT_SCOPE && name === 'firstName' && fallback) {
      path.parts[path.parts.length - 1] = FIRST_NAME_OR_THERE;
    }
  }
}

function fail(message: string, node: Pick<hbs.AST.Node, 'loc'>): never {
  const line = node.loc?.start.line ?? null;
  const column = node.loc ? node.loc.start.column + 1 : null;
  const where = line === null ? '' : ` (line ${line}, column ${column})`;
  throw new TemplateError(`${message}${where}`, line, column);
}

/** ` — did you mean "firstName"?` for a near miss (case, or up to two edits). */
function suggest(name: string, candidates: readonly string[]): string {
  const lower = name.toLowerCase();
  const match =
    candidates.find((c) => c.toLowerCase() === lower) ??
    candidates.find((c) => editDistance(c.toLowerCase(), lower) <= 2);
  return match ? `; did you mean "${match}"?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
