/**
 * Phrase rules for opt-out intent detection (`opt-out-intent.ts`), written in
 * the regex vocabulary of `opt-out-rule.ts` over the word classes of
 * `opt-out-vocabulary.ts`. These are the rules first written against the
 * labelled corpus; the structural frames in `opt-out-frames-*.ts` generalise
 * them.
 */
import { ORDER_THING_ES } from './opt-out-lexicon.js';
import { alt, E, gap, MEDIUM, NEAR, rule, S, STRONG, W, WEAK, type OptOutRule } from './opt-out-rule.js';
import {
  DET,
  DET_ES,
  MSG,
  MSG_EN,
  MSG_EN_X,
  MSG_ES,
  MY_NUMBER,
  NO_ME_ES,
  ORDER,
  POLITE,
  TAIL,
  VERB,
  VERB_ES,
  VERBING,
} from './opt-out-vocabulary.js';

export type { OptOutLanguage, OptOutRule } from './opt-out-rule.js';

/**
 * The rules. The detector takes the highest weight among those that match.
 * Each one states a general way people revoke consent (or, below the
 * threshold, a near miss); the negative cases live inside the pattern
 * (look-arounds), so a rule reads as one statement of intent. Rules added
 * after measuring against the corpus cover a class of messages, never one.
 */
