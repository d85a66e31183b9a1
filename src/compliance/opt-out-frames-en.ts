/**
 * Structural opt-out frames, English. Each frame is one way a revocation is
 * built, over the word classes of `opt-out-lexicon.ts`:
 *
 *   stop-verb × contact-verb × (object)    "quit hitting up my phone"
 *   negation × contact-verb × object       "never dm this number again"
 *   not-want × receive × messages          "I no longer wish to get promo texts"
 *   not-know × us                          "I don't know who you are"
 *   complaint × messages                   "chill with the texts", "5th text today"
 *
 * They run on the normalised text and on its core (fillers removed), next to
 * the phrase rules of `opt-out-phrases.ts`; the detector takes the strongest.
 */
import {
  ANNOYED_EN,
  CONTACT_EN,
  CONTACT_ING_EN,
  MSG_MOD_EN,
  NOT_BEFORE_STOP_EN,
  OBJ_ME_EN,
  STOP_V_EN,
} from './opt-out-lexicon.js';
import { alt, E, MEDIUM, NEAR, rule, S, STRONG, W, WEAK, type OptOutRule } from './opt-out-rule.js';
import { DET, MSG_EN, POLITE } from './opt-out-vocabulary.js';

/** What may close a request without changing it: "…again", "…anymore", "…thanks". */
const CLOSE = `(?: ${alt(POLITE, 'again', 'ever again', 'anymore', 'any more', 'from now on', 'going forward', 'at all', 'period')})*`;

