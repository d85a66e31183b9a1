/**
 * Word classes for the structural opt-out frames (`opt-out-frames-*.ts`).
 *
 * The frames say how a revocation is built (a verb of stopping or a
 * negation, a verb of contacting, an object that is the shopper) rather
 * than listing sentences, so each class here is meant to be complete for
 * its role: a new way of saying "text" belongs in the class, and every frame
 * that uses the class picks it up.
 */
import { alt } from './opt-out-rule.js';
import { MSG_EN, MSG_ES } from './opt-out-vocabulary.js';

// ── English ─────────────────────────────────────────────────────────────────

/** The shopper as the object of contact: "me", "this number", "my phone". */
export const OBJ_ME_EN = alt('me', 'us', 'my (?:phone|cell|number|line|mobile)', 'this (?:phone |cell )?(?:number|phone|cell|line)', 'here');

/** Contacting, -ing form. "sending" is left to frames that check its object ("stop sending it to my old address"). */
export const CONTACT_ING_EN = alt(
  'texting', 'messaging', 'contacting', 'calling', 'emailing', 'spamming', 'bothering', 'harassing', 'bugging', 'pestering',
  'pinging', 'hounding', 'nagging', 'dming', 'notifying', 'reaching out(?: to)?', 'writing(?: to)?',
  `hitting (?:${OBJ_ME_EN} )?up`, `blowing (?:${OBJ_ME_EN} )?up`,
);

/** Contacting, bare form. */
export const CONTACT_EN = alt(
  'text', 'message', 'contact', 'call', 'email', 'sms', 'spam', 'bother', 'harass', 'bug', 'pester', 'ping', 'hound', 'nag', 'dm',
  'notify', 'reach out(?: to)?', 'write(?: to)?', 'reply(?: to)?', 'respond(?: to)?', `hit (?:${OBJ_ME_EN} )?up`, `blow (?:${OBJ_ME_EN} )?up`,
);

/** Verbs of stopping an activity. */
export const STOP_V_EN = alt('stop', 'quit', 'cease', 'halt', 'discontinue', 'end');

/** Words in front of a stop verb that turn it around: "can't stop texting", "don't stop sending deals", "did you stop texting". */
export const NOT_BEFORE_STOP_EN = alt('cant', 'cannot', 'couldnt', 'dont', 'never', 'not', 'wont', 'didnt', 'did you', 'did u', 'did yall', 'why did you', 'why you');

/** Messages, with an optional modifier word ("cart reminders", "promo texts"). */
export const MSG_MOD_EN = `(?:[a-z]+ )?${alt(MSG_EN, 'reminders?', 'offers', 'deals', 'coupons', 'updates', 'links')}`;

/** Complaint adjectives that, alone as a reply, are about the texts. */
export const ANNOYED_EN = alt(
  'annoying', 'irritating', 'creepy', 'intrusive', 'invasive', 'obnoxious', 'excessive', 'relentless', 'too much', 'unsolicited',
  'unwanted', 'uninvited', 'not wanted', 'spammy', 'harassment', 'ridiculous', 'getting ridiculous', 'out of control', 'overkill',
);

// ── Spanish ─────────────────────────────────────────────────────────────────

/**
 * Spanish contact verbs by conjugation class, as stems. Only the forms that
 * make a request are built from them (subjunctive for "no me …", infinitive
 * and gerund after "dejen de", "sigan"), so the past and present of the
 * same verbs ("no me enviaron el código", "no me mandan nada") stay out.
 * b/v and qu/k spellings are folded by the normaliser before this runs.
 */
const AR_STEMS = alt('mand', 'envi', 'contact', 'molest', 'llam', 'texte', 'mensaje', 'fastidi', 'spame', 'acos', 'avis', 'notific');
/**
 * Subjunctives that change spelling (marcar → marquen, notificar → notifiquen)
 * or belong to verbs whose other forms mean something else ("dejé de buscar"
 * is about a product, "no me busquen" is about us).
 */
const AR_SUBJ_IRREGULAR = alt('marque', 'marquen', 'marques', 'hostigue', 'hostiguen', 'notifiquen', 'notifiques', 'busquen', 'busques', 'jodan', 'jodas', 'chinguen');
const IR_STEMS = alt('escrib', 'insist');

/** Subjunctive and polite-imperative forms: what follows "no me", "que no me", "nunca me". */
export const CONTACT_SUBJ_ES = alt(`${AR_STEMS}(?:en|es|e|eis)`, `${IR_STEMS}(?:an|as|a|ais)`, AR_SUBJ_IRREGULAR);

