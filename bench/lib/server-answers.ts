/**
 * The webhook answer times as the service itself measured them, from its
 * `/metrics` histogram, so that a slow answer can be told apart from a bench
 * client that read it late (the client shares its process with the fake
 * provider, which gets busy when the texts go out).
 */

const HISTOGRAM = 'cartrescue_http_request_duration_seconds';
const ROUTE = '/webhooks/shopify/:merchantId';

/** Answers counted so far, and how many of them took at most each bucket's bound (seconds). */
export interface ServerAnswers {
  count: number;
  within: Map<number, number>;
}

export async function serverAnswers(serviceUrl: string): Promise<ServerAnswers | null> {
  try {
    const response = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) return null;
    return parseServerAnswers(await response.text());
  } catch {
    return null;
  }
}

/** Sums the webhook route's buckets over its status labels. */
export function parseServerAnswers(metrics: string): ServerAnswers {
  const within = new Map<number, number>();
  let count = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(HISTOGRAM) || !line.includes(`route="${ROUTE}"`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith(`${HISTOGRAM}_bucket`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le && le !== '+Inf') within.set(Number(le), (within.get(Number(le)) ?? 0) + value);
    } else if (line.startsWith(`${HISTOGRAM}_count`)) {
      count += value;
    }
  }
  return { count, within };
}

/** Of the answers between two readings, how many took longer than `boundS` (a bucket bound); null when unknown. */
export function answersOver(before: ServerAnswers | null, after: ServerAnswers | null, boundS: number): { answers: number; over: number } | null {
  if (!before || !after || !after.within.has(boundS)) return null;
  const answers = after.count - before.count;
  const within = (after.within.get(boundS) ?? 0) - (before.within.get(boundS) ?? 0);
  return { answers, over: answers - within };
}
