/**
 * Structural opt-out frames, Spanish (Mexican, Caribbean, Andean and
 * Rioplatense usage alike), over the word classes of `opt-out-lexicon.ts`:
 *
 *   negation × (clitic) × (continue) × contact-verb   "ni me sigan escribiendo"
 *   dejar/parar × de × contact-verb                    "dejen ya de textearme"
 *   no querer × (seguir) × recibir × messages          "no deseo seguir recibiendo ofertas"
 *   threat × (clitic)                                  "los voy a denunciar"
 *   exclamation about us                               "qué fastidio", "ya chole"
 *
 * Verbs are matched by stem and the endings of a request (subjunctive,
 * infinitive, gerund), never by a list of conjugations, so "manden", "mandes",
 * "mande", "mandarme", "mandando" all count and "mandaron" does not.
 */
import {
  CLITIC_ES,
  CONTACT_INF_ES,
  CONTACT_SUBJ_ES,
  CONTINUE_ES,
  MSG_MOD_ES,
  NEG_ES,
  ORDER_THING_ES,
  OTHER_NUMBER_ES,
  PRODUCT_ARTICLE_ES,
} from './opt-out-lexicon.js';
import { alt, E, MEDIUM, NEAR, rule, S, STRONG, WEAK, type OptOutRule } from './opt-out-rule.js';
import { DET_ES, MSG_ES, POLITE } from './opt-out-vocabulary.js';

/** Words that may close a Spanish request without changing it. */
const CLOSE = `(?: ${alt(POLITE, 'mas', 'nada', 'nada mas', 'ya', 'nunca', 'nunca mas', 'jamas', 'de nuevo', 'otra vez', 'gracias', 'porfavor', 'por favor', 'a este numero', 'a mi numero', 'aqui')})*`;
/**
 * A product after the verb turns the request into one about the order ("no me
 * manden el rojo"), and a manner adverb into one about a mistake ("no estén
 * escribiendo mal mi dirección").
 */
const NOT_PRODUCT = `(?! ${PRODUCT_ARTICLE_ES} (?!${alt(MSG_ES, 'basura', 'spam')}\\b)| ${ORDER_THING_ES}\\b| ${alt('mal', 'bien', 'incorrect[oa]s?', 'equivocad[oa]s?', 'dos veces', 'doble')}\\b)`;

