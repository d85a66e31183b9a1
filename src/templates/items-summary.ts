import type { CartLineItem } from '../domain/cart-event.js';

export const ITEMS_SUMMARY_MAX_CHARS = 60;

/**
 * The cart lines on one line: `Title (Variant)`, prefixed `2x ` when more than
 * one. When the whole list is longer than `maxChars` (counted in code points),
 * it keeps as many leading lines as fit and ends "and N more".
 *
 * "x", not "×": the multiplication sign is not in GSM-7, and one of it would
 * send the whole message as UCS-2 at less than half the room per segment.
 */
export function summarizeItems(items: readonly CartLineItem[], maxChars: number = ITEMS_SUMMARY_MAX_CHARS): string {
  const lines = items.map((item) => {
    const title = oneLine(item.title);
    const variant = item.variant ? oneLine(item.variant) : '';
    return `${item.quantity > 1 ? `${item.quantity}x ` : ''}${title}${variant ? ` (${variant})` : ''}`;
  });
  const all = lines.join(', ');
  if (charCount(all) <= maxChars) return all;
  for (let shown = lines.length - 1; shown >= 1; shown -= 1) {
    const candidate = `${lines.slice(0, shown).join(', ')} and ${lines.length - shown} more`;
    if (charCount(candidate) <= maxChars) return candidate;
  }
  // Even the first line alone is too long: cut it.
  const rest = lines.length > 1 ? ` and ${lines.length - 1} more` : '';
  return truncate(lines[0] ?? '', maxChars - charCount(rest)) + rest;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function charCount(value: string): number {
  return Array.from(value).length;
}

/** Cuts at a code point, never inside a surrogate pair, and marks the cut with "...". */
function truncate(value: string, maxChars: number): string {
  const chars = Array.from(value);
  if (chars.length <= maxChars) return value;
  return `${chars.slice(0, Math.max(0, maxChars - 3)).join('').trimEnd()}...`;
}