/** Infinitive (with or without a clitic) and gerund: what follows "dejen de", "sigan", "vuelvan a". */
export const CONTACT_INF_ES = alt(
  `${AR_STEMS}(?:ar|arme|arnos|arle|arles|ando|andome|andonos)`,
  `${IR_STEMS}(?:ir|irme|irnos|irle|irles|iendo|iendome|iendonos)`,
  'marcar', 'marcarme', 'hostigar', 'hostigarme',
  // slang for bothering: "dejen de joder", "dejen de fregar"
  'joder', 'joderme', 'jodernos', 'fregar', 'fregarme', 'chingar', 'chingarme', 'jorobar', 'jorobarme', 'dar lata', 'dar la lata',
  // "dejen de estar mandando"
  `estar ${AR_STEMS}ando`, `estar ${IR_STEMS}iendo`,
);

/** Continuing or repeating: "no me sigan escribiendo", "no vuelvan a mandar". */
export const CONTINUE_ES = alt(
  'sigan', 'sigas', 'siga', 'vuelvan a', 'vuelvas a', 'vuelva a', 'continuen', 'continues', 'continue',
  // "no estén molestando", "no me anden mandando": estar/andar + gerund, the progressive of a request
  'esten', 'estes', 'este', 'anden', 'andes', 'ande',
);

/** Negations that open a request. "ni" as in "ni me escriban". */
export const NEG_ES = alt('no', 'nunca', 'jamas', 'ni', 'nunca mas', 'no mas');

/** Pronouns that make the shopper the object. */
export const CLITIC_ES = alt('me', 'nos', 'le', 'les', 'te');

/** Messages, Spanish, with room for one adjective ("sus mensajitos molestos"). */
export const MSG_MOD_ES = `${MSG_ES}(?: [a-z]+)?`;

/** Articles that introduce a product instead of our messages: "no me manden el rojo". */
export const PRODUCT_ARTICLE_ES = alt('el', 'la', 'los', 'las', 'un', 'una', 'otro', 'otra', 'mi', 'mis', 'su', 'sus', 'a mi', 'al', 'a la');

/** Things a shopper asks us not to send that are part of the order, not marketing: "no me manden factura". */
export const ORDER_THING_ES = alt(
  'factura', 'facturas', 'recibo', 'recibos', 'ticket', 'comprobante', 'nota', 'paquete', 'caja', 'bolsa', 'bolsas', 'pedido', 'producto',
  'talla', 'color', 'guia', 'link', 'links', 'enlace', 'foto', 'fotos', 'codigo', 'regalo', 'muestra', 'muestras', 'catalogo fisico', 'nada fisico',
);

/** Numbers that are not the shopper's phone: "el número de pedido está equivocado". */
export const OTHER_NUMBER_ES = alt('pedido', 'orden', 'rastreo', 'guia', 'seguimiento', 'tarjeta', 'cuenta', 'confirmacion', 'factura', 'referencia', 'talla', 'calzado', 'zapato', 'casa', 'interior', 'exterior');

// ── Fillers ─────────────────────────────────────────────────────────────────

/**
 * Words that carry tone and no content: removed for a second pass of the
 * rules so "dejen ya de escribirme" and "please just fucking stop texting
 * me" read as their core. Words that change what a rule means ("please" in
 * "please keep texting me", "no", "not", "again") are NOT here.
 */
export const FILLERS: ReadonlySet<string> = new Set([
  'really', 'seriously', 'honestly', 'literally', 'kindly', 'fucking', 'freaking', 'frickin', 'friggin', 'effing', 'damn',
  'goddamn', 'bloody', 'totally', 'simply', 'actually', 'ya', 'ahora', 'ahorita', 'pues', 'neta', 'oye', 'pinches', 'pinche',
  'enserio', 'deverdad', 'deunavez', 'porfavor', 'xd', 'jaja', 'jajaja', 'lol', 'lmao', 'smh', 'omg', 'ugh', 'plis', 'already',
  'just', 'even', 'pretty', 'kinda', 'sorta',
]);

/** Multi-word fillers, folded to one token before removal. */
export const FILLER_PHRASES: readonly (readonly [RegExp, string])[] = Object.freeze([
  [/\ben serio\b/g, 'enserio'],
  [/\bde verdad\b/g, 'deverdad'],
  [/\bde una vez(?: por todas)?\b/g, 'deunavez'],
]);
