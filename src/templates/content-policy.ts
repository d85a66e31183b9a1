/**
 * What every marketing text must say and must not: it names the shop, the
 * first reminder after an opt-in tells how to opt out, and links never go
 * through a public URL shortener (carriers filter them, and a shopper cannot
 * see where they lead). Checked when a flow is saved; the render-time helpers
 * repair what a flow saved before these checks (or an unusual branch of a
 * template) would miss.
 */

/** Shared public shorteners; a link on a subdomain of one counts too. Lower case, without "www.". */
export const PUBLIC_SHORTENER_HOSTS: readonly string[] = Object.freeze([
  'bit.ly',
  'bitly.com',
  'bitly.is',
  'j.mp',
  'tinyurl.com',
  't.co',
  'goo.gl',
  'ow.ly',
  'is.gd',
  'v.gd',
  'buff.ly',
  'rebrand.ly',
  'rb.gy',
  'cutt.ly',
  'shorturl.at',
  'tiny.cc',
  'tiny.one',
  't.ly',
  'bl.ink',
  'soo.gd',
  's.id',
  'shorte.st',
  'adf.ly',
  'lnkd.in',
  'short.io',
  'clck.ru',
]);

export const OPT_OUT_NOTICE = 'Reply STOP to opt out';

// A host-like token: labels of letters, digits and hyphens joined by dots. Case-insensitive.
const HOST_TOKEN = /(?<![\w.-])(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{1,63})(?![\w-])/gi;
const SHORTENERS = new Set(PUBLIC_SHORTENER_HOSTS);

/** The public shorteners linked from `text` (a template's source or a rendered body), distinct, in order. */
export function publicShortenerLinks(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(HOST_TOKEN)) {
    const host = (match[1] ?? '').toLowerCase().replace(/^www\./, '');
    const shortener = shortenerOf(host);
    if (shortener) found.add(shortener);
  }
  return [...found];
}

function shortenerOf(host: string): string | null {
  if (SHORTENERS.has(host)) return host;
  for (const shortener of SHORTENERS) if (host.endsWith(`.${shortener}`)) return shortener;
  return null;
}

/**
 * Whether a template names the shop: it prints `{{shopName}}` (at the top
 * level or through `@root`/`../`, which the checker reports as used) or holds
 * the shop's name literally.
 */
export function templateNamesShop(source: string, usedVariables: readonly string[], shopName: string): boolean {
  return usedVariables.includes('shopName') || includesName(source, shopName);
}

/** The body, led by "<shop>: " unless it already names the shop (a conditional `{{shopName}}` may not have printed). */
export function withShopNamed(body: string, shopName: string): string {
  const name = oneLine(shopName);
  if (!name || includesName(body, name)) return body;
  return body ? `${name}: ${body}` : name;
}

// "Reply STOP to cancel", "Text STOP to quit", "send STOP": an instruction naming the keyword.
const OPT_OUT_INSTRUCTION = /\b(?:reply|text|send|txt)\s+["']?STOP\b/i;

/** The body with the opt-out notice appended unless it already tells how to opt out. */
export function withOptOutNotice(body: string): string {
  if (OPT_OUT_INSTRUCTION.test(body)) return body;
  return body ? `${body} ${OPT_OUT_NOTICE}` : OPT_OUT_NOTICE;
}

function includesName(text: string, name: string): boolean {
  const wanted = oneLine(name).toLowerCase();
  return wanted.length > 0 && oneLine(text).toLowerCase().includes(wanted);
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