export const OPT_OUT_RULES: readonly OptOutRule[] = Object.freeze([
  // ── Carrier keywords standing as their own clause: "Who is this? STOP", "ok stop pls", "🛑" ──
  rule('keyword-clause', null, STRONG,
    `${S}(?:${POLITE} )*(?:i )?${alt('stop', 'stop all', 'stopall', 'quit', 'end', 'halt', 'cease', 'cancel', 'unsubscribe', 'opt out', 'revoke', 'out out', 'remove', 'remove me', 'delete', 'enough', 'report', 'reported', 'reporting', 'blocked', 'blocking')}(?: ${alt('stop', 'quit', 'end', TAIL)})*${E}`),
  // "stop" closing a clause: "can you please stop", "I said STOP", "I texted stop already". Not "the bus stop", "can't stop".
  rule('stop-clause-end', null, MEDIUM,
    `(?<!\\b${alt('bus', 'pit', 'non', 'one', 'last', 'next', 'first', 'quick', 'full', 'cant', 'cannot', 'couldnt', 'dont', 'never', 'sale', 'offer', 'promo', 'deal', 'discount', 'a', 'the', 'every', 'each', 'my', 'our', 'truck', 'rest', 'short', 'dead', 'didnt', 'st', 'street', 'ave', 'avenue', 'station', 'subway', 'train', 'metro', 'tram', 'rd', 'road', 'blvd', 'bart', 'muni')} )\\bstop(?: ${TAIL})*${E}`),
  // stop/quit/cease + texting, sending, contacting…
  rule('stop-verbing', 'en', STRONG,
    `(?<!\\b${alt('cant', 'cannot', 'couldnt', 'dont', 'never', 'not')} )\\b${alt('stop', 'quit', 'cease', 'halt', 'end', 'discontinue', 'stopped')} (?:${alt('with the', 'all the', 'all this', 'the')} )?${VERBING}\\b(?! ${alt('it', 'them', 'that', 'the \\w+', 'my \\w+', 'orders?', 'packages?')} to (?!${alt('me', 'this number', 'my phone', 'this phone')}\\b))`),
  // stop/end/quit + (determiners) + texts, messages, promos…
  rule('stop-msg', 'en', STRONG,
    `(?<!\\b${alt('cant', 'cannot', 'couldnt', 'dont', 'never')} )\\b${alt('stop', 'quit', 'end', 'halt', 'cease', 'discontinue', 'pause', 'turn off', 'shut off', 'disable')}(?: ${alt('sending', 'with', 'me', 'my', 'getting', 'receiving', DET, 'stupid', 'annoying', 'fucking', 'damn', 'freaking', 'constant', 'daily', 'automated', 'unsolicited', 'marketing', 'promotional', 'text', 'sms', 'cart')})* ${MSG_EN_X}\\b(?! ${alt('from me', 'to you', 'i sent', 'order', 'item', 'from shipping')})`),
  rule('turn-off', 'en', STRONG, `\\b${alt('turn', 'shut', 'switch')} (?:${DET} )*${MSG_EN} off\\b`),
  rule('please-stop', null, MEDIUM, `\\b${alt('please', 'just', 'can you', 'could you', 'will you', 'would you', 'can yall', 'porfavor')} stop\\b(?! ${alt('by', 'in', 'at', 'over', 'thinking', 'looking', 'making', 'the order', 'my order', 'the shipment', 'shipping', 'the package', 'the delivery', 'it from', 'that from', 'the charge', 'the payment', `sending ${alt('it', 'them', 'that', 'the \\w+', 'my \\w+', 'orders?', 'packages?')} to (?!${alt('me', 'this number', 'my phone', 'this phone')}\\b)`)}\\b)`),
  rule('stop-it', 'en', MEDIUM, `\\b${alt('stop', 'quit')} ${alt('it', 'this nonsense', 'this crap', 'this shit', 'now', 'already', 'asap', 'immediately', 'please', 'porfavor')}\\b`),
  rule('asked-to-stop', 'en', STRONG, `\\b${alt('asked', 'ask', 'asking', 'told', 'tell', 'telling', 'want', 'need', 'begging', 'said for')} ${alt('you', 'ya', 'yall', 'you guys', 'you people')} (?:${W} )?to ${alt('stop', 'quit', 'remove me', 'unsubscribe me', 'take me off', 'leave me alone')}\\b`),
  rule('can-you-not', 'en', STRONG, `\\b${alt('can', 'could', 'would', 'will')} ${alt('you', 'ya', 'yall')} (?:${alt('please', 'kindly', 'just')} )*not ${alt(VERB, 'send me')}\\b`),
  rule('no-longer-receive', 'en', STRONG, `\\b${alt('no longer', 'not', 'never')} ${alt('receive', 'get', 'be sent', 'be contacted', 'be texted')} (?:${DET} )*${MSG_EN_X}\\b`),
  rule('dont-want-these', 'en', MEDIUM, `\\b${alt('dont', 'do not', 'no longer')} ${alt('want', 'wish', 'need')} to ${alt('get', 'receive', 'see')} ${alt('these', 'them', 'those', 'this', 'any', 'anything')}(?: ${alt('anymore', 'any more', 'again', 'from you', POLITE)})*${E}`),
  // "don't text me", "never contact me again", "do not send me anything"
  rule('dont-contact', 'en', STRONG,
    `\\b${alt('dont', 'do not', 'never', 'do not ever', 'dont ever')}(?: ${alt('ever', 'even', 'you', 'again', 'please')})* ${VERB}\\b(?! ${alt('you back', 'much', 'often', 'and drive', 'while driving')})`),
  rule('dont-send', 'en', STRONG,
    `\\b${alt('dont', 'do not', 'never', 'stop')}(?: ${alt('ever', 'even', 'please')})* send(?: ${alt('me', 'us', 'this number', 'to this number')})?(?: ${alt(MSG_EN_X, 'again', 'crap', 'junk', 'nothing')}\\b|${E})`),
  // "I don't want these texts", "no longer wish to receive messages", "don't want to be contacted"
  rule('dont-want', 'en', STRONG,
    `\\b${alt('dont', 'do not', 'no longer', 'never', 'didnt', 'did not')} ${alt('want', 'wish', 'need', 'like', 'care for', 'appreciate', 'agree to')}(?: ${alt('to', 'receive', 'get', 'getting', 'receiving', DET, 'be', 'on', 'part of', 'any')})* ${alt(MSG_EN, 'contacted', 'texted', 'messaged', 'bothered', 'hear from', 'list', 'lists')}\\b`),
  rule('didnt-ask', 'en', STRONG, `\\b${alt('never', 'didnt', 'did not', 'dont')} ${alt('ask', 'asked', 'request', 'requested')} (?:for )?(?:${alt('this', 'these', 'any of this', 'any of these', 'your', 'any', 'them', 'it')}(?: ${MSG_EN})?)(?: ${POLITE})*(?:${E}| ${MSG_EN}\\b)`),
  // "no more texts", "no more!", "no more of this"
  rule('no-more', null, STRONG, `\\bno ${alt('more', 'mas')}(?: ${alt(POLITE, 'anymore')})*${E}`),
  rule('no-more-msg', null, STRONG, `\\bno ${alt('more', 'mas')} (?:${alt(DET, DET_ES, 'of', 'de', 'stupid', 'annoying')} )*${MSG}\\b`),
  rule('no-more-of', 'en', MEDIUM, `\\bno more ${alt('of this', 'of these', 'of that', 'of your', 'of you', 'of ur', 'from you', 'from u', 'from ya', 'contact', 'of it')}\\b`),
  rule('no-msg', null, MEDIUM,
    `(?<!\\b${alt('got', 'get', 'received', 'receive', 'getting', 'there is', 'there was', 'theres', 'with', 'and', 'had', 'have', 'sent', 'send')} )\\bno ${alt('texts?', 'texting', 'messages?', 'sms', 'spam', 'contact', 'solicitations?', 'solicitation', 'marketing', 'promos?', 'ads', 'calls', 'mensajes', 'textos', 'publicidad')}(?: ${alt(POLITE, 'anymore', 'to this number', 'to me')})*${E}`),
  // unsubscribe / opt out / revoke, unless negated
  rule('unsubscribe', null, STRONG,
    `(?<!\\b${alt('dont', 'do not', 'didnt', 'did not', 'never', 'not', '(?:not|dont|do not|never) (?:trying|going|wanting|planning|looking|want|mean|meant|wish) to')} )\\b${alt('unsubscribe', 'desuscribir', 'desuscribirme', 'desuscribanme', 'desuscribeme', 'desuscribame', 'desinscribir', 'desinscribirme', 'desafiliar', 'desafiliarme', 'dessuscribir')}\\b`),
  rule('opt-out', null, STRONG,
    `(?<!\\b${alt('dont', 'do not', 'didnt', 'did not', 'never', 'not')} )\\b${alt('opt (?:me |us |this number |my number )?out', 'opting out', 'opted out', 'opt outta', 'optout')}\\b`),
  rule('revoke', null, STRONG, `\\b${alt('revoke', 'revoking', 'revoked', 'withdraw (?:my )?consent', 'withdrawing (?:my )?consent', 'consent withdrawn', 'retiro mi consentimiento', 'revoco')}\\b`),
  // "cancel" alone is the carrier keyword; "cancel my order" is an order question (documented in opt-out-intent.ts).
  rule('cancel', null, MEDIUM,
    `(?<!\\b${alt('dont', 'do not', 'didnt', 'not', 'no')} )\\b${alt('cancel', 'cancelar', 'cancela', 'cancelen', 'cancelalo', 'cancelenlo', 'cancelame', 'cancelenme')}\\b(?!(?: ${W}){0,3} ${ORDER}\\b)`),
  rule('cancel-order', null, NEAR, `\\b${alt('cancel', 'cancelar', 'cancela', 'cancelen', 'cancele')}\\b(?: ${W}){0,3} ${ORDER}\\b`),
  rule('cancel-msg', null, STRONG, `\\b${alt('cancel', 'cancelled', 'canceled', 'cancelar', 'cancela', 'cancelen', 'cancele')}(?: ${alt(DET, DET_ES, 'my', 'mi', 'la', 'el', 'sms', 'text')})* ${alt(MSG, 'subscriptions?', 'suscripcion', 'membership', 'list')}\\b(?! ${alt('box', 'boxes', 'order', 'orders', 'plan', 'delivery', 'shipment', 'caja')})`),
  // remove me / take me off / delete my number
  rule('remove-me', 'en', STRONG,
    `(?<!\\b${alt('dont', 'do not', 'never')} )\\b${alt('remove', 'delete', 'erase', 'purge', 'scrub', 'unlist', 'take', 'get', 'drop', 'pull', 'kick', 'scratch', 'cross', 'strike')} ${MY_NUMBER}(?: ${W})? ${alt('off', 'out of', 'from')}\\b`),
  rule('remove-me-bare', 'en', STRONG,
    `(?<!\\b${alt('dont', 'do not', 'never')} )\\b${alt('remove', 'delete', 'erase', 'purge', 'scrub', 'unlist')} ${alt('me', 'us', 'my (?:phone |cell )?number', 'this (?:phone |cell )?number', 'my (?:info|information|details|data|contact(?: info)?|phone|cell)')}\\b`),
  rule('off-list', 'en', STRONG,
    `\\b${alt('off', 'out of')} ${alt('your', 'the', 'this', 'ur', 'ya', 'all', 'all your', 'all of your', 'these', 'those', 'any', 'every')} (?:${W} )?${alt('lists?', 'database', 'system', 'contacts', 'records', MSG_EN)}\\b(?! ${alt('price', 'prices')})`),
  rule('remove-from', 'en', STRONG,
    `\\b${alt('remove', 'delete', 'erase', 'take', 'drop', 'get', 'unsubscribe')} (?:${W} ){0,4}from (?:${alt('your', 'the', 'this', 'ur', 'ya', 'all', 'all your', 'all of your', 'these', 'those', 'any', 'every')} )?(?:${W} )?${alt('lists?', 'database', 'system', 'contacts', 'records', MSG_EN)}\\b(?! ${alt('price', 'prices')})`),
  rule('do-not-call', 'en', STRONG, `\\b${alt('do not (?:call|text|contact|disturb|message) list', 'dnc', 'dnd list', 'no call list', 'no contact list')}\\b`),
  rule('lose-number', 'en', STRONG, `\\b${alt('lose', 'loose', 'forget', 'delete', 'erase', 'remove', 'drop', 'burn', 'toss')} ${alt('my', 'this')} (?:${alt('phone', 'cell', 'mobile')} )?number\\b`),
  // wrong number / not the person / passed away
  rule('wrong-number', 'en', STRONG,
    `\\b${alt('wrong (?:phone |cell )?(?:number|num|nbr|no|person|guy|girl|lady|man|contact|recipient|individual|people|customer)', '(?:you|ya) (?:have|got|has|texted|messaged|reached|are texting|are messaging|sent this to) (?:the |a )?wrong', 'not (?:his|her|their|my|the right) (?:number|cell|cart)', 'no longer (?:his|her|their|my) (?:number|phone)', 'no (?:one|body) (?:here |by that name|named|called|with that name)', 'doesnt (?:live here|have this number|use this number|own this)', 'this (?:number|phone) (?:belongs|is not|isnt|was)', 'new owner of this number', 'passed away', 'deceased', '(?:isnt|is not|is no longer|not|aint) (?:at|on|using) this (?:number|phone|cell)')}\\b`),
  rule('not-their-phone', 'en', STRONG, `\\b${alt('this', 'that', 'it')} ${alt('is not', 'isnt', 'aint', 'is no longer')} (?:${W} ){0,2}${alt('phone', 'number', 'cell')}(?: ${alt('anymore', 'any more', 'number')})*${E}`),
  rule('who-is-this', 'en', MEDIUM,
    `\\bwhos? (?:${alt('even', 'is', 'the (?:hell|heck|fuck|f|fk)', 'tf')} ){0,2}(?:${alt('this', 'dis')}(?: ${alt('even', 'again', 'exactly', 'and', 'from', 'texting', 'messaging', 'sending', 'how', 'why', 'i', 'stop', 'number', POLITE)}\\b| ?\\.|$)|${alt('texting', 'messaging', 'that texting', 'sending this')}\\b)`),
  rule('who-are-you', 'en', MEDIUM,
    `\\bwho ${alt('are', 'the (?:hell|heck|fuck|f|fk) are', 'tf are')} ${alt('you', 'yall', 'you people', 'these people', 'they')}(?: ${alt('guys', 'people', 'again', 'exactly', 'even', 'lol', 'seriously', 'and why', 'and how', POLITE)})*(?:${E}| ${alt('and', 'to', 'texting', 'messaging')}\\b)`),
  rule('who-sent', 'en', MEDIUM, `\\bwho ${alt('sent this', 'gave you', 'is sending', 'keeps texting', 'keeps sending', 'even are you')}\\b`),
  rule('never-signed-up', 'en', STRONG,
    `\\b${alt('never', 'didnt', 'did not', 'dont remember', 'do not remember', 'dont recall')} (?:${alt('ever', 'even', 'once')} )?${alt('sign(?:ed)? up', 'signing up', 'subscribed?', 'opt(?:ed)? in', 'opting in', 'agreed?', 'consent(?:ed)?', 'gave (?:you|ya|yall|them)', 'give (?:you|ya|yall|them)', 'registered', 'joined', 'authorized', '(?:gave|give|given) (?:you |ya |yall |them |anyone )?(?:permission|consent)')}\\b|\\b${alt('do not', 'dont', 'never', 'did not', 'didnt')} ${alt('consent', 'authorize', 'agree')} to\\b|\\bnot (?:${alt('signed up', 'subscribed', 'opted in')})\\b`),
  rule('never-shopped', 'en', STRONG,
    `\\bnever (?:${alt('ever', 'even', 'once')} )?${alt('shopped (?:there|with you|at your|here|at)', 'heard of (?:you|your|this)', 'ordered (?:from|with) (?:you|your)', 'bought (?:from|with) (?:you|your|anything)', 'been to your', 'visited your')}\\b`),
  rule('not-my-cart', 'en', WEAK,
    `\\b${alt('never', 'didnt', 'did not', 'havent')} (?:${W} ){0,2}${alt('put', 'leave', 'left', 'add', 'added', 'have')} ${alt('anything', 'nothing', 'items?', 'stuff')}(?: ${W}){0,2} ${alt('in', 'to', 'on')} ${alt('a', 'my', 'any', 'your', 'the')} cart\\b`),
  rule('how-got-number', 'en', STRONG,
    `\\b${alt('how', 'why', 'where', 'who')} (?:${W} ){0,2}${alt('you', 'ya', 'yall', 'they', 'you guys', 'you people')} (?:${W} ){0,2}${alt('get', 'got', 'gotten', 'have', 'has', 'find', 'found', 'obtain(?:ed)?', 'gave', 'give')} ${alt('my', 'this')} (?:${alt('phone', 'cell', 'mobile')} )?${alt('number', 'info', 'information', 'contact')}\\b`),
  // spam / scam / block / report / legal
  rule('spam', null, STRONG, `(?<!\\b${alt('my', 'in', 'in the', 'to the', '(?:went|goes|go|going|gone|sent|landed|ended up|ends up|end up) (?:to|in|into)(?: my| the| your)?', 'check(?: your| my| the)?')} )\\b${alt('spam', 'spamming', 'spammed', 'spammer', 'spammers', 'spammy', 'spamear', 'spameando')}\\b(?! ${alt('folder', 'filter', 'box', 'foldr', 'carpeta')})`),
  rule('scam', null, WEAK, `\\b${alt('scam', 'scams', 'scammer', 'scammers', 'scammy', 'estafa', 'estafadores', 'fraude', 'phishing', 'fraud')}\\b`),
  rule('block', null, MEDIUM,
    `(?<!\\b${alt('color', 'colour', 'ice', 'the', 'a', 'sun', 'chopping', 'city', 'building', 'cinder', 'mental', 'writers', 'card', 'account', 'payment', 'site', 'website', 'page', 'app', 'bank', 'checkout', 'browser', 'link', 'is', 'was', 'got', 'keeps', 'tarjeta', 'cuenta', 'esta', 'fue', 'estaba', 'quedo', 'sigue')} )\\b${alt('block', 'blocked', 'blocking', 'blockin', 'bloquear', 'bloqueado', 'bloqueada', 'bloqueo', 'bloqueare', 'bloquearlos', 'bloquearte', 'bloqueando')}\\b(?! ${alt('heels?', 'print', 'colou?rs?', 'party', 'letters?', 'font', 'tacon', 'tacones', 'my card', 'the card', 'my payment', 'the payment', 'my purchase', 'my order', 'the order', 'my account', 'checkout', 'mi tarjeta', 'la tarjeta', 'el pago', 'out', 'off time')})`),
  rule('block-es', 'es', MEDIUM, `\\b${alt('voy a', 'vamos a', 'los voy a', 'te voy a', 'ya los', 'ya te', 'los', 'las')} ${alt('bloquear', 'bloquearlos', 'bloquearte', 'bloquearlas', 'bloquee', 'bloqueo', 'bloquie')}\\b`),
  rule('block-number', null, STRONG, `\\b${alt('block', 'blocking', 'blocked', 'bloquear', 'bloqueando', 'bloquee')} ${alt('this number', 'your number', 'you', 'ya', 'yall', 'u', 'this', 'them', 'este numero', 'su numero', 'los', 'las')}\\b`),
  rule('report', null, MEDIUM, `\\b${alt('report', 'reported', 'reporting', 'reportar', 'reportare', 'reportarlos', 'denunciar', 'denunciare', 'denunciarlos')} ${alt('you', 'ya', 'them', 'you guys', 'this number', 'the number', 'your number', 'your company', 'as spam', 'spam', 'to the (?:fcc|ftc|attorney general|bbb)', 'to my carrier', 'this' + E, '(?:this|it|you) to', 'this (?:number|text|message|sender)', 'los', 'esto', 'este numero', 'a la', 'al', 'como spam')}\\b`),
  rule('legal', null, MEDIUM,
    `\\b${alt('tcpa', 'fcc', 'ftc', 'lawyer', 'attorney', 'sue (?:you|ya|your|them)', 'suing', 'lawsuit', 'harass', 'harassing', 'harassment', 'harrassment', 'harrassing', 'illegal', 'cease and desist', 'abogado', 'demandar', 'demandarlos', 'acoso', 'acosando', 'acosar', 'profeco', 'attorney general')}\\b`),
  // go away / leave me alone / abuse aimed at us
  rule('leave-alone', null, STRONG,
    `\\b${alt('leave (?:me|us) (?:the \\w+ )?alone', 'leave me be', 'go away', 'get lost', '(?:fuck|f|eff|piss|buzz|bugger|back|sod|fk|fuk|fck) off', 'shut up(?! and take)', 'stfu', 'gtfo', 'fuck (?:you|off|outta)', 'f you', 'screw you', 'dejame en paz', 'dejenme en paz', 'dejanos en paz', 'no (?:me )?molest(?:en|es|ar|e)', 'vete', 'vayanse', 'largate', 'larguense', 'callate', 'no (?:me )?fastidi(?:en|es|ar|e)', 'chinga tu madre', 'a la verga')}\\b`),
  rule('wtf-this', 'en', WEAK, `\\b${alt('wtf', 'what the (?:hell|heck|fuck|f)')} ${alt('is this', 'is that', 'are you', 'is going on', 'this')}\\b`),
  // not interested (as a whole answer, or about our texts)
  rule('not-interested', 'en', WEAK,
    `\\b${alt('not', 'no longer', 'aint', 'not really', 'never', 'no')} interested(?: ${alt('anymore', 'any more', 'at all', 'in (?:this|your|any of (?:this|it)|anything|these|buying anything|shopping|you|the texts|texts|messages)', POLITE)})*${E}`),
  rule('no-interest', 'en', WEAK, `\\b${alt('no interest', 'not interested in (?:\\w+ )?(?:texts|messages|sms)')}\\b(?! ${alt('financing', 'payments?', 'plans?', 'for', 'credit', 'options?', 'months?', 'installments?', 'if', `in (?!(?:${W} )?${MSG_EN}\\b)`)})`),
  // enough / too many / sick of / keep texting
  rule('enough', 'en', MEDIUM, `${S}(?:${POLITE} )*${alt('thats enough', 'that is enough', 'enough is enough', 'enough already')}(?: ${TAIL})*${E}|\\benough ${alt('with', 'of')} ${alt(DET, 'you', 'it', 'this')}\\b`),
  rule('too-many', 'en', STRONG, `\\b${alt('too', 'so', 'way too', 'to', 'way to')} many (?:${W} ){0,2}${MSG_EN}\\b(?! to ${alt('answer', 'reply', 'respond', 'read', 'go through', 'keep up', 'check', 'open', 'deal')})|\\b${alt(VERBING, MSG_EN)}(?: ${W}){0,2} ${alt('too much', 'so much', 'every day', 'everyday', 'constantly', 'all day', 'nonstop', 'non stop', 'every hour', 'all the time', '24 7', 'twice a day', 'every other day')}\\b`),
  rule('sick-of', 'en', MEDIUM, `\\b${alt('sick', 'tired', 'sick and tired')} of (?:${W} ){0,3}${alt(MSG_EN, 'you', 'this', 'your', VERBING)}\\b`),
  rule('keep-texting', 'en', STRONG,
    `(?<!\\b${alt('please', 'can you', 'you can', 'do', 'you should', 'pls')} )\\b${alt('keep', 'keeps', 'kept', 'still')} (?:on )?(?:${alt('getting', 'receiving', 'get', 'receive', 'sending me', 'sending')} )?(?:${DET} )*${alt(MSG_EN, 'texting', 'messaging', 'contacting', 'calling', 'spamming', 'bothering', 'bugging', 'harassing', 'pestering')}\\b(?! ${alt('saying', 'that says', 'says', 'error', 'with the code', 'with my code', 'with the link', 'with a code', 'from my bank', 'me (?:deals|offers|updates|coupons|codes|the deals|posted|informed)')})`),
  rule('why-texting', 'en', STRONG, `\\b${alt('why', 'y')} (?:${W} ){0,4}${alt('texting', 'messaging', 'contacting', 'spamming', 'bothering', 'harassing', 'bugging', 'pestering', 'calling me', 'sending me (?:this|these|texts|messages|stuff|spam|crap|junk)')}\\b`),
  rule('annoying-msg', 'en', WEAK,
    `\\b${MSG_EN}\\b(?: ${W}){0,4} ${alt('annoying', 'annoy', 'creepy', 'invasive', 'intrusive', 'ridiculous', 'excessive', 'unwanted', 'unsolicited', 'harassment', 'obnoxious', 'too much')}\\b|\\b${alt('annoying', 'unwanted', 'unsolicited', 'obnoxious', 'hate', 'hate these', 'hate your', 'hate getting')} (?:${W} ){0,2}${MSG_EN}\\b|\\b${alt('youre', 'you are', 'you r', 'your', 'ur')} ${alt('annoying', 'so annoying', 'creepy', 'harassing me')}\\b`),
  rule('done-with', 'en', WEAK, `\\b${alt('done with', 'finished with', 'over')} ${alt('you', 'your', 'these', 'this store', 'this company', 'this brand', 'the texts', 'this')}\\b(?: ${alt(MSG_EN, 'store', 'company', 'brand', 'guys', 'people', 'all')})?(?: ${POLITE})*${E}`),
  rule('quit-bugging', 'en', STRONG, `\\b${alt('quit', 'stop')} ${alt('bugging', 'bothering', 'harassing', 'pestering', 'hounding', 'blowing up my phone')}\\b`),

  // ── Spanish ──
  rule('es-para', 'es', STRONG, `${S}(?:${POLITE} )*${alt('para', 'paren', 'pare', 'parale', 'parenle', 'parad', 'parenla', 'alto', 'basta', 'baja', 'cancelar', 'ya basta', 'ya para', 'ya paren', 'no mas')}(?: ${alt('para', 'paren', 'alto', 'basta', 'ya', 'ahora', 'porfavor', 'gracias', 'ok', 'de una vez', 'por dios', TAIL)})*${E}`),
  rule('es-paren', 'es', MEDIUM, `\\b${alt('paren', 'parenle', 'parale', 'parenla')}\\b`),
  rule('es-deja-de', 'es', STRONG, `(?<!\\bno (?:${alt('me', 'nos', 'le', 'les', 'te')} )?)\\b${alt('dejen', 'deja', 'deje', 'dejes', 'dejar', 'dejad', 'paren', 'para', 'pare', 'parar', 'basta', 'dejan')} de ${gap(1)}${VERB_ES}`),
  rule('es-alto', 'es', STRONG, `\\b${alt('alto', 'para', 'paren', 'basta', 'ya basta', 'ya para')} ${alt('a (?:los|sus|tus|estos|las) (?:\\w+ )?' + MSG_ES, 'ya', 'porfavor', 'con (?:los|sus|tus|estos) (?:\\w+ )?' + MSG_ES)}\\b`),
  rule('es-basta', 'es', STRONG, `(?<!\\bno )\\bbasta\\b(?! ${alt('con', 'y sobra', 'para')})`),
  rule('es-baja', 'es', STRONG, `\\b${alt('de', 'la', 'mi', 'su')} baja\\b(?! ${alt('calidad', 'temporada', 'de precio', 'de precios', 'del precio', 'el precio', `(?:mi|la|el|una|un|los|las|su|esta|este) ${alt(ORDER, 'cuenta', 'direccion', 'suscripcion a la caja')}`)})`),
  rule('es-no-me', 'es', STRONG,
    `\\bno (?:${alt('me', 'nos', 'le', 'les')} )?(?:${alt('vuelvan a', 'vuelvas a', 'sigan', 'sigas')} )?${NO_ME_ES}\\b(?! ${alt('el', 'la', 'los', 'las', 'un', 'una', 'otro', 'otra')} (?!${alt(MSG_ES, 'basura')})| ${ORDER_THING_ES}\\b)`),
  rule('es-no-quiero', 'es', STRONG,
    `\\bno (?:${alt('quiero', 'deseo', 'necesito', 'queremos')}) (?:${alt('seguir', 'volver a', 'ya')} )?${alt(`recibir(?! ${alt('el', 'la', 'un', 'una', 'mi', 'mis', 'su')} (?!${MSG_ES}\\b))`, 'que me ' + VERB_ES, 'nada', 'saber nada', MSG_ES, '(?:sus|tus|estos|estas|los|las|mas) (?:\\w+ )?' + MSG_ES, 'recibirlos', 'recibirlas')}\\b`),
  rule('es-no-quiero-mas', 'es', STRONG, `\\b${alt('no quiero', 'no deseo', 'ya no quiero')} mas${E}`),
  rule('es-quitame', 'es', STRONG,
    `\\b${alt('sacame', 'sacarme', 'saquenme', 'sacanme', 'quitame', 'quitenme', 'quitarme', 'quiteme', 'borrame', 'borrenme', 'borrarme', 'borreme', 'eliminame', 'eliminenme', 'eliminarme', 'elimineme', 'retirame', 'retirenme', 'retirarme', 'excluyanme', 'excluirme', 'dame de baja', 'denme de baja', 'darme de baja', 'dar de baja', 'deme de baja')}(?: ${alt('porfavor', 'ya', 'ahora', 'gracias')})*(?:${E}| ${alt('de (?:la|su|sus|esta|esa|tu|vuestra|las|los|este)? ?(?:lista|listas|base|contactos|mensajes|sistema|registro|suscripcion|envios|promociones|publicidad|datos)', 'de aqui', 'de ahi', MSG_ES, 'porfavor', 'ya')})`),
  rule('es-borren-numero', 'es', STRONG, `\\b${alt('borren', 'borra', 'borre', 'borrar', 'quiten', 'quita', 'quitar', 'eliminen', 'elimina', 'eliminar', 'pierdan', 'olviden', 'saquen', 'saca')} ${alt('mi numero', 'mis datos', 'este numero', 'mi telefono', 'mi celular', 'mi contacto', 'mi informacion')}\\b`),
  rule('es-wrong', 'es', STRONG,
    `\\b${alt('numero (?:equivocado|incorrecto|erroneo|errado)', 'equivocad[oa]s? de (?:numero|persona)', 'se (?:equivoco|equivocaron|equivocan) de (?:numero|persona)', 'persona equivocada', 'no es mi numero', 'este no es (?:el )?numero', 'no soy (?:esa|la|el|ese) (?:persona|cliente|senor|senora|senorita)', 'no conozco (?:(?:esa|esta|la|su|a) )?(?:tienda|empresa|marca|persona|numero|ustedes)', 'no (?:los|las|te|lo) conozco', 'no se quien (?:es|son|eres)', 'falleci[oa]', 'ya no es (?:su|mi) numero', '(?:este|mi|el) (?:numero|telefono|celular) (?:ya )?no es (?:de|del)', 'aqui no (?:vive|hay|es)', 'no hay (?:ningun|ninguna|nadie) (?:\\w+ )?(?:aqui|con ese nombre)')}\\b`),
  rule('es-quien', 'es', MEDIUM, `\\bquien(?:es)? ${alt('es', 'eres', 'son', 'habla', 'sera', 'me escribe', 'me manda', 'me envia', 'me esta escribiendo', 'les dio', 'te dio')}(?: ${alt('este', 'esta', 'usted', 'ustedes', 'uds', 'tu', 'esto', 'ud')})?${E}`),
  rule('es-how-got-number', 'es', STRONG,
    `\\b${alt('de donde', 'como', 'por que', 'porque', 'quien')} (?:${W} ){0,3}${alt('sacaron', 'sacan', 'saco', 'obtuvieron', 'obtienen', 'tienen', 'tiene', 'consiguieron', 'consiguio', 'dio', 'dieron', 'paso', 'pasaron')} ${alt('mi', 'este')} ${alt('numero', 'telefono', 'celular', 'contacto', 'datos')}\\b`),
  rule('es-never-signed', 'es', STRONG, `\\b${alt('nunca', 'no', 'jamas')} (?:me )?${alt('registre', 'suscribi', 'inscribi', 'autorice', 'di (?:mi|el) numero', 'pedi (?:esto|estos|mensajes)', 'acepte recibir')}\\b|\\b${alt('nunca', 'jamas')} (?:he )?${alt('comprado', 'compre')} (?:${alt('ahi', 'alli', 'con ustedes', 'nada', 'en su tienda', 'en esa tienda')})\\b`),
  rule('es-no-interesa', 'es', WEAK, `\\b${alt('no me interesa(?:n)?', 'no estoy interesad[oa]', 'ya no me interesa(?:n)?', 'no nos interesa', 'sin interes')}(?: ${alt('nada', 'mas', 'ya', 'gracias', 'porfavor', 'para nada', 'ok', 'tus mensajes', 'sus mensajes', 'sus ofertas', 'su tienda', 'su publicidad')})*${E}`),
  rule('es-cansado', 'es', MEDIUM, `\\b${alt('harto', 'harta', 'hartos', 'cansado', 'cansada', 'odio', 'ya me tienen', 'me tienen')} (?:${W} ){0,3}${alt(MSG_ES, 'ustedes', 'esto', 'que me ' + VERB_ES, 'harto', 'harta')}\\b|\\b${alt('tantos', 'demasiados', 'muchos')} (?:${W} ){0,1}${MSG_ES}\\b|\\b${MSG_ES} ${alt('molestos', 'fastidiosos', 'no deseados')}\\b`),
]);

