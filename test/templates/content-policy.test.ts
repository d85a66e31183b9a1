import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  OPT_OUT_NOTICE,
  publicShortenerLinks,
  templateNamesShop,
  withOptOutNotice,
  withShopNamed,
} from '../../src/templates/content-policy.js';
import { compileTemplate, renderReminder, type MessageContext } from '../../src/templates/render.js';

const CTX: MessageContext = {
  shopName: 'Snowdevil',
  firstName: 'Bob',
  items: [{ title: 'Board', variant: null, quantity: 1, unitPriceMinor: 19900, linePriceMinor: 19900 }],
  totalMinor: 19900,
  currency: 'USD',
  locale: 'en-US',
  recoveryUrl: 'https://snowdevil.example/cart/abc',
  discountCode: null,
  supportContact: null,
};

describe('publicShortenerLinks', () => {
  const refused: Array<[string, string[]]> = [
    ['https://bit.ly/3abc', ['bit.ly']],
    ['see bit.ly/3abc now', ['bit.ly']],
    ['HTTP://BIT.LY/3ABC', ['bit.ly']],
    ['https://www.tinyurl.com/x and t.co/y', ['tinyurl.com', 't.co']],
    ['go.rebrand.ly/cart', ['rebrand.ly']],
    ['cutt.ly/a, is.gd/b, ow.ly/c, buff.ly/d, goo.gl/e, shorturl.at/f, tiny.cc/g, bitly.com/h', ['cutt.ly', 'is.gd', 'ow.ly', 'buff.ly', 'goo.gl', 'shorturl.at', 'tiny.cc', 'bitly.com']],
  ];
  for (const [text, hosts] of refused) it(`finds ${hosts.join(', ')} in ${JSON.stringify(text)}`, () => assert.deepEqual(publicShortenerLinks(text), hosts));

  const allowed = [
    'https://snowdevil.example/cart/abc',
    'https://snowdevil.myshopify.com/checkouts/abc/recover?key=1',
    'bitly.example.com/x',
    'about.co, at.com, cat.co',
    'Take 10% off, $632.82. e.g. today',
    '{{shopName}}: {{recoveryUrl}}',
  ];
  for (const text of allowed) {
    it(`finds nothing in ${JSON.stringify(text)}`, () => assert.deepEqual(publicShortenerLinks(text), []));
  }
});

describe('templateNamesShop', () => {
  const used = (source: string) => compileTemplate(source).variables;
  it('accepts {{shopName}}, {{@root.shopName}} and the name written out in any case', () => {
    for (const source of ['{{shopName}}: hi', 'hi from {{#each items}}{{title}}{{/each}} {{@root.shopName}}', 'SNOWDEVIL: hi', 'hi from snowdevil']) {
      assert.ok(templateNamesShop(source, used(source), 'Snowdevil'), source);
    }
  });
  it('refuses a template that names nobody', () => {
    const source = 'Your cart misses you: {{recoveryUrl}}';
    assert.equal(templateNamesShop(source, used(source), 'Snowdevil'), false);
  });
});

describe('withShopNamed and withOptOutNotice', () => {
  it('leads with the shop name only when the body lacks it', () => {
    assert.equal(withShopNamed('come back', 'Snowdevil'), 'Snowdevil: come back');
    assert.equal(withShopNamed('Back at snowdevil soon', 'Snowdevil'), 'Back at snowdevil soon');
    assert.equal(withShopNamed('come back', 'Snow\n devil '), 'Snow devil: come back');
  });
  it('appends the opt-out notice only when the body does not say how to opt out', () => {
    assert.equal(withOptOutNotice('Snowdevil: come back'), `Snowdevil: come back ${OPT_OUT_NOTICE}`);
    for (const said of ['x Reply STOP to opt out', 'x reply stop to cancel', 'x Text STOP to quit', 'x Send "STOP" to end']) {
      assert.equal(withOptOutNotice(said), said);
    }
    assert.equal(withOptOutNotice('x STOPPED by?'), `x STOPPED by? ${OPT_OUT_NOTICE}`);
  });
});

describe('renderReminder', () => {
  it('the first reminder after the opt-in ends with the notice; later ones do not', () => {
    assert.equal(renderReminder('{{shopName}}: {{recoveryUrl}}', CTX, { firstAfterOptIn: true }).body, `Snowdevil: https://snowdevil.example/cart/abc ${OPT_OUT_NOTICE}`);
    assert.equal(renderReminder('{{shopName}}: {{recoveryUrl}}', CTX, { firstAfterOptIn: false }).body, 'Snowdevil: https://snowdevil.example/cart/abc');
  });

  it('a template whose {{shopName}} sits in a false branch is still led by the name', () => {
    const rendered = renderReminder('{{#if discountCode}}{{shopName}} code {{discountCode}}{{else}}come back{{/if}}', CTX, { firstAfterOptIn: false });
    assert.equal(rendered.body, 'Snowdevil: come back');
  });

  it('reports segments and encoding of the text as sent, additions included', () => {
    // 150 GSM-7 characters: one segment alone, two once the notice is appended.
    const filler = 'x'.repeat(150 - 'Snowdevil: '.length);
    const plain = renderReminder(`{{shopName}}: ${filler}`, CTX, { firstAfterOptIn: false });
    assert.deepEqual([plain.body.length, plain.segments, plain.encoding], [150, 1, 'GSM-7']);
    const first = renderReminder(`{{shopName}}: ${filler}`, CTX, { firstAfterOptIn: true });
    assert.deepEqual([first.body.length, first.segments, first.encoding], [150 + 1 + OPT_OUT_NOTICE.length, 2, 'GSM-7']);
    // A shop name outside GSM-7, added by the prefix, moves the text to UCS-2.
    const ucs = renderReminder('come back', { ...CTX, shopName: 'Café Ōsaka' }, { firstAfterOptIn: false });
    assert.equal(ucs.body, 'Café Ōsaka: come back');
    assert.equal(ucs.encoding, 'UCS-2');
  });
});
