/**
 * The end-to-end side: when did the fake provider first receive a text for
 * each shopper, and what rates and delays follow from that.
 */
import type { FakeTwilio } from '../../test/support/fake-twilio.js';
import type { PreparedCheckout } from './checkouts.js';
import { percentile } from './http-load.js';

const r1 = (n: number) => Math.round(n * 10) / 10;

/** First accepted provider request per phone, read incrementally from the fake's log. */
export function providerWatch(twilio: FakeTwilio) {
  const firstAt = new Map<string, number>();
  let cursor = 0;
  let refused = 0;
  return {
    firstAt,
    get refused() {
      return refused;
    },
    poll() {
      for (; cursor < twilio.requests.length; cursor += 1) {
        const req = twilio.requests[cursor];
        if (!req) continue;
        if (req.status !== 201) refused += 1;
        else if (req.form.To && !firstAt.has(req.form.To)) firstAt.set(req.form.To, req.receivedAt.getTime());
      }
      return firstAt.size;
    },
  };
}
export type Watch = ReturnType<typeof providerWatch>;

export interface EndToEnd {
  conversations: number;
  missing: number;
  /** n / (last provider request - first webhook - abandon delay). */
  overallPerS: number;
  /** Provider-side rate between the 10th and 90th percentile of arrivals. */
  steadyPerS: number;
  peakSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

export function endToEnd(checkouts: PreparedCheckout[], sentAt: Map<string, number>, watch: Watch, abandonAfterS: number): EndToEnd {
  const arrivals: number[] = [];
  const latencies: number[] = [];
  for (const c of checkouts) {
    const at = watch.firstAt.get(c.phone);
    const sent = sentAt.get(c.phone);
    if (at === undefined || sent === undefined) continue;
    arrivals.push(at);
    latencies.push(at - sent);
  }
  arrivals.sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  const firstSent = Math.min(...sentAt.values());
  const n = arrivals.length;
  const lo = Math.floor(n * 0.1);
  const hi = Math.max(lo, Math.ceil(n * 0.9) - 1);
  const buckets = new Map<number, number>();
  for (const at of arrivals) buckets.set(Math.floor(at / 1000), (buckets.get(Math.floor(at / 1000)) ?? 0) + 1);
  const span = ((arrivals[n - 1] ?? firstSent) - firstSent) / 1000 - abandonAfterS;
  return {
    conversations: n,
    missing: checkouts.length - n,
    overallPerS: r1(n / Math.max(span, 0.001)),
    steadyPerS: r1(hi > lo ? (hi - lo) / (((arrivals[hi] as number) - (arrivals[lo] as number)) / 1000) : NaN),
    peakSecond: Math.max(0, ...buckets.values()),
    latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(latencies[n - 1] ?? NaN) },
  };
}
