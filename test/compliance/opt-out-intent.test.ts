import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { STOP_KEYWORDS } from '../../src/compliance/keywords.js';
import { detectOptOut, OPT_OUT_THRESHOLD } from '../../src/compliance/opt-out-intent.js';

interface Labelled {
  readonly text: string;
  readonly optOut: boolean;
  readonly lang: 'en' | 'es';
  readonly note?: string;
}

const CORPUS_PATH = join(dirname(fileURLToPath(import.meta.url)), 'opt-out-corpus.json');
const corpus = JSON.parse(readFileSync(CORPUS_PATH, 'utf8')) as Labelled[];

describe('detectOptOut', () => {
  describe('opt-outs named in the product issue', () => {
    const cases: ReadonlyArray<readonly [string, 'en' | 'es']> = [
      ['please stop texting me', 'en'],
      ['remove me from this list', 'en'],
      ['unsubscribe me', 'en'],
      ['no more messages', 'en'],
      ['wrong number', 'en'],
      ['who is this? stop', 'en'],
      ['alto', 'es'],
      ['no me envíen más', 'es'],
      ['cancelar', 'es'],
      ['stop texting', 'en'],
      ['quit messaging me', 'en'],
      ['dont text me', 'en'],
      ['do not contact', 'en'],
      ['leave me alone', 'en'],
      ['take me off', 'en'],
      ['remove my number', 'en'],
      ['unsubscribe', 'en'],
      ['no more texts', 'en'],
      ['not interested stop', 'en'],
      ['who is this', 'en'],
      ['i never signed up', 'en'],
      ['how did you get my number', 'en'],
      ['lose my number', 'en'],
      ['report spam', 'en'],
      ['block', 'en'],
      ['para', 'es'],
      ['basta', 'es'],
      ['no me envien mas', 'es'],
      ['no más mensajes', 'es'],
      ['dejen de escribirme', 'es'],
      ['dejen de enviarme', 'es'],
      ['bórrame de la lista', 'es'],
      ['quítame de la lista', 'es'],
      ['número equivocado', 'es'],
      ['quiero darme de baja', 'es'],
      ['baja', 'es'],
    ];
    for (const [body, lang] of cases) {
      it(`${JSON.stringify(body)} → opt-out`, () => {
        const r = detectOptOut(body);
        assert.equal(r.optOut, true);
        assert.ok(r.confidence >= OPT_OUT_THRESHOLD);
        assert.notEqual(r.matched, null);
        if (r.language !== null) assert.equal(r.language, lang);
      });
    }
  });

  describe('opt-outs dressed in typos, leetspeak, stretched letters, emoji and caps', () => {
    const cases = [
      'stooop',
      'STOOOOP 😡',
      'stpo',
      'sotp',
      'st0p',
      '$top pls',
      'S T O P',
      's.t.o.p',
      'unsubscibe',
      'Unsuscribe me',
      'unsubcribe',
      'opt out',
      'optout',
      'opt-out',
      'out-out',
      'pleasestop',
      'stoptexting',
      'STOP TEXTING ME!!!!',
      '🛑',
      '🙄 please stop 🙏🏽',
      'wrong #',
      'stop txting me',
      'no more msgs pls',
      'ALTOOO',
      'no me envien mas msjs porfa',
    ];
    for (const body of cases) {
      it(`${JSON.stringify(body)} → opt-out`, () => assert.equal(detectOptOut(body).optOut, true));
    }
  });

  describe('hard negatives: the words, used about something else', () => {
    const cases = [
      'stop by the store later',
      "can't stop thinking about these shoes",
      'end of the month',
      'is the sale going to end?',
      'when does the sale end',
      'cancel my order',
      'Can I cancel my order?',
      'Quiero cancelar mi pedido',
      'para mi hija',
      '¿Para cuándo llega?',
      'no, I want the blue one',
      'remove the red one from my cart',
      'yes',
      'help',
      "what's the discount code",
      'I already bought it',
      'can you send the link again',
      'The bus stop near your store is closed',
      'Is there a store near the Park St. stop?',
      'I never got the text with the code',
      'my card got blocked by my bank',
      'do you have the block heel in black?',
      'Your email went to my spam folder',
      'El precio es muy alto',
      'Me llegó la talla equivocada',
      'No me llegó el código',
      'No me manden el rojo, quiero el azul',
      'START',
      'I accidentally texted STOP, can you start sending again?',
      'Please don’t stop the texts, I love the deals',
      'Do you offer no interest financing?',
      'Who is the designer?',
      'Gracias!',
    ];
    for (const body of cases) {
      it(`${JSON.stringify(body)} → not an opt-out`, () => {
        const r = detectOptOut(body);
        assert.equal(r.optOut, false);
        assert.equal(r.matched, null);
        assert.ok(r.confidence < OPT_OUT_THRESHOLD);
      });
    }
  });

  it('gives every carrier STOP keyword confidence 1', () => {
    for (const keyword of STOP_KEYWORDS) {
      const r = detectOptOut(keyword);
      assert.equal(r.optOut, true, keyword);
      assert.equal(r.confidence, 1, keyword);
    }
  });

  it('reads a bare "cancel" as the carrier keyword and "cancel my order" as an order request, flagged as a near miss', () => {
    assert.deepEqual(
      [detectOptOut('cancel').optOut, detectOptOut('Cancel please').optOut, detectOptOut('cancel these texts').optOut],
      [true, true, true],
    );
    const order = detectOptOut('cancel my order');
    assert.equal(order.optOut, false);
    assert.ok(order.confidence > 0 && order.confidence < OPT_OUT_THRESHOLD);
  });

  it('reports declines of the offer ("no thanks") below the threshold but above silence, for review', () => {
    for (const body of ['no thanks', 'No', 'nah im good', 'maybe later']) {
      const r = detectOptOut(body);
      assert.equal(r.optOut, false, body);
      assert.ok(r.confidence > 0 && r.confidence < OPT_OUT_THRESHOLD, `${body}: ${r.confidence}`);
    }
    assert.equal(detectOptOut('What sizes do you have?').confidence, 0);
  });

  it('names the language of the cue that decided', () => {
    assert.equal(detectOptOut('dejen de escribirme').language, 'es');
    assert.equal(detectOptOut('¿Quién es?').language, 'es');
    assert.equal(detectOptOut('please stop texting me').language, 'en');
  });

  it('returns a frozen, well-formed result for any input', () => {
    for (const body of ['', '   ', '!!!', '🙂', 'x'.repeat(5000), 'stop '.repeat(400), undefined as unknown as string, null as unknown as string]) {
      const r = detectOptOut(body);
      assert.ok(Object.isFrozen(r));
      assert.equal(typeof r.optOut, 'boolean');
      assert.ok(r.confidence >= 0 && r.confidence <= 1);
      assert.equal(r.optOut, r.confidence >= OPT_OUT_THRESHOLD);
      assert.equal(r.matched === null, !r.optOut);
    }
    assert.equal(detectOptOut('').optOut, false);
  });
});

