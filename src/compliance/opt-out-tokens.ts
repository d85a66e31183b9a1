/**
 * Token tables for the opt-out normaliser (`opt-out-normalise.ts`): spelling
 * variants folded to one canonical token, words that survive stretched letters
 * or one typo, and the function words that tell English from Spanish.
 * Keys are lower case without accents.
 */
import type { OptOutLanguage } from './opt-out-rule.js';

/** Short function words that tell EN from ES when no rule fixed the language. */
export const LANGUAGE_HINTS: Readonly<Record<OptOutLanguage, ReadonlySet<string>>> = Object.freeze({
  en: new Set(['the', 'i', 'you', 'my', 'is', 'are', 'to', 'it', 'this', 'please', 'thanks', 'what', 'when', 'do', 'can', 'and', 'of', 'in', 'on', 'for', 'have', 'not', 'stop', 'will', 'with', 'your', 'from', 'how', 'get', 'just', 'dont', 'im', 'want', 'does', 'got', 'did', 'be', 'was', 'its', 'texts', 'messages', 'number', 'more', 'any', 'would', 'there', 'sale', 'order', 'thank']),
  es: new Set(['el', 'la', 'los', 'las', 'de', 'que', 'por', 'porfavor', 'para', 'mas', 'quiero', 'mensajes', 'gracias', 'hola', 'es', 'mi', 'su', 'y', 'en', 'un', 'una', 'con', 'este', 'esta', 'tengo', 'cuando', 'donde', 'como', 'pero', 'ya', 'numero', 'envien', 'manden', 'pedido', 'tienen', 'hay', 'puedo', 'favor', 'dejen', 'del', 'al', 'tienda', 'talla', 'ustedes', 'nada', 'esto', 'lista', 'si', 'muy', 'buenas', 'quien']),
});

/** Abbreviations, slang and frequent misspellings → canonical token(s). Keys are already lower case without accents. */
export const CANONICAL: Readonly<Record<string, string>> = Object.freeze({
  txt: 'text', txts: 'texts', txting: 'texting', textin: 'texting', textn: 'texting', texing: 'texting', textng: 'texting', textinf: 'texting',
  msg: 'message', msgs: 'messages', msging: 'messaging', msgin: 'messaging', msgn: 'messaging', messagin: 'messaging', mssging: 'messaging', subscription: 'subscription', subscriptions: 'subscriptions',
  howd: 'how did', whyd: 'why did', whered: 'where did', whod: 'who did', mssg: 'message', mssgs: 'messages', mesage: 'message', mesages: 'messages', messeges: 'messages',
  messags: 'messages', msges: 'messages', messges: 'messages', mesg: 'message', mesgs: 'messages', smss: 'sms', sms: 'sms',
  u: 'you', yu: 'you', ur: 'your', r: 'are', thru: 'through', w: 'with', abt: 'about', ppl: 'people', wit: 'with', ths: 'this', thsi: 'this',
  pls: 'please', plz: 'please', plez: 'please', plse: 'please', pleas: 'please', pleez: 'please', pleaze: 'please', plis: 'please',
  pleae: 'please', pleasr: 'please', plx: 'please', pl: 'please', pleasee: 'please', pleasw: 'please',
  thx: 'thanks', thnx: 'thanks', thnks: 'thanks', thanx: 'thanks', tnx: 'thanks', ty: 'thanks', tysm: 'thanks', tks: 'thanks',
  dnt: 'dont', dotn: 'dont', odnt: 'dont', donot: 'do not', dont: 'dont', didint: 'didnt', didn: 'didnt', cnt: 'cant',
  whose: 'whos', whoz: 'whos', whom: 'who',
  stp: 'stop', stpo: 'stop', sotp: 'stop', srop: 'stop', dtop: 'stop', stahp: 'stop', stawp: 'stop', stip: 'stop', sstop: 'stop', stoo: 'stop', stopt: 'stop', stopo: 'stop',
  unsub: 'unsubscribe', unsubs: 'unsubscribe', unscribe: 'unsubscribe', unsubscribeme: 'unsubscribe me', unsubscribing: 'unsubscribe',
  unsubscribed: 'unsubscribe', unsuscribed: 'unsubscribe', unsuscribe: 'unsubscribe', unsusbcribe: 'unsubscribe', subscribe: 'subscribe',
  optin: 'opt in', outout: 'out out',
  numbr: 'number', nunber: 'number', numer: 'number', nmber: 'number', numbet: 'number', numner: 'number', mumber: 'number', numbers: 'number',
  remve: 'remove', remov: 'remove', rmv: 'remove', remoce: 'remove', removr: 'remove', remvoe: 'remove', rmove: 'remove',
  contac: 'contact', contct: 'contact', cntact: 'contact',
  fk: 'fuck', fck: 'fuck', fuk: 'fuck', fuq: 'fuck', fukin: 'fucking', fkn: 'fucking', fuckin: 'fucking', effing: 'fucking', frickin: 'freaking',
  anymor: 'anymore', nomore: 'no more', alredy: 'already', allready: 'already', interesed: 'interested', intrested: 'interested', intersted: 'interested',
  xfa: 'porfavor', xfavor: 'porfavor', porfa: 'porfavor', porfis: 'porfavor', porfas: 'porfavor', porfi: 'porfavor', pf: 'porfavor',
  q: 'que', xq: 'porque', pq: 'porque', porq: 'porque', ud: 'usted', uds: 'ustedes', tmb: 'tambien', d: 'de',
  msj: 'mensaje', msjs: 'mensajes', mjs: 'mensajes', msje: 'mensaje', msjes: 'mensajes', mensages: 'mensajes', mensage: 'mensaje', menajes: 'mensajes',
  numro: 'numero', nmero: 'numero', nro: 'numero', equibocado: 'equivocado',
});