/**
 * Rules that need the original capitalisation: a wrong person named by name
 * ("This is not Tom", "There's no Ashley here"). They run on the body with
 * accents and apostrophes removed but case kept, since lower case cannot tell
 * "this is not Tom" from "this is not fair".
 */
export const NAME_RULES: readonly OptOutRule[] = Object.freeze([
  rule('not-this-person', 'en', MEDIUM, '\\b(?:[Tt]his (?:is not|isnt|aint|IS NOT|ISNT)|[Ii]m not|IM NOT|I am not|[Ii]t(?:s| is) not)\\s+[A-Z][a-z]+(?:s)?(?=\\s*(?:[.!?,;]|$|here\\b|s (?:phone|number|cell)\\b|any ?more\\b|lol\\b|sorry\\b))'),
  // "wrong Sarah", "Wrong Mike lol": a name after "wrong" is a wrong person; capitalised nouns a shop uses are not names.
  rule('wrong-name', 'en', MEDIUM, '\\b[Ww]rong (?!(?:Size|Color|Colour|Item|Link|Address|Code|Order|One|Number|Price|Product|Shoe|Shoes|Style|Model|Card|Email|Account|Store|Way|Date)\\b)[A-Z][a-z]+(?=\\s*(?:[.!?,;]|$|lol\\b|haha\\b|sorry\\b|here\\b))'),
  rule('no-such-person', 'en', MEDIUM, '\\b(?:[Tt]here(?:s| is) no|[Nn]o) [A-Z][a-z]+ (?:here|at this number|on this phone)\\b'),
  rule('es-no-such-person', 'es', MEDIUM, '\\b(?:[Nn]o soy|[Aa]qui no (?:vive|hay|es)|[Nn]o hay ning[uú]n(?:a)?) [A-Z][a-z]+\\b'),
]);