export const FRAMES_EN: readonly OptOutRule[] = Object.freeze([
  // "stop/quit/cease + contacting (+ me)": the object is optional because the verb already names our channel.
  rule('f-stop-contacting', 'en', STRONG,
    `(?<!\\b${NOT_BEFORE_STOP_EN} )\\b${STOP_V_EN} (?:${alt('with', 'with the', 'all the', 'all this', 'the')} )?${CONTACT_ING_EN}\\b(?: ${OBJ_ME_EN}\\b)?(?! ${alt('it', 'them', 'that', 'the \\w+', 'my \\w+', 'orders?', 'packages?')} to\\b)`),
  // "stop sending me …": sending needs an object that is us or our texts, unlike "stop sending it to my old address".
  rule('f-stop-sending', 'en', STRONG,
    `(?<!\\b${NOT_BEFORE_STOP_EN} )\\b${STOP_V_EN} sending(?: ${alt('me', 'us', 'to this number', 'this number')})?(?: ${DET})* ${alt(MSG_MOD_EN, 'stuff', 'things', 'anything', 'crap', 'junk')}\\b(?! ${alt('to my', 'to the', 'to her', 'to him')}\\b)|(?<!\\b${NOT_BEFORE_STOP_EN} )\\b${STOP_V_EN} sending ${alt('me', 'us', 'this number')}${CLOSE}${E}`),
  // "don't/never/do not (ever) + contact-verb + me": the object is required ("don't text and drive").
  rule('f-neg-contact', 'en', STRONG,
    `\\b${alt('dont', 'do not', 'never', 'no more', 'stop')}(?: ${alt('ever', 'even', 'you', 'again')})* ${CONTACT_EN} ${OBJ_ME_EN}\\b(?! ${alt('back', 'when', 'if', 'once', 'before', 'after', 'until', 'at', 'on', 'about', 'instead', 'the', 'with')}\\b)`),
  // "don't send it to my old address", "never ship the blue one": about the order, a near miss for a person to read.
  rule('f-neg-send-order', 'en', NEAR,
    `\\b${alt('dont', 'do not', 'never', 'please dont', 'pls dont')} ${alt('send', 'ship', 'mail', 'deliver', 'charge', 'email', 'text')} (?:me )?${alt('it', 'them', 'that', 'this', 'the', 'my', 'a', 'an', 'any', 'anything')} (?!${alt(MSG_EN, 'more', 'again', 'anymore', 'junk', 'crap', 'spam')}\\b)`),
  // "I don't / no longer want|wish|need + (to) get|receive + (these) texts", "I don't want any more messages".
  rule('f-not-want', 'en', STRONG,
    `\\b${alt('dont', 'do not', 'no longer', 'never', 'would rather not', 'dont really', 'do not really')} ${alt('want', 'wish', 'need', 'care', 'like')}(?: ${alt('to', 'for', 'get', 'receive', 'getting', 'receiving', 'see', 'seeing', 'any', 'more', 'any more', 'anymore', 'these', 'those', 'your', 'the', 'such', 'all', 'these', 'be')})* ${alt(MSG_MOD_EN, 'texted', 'messaged', 'contacted', 'bothered', 'hear from you')}\\b(?! ${alt('about', 'for', 'on', 'with')} (?:my|the|an?) ${alt('order', 'package', 'delivery', 'shipping', 'shipment', 'refund', 'return')})`),
  // "I don't know who you are", "idk who this is", "I don't know you".
  rule('f-dont-know-us', 'en', STRONG,
    `\\b${alt('dont', 'do not', 'idk', 'i have no idea', 'no idea', 'no clue', 'not sure', 'have no clue')}(?: know)?(?: ${alt('who', 'what')} ${alt('you are', 'you guys are', 'you people are', 'yall are', 'this is', 'you is', 'is this', 'this even is', 'sent this', 'is texting me', 'is messaging me')}| ${alt('you', 'ya', 'yall', 'you guys', 'you people', 'this store', 'this company', 'this brand', 'your store', 'your company')})${CLOSE}${E}`),
  // "I don't shop there", "never bought anything from you": denies being a customer.
  rule('f-not-customer', 'en', STRONG,
    `\\b${alt('dont', 'do not', 'never', 'have never', 'never ever', 'havent ever', 'didnt ever')} ${alt('shop', 'shopped', 'buy', 'bought', 'order', 'ordered', 'purchase', 'purchased')}(?: ${alt('anything', 'nothing', 'a thing')})? ${alt('there', 'here', 'with you', 'with yall', 'from you', 'from yall', 'at your \\w+', 'at this \\w+', 'from this \\w+', 'from your \\w+', 'online with you')}${CLOSE}${E}`),
  // "why am I getting these", "why do I keep receiving texts": being sent our texts at all is the complaint.
  rule('f-why-getting', 'en', STRONG,
    `\\bwhy ${alt('am i', 'do i', 'do i keep', 'am i still', 'is this number', 'does this number', 'is my phone', 'are these', 'are you still', 'r u', 'are u', 'are you')} ${alt('getting', 'receiving', 'get', 'receive', 'being sent', 'being texted', 'sending me', 'texting me', 'messaging me')}(?: ${alt('these', 'this', 'those', 'your', 'all these', 'so many', 'more', 'any')})?(?: ${MSG_MOD_EN})?${CLOSE}${E}`),
  // "chill with the texts", "ease up on the messages", "tone down the reminders".
  rule('f-chill', 'en', STRONG,
    `\\b${alt('chill', 'calm down', 'ease up', 'easy', 'relax', 'cool it', 'lay off', 'tone down', 'tone it down', 'slow down', 'back off', 'cut back', 'cut down', 'dial it back', 'knock it off', 'cut it out', 'enough')}(?: ${alt('with', 'on', 'of')})?(?: ${DET})* ${MSG_MOD_EN}\\b`),
  // "knock it off", "cut it out", "give it a rest" as the whole clause: in a reply to our text, "it" is the texts.
  rule('f-knock-it-off', 'en', MEDIUM, `${S}(?:${POLITE} )*${alt('knock it off', 'cut it out', 'give it a rest', 'lay off', 'back off', 'enough already', 'enough is enough', 'thats enough', 'thats enough now')}${CLOSE}${E}`),
  // "omg another text", "5th text today", "3 texts in one day": counting our texts is a complaint about them.
  rule('f-another-text', 'en', WEAK,
    `${S}(?:${POLITE} )*${alt('another', 'yet another', 'one more', 'more', 'again', 'another one')} ${alt(MSG_EN, 'reminder')}${alt('', ' again', ' today', ' from you', ' already', ' really')}${CLOSE}${E}`),
  rule('f-nth-text', 'en', STRONG,
    `\\b(?:${alt('\\d+(?:st|nd|rd|th)', 'second', 'third', 'fourth', 'fifth', 'sixth', 'tenth', 'millionth', '\\d+')}) ${alt(MSG_EN, 'reminders?')} ${alt('today', 'this week', 'in a day', 'in one day', 'this morning', 'in an hour', 'in a row', 'since yesterday', 'already')}\\b|\\b${alt('this is', 'thats', 'that is', 'this makes')} (?:the |my )?${alt('\\d+(?:st|nd|rd|th)', 'second', 'third', 'fourth', 'fifth', 'sixth', 'tenth', 'millionth')} ${alt(MSG_EN, 'reminder')}${CLOSE}${E}`),
  // "so annoying", "this is creepy", "ur annoying": a complaint with no other subject is about the texts.
  rule('f-annoyed', 'en', WEAK,
    `${S}(?:${POLITE} )*(?:${alt('this is', 'thats', 'that is', 'these are', 'these r', 'its', 'it is', 'you are', 'youre', 'your', 'u are', 'you r', 'ur', 'yall are', 'so', 'very', 'super', 'really', 'so so', 'way')} )*${ANNOYED_EN}(?: ${alt('af', 'asf', 'as hell', 'honestly')})?${CLOSE}${E}`),
  // "tired of getting these", "fed up with your messages", "sick of it".
  rule('f-fed-up', 'en', MEDIUM,
    `\\b${alt('sick', 'tired', 'sick and tired', 'fed up', 'so done', 'done', 'over it', 'over')} ${alt('of', 'with')} (?:${alt('getting', 'receiving', 'seeing', 'reading', 'all')} )?(?:${alt(DET, 'it', 'them')}(?: ${MSG_MOD_EN})?|${MSG_MOD_EN})${CLOSE}${E}`),
  // "not the right person", "you've got the wrong one"
  rule('f-not-right-person', 'en', STRONG,
    `\\bnot the ${alt('right', 'correct', 'same')} ${alt('person', 'number', 'guy', 'girl', 'lady', 'customer', 'one you want', 'one youre looking for')}\\b|\\b${alt('you have', 'youve got', 'you got', 'u got', 'you must have')} the wrong ${alt('one', 'girl', 'guy', 'lady', 'person', 'dude', 'people')}\\b`),
  // "can you not", "could you please not": a refusal with the verb left out is about the texts.
  rule('f-can-you-not', 'en', MEDIUM, `${S}(?:${POLITE} )*${alt('can', 'could', 'would', 'will')} ${alt('you', 'yall', 'ya')} (?:please )?not${CLOSE}${E}`),
  // "I don't know what store this is"
  rule('f-what-store', 'en', STRONG,
    `\\b${alt('dont', 'do not', 'idk', 'no idea', 'not sure', 'no clue')}(?: know)? what ${alt('store', 'company', 'brand', 'business', 'shop', 'website', 'site', 'place')} ${alt('this is', 'you are', 'is this', 'this even is', 'youre')}${CLOSE}${E}`),
  // "report junk", "reported", "reporting as spam" as the whole clause.
  rule('f-report', 'en', STRONG, `${S}(?:${POLITE} )*${alt('report', 'reported', 'reporting', 'flagged', 'flagging')}(?: ${alt('junk', 'spam', 'this', 'it', 'as spam', 'as junk', 'number', 'and blocked', 'and blocking', 'blocked')})?${CLOSE}${E}`),
  // "stop bombarding me with texts", "quit wasting my time"; not "stop teasing me with these deals".
  rule('f-stop-with-msg', 'en', STRONG, `(?<!\\b${NOT_BEFORE_STOP_EN} )\\b${STOP_V_EN} (?:${alt(CONTACT_ING_EN, 'bombarding', 'flooding', 'blasting', 'annoying', 'filling up')} )?(?:${OBJ_ME_EN} )?with (?:${DET} )*${MSG_MOD_EN}\\b|\\b${alt('stop', 'quit', 'quit it', 'stop it')} ${alt('wasting', 'taking up', 'clogging')} my ${alt('time', 'phone', 'inbox')}\\b`),
  // "I want my number removed", "I'd like my info deleted"
  rule('f-want-removed', 'en', STRONG,
    `\\b${alt('want', 'need', 'like', 'wanna', 'get')} ${alt('my number', 'my phone number', 'my cell', 'me', 'this number', 'my info', 'my information', 'my name', 'my details', 'my data')} ${alt('removed', 'deleted', 'taken off', 'erased', 'unsubscribed', 'opted out', 'off (?:your|the|this|ur) list', 'off')}\\b`),
  // "I'll be filing a complaint", "filing a complaint with the FCC"; a complaint about an order names the order.
  rule('f-complaint', 'en', MEDIUM,
    `\\b${alt('filing', 'file', 'lodge', 'lodging', 'making', 'submit', 'submitting', 'opening')} (?:a |an )?(?:${alt('formal', 'official')} )?complaint(?: ${alt('with', 'to')} (?:the |my )?${alt('fcc', 'ftc', 'bbb', 'carrier', 'attorney general', 'better business bureau', 'state')})?${CLOSE}${E}`),
  // "what part of STOP don't you understand"
  rule('f-what-part', 'en', STRONG,
    `\\bwhat part of (?:the word )?${alt('stop', 'no', 'unsubscribe', 'remove me', 'leave me alone', 'dont text me', 'opt out', 'not interested')} ${alt('dont', 'do not', 'didnt', 'did not')} ${alt('you', 'u', 'yall', 'you guys', 'you people')}\\b`),
  // "you text me like 5 times a day", "3 messages a day": frequency is the complaint.
  rule('f-frequency', 'en', STRONG,
    `\\b${alt('text', 'texts', 'message', 'messages', 'texting', 'messaging', 'contact', 'email', 'spam', 'msg')}(?: ${alt('me', 'us')})?(?: like)? ${alt('\\d+', 'so many', 'too many', 'a million', 'a hundred', 'multiple', 'several', 'twice', 'three', 'four', 'five', 'six', 'ten', 'a bunch of', 'a lot of')}(?: ${alt('times', 'texts', 'messages')})? ${alt('a', 'per', 'every', 'each', 'in a', 'in one')} ${alt('day', 'week', 'hour', 'morning', 'night', 'days')}\\b`),
  // "never asked for texts", "didn't sign up for promo messages"
  rule('f-didnt-ask', 'en', STRONG,
    `\\b${alt('never', 'didnt', 'did not', 'dont', 'do not')} ${alt('ask', 'asked', 'request', 'requested', 'sign up', 'signed up', 'opt in', 'opted in', 'subscribe', 'subscribed')} (?:${alt('for', 'to')} )?(?:${DET} )*${MSG_MOD_EN}\\b`),
  // "count me out", "I want out": leaving, with the channel understood.
  rule('f-want-out', 'en', STRONG, `${S}(?:${POLITE} )*${alt('count me out', 'i want out', 'want out', 'im out', 'i am out', 'leave me out', 'leave me out of this', 'get me out', 'get me out of this', 'let me out')}${CLOSE}${E}`),
  // "not me", "that wasn't me", "I never ordered anything": the shopper is not who we think.
  rule('f-not-me', 'en', MEDIUM,
    `${S}(?:${POLITE} )*${alt('not me', 'thats not me', 'that is not me', 'wasnt me', 'it wasnt me', 'that wasnt me', 'this isnt me', 'not mine', 'not my cart', 'thats not my cart')}${CLOSE}${E}|\\b(?:i )?${alt('never', 'didnt', 'did not')} ${alt('ordered', 'order', 'bought', 'buy', 'added', 'add', 'left', 'leave', 'put', 'shopped for')} ${alt('anything', 'nothing', 'this', 'that', 'these', 'any of this', 'a thing')}${CLOSE}${E}`),
  // "I'll sue", "gonna report you", "about to block this number".
  rule('f-threat', 'en', MEDIUM,
    `\\b${alt('ill', 'i will', 'gonna', 'going to', 'im going to', 'i am going to', 'ima', 'about to', 'will')} ${alt('sue', 'report', 'block')}(?: ${alt('you', 'ya', 'yall', 'u', 'you guys', 'your company', 'your store', 'this number', 'this', 'them', 'everyone')})?${CLOSE}${E}`),
  // "unsubscribe me from this", "how do I unsubscribe": asking how to leave is leaving.
  rule('f-how-leave', 'en', STRONG,
    `\\bhow (?:${W} ){0,3}${alt('unsubscribe', 'opt out', `stop (?:${alt('these', 'this', 'the', 'your', 'getting', 'receiving', 'getting these', 'receiving these', 'all the')} )?${MSG_EN}`, 'make (?:these|this|the|your|it) (?:' + MSG_EN + ' )?stop', 'get off (?:this|your|the) list', 'turn (?:these|this|them|it) off', 'get (?:you|yall) to stop')}\\b`),
]);
