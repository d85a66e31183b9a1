/**
 * Garbage-collection pauses of the service processes, as the preload
 * (bench/lib/service-preload.ts) reports them, and what they did to the
 * webhook answers: a slow answer that overlapped a full (mark-compact) pause
 * of the web process waited for that pause, not for the database.
 */
import type { Sample } from './http-load.js';

/** One pause on a service's main thread, in wall-clock (epoch) milliseconds. */
export interface GcPause {
  at: number;
  ms: number;
  kind: 'major' | 'minor' | 'incremental' | 'weakcb';
}

export const GC_LINE_PREFIX = '{"benchGc":';

export function parseGcLine(line: string): GcPause | null {
  if (!line.startsWith(GC_LINE_PREFIX)) return null;
  try {
    const { benchGc } = JSON.parse(line) as { benchGc: GcPause };
    return typeof benchGc.at === 'number' && typeof benchGc.ms === 'number' ? benchGc : null;
  } catch {
    return null;
  }
}

export interface PauseTotals {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface GcSummary {
  /** Pauses of full collections: the stop-the-world end of a mark-compact and its incremental marking steps (marking is otherwise concurrent). */
  major: PauseTotals;
  /** Scavenges of the young generation. */
  minor: PauseTotals;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Pauses of a full collection: its stop-the-world end and its incremental marking steps. */
const isFullGc = (pause: GcPause) => pause.kind === 'major' || pause.kind === 'incremental';
const isYoungGc = (pause: GcPause) => pause.kind === 'minor';

function totals(pauses: GcPause[]): PauseTotals {
  return {
    count: pauses.length,
    totalMs: round(pauses.reduce((a, p) => a + p.ms, 0)),
    maxMs: round(pauses.reduce((a, p) => Math.max(a, p.ms), 0)),
  };
}

export function summariseGc(pauses: GcPause[], from: number, to: number): GcSummary {
  const inside = pauses.filter((p) => p.at >= from && p.at <= to);
  return {
    major: totals(inside.filter(isFullGc)),
    minor: totals(inside.filter(isYoungGc)),
  };
}

export interface SlowAnswers {
  /** Answers slower than the threshold. */
  slow: number;
  /** Of those, in flight during a pause of a full collection of the web process. */
  duringFullGc: number;
  /** Of the rest, in flight during a scavenge of the web process. */
  duringYoungGcOnly: number;
}

/**
 * How many answers slower than `slowMs` waited, at least in part, for the
 * web process's garbage collector. `timeOrigin` turns the load generator's
 * `performance.now()` readings into epoch milliseconds.
 */
export function slowAnswersDuringGc(samples: Sample[], webPauses: GcPause[], timeOrigin: number, slowMs: number): SlowAnswers {
  const spans = (kind: (pause: GcPause) => boolean) => webPauses.filter(kind).map((p) => [p.at, p.at + p.ms] as const);
  const full = spans(isFullGc);
  const young = spans(isYoungGc);
  const overlaps = (list: ReadonlyArray<readonly [number, number]>, start: number, end: number) => list.some(([a, b]) => a < end && b > start);
  const result: SlowAnswers = { slow: 0, duringFullGc: 0, duringYoungGcOnly: 0 };
  for (const sample of samples) {
    if (!sample || sample.endedAt - sample.startedAt <= slowMs) continue;
    result.slow += 1;
    const [start, end] = [timeOrigin + sample.startedAt, timeOrigin + sample.endedAt];
    if (overlaps(full, start, end)) result.duringFullGc += 1;
    else if (overlaps(young, start, end)) result.duringYoungGcOnly += 1;
  }
  return result;
}
