/**
 * The check a template passes when the merchant saves it: every variable and
 * helper is one of those in `template-variables.ts`, with the right arity and
 * kind, and near misses get a suggestion (`{{firstname}}` → "firstName").
 */
// The `hbs.AST` types are global declarations that ship with handlebars.
/// <reference types="handlebars" />
import { TemplateError } from './template-error.js';
import { ITEM_VARIABLES, TEMPLATE_VARIABLES } from './template-variables.js';

// The data key bare {{firstName}} is rewritten to, so it falls back to "there"
// while {{#if firstName}} and {{default firstName "friend"}} see the real value.
export const FIRST_NAME_OR_THERE = '__firstNameOrThere';

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

/**
 * Checks a parsed template and returns the top-level variables it uses.
 * Throws `TemplateError` on the first thing outside the documented variables
 * and helpers. Rewrites `ast` in place (bare root `firstName` becomes
 * `FIRST_NAME_OR_THERE`), so compile the same AST afterwards.
 */
export function checkTemplate(ast: hbs.AST.Program): ReadonlySet<string> {
  const checker = new Checker();
  checker.program(ast, [ROOT_SCOPE]);
  return checker.used;
}

type HelperCall = Pick<hbs.AST.SubExpression, 'path' | 'params' | 'hash' | 'loc'>;

/**
 * Walks the parsed template, refusing anything outside the documented
 * variables and helpers, and records what it uses. It also rewrites bare uses
 * of the root `firstName` to its "there" fallback.
 */
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