export const FRAMES_ES: readonly OptOutRule[] = Object.freeze([
  // "no me envíen", "nunca me escriban", "ni me sigan mandando", "no vuelvan a contactarme"
  rule('f-es-neg-contact', 'es', STRONG,
    `\\b${NEG_ES} (?:${alt('me', 'nos', 'le', 'les')} )?(?:${CONTINUE_ES} (?:${CLITIC_ES} )?${CONTACT_INF_ES}|${CONTACT_SUBJ_ES})\\b${NOT_PRODUCT}`),
  // The infinitive of instructions: "favor de no contactarme", "por favor no enviar más mensajes".
  rule('f-es-neg-infinitive', 'es', STRONG,
    `\\b${alt('favor de', 'porfavor', 'pido', 'les pido', 'le pido', 'les pedimos', 'solicito', 'pedirles', 'agradeceria')} (?:que )?no (?:${alt('me', 'nos')} )?${CONTACT_INF_ES}\\b${NOT_PRODUCT}`),
  // "porfavor ya no", "ya no más": the whole reply refuses more.
  rule('f-es-ya-no', 'es', MEDIUM, `${S}(?:${POLITE} )*ya no(?: ${alt('mas', 'gracias', 'porfavor', 'mas porfavor', 'mas gracias')})*${E}`),
  // "no soy yo", "nunca pedí nada": the shopper is not who we think.
  rule('f-es-not-me', 'es', MEDIUM,
    `${S}(?:${POLITE} )*${alt('no soy yo', 'ese no soy yo', 'esa no soy yo', 'yo no fui', 'no fui yo')}${CLOSE}${E}|\\b${alt('nunca', 'jamas', 'yo no')} ${alt('pedi', 'solicite', 'ordene', 'compre', 'agregue', 'deje', 'pedi ni compre')} ${alt('nada', 'esto', 'estos mensajes', 'mensajes', 'nada en su tienda', 'nada ahi', 'nada con ustedes')}${CLOSE}${E}`),
  // The same request about the order ("no me manden factura", "no me envíen el rojo"): a near miss, for a person to read.
  rule('f-es-neg-contact-order', 'es', NEAR,
    `\\b${NEG_ES} (?:${alt('me', 'nos', 'le', 'les')} )?${alt(CONTACT_SUBJ_ES, CONTACT_INF_ES)} (?:${PRODUCT_ARTICLE_ES} (?!${alt(MSG_ES, 'basura', 'spam')}\\b)|${ORDER_THING_ES}\\b)`),
  // Declining the goods, not the channel: "ya no quiero los zapatos", "no quiero recibir el paquete en casa", "ya no lo quiero".
  rule('f-es-decline-goods', 'es', NEAR,
    `\\b(?:ya )?no (?:${alt('lo', 'la', 'los', 'las')} )?${alt('quiero', 'queremos', 'necesito', 'ocupo', 'voy a querer')}(?: recibir)?(?: (?:${PRODUCT_ARTICLE_ES}|${alt('ese', 'esa', 'esos', 'esas', 'este', 'esta', 'estos', 'estas')}) (?!${alt(MSG_ES, 'basura', 'spam')}\\b)[a-z]+|${E}| ${ORDER_THING_ES}\\b)`),
  // "dejen de escribirme", "paren de mandar mensajes"; "no dejen de avisarme" asks for the opposite.
  rule('f-es-dejar-de', 'es', STRONG,
    `(?<!\\bno (?:${CLITIC_ES} )?)\\b${alt('dejen', 'deja', 'deje', 'dejes', 'dejar', 'dejad', 'paren', 'para', 'pare', 'parar', 'terminen', 'acaben', 'basta')} de (?:${CLITIC_ES} )?${CONTACT_INF_ES}\\b${NOT_PRODUCT}`),
  // "no quiero (seguir) recibir(endo) mensajes", "no deseo que me sigan escribiendo"
  rule('f-es-no-quiero-recibir', 'es', STRONG,
    `\\b${alt('no', 'nunca', 'ya no')} ${alt('quiero', 'quiere', 'queremos', 'deseo', 'deseamos', 'necesito', 'me interesa', 'acepto', 'autorizo', 'estoy interesad[oa] en', 'me gusta')} (?:${alt('seguir', 'volver a', 'continuar', 'continuar a')} )?${alt('recibir', 'recibiendo', 'que me (?:' + CONTINUE_ES + ' )?' + alt(CONTACT_SUBJ_ES, CONTACT_INF_ES))}(?: mas)?(?: ${DET_ES})*(?: ${MSG_MOD_ES}\\b|${CLOSE}${E}| ${alt('nada', 'esto', 'eso', 'nada de ustedes', 'cosas')}\\b)`),
  rule('f-es-no-quiero-msg', 'es', STRONG,
    `\\b${alt('no', 'nunca', 'ya no')} ${alt('quiero', 'queremos', 'deseo', 'necesito')} ${alt('mas', 'ningun', 'ninguna', 'ningunos', 'sus', 'tus', 'estos', 'estas', 'esos', 'los', 'las', 'recibir mas')} (?:[a-z]+ )?${MSG_ES}\\b`),
  // "no me interesan sus promociones": not interested, with our messages as the object.
  rule('f-es-no-interest-msg', 'es', STRONG,
    `\\bno (?:me |nos )?interesan? (?:${alt('sus', 'tus', 'los', 'las', 'estos', 'estas', 'recibir', 'recibir sus', 'recibir mas')} )(?:[a-z]+ )?${MSG_ES}\\b`),
  // "que no me llegue ni un mensaje más": subjunctive of llegar; "no me llega el mensaje" is a delivery problem.
  rule('f-es-no-lleguen', 'es', STRONG,
    `\\bno (?:me |nos )?${alt('llegue', 'lleguen')} (?:${alt('ni un', 'ni uno', 'ni una', 'mas', 'ningun', 'ninguna', 'otro', 'otros', 'sus', 'estos')} )*${MSG_ES}\\b`),
  // "bórrenme", "me pueden quitar de su lista", "quiero que me borren", "borradme" (vosotros)
  rule('f-es-remove-me', 'es', STRONG,
    `\\b${alt('me', 'nos')} (?:${alt('pueden', 'puede', 'podrian', 'podria', 'puedes', 'podrias', 'van a', 'quieren')} )?${alt('borr', 'quit', 'sac', 'saqu', 'elimin', 'retir', 'remuev', 'remov', 'baj', 'dar de baj', 'dan de baj', 'den de baj')}[a-z]* de (?:${alt('la', 'su', 'sus', 'esta', 'tu', 'vuestra', 'las', 'los', 'esa')} )?${alt('lista', 'listas', 'base de datos', 'base', 'contactos', 'registro', 'suscripcion', 'mensajes', 'envios', 'sistema', 'grupo', 'difusion', 'promociones', 'publicidad')}\\b|\\bque me ${alt('borren', 'quiten', 'saquen', 'eliminen', 'retiren', 'den de baja', 'remuevan', 'bajen', 'borres', 'quites', 'saques', 'elimines')}\\b|\\b${alt('borr', 'quit', 'sac', 'elimin', 'retir', 'dad', 'dadme de baj')}adme\\b`),
  // "no sé de qué tienda son", "no sé quiénes son ustedes", "no sé qué es esto"
  rule('f-es-dont-know-us', 'es', STRONG,
    `\\bno se (?:de )?(?:${alt('que', 'cual')} ${alt('tienda', 'empresa', 'marca', 'negocio', 'lugar', 'compania', 'pagina', 'sitio')}|${alt('quien', 'quienes')}) ${alt('es', 'son', 'eres', 'sea', 'sean', 'sera', 'seran', 'me escribe', 'me escriben', 'me manda', 'me mandan')}\\b|\\bno se ${alt('que', 'de que')} es esto${CLOSE}${E}`),
  // "los voy a denunciar", "voy a bloquearlos", "ya los bloqueé", "voy a reportar este número"
  rule('f-es-threat', 'es', MEDIUM,
    `\\b${alt('los', 'las', 'te', 'lo', 'les')} ${alt('voy', 'vamos', 'ire', 'van')} a ${alt('reportar', 'denunciar', 'demandar', 'bloquear', 'acusar', 'quemar', 'exhibir')}\\b|\\b${alt('voy', 'vamos', 'ire')} a ${alt('reportar', 'denunciar', 'demandar', 'bloquear', 'acusar', 'exhibir', 'quejarme')}(?:${alt('los', 'las', 'te', 'les', 'lo')}\\b|(?: ${alt('a ustedes', 'este numero', 'su numero', 'este contacto', 'su tienda', 'su empresa', 'ante profeco', 'con profeco', 'a profeco', 'como spam')})?${CLOSE}${E})|\\b${alt('los', 'las', 'te')} ${alt('bloqueo', 'bloquee', 'reporto', 'reporte', 'denuncio', 'denuncie', 'demando')}\\b`),
  // "qué fastidio", "qué pesados", "ya chole", "ya estuvo bueno", "me tienen hasta la madre"
  rule('f-es-exclaim', 'es', MEDIUM,
    `${S}(?:${POLITE} )*(?:ya )?${alt('que', 'ke', 'k')} ${alt('fastidio', 'lata', 'hueva', 'pesados', 'pesadez', 'molestos', 'molestia', 'necios', 'insistentes', 'intensos', 'hartera', 'friega', 'joda', 'ladilla', 'fastidiosos', 'latosos', 'encimosos', 'cansones', 'jartera', 'mamones', 'pesadilla', 'acoso')}(?: ${alt('son', 'que son', 'de verdad', 'en serio', 'con (?:sus|tantos|los|tanto|estos) (?:[a-z]+ )?' + MSG_ES)})?${CLOSE}${E}`),
  rule('f-es-fed-up', 'es', MEDIUM,
    `${S}(?:${POLITE} )*(?:ya )?${alt('chole', 'estuvo bueno', 'fue suficiente', 'es suficiente', 'es demasiado', 'me cansaron', 'me hartaron', 'me tienen (?:harto|harta|hartos|cansado|cansada|hasta la madre|hasta el gorro|hasta la coronilla|frito|frita|podrido|podrida)')}(?: ${alt('con (?:sus|tantos|los|tanto|estos|esto|esta)(?: [a-z]+)?', 'de (?:sus|tantos|los|estos)(?: [a-z]+)?')})?${CLOSE}${E}|\\bya me ${alt('cansaron', 'hartaron', 'tienen harto', 'tienen harta', 'tienen hasta la madre', 'tienen cansado', 'tienen cansada')}\\b`),
  // Clause keywords beyond "alto/basta/baja": "parar", "detener", "suspendan", "desactivar".
  rule('f-es-keyword', 'es', STRONG,
    `${S}(?:${POLITE} )*${alt('parar', 'detener', 'detengan', 'detente', 'deten', 'suspender', 'suspendan', 'desactivar', 'desactiven', 'finalizar', 'terminar', 'darme de baja', 'dar de baja', 'baja de mensajes', 'alto a los mensajes', 'reportado', 'reportados', 'bloqueado', 'bloqueados', 'denunciado', 'spam')}${CLOSE}${E}`),
  // "detengan los mensajes", "paren sus promociones", "corten los mensajes": a stop verb with our messages as object.
  rule('f-es-stop-msg', 'es', STRONG,
    `\\b${alt('detengan', 'deten', 'detener', 'paren', 'parar', 'suspendan', 'suspender', 'desactiven', 'desactivar', 'corten', 'quiten', 'quitar', 'terminen', 'eliminen', 'basta de', 'alto a', 'stop a', 'stop con', 'no mas', 'cancelen', 'cancelar')} (?:${alt('los', 'las', 'sus', 'estos', 'estas', 'tantos', 'tantas', 'todos los', 'todas las', 'el envio de', 'ya')} )*${MSG_MOD_ES}\\b`),
  // "equivocado", "se equivocaron" as the whole reply: the number is wrong.
  rule('f-es-wrong-alone', 'es', MEDIUM, `${S}(?:${POLITE} )*${alt('equivocad[oa]s?', 'se equivocaron', 'se equivoco', 'esta equivocado', 'estan equivocados', 'numero equivocado')}${CLOSE}${E}`),
  // "no conozco a nadie con ese nombre", "no hay ninguna Carmen aquí", "no soy cliente suyo"
  rule('f-es-nobody', 'es', STRONG,
    `\\bno ${alt('conozco', 'hay', 'vive', 'existe')} (?:a )?${alt('nadie', 'ninguna persona', 'ningun', 'ninguna')} (?:[a-z]+ )?${alt('con ese nombre', 'que se llame', 'asi', 'aqui', 'aca', 'en este numero', 'con este numero')}\\b|\\b${alt('no soy', 'nunca he sido', 'nunca fui', 'no somos')} (?:su |tu )?${alt('cliente', 'clienta', 'clientes')}(?: ${alt('suyo', 'suya', 'de ustedes', 'de esta tienda', 'de ese lugar', 'de su tienda')})?${CLOSE}${E}`),
  // "son muy insistentes", "están bien intensos": a verdict on us.
  rule('f-es-verdict', 'es', MEDIUM,
    `${S}(?:${POLITE} )*${alt('son', 'estan', 'ustedes son', 'que', 'ya son', 'se pasan de')} (?:${alt('muy', 'bien', 'demasiado', 'super', 'tan', 'bastante', 're')} )?${alt('insistentes', 'intensos', 'pesados', 'molestos', 'latosos', 'encimosos', 'fastidiosos', 'necios', 'acosadores', 'spam', 'cansones', 'hostigosos')}${CLOSE}${E}|${S}(?:${POLITE} )*${alt('esto es', 'es', 'son', 'que')} (?:${alt('un', 'una', 'puro', 'pura')} )?${alt('acoso', 'hostigamiento', 'abuso', 'spam', 'estafa', 'fraude', 'basura', 'molestia')}${CLOSE}${E}`),
  // "está equivocado el número", "tienen mal el número"; not "el número de pedido está equivocado".
  rule('f-es-wrong-number', 'es', STRONG,
    `\\b${alt('equivocad[oa]s?', 'incorrecto', 'erroneo', 'mal')} (?:${alt('el', 'de', 'este', 'su', 'mi')} )?${alt('numero', 'telefono', 'celular', 'persona', 'contacto')}\\b(?! de ${OTHER_NUMBER_ES}\\b)|\\b${alt('numero', 'telefono', 'celular')} (?!de ${OTHER_NUMBER_ES}\\b)(?:[a-z]+ ){0,2}${alt('equivocado', 'incorrecto', 'erroneo', 'errado', 'que no es mio')}\\b`),
  // "ese número ya no existe", "este número es de otra persona"
  rule('f-es-not-my-number', 'es', STRONG,
    `\\b${alt('este', 'ese', 'el', 'mi', 'este mismo')} ${alt('numero', 'telefono', 'celular', 'cel', 'whatsapp')} (?:ya )?${alt('no existe', 'no es mio', 'es de otra persona', 'es de alguien mas', 'cambio de dueno', 'ahora es mio', 'ahora es de', 'es nuevo', 'lo tengo hace poco', 'era de')}\\b`),
  // "déjenme tranquila", "déjenme de molestar"
  rule('f-es-leave-alone', 'es', STRONG, `\\b${alt('dejame', 'dejenme', 'dejeme', 'dejanos', 'dejennos')} ${alt('en paz', 'tranquil[oa]s?', 'de molestar', 'de fastidiar', 'vivir')}\\b`),
  // "¿por qué me siguen mandando mensajes?", "por qué me llegan estos mensajes": being sent them is the complaint.
  rule('f-es-why', 'es', STRONG,
    `\\bpor que (?:${alt('me', 'nos')} )?(?:${alt('siguen', 'sigue', 'insisten en')} )?${alt('mandan', 'envian', 'escriben', 'llegan', 'llega', 'mandando', 'enviando', 'escribiendo', 'mandarme', 'enviarme', 'escribirme', 'contactan', 'llaman')}(?: ${alt('tantos', 'estos', 'sus', 'esto', 'mas', 'tanto')})?(?: ${MSG_MOD_ES})?${CLOSE}${E}`),
  // "me mandan mensajes a cada rato", "mensajes todos los días": frequency is the complaint.
  rule('f-es-too-often', 'es', WEAK,
    `\\b${MSG_ES}(?: [a-z]+){0,2} ${alt('todos los dias', 'a cada rato', 'cada rato', 'a diario', 'diario', 'cada hora', 'todo el dia', 'a toda hora', 'cada 5 minutos', 'a cada ratito')}\\b`),
  // "no me interesa nada de esto": the whole reply refuses; "no me interesa el rojo" is about a product.
  rule('f-es-not-interested', 'es', WEAK,
    `${S}(?:${POLITE} )*(?:no gracias )?${alt('no me interesa', 'no me interesan', 'no estoy interesad[oa]', 'no nos interesa', 'ya no me interesa')}(?: ${alt('nada', 'nada de esto', 'nada de eso', 'nada de lo que venden', 'sus productos', 'su tienda', 'sus ofertas', 'recibir nada', 'comprar', 'comprar nada', 'para nada', 'en absoluto')})?${CLOSE}${E}`),
]);
