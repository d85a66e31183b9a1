import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CartLineItem } from '../../src/domain/cart-event.js';
import { smsEncoding } from '../../src/templates/encoding.js';
import { compileTemplate, renderTemplate, type MessageContext } from '../../src/templates/render.js';
import {
  DEFAULT_FLOW_TEMPLATES,
  helpReply,
  optInRequest,
  startConfirmation,
  stopConfirmation,
  type SystemMessageContext,
} from '../../src/templates/system-messages.js';

const shop: SystemMessageContext = { shopName: 'Snowdevil', supportContact: 'help@snowdevil.example' };
const noContact: SystemMessageContext = { shopName: 'Snowdevil', supportContact: null };

describe('system messages', () => {
  const cases: Array<[name: string, text: string, mustContain: string[]]> = [
    [
      'the opt-in request discloses program, frequency, rates, consent terms, HELP and STOP',
      optInRequest(shop),
      ['Snowdevil: ', 'reply YES', 'cart reminders', 'Up to 3 msgs/cart', 'Msg & data rates may apply', 'not a condition of purchase', 'HELP', 'STOP'],
    ],
    ['the help reply gives the support contact', helpReply(shop), ['Snowdevil: ', 'Help: help@snowdevil.example.', 'Msg & data rates may apply', 'STOP']],
    ['the help reply without a contact says to reply here', helpReply(noContact), ['Help: reply here.']],
    ['the stop confirmation says no more texts and how to come back', stopConfirmation(shop), ['Snowdevil: ', 'unsubscribed', 'no more texts', 'START']],
    ['the start confirmation repeats HELP and STOP', startConfirmation(shop), ['Snowdevil: ', 'subscribed to cart reminders again', 'HELP', 'STOP']],
  ];

  for (const [name, text, mustContain] of cases) {
    it(name, () => {
      for (const part of mustContain) assert.ok(text.includes(part), `missing ${JSON.stringify(part)} in ${JSON.stringify(text)}`);
      assert.ok(text.startsWith('Snowdevil: '), 'names the shop first');
      assert.equal(smsEncoding(text).encoding, 'GSM-7');
    });
  }

  it('the opt-in request matches the agreed text', () => {
    assert.equal(
      optInRequest(shop),
      'Snowdevil: reply YES to get cart reminders by text. Up to 3 msgs/cart. Msg & data rates may apply. ' +
        'Consent is not a condition of purchase. Reply HELP for help, STOP to cancel.',
    );
  });

  it('the opt-in request states another reminder count when the flow has one', () => {
    assert.match(optInRequest({ ...shop, messagesPerCart: 1 }), /Up to 1 msg\/cart\./);
    assert.match(optInRequest({ ...shop, messagesPerCart: 5 }), /Up to 5 msgs\/cart\./);
  });

  it('the stop confirmation carries no marketing: no link, no offer', () => {
    assert.equal(stopConfirmation(shop), "Snowdevil: you're unsubscribed and will get no more texts. Reply START to resubscribe.");
    assert.doesNotMatch(stopConfirmation(shop), /https?:|%|off|code|sale/i);
  });

  it('a line break in the shop name does not break the text', () => {
    assert.ok(stopConfirmation({ shopName: ' Snow\ndevil ', supportContact: null }).startsWith('Snow devil: '));
  });
});

const line = (variant: string, quantity: number): CartLineItem => ({
  title: 'IPod Nano - 8GB',
  variant,
  quantity,
  unitPriceMinor: 19900,
  linePriceMinor: 19900 * quantity,
});

const sampleCart: MessageContext = {
  shopName: 'Snowdevil',
  firstName: 'Bob',
  items: [line('Red', 1), line('Pink', 2)],
  totalMinor: 63282,
  currency: 'USD',
  locale: null,
  recoveryUrl: 'https://snowdevil.example/r/Xk3p9',
  discountCode: 'SAVE10',
  supportContact: null,
};

describe('DEFAULT_FLOW_TEMPLATES', () => {
  it('has three steps', () => assert.equal(DEFAULT_FLOW_TEMPLATES.length, 3));

  DEFAULT_FLOW_TEMPLATES.forEach((template, index) => {
    it(`step ${index + 1} compiles, names the shop and fits one GSM-7 segment for the sample cart`, () => {
      compileTemplate(template);
      const rendered = renderTemplate(template, sampleCart);
      assert.ok(rendered.body.startsWith('Snowdevil: '), rendered.body);
      assert.ok(rendered.body.includes(sampleCart.recoveryUrl ?? ''), rendered.body);
      assert.equal(rendered.encoding, 'GSM-7');
      assert.equal(rendered.segments, 1, `${rendered.units} septets: ${rendered.body}`);
    });

    it(`step ${index + 1} reads well without a first name or discount code`, () => {
      const body = renderTemplate(template, { ...sampleCart, firstName: null, discountCode: null }).body;
      assert.match(body, /^Snowdevil: Hi there, /);
      assert.doesNotMatch(body, /  |null|undefined/);
    });
  });

  it('the first step lists the cart and carries the opt-out', () => {
    assert.equal(
      renderTemplate(DEFAULT_FLOW_TEMPLATES[0] ?? '', sampleCart).body,
      'Snowdevil: Hi Bob, you left IPod Nano - 8GB (Red), 2x IPod Nano - 8GB (Pink) in your cart: ' +
        'https://snowdevil.example/r/Xk3p9 Reply STOP to opt out',
    );
  });

  it('the third step offers the discount code only when there is one', () => {
    const template = DEFAULT_FLOW_TEMPLATES[2] ?? '';
    assert.ok(compileTemplate(template).variables.includes('discountCode'));
    assert.match(renderTemplate(template, sampleCart).body, /Use code SAVE10 /);
    assert.doesNotMatch(renderTemplate(template, { ...sampleCart, discountCode: null }).body, /code/);
  });
});
