/**
 * When the bench's own event loop stood still. The load client shares its
 * process with the fake provider; a stall here delays reading answers the
 * service had already sent, and the client counts that time as the
 * service's. Slow answers that overlap a stall are reported apart.
 */
export interface Stall {
  /** performance.now() of the last tick before the stall, and of the one that ended it. */
  from: number;
  to: number;
}

export function recordLoopStalls(options: { tickMs?: number; thresholdMs?: number } = {}): { stop(): Stall[] } {
  const tickMs = options.tickMs ?? 5;
  const thresholdMs = options.thresholdMs ?? 20;
  const stalls: Stall[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > tickMs + thresholdMs) stalls.push({ from: last, to: now });
    last = now;
  }, tickMs);
  return {
    stop() {
      clearInterval(timer);
      return stalls;
    },
  };
}

export interface StallSummary {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Answers over `slowMs`, and how many of them overlapped a stall. */
  slowAnswers: number;
  slowDuringStall: number;
}

/** The stalls of a phase, and the slow answers (performance.now() times) that overlapped one. */
export function summariseStalls(samples: Array<{ startedAt: number; endedAt: number }>, stalls: Stall[], slowMs: number): StallSummary {
  const slow = samples.filter((s) => s.endedAt - s.startedAt > slowMs);
  return {
    count: stalls.length,
    totalMs: Math.round(stalls.reduce((sum, s) => sum + (s.to - s.from), 0)),
    maxMs: Math.round(Math.max(0, ...stalls.map((s) => s.to - s.from))),
    slowAnswers: slow.length,
    slowDuringStall: slow.filter((s) => stalls.some((stall) => stall.from < s.endedAt && stall.to > s.startedAt)).length,
  };
}