describe('opt-out corpus', () => {
  it('is a well-formed labelled corpus of at least 450 distinct messages, about 45% opt-outs', () => {
    assert.ok(corpus.length >= 450, `${corpus.length} messages`);
    const seen = new Set<string>();
    for (const row of corpus) {
      assert.equal(typeof row.text, 'string');
      assert.ok(row.text.trim().length > 0);
      assert.equal(typeof row.optOut, 'boolean');
      assert.ok(row.lang === 'en' || row.lang === 'es', row.text);
      assert.ok(!seen.has(row.text), `duplicate: ${row.text}`);
      seen.add(row.text);
    }
    const share = corpus.filter((r) => r.optOut).length / corpus.length;
    assert.ok(share > 0.35 && share < 0.55, `opt-out share ${share}`);
    for (const lang of ['en', 'es'] as const) {
      const rows = corpus.filter((r) => r.lang === lang);
      assert.ok(rows.some((r) => r.optOut) && rows.some((r) => !r.optOut), lang);
    }
  });

  it('meets recall ≥ 0.98 with a false-positive rate ≤ 3%', (t) => {
    let tp = 0;
    let fp = 0;
    let tn = 0;
    let fn = 0;
    const wrong: string[] = [];
    for (const row of corpus) {
      const predicted = detectOptOut(row.text).optOut;
      if (predicted && row.optOut) tp++;
      else if (predicted) fp++;
      else if (row.optOut) fn++;
      else tn++;
      if (predicted !== row.optOut) wrong.push(`${row.optOut ? 'missed' : 'false'}: ${JSON.stringify(row.text)}`);
    }
    const recall = tp / (tp + fn);
    const falsePositiveRate = fp / (fp + tn);
    const precision = tp / (tp + fp);
    t.diagnostic(`corpus n=${corpus.length} opt-outs=${tp + fn}`);
    t.diagnostic(`recall=${recall.toFixed(4)} precision=${precision.toFixed(4)} false-positive rate=${falsePositiveRate.toFixed(4)}`);
    for (const line of wrong) t.diagnostic(line);
    assert.ok(recall >= 0.98, `recall ${recall.toFixed(4)} < 0.98`);
    assert.ok(falsePositiveRate <= 0.03, `false-positive rate ${falsePositiveRate.toFixed(4)} > 0.03`);
  });
});