/** Resubscribe intent: "I sent STOP by accident, start again" is not an opt-out. */
export const RESUBSCRIBE = new RegExp(
  `\\b${alt('unstop', 'resubscribe', 're subscribe', 'subscribe me', 'sign me (?:back )?up', 'opt (?:me )?(?:back )?in', 'add me back', 'keep (?:texting|sending|messaging) me', 'dont stop (?:texting|sending|messaging)', 'start (?:again|back|texting|sending|messages|texts|over)', 'please start', 'suscribirme de nuevo', 'vuelvan a enviarme', 'quiero seguir recibiendo')}\\b|${S}${alt('start', 'unstop')}${E}`,
);

/**
 * A stop, unsubscribe or "baja" the sender says was a mistake: "I hit stop by
 * accident", "me di de baja sin querer". Only overrides rules that name the
 * act (see the detector); "added to this list by mistake, stop" still counts.
 */
const ACT = alt('stop', 'unsubscribe', 'opt out', 'opted out', 'cancel', 'alto', 'baja', 'de baja', 'para', 'parar', 'cancelar', 'end', 'quit');
const ACCIDENT = alt('by accident', 'by mistake', 'accidentally', 'on accident', 'sin querer', 'por error', 'por equivocacion', 'por accidente', 'without meaning to');
export const ACCIDENTAL_STOP = new RegExp(
  `\\b${ACT}(?: \\w+){0,3} ${ACCIDENT}\\b|\\b${ACCIDENT}(?: \\w+){0,3} ${ACT}\\b|\\b${alt('didnt mean', 'did not mean', 'no queria', 'me equivoque al')} (?:\\w+ ){0,3}${ACT}\\b|\\b${alt('want', 'quiero')} ${alt('them', 'the texts', 'your texts', 'the messages', 'texts', 'messages', 'the deals', 'los mensajes', 'sus mensajes')} ${alt('back', 'again', 'de nuevo', 'otra vez')}\\b`,
);

