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

/** Answers (performance.now() times) over `slowMs` and how many of them overlapped a stall. */
export function slowAnswersDuringStalls(samples: Array<{ startedAt: number; endedAt: number }>, stalls: Stall[], slowMs: number): { slow: number; duringStall: number } {
  const slow = samples.filter((s) => s.endedAt - s.startedAt > slowMs);
  const duringStall = slow.filter((s) => stalls.some((stall) => stall.from < s.endedAt && stall.to > s.startedAt)).length;
  return { slow: slow.length, duringStall };
}
