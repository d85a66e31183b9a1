import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Handlebars from 'handlebars';
import type { CartLineItem } from '../../src/domain/cart-event.js';
import {
  compileTemplate,
  ITEMS_SUMMARY_MAX_CHARS,
  renderTemplate,
  summarizeItems,
  TEMPLATE_VARIABLES,
  TemplateError,
  type MessageContext,
} from '../../src/templates/render.js';

const line = (title: string, variant: string | null, quantity: number, unitPriceMinor = 19900): CartLineItem => ({
  title,
  variant,
  quantity,
  unitPriceMinor,
  linePriceMinor: unitPriceMinor * quantity,
});

const sampleCart: MessageContext = {
  shopName: 'Snowdevil',
  firstName: 'Bob',
  items: [line('IPod Nano - 8GB', 'Red', 1), line('IPod Nano - 8GB', 'Pink', 2)],
  totalMinor: 63282,
  currency: 'USD',
  locale: 'en-US',
  recoveryUrl: 'https://snowdevil.example/r/Xk3p',
  discountCode: 'SAVE10',
  supportContact: 'help@snowdevil.example',
};

const render = (source: string, overrides: Partial<MessageContext> = {}): string =>
  renderTemplate(source, { ...sampleCart, ...overrides }).body;

describe('renderTemplate', () => {
  const cases: Array<[name: string, source: string, overrides: Partial<MessageContext>, expected: string]> = [
    ['keeps & and < as they are: SMS is not HTML', 'Tom & Jerry at {{shopName}}', { shopName: 'A&B <Shop>' }, 'Tom & Jerry at A&B <Shop>'],
    ['firstName falls back to "there"', 'Hi {{firstName}}!', { firstName: null }, 'Hi there!'],
    ['a blank firstName falls back too', 'Hi {{firstName}}!', { firstName: '  ' }, 'Hi there!'],
    ['default sees the missing name, not the fallback', 'Hi {{default firstName "friend"}}!', { firstName: null }, 'Hi friend!'],
    ['default keeps a present value', 'Hi {{default firstName "friend"}}!', {}, 'Hi Bob!'],
    ['#if sees the missing name', '{{#if firstName}}Hi {{firstName}}{{else}}Hello{{/if}}', { firstName: null }, 'Hello'],
    ['@root.firstName falls back as well', '{{@root.firstName}}', { firstName: null }, 'there'],
    ['upper of the fallback', '{{upper firstName}}', { firstName: null }, 'THERE'],
    ['upper in a subexpression', '{{upper (default discountCode "none")}}', { discountCode: null }, 'NONE'],
    ['upper capitalises a code', 'Code {{upper discountCode}}', { discountCode: 'save10' }, 'Code SAVE10'],
    ['cartTotal and itemCount', '{{cartTotal}} for {{itemCount}} items', {}, '$632.82 for 3 items'],
    ['money formats minor units in the cart currency', 'Save {{money 500}}', {}, 'Save $5.00'],
    ['money follows a zero-decimal currency', 'Save {{money 500}}', { currency: 'JPY', totalMinor: 633 }, 'Save ¥500'],
    ['money follows the cart locale', '{{money 1999}}', { currency: 'EUR', locale: 'de-DE' }, '19,99 €'],
    ['a missing locale uses en-US', '{{cartTotal}}', { locale: null }, '$632.82'],
    [
      'each lists the lines with their fields and @last',
      '{{#each items}}{{quantity}}x {{title}} ({{variant}}) {{price}}{{#unless @last}}; {{/unless}}{{/each}}',
      {},
      '1x IPod Nano - 8GB (Red) $199.00; 2x IPod Nano - 8GB (Pink) $199.00',
    ],
    ['each reaches outer variables through ../ and @root', '{{#each items}}{{#if @first}}{{../shopName}}={{@root.shopName}}{{/if}}{{/each}}', {}, 'Snowdevil=Snowdevil'],
    ['each shows its else part for an empty cart', '{{#each items}}{{title}}{{else}}nothing{{/each}}', { items: [] }, 'nothing'],
    ['#if items is false for an empty cart', '{{#if items}}some{{else}}none{{/if}}', { items: [] }, 'none'],
    ['itemsSummary', 'You left {{itemsSummary}}.', {}, 'You left IPod Nano - 8GB (Red), 2x IPod Nano - 8GB (Pink).'],
    ['collapses the spaces an empty variable leaves', 'Use code {{discountCode}} today', { discountCode: null }, 'Use code today'],
    ['an empty supportContact leaves nothing behind', 'Help: {{supportContact}}', { supportContact: null }, 'Help:'],
    ['trims, drops spaces at line edges, keeps at most one blank line', '  Hi  {{firstName}} \r\n\r\n\r\n\tbye  ', {}, 'Hi Bob\n\nbye'],
    ['comments render nothing', 'Hi{{!-- note to self --}} {{firstName}}', {}, 'Hi Bob'],
    ['triple braces are the same as double', '{{{shopName}}}', { shopName: 'A&B' }, 'A&B'],
  ];

  for (const [name, source, overrides, expected] of cases) {
    it(name, () => assert.equal(render(source, overrides), expected));
  }

  it('reports the encoding and segments of what it rendered', () => {
    assert.deepEqual(renderTemplate('{{shopName}}: hi', sampleCart), { body: 'Snowdevil: hi', encoding: 'GSM-7', segments: 1, units: 13 });
    assert.deepEqual(renderTemplate('{{shopName}} 🎉', sampleCart), { body: 'Snowdevil 🎉', encoding: 'UCS-2', segments: 1, units: 12 });
  });

  it('renders a compiled template the same as its source', () => {
    const source = 'Hi {{firstName}}, {{itemsSummary}}: {{recoveryUrl}}';
    assert.deepEqual(renderTemplate(compileTemplate(source), sampleCart), renderTemplate(source, sampleCart));
  });

  it('renders a compiled template that arrived as plain data', () => {
    const copy = structuredClone(compileTemplate('Hi {{firstName}}'));
    assert.equal(renderTemplate(copy, { ...sampleCart, firstName: null }).body, 'Hi there');
  });

  it('leaves the global Handlebars environment untouched', () => {
    compileTemplate('{{upper shopName}}');
    assert.equal(Handlebars.helpers['upper'], undefined);
    assert.equal(typeof Handlebars.helpers['log'], 'function');
  });
});

