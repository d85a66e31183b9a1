/**
 * Word classes the opt-out phrase tables share: what we send, what we do to a
 * phone, polite filler, order nouns. A class is an alternation source string
 * (see `alt`), so rules compose them.
 */
import { alt } from './opt-out-rule.js';

/** Words that may surround a bare keyword without changing what it says. */
export const POLITE = alt(
  'please', 'porfavor', 'now', 'ok', 'okay', 'thanks', 'already', 'asap', 'immediately', 'right now', 'just',
  'omg', 'lol', 'lmao', 'man', 'dude', 'bro', 'sir', 'maam', 'guys', 'yall', 'seriously', 'for real', 'i said',
  'again', 'ya', 'ahora', 'gracias', 'yes', 'no', 'hey', 'hi', 'hello', 'hola', 'oye', 'god', 'damn', 'dammit',
  'fucking', 'freaking', 'the hell', 'for good', 'forever', 'permanently', 'oh', 'ugh', 'jeez', 'sorry', 'dear',
  'buddy', 'right', 'yo', 'x', 'ahhh', 'uh', 'hmm', 'wow', 'jesus', 'geez', 'pls', 'por dios', 'senor', 'senora', 'you', 'u',
);
export const TAIL = alt(POLITE, 'it', 'this', 'that', 'them', 'all', 'everything', 'all of it', 'all of this', 'anymore', 'any more', 'thank you');

/** What we send (EN). */
export const MSG_EN = alt(
  'texts?', 'texting', 'messages?', 'messaging', 'sms', 'notifications?', 'alerts?', 'reminders?', 'promos?',
  'promotions?', 'promotional', 'ads', 'adverts?', 'advertising', 'marketing', 'spam', 'emails?', 'calls', 'solicitations?',
  'communications?', 'contact', 'robo ?texts?', 'junk', 'crap', 'bs', 'shit',
);
/** What we send, wider: after "stop sending me …" an offer or "these" is clearly our texts. */
export const MSG_EN_X = alt(MSG_EN, 'offers', 'deals', 'coupons', 'updates', 'links', 'stuff', 'things', 'these', 'this', 'those', 'them', 'anything', 'any more', 'anymore', 'more');
/** What we send (ES). */
export const MSG_ES = alt(
  'mensajes?', 'mensajitos?', 'textos?', 'sms', 'publicidad', 'promociones', 'promocion', 'promos?', 'notificaciones',
  'notificacion', 'correos?', 'llamadas', 'recordatorios?', 'ofertas', 'spam', 'whatsapps?', 'anuncios', 'avisos',
);
export const MSG = alt(MSG_EN, MSG_ES);

/** Things we do to a phone (EN, -ing). */
export const VERBING = alt(
  'texting', 'messaging', 'contacting', 'calling', 'emailing', 'spamming', 'bothering', 'harassing', 'bugging',
  'pestering', 'sending', 'hitting me up', 'blowing up', 'pinging', 'reminding', 'reaching out', 'writing', 'annoying',
);
/** Things we do to a phone (EN, bare). */
export const VERB = alt(
  'text', 'message', 'contact', 'call', 'email', 'sms', 'spam', 'bother', 'harass', 'bug', 'ping', 'hit me up',
  'reach out', 'write', 'pester',
);
/** Spanish verb stems for writing, sending, bothering. */
export const VERB_ES = '(?:escrib|envi|mand|molest|contact|llam|texte|mensaje|fastidi|spame|insist|acos|hostig)[a-z]*';
/** Spanish subjunctive/imperative forms after "no me …". Past tenses ("no me enviaron el código") are left out on purpose. */
export const NO_ME_ES = alt(
  'envien', 'envies', 'envie', 'enviar', 'manden', 'mandes', 'mande', 'mandar', 'escriban', 'escribas', 'escriba',
  'escribir', 'contacten', 'contactes', 'contacte', 'contactar', 'molesten', 'molestes', 'moleste', 'molestar',
  'llamen', 'llames', 'llame', 'textees', 'textee', 'texteen', 'mensajeen', 'spameen', 'fastidien', 'sigan escribiendo',
  'sigan enviando', 'sigan mandando', 'vuelvan a \\w+', 'vuelvas a \\w+',
);
/** Nouns that make "cancel"/"cancelar" about an order instead of our texts. */
export const ORDER = alt(
  'orders?', 'carts?', 'purchases?', 'items?', 'payments?', 'card', 'shipments?', 'shipping', 'delivery', 'returns?',
  'refunds?', 'exchanges?', 'reservations?', 'appointments?', 'transactions?', 'checkout', 'one', 'ones', 'pair', 'size',
  'colou?r', 'red', 'blue', 'black', 'white', 'green', 'pink', 'grey', 'gray', 'shoes', 'dress', 'shirt', 'jacket', 'bag',
  'product', 'package', 'pedidos?', 'orden', 'ordenes', 'compras?', 'carrito', 'articulos?', 'productos?', 'pago',
  'tarjeta', 'envio', 'devolucion', 'reembolso', 'cita', 'talla', 'rojo', 'azul', 'negro', 'blanco',
  // add-ons and plans a shopper may cancel without leaving the channel
  'box', 'boxes', 'subscription box', 'plan', 'trial', 'insurance', 'warranty', 'protection', 'gift wrap', 'wrap', 'wrapping',
  'engraving', 'monogram', 'upgrade', 'add ?on', 'express', 'rush', 'membership', 'caja', 'envoltura', 'garantia',
);
export const MY_NUMBER = alt(
  'my (?:phone |cell |mobile )?(?:number|phone|cell|info|information|details|data|name|contact(?: info)?|email|account)',
  'this (?:phone |cell )?(?:number|phone)', 'me', 'us',
);
/** Determiners between a verb and what we send. */
export const DET = alt('the', 'these', 'those', 'this', 'your', 'ur', 'ya', 'all', 'all the', 'any', 'any more', 'more', 'such', 'of');
export const DET_ES = alt('los', 'las', 'sus', 'tus', 'estos', 'estas', 'esos', 'esas', 'mas', 'ningun', 'ninguna', 'de');