/**
 * Praise beside a bare "stop": "stop it, these are so cute", "haha stop, I'm
 * already buying it". The shopper is teasing back, not revoking; only
 * overrides rules that see the word "stop" alone, and not when the praise is
 * negated ("stop, I don't want it").
 */
export const PLAYFUL = new RegExp(
  `(?<!\\b${alt('dont', 'do not', 'not', 'no longer', 'never', 'wont', 'didnt', 'no')} (?:[a-z]+ )?)\\b${alt('(?<!\\bthe )love', 'loving', 'obsessed', 'cute', 'gorgeous', 'beautiful', 'amazing', 'stunning', 'tempting', 'temptation', 'buying', 'buy everything', 'buying everything', 'making me want', 'want (?:it|them|everything|all|one|these|this)', 'need (?:it|them|these|this|one)', 'my wallet', 'my bank account', 'so good', 'too good', 'make me (?:spend|buy|want)', 'making me (?:spend|buy|want)', 'spend (?:all )?my (?:money|paycheck|savings)', 'me encanta', 'me encantan', 'hermos[oa]s?', 'precios[oa]s?', 'lo quiero', 'los quiero', 'lo compro')}\\b`,
);

/**
 * Praise: a message that likes the texts or the goods is not revoking them.
 * The model counts words and cannot read this polarity ("your texts make me
 * smile" shares every word with a complaint), so the detector does not ask
 * it about a message that praises. Negated praise ("don't love these") is
 * not praise.
 */
