import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectOptOut, OPT_OUT_THRESHOLD } from '../../src/compliance/opt-out-intent.js';

/**
 * Table-driven cases for the structures the detector generalises over (see
 * `opt-out-frames-en.ts`, `opt-out-frames-es.ts`, `opt-out-normalise.ts`):
 * each group is one way of building a revocation, filled with words from
 * different rows of its word classes, next to the look-alikes that must
 * stay negative.
 */
type Group = readonly [title: string, cases: readonly string[]];

const OPT_OUTS: readonly Group[] = [
  ['EN stop-verb × contact-verb × object', ['quit hitting up my phone', 'cease texting this number', 'please just stop messaging me already', 'stop dming me', 'could you stop blowing up my phone']],
  ['EN negation × contact-verb × object', ['never dm me again', 'do not reply to this number', 'dont ever hit this number up', 'do not text me anymore pls']],
  ['EN not-want × receive × messages', ['I no longer wish to get promo texts', 'dont want any more reminders', 'i do not want to receive these messages']],
  ['EN does not know us', ['I dont know who you are', 'idk who this is', 'no idea who you people are', "i don't even know what store this is", 'not the right person sorry']],
  ['EN complaints about the texts', ['chill with the texts', 'ease up on the reminders', '5th text today', 'you text me like 5 times a day', 'so annoying', 'this is unsolicited', "I'm tired of getting these", 'what part of STOP dont you understand', 'why am i getting these', 'can u not']],
  ['EN removal and threats', ['I want my number removed', "I'd like my info deleted", "I'll sue", "I'll be filing a complaint with the FCC", 'gonna report you']],
  ['EN a wrong person by name, a raised hand alone', ['wrong Sarah lol', "this isn't Ana anymore", '✋🏼']],
  ['EN leaving, not being the customer', ['count me out', 'i want out', 'that wasnt me', 'I never ordered anything']],
  ['ES negation × clitic × continue × verb (subjunctive, vosotros, voseo)', ['ni me sigan escribiendo', 'nunca me manden nada', 'no me vuelvan a contactar', 'no me enviéis más publicidad', 'no me mandés más', 'que no me marquen', 'no me lleguen más mensajes']],
  ['ES dejar/parar de × verb (infinitive, clitic, estar + gerund, slang)', ['dejen ya de textearme', 'dejá de mandarme mensajes', 'paren de estar enviando mensajes', 'dejen de joder con los mensajes', 'dejad de enviarme mensajes']],
  ['ES no querer × (seguir) recibir × messages', ['no deseo seguir recibiendo ofertas', 'no quiero que me sigan escribiendo', 'no estoy interesada en recibir mensajes', 'no me interesan sus promociones']],
  ['ES remove me', ['me pueden quitar de su lista?', 'quiero que me borren', 'borradme de vuestra lista']],
  ['ES threats, exclamations, verdicts', ['los voy a denunciar', 'voy a bloquearlos', 'qué fastidio', 'ya chole', 'son muy insistentes', 'me tienen harta', 'por qué me siguen mandando mensajes?', 'me llegan mensajes a cada rato']],
  ['ES wrong number, not a customer', ['está equivocado el número', 'ese número ya no existe', 'no sé de qué tienda son', 'no conozco a nadie con ese nombre', 'no soy cliente suyo', 'equivocado']],
  ['ES clause keywords', ['parar', 'detener', 'detengan los mensajes', 'reportado']],
  ['ES instructions, progressives, whole-reply refusals', ['favor de no contactarme', 'no estén molestando', 'no me anden mandando cosas', 'porfavor ya no', 'esto es hostigamiento', 'no soy yo', 'nunca pedí nada', 'no m interesa']],
  ['spelling: by ear, stretched, swapped, split', ['no me escrivan más', 'numero ekivocado', 'dejenn de mandarme mensajes', 'pleeease stoppp texting', 'sotp', 'qiut texting me', 'sto p', 'staaahp', 'plzzz stpo', 'unsuuub']],
];

const NOT_OPT_OUTS: readonly Group[] = [
  ['a stop negated or undone', ['no dejen de avisarme cuando llegue', 'no dejes de mandarme el link', "don't stop sending me deals", 'me di de baja sin querer, ¿me vuelven a agregar?', 'I hit stop by accident, keep them coming']],
  ['the same verbs about something else', ['cuando deje de llover paso', 'ya dejé de buscar, lo encontré', 'how do I stop the straps from slipping?', "I'm sick of waiting for my package", 'Stop teasing me with these deals 😂']],
  ['a request about the order', ['no me manden factura', 'no me envíen el rojo', 'no me manden el paquete a la oficina', 'no quiero recibir el paquete en casa', "don't send it to my old address", 'Cancel the gift wrap please', 'How do I cancel my subscription box?', 'I want my order removed from the queue']],
  ['a decline of the goods', ['ya no quiero los zapatos', 'ya no lo quiero']],
  ['a report of what happened, not a request', ['no me enviaron el código', 'no me mandan nada del pedido?', 'I never got my order']],
  ['wrong, spam, too many, annoying about other things', ['el número de pedido está equivocado', 'wrong size', 'Wrong Size lol', 'the email went to spam', 'I have too many texts to answer lol', 'why am i getting charged twice?', 'the site is so annoying on mobile', 'the 2nd text had the wrong link']],
  ['praise and teasing', ['stop it, these are so cute 😍', "Stop it, you're going to make me spend all my money 😂", 'your texts always make me smile', 'Me encantan sus mensajes']],
  ['a refusal of a product or a mistake, not of the texts', ['No interest in the add-on, just the shoes', 'ya no estén escribiendo mal mi dirección porfa', 'nunca pedí la talla M, pedí la L']],
  ['words one letter from a key word', ['Block heel sandals?', 'thanks alot']],
];

describe('opt-out structures', () => {
  for (const [title, cases] of OPT_OUTS) {
    describe(`opt-out: ${title}`, () => {
      for (const body of cases) {
        it(JSON.stringify(body), () => {
          const r = detectOptOut(body);
          assert.equal(r.optOut, true, `confidence ${r.confidence}`);
          assert.ok(r.confidence >= OPT_OUT_THRESHOLD);
          assert.notEqual(r.matched, null);
        });
      }
    });
  }
  for (const [title, cases] of NOT_OPT_OUTS) {
    describe(`not an opt-out: ${title}`, () => {
      for (const body of cases) {
        it(JSON.stringify(body), () => {
          const r = detectOptOut(body);
          assert.equal(r.optOut, false, `matched ${JSON.stringify(r.matched)} at ${r.confidence}`);
          assert.equal(r.matched, null);
        });
      }
    });
  }

  it('reads a request about the order as a near miss, for a person to look at', () => {
    for (const body of ['no me manden factura', "don't send it to my old address", 'ya no quiero los zapatos']) {
      const r = detectOptOut(body);
      assert.ok(r.confidence > 0 && r.confidence < OPT_OUT_THRESHOLD, `${body}: ${r.confidence}`);
    }
  });
});