describe('compileTemplate', () => {
  it('lists the top-level variables a template uses', () => {
    const compiled = compileTemplate('{{shopName}} {{#each items}}{{title}} {{../cartTotal}}{{/each}} {{default discountCode "x"}} {{firstName}}');
    assert.deepEqual(compiled.variables, ['cartTotal', 'discountCode', 'firstName', 'items', 'shopName']);
    assert.equal(compiled.source.startsWith('{{shopName}}'), true);
  });

  const rejected: Array<[name: string, source: string, message: RegExp]> = [
    ['a misspelt variable, with a suggestion', 'Hi {{firstname}}', /unknown variable "firstname"; did you mean "firstName"\? \(line 1, column 6\)/],
    ['a variable that does not exist', '{{coupon}}', /unknown variable "coupon"/],
    ['an outer variable inside each, pointing at ../', '{{#each items}}{{shopName}}{{/each}}', /write \{\{\.\.\/shopName\}\}/],
    ['an unknown item field', '{{#each items}}{{sku}}{{/each}}', /unknown variable "sku"/],
    ['the items list printed directly', '{{items}}', /"items" is a list/],
    ['each over something that is not a list', '{{#each shopName}}{{/each}}', /"shopName" is not a list/],
    ['a nested path', '{{shopName.length}}', /nested names/],
    ['this', '{{this}}', /name a variable/],
    ['@index outside each', '{{@index}}', /unknown variable "@index"/],
    ['a path above the root', '{{../shopName}}', /outside the template/],
    ['block parameters', '{{#each items as |item|}}{{item.title}}{{/each}}', /block parameters/],
    ['an unknown helper', '{{shout shopName}}', /unknown helper "shout"/],
    ['an unknown block helper', '{{#with items}}{{/with}}', /unknown block helper "#with"/],
    ['lookup, which would dodge the variable check', '{{lookup items 0}}', /unknown helper "lookup"/],
    ['log, which writes to the console', '{{log "x"}}', /unknown helper "log"/],
    ['a partial', '{{> footer}}', /partials/],
    ['an inline helper used as a block', '{{#upper shopName}}x{{/upper}}', /not a block helper/],
    ['a block helper used inline', '{{if firstName}}', /is a block helper/],
    ['a helper with too few values', '{{default firstName}}', /"default" takes 2 values, got 1/],
    ['a helper named without values', '{{upper}}', /"upper" takes 1 value, got 0/],
    ['named arguments', '{{upper shopName loud=true}}', /no named arguments/],
    ['money of a formatted variable', '{{money cartTotal}}', /minor units/],
    ['money of a fraction', '{{money 5.5}}', /minor units/],
    ['an unclosed mustache', 'Hi {{firstName', /syntax error at line 1, column 6: unexpected INVALID/],
    ['an unclosed block', 'Hi {{#if firstName}}there', /syntax error at line 1, column \d+: unexpected end of template/],
    ['a mismatched block end', '{{#if firstName}}x{{/each}}', /invalid template at line 1, column 4: if doesn't match each/],
    ['an inherited property name', '{{constructor}}', /unknown variable "constructor"/],
    ['an inherited method used as a helper', '{{toString shopName}}', /unknown helper "toString"/],
    ['the prototype', '{{__proto__}}', /unknown variable "__proto__"/],
    ['the internal fallback key', '{{__firstNameOrThere}}', /unknown variable "__firstNameOrThere"/],
    ['a misspelt variable on a later line', 'Hi\n{{#if x}}{{/if}}', /unknown variable "x" \(line 2, column 7\)/],
  ];

  for (const [name, source, message] of rejected) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => compileTemplate(source),
        (error: unknown) => {
          assert.ok(error instanceof TemplateError, `not a TemplateError: ${String(error)}`);
          assert.equal(error.code, 'invalid_template');
          assert.equal(error.status, 400);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('reports where the error is as data, pointing at the name', () => {
    assert.throws(() => compileTemplate('ok\n  {{firstname}}'), { code: 'invalid_template', line: 2, column: 5 });
  });

  it('rejects a bad template given as a string to renderTemplate too', () => {
    assert.throws(() => renderTemplate('{{firstname}}', sampleCart), TemplateError);
  });
});

describe('TEMPLATE_VARIABLES', () => {
  it('documents every variable once, each with a one-line description', () => {
    const names = TEMPLATE_VARIABLES.map((v) => v.name);
    assert.deepEqual(names, ['shopName', 'firstName', 'cartTotal', 'itemCount', 'items', 'itemsSummary', 'recoveryUrl', 'discountCode', 'supportContact']);
    for (const { description } of TEMPLATE_VARIABLES) assert.match(description, /^[^\n]+$/);
  });

  it('accepts every documented variable', () => {
    const source = TEMPLATE_VARIABLES.map(({ name }) => (name === 'items' ? '{{#each items}}{{title}}{{/each}}' : `{{${name}}}`)).join(' ');
    assert.doesNotThrow(() => compileTemplate(source));
  });
});

describe('summarizeItems', () => {
  const many = (n: number): CartLineItem[] => Array.from({ length: n }, (_, i) => line(`Board ${i + 1}`, 'Blue', 1));

  const cases: Array<[name: string, items: CartLineItem[], expected: string]> = [
    ['the sample cart fits whole, quantities as "2x"', sampleCart.items, 'IPod Nano - 8GB (Red), 2x IPod Nano - 8GB (Pink)'],
    ['an empty cart is empty', [], ''],
    ['a line without a variant has no parentheses', [line('Gift card', null, 1)], 'Gift card'],
    ['too many lines end "and N more"', many(4), 'Board 1 (Blue), Board 2 (Blue), Board 3 (Blue) and 1 more'],
    ['one line too long is cut with "..."', [line('A'.repeat(80), null, 1)], `${'A'.repeat(57)}...`],
    ['a long first line is cut to leave room for "and N more"', [line('B'.repeat(80), null, 3), ...many(3)], `3x ${'B'.repeat(43)}... and 3 more`],
    ['line breaks in titles become spaces', [line('Warm\nhat', ' Grey ', 1)], 'Warm hat (Grey)'],
  ];

  for (const [name, items, expected] of cases) {
    it(name, () => assert.equal(summarizeItems(items), expected));
  }

  it(`never exceeds ${ITEMS_SUMMARY_MAX_CHARS} characters`, () => {
    for (let n = 1; n <= 30; n += 1) {
      const summary = summarizeItems(many(n));
      assert.ok([...summary].length <= ITEMS_SUMMARY_MAX_CHARS, `${n} lines: ${summary}`);
      if (n > 3) assert.match(summary, / and \d+ more$/);
    }
  });

  it('does not split an emoji when cutting', () => {
    const summary = summarizeItems([line('🎿'.repeat(70), null, 1)]);
    assert.equal(summary, `${'🎿'.repeat(57)}...`);
    assert.doesNotMatch(summary, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