export const PRAISE = new RegExp(
  `(?<!\\b${alt('dont', 'do not', 'not', 'no', 'never', 'didnt', 'wont')} (?:[a-z]+ )?)\\b${alt('love', 'loving', 'like', 'liked', 'enjoy', 'smile', 'clever', 'funny', 'cute', 'great', 'awesome', 'amazing', 'helpful', 'appreciate', 'thank', 'thanks', 'gracias', 'want more', 'more please', 'keep them coming', 'me encanta', 'me encantan', 'me gusta', 'me gustan', 'excelente', 'genial', 'buenisimo', 'bonito', 'bonita', 'lindo', 'linda', 'hermoso', 'hermosa')}\\b`,
);

/** Asking us to keep going: "don't stop sending deals", "no dejen de avisarme", "sigan mandando ofertas". */
export const NEGATED_STOP = new RegExp(
  `\\b${alt('dont', 'do not', 'never', 'no', 'nunca')} (?:${alt('me', 'nos')} )?${alt('stop', 'quit', 'end', 'dejen de', 'dejes de', 'deje de', 'paren de', 'dejar de')}\\b|\\b${alt('keep', 'sigan', 'sigue', 'continuen', 'continue')} ${alt('texting', 'sending', 'messaging', 'them coming', 'mandando', 'enviando', 'escribiendo', 'avisando', 'me')}\\b`,
);

/** A reply that declines the offer rather than the channel: below the threshold, flagged for review. */
const DECLINES = alt('no', 'nah', 'nope', 'no thanks', 'not now', 'not right now', 'not yet', 'maybe later', 'maybe next time', 'im good', 'im ok', 'im fine', 'all good', 'no gracias', 'ahora no', 'ahorita no', 'i pass', 'ill pass', 'pass');
export const DECLINE = new RegExp(`${S}(?:${POLITE} )*${DECLINES}(?: ${alt(DECLINES, TAIL)})*${E}`);