/** Key words a run of doubled letters may hide ("stoop", "plleasse", "nooo" → "no"). */
export const SQUEEZE_KEYS: readonly string[] = Object.freeze([
  'stop', 'please', 'no', 'more', 'unsubscribe', 'texting', 'text', 'texts', 'messages', 'message', 'alone', 'off', 'number', 'remove',
  'quit', 'cancel', 'spam', 'block', 'wrong', 'basta', 'alto', 'para', 'baja', 'mas', 'ya', 'enough', 'leave', 'dont', 'contact', 'opt',
  'out', 'mensajes', 'numero', 'cancelar', 'porfavor', 'paren', 'now', 'away', 'who', 'this', 'end', 'nope',
]);

/** Four- and five-letter key words that survive one swap of neighbouring letters. */
export const SHORT_KEYS: readonly string[] = Object.freeze(['stop', 'text', 'texts', 'quit', 'spam', 'alto', 'baja', 'basta', 'block', 'leave', 'alone', 'wrong', 'cancel', 'remove', 'never', 'parar', 'paren', 'dejen']);

/** Long key words that survive one typo (two when ten letters or longer and the first two letters agree). */
export const FUZZY_TARGETS: readonly string[] = Object.freeze([
  'unsubscribe', 'messages', 'message', 'messaging', 'texting', 'contacting', 'contact', 'interested', 'harassing', 'harassment',
  'bothering', 'spamming', 'notifications', 'promotions', 'receiving', 'equivocado', 'mensajes', 'mensaje', 'suscripcion',
  'desuscribir', 'desuscribirme', 'escribirme', 'enviarme', 'mandarme', 'molestarme', 'contactarme', 'cancelar', 'publicidad',
  'immediately', 'anymore', 'annoying', 'already', 'telefono', 'porfavor', 'seriously', 'number',
]);

/** Real words one typo away from a target that must stay themselves ("testing" is not "texting"). */
export const FUZZY_PROTECT: ReadonlySet<string> = new Set([
  'alot', 'lato', 'parra', 'bloc',
  'testing', 'massage', 'massages', 'contract', 'contracts', 'content', 'contest', 'passage', 'messenger', 'nesting', 'resting',
  'annoyingly', 'unsubscribe', 'subscribe', 'subscribed', 'interest', 'interests', 'interesting', 'cancelado', 'cancelada', 'mensajero',
  'numbers', 'lumber', 'numbed', 'humber', 'cumber', 'receivin', 'enviarle', 'enviarte', 'mandarle', 'mandarte', 'escribirle', 'escribirte',
]);

/** Multi-word spellings folded to one form before the rules run. */
export const PHRASE_FOLDS: readonly (readonly [RegExp, string])[] = Object.freeze([
  [/\bpor ?fa?vor\b/g, 'porfavor'],
  [/\bthank (?:you|ya)\b/g, 'thanks'],
  [/\bdo ?nt\b/g, 'dont'],
  [/\bopt ?- ?out\b/g, 'opt out'],
  [/\bun ?sub ?scribe\b/g, 'unsubscribe'],
  [/\bwho s\b/g, 'whos'],
  [/\bi m\b/g, 'im'],
  [/\bno (?:1|one)\b/g, 'no one'],
  // "no m interesa", "q ya no m escriban": a lone m after these is "me"
  [/\b(no|que|ya|ni|nunca|porfavor) m\b/g, '$1 me'],
]);
