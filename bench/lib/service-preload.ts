/**
 * Preloaded into the service by the bench (`--expose-gc --import`); changes
 * nothing else in it:
 * - on SIGUSR2 it runs a full garbage collection and prints its memory as one
 *   JSON line on stderr, so growth can be told from garbage not yet collected
 *   (and writes a heap snapshot when BENCH_HEAP_SNAPSHOT_DIR is set);
 * - when the bench process (BENCH_PARENT_PID) is gone, it sends itself SIGTERM,
 *   so a killed bench does not leave a service running;
 * - every garbage-collection pause goes out as one JSON line on stderr
 *   (bench/lib/gc-pauses.ts reads them), so slow answers can be set against
 *   the pauses that held them up.
 */
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
  const snapshot = dir ? writeHeapSnapshot(join(dir, `service-${process.pid}-${Date.now()}.heapsnapshot`)) : null;
  const m = process.memoryUsage();
  const probe = { gc: Boolean(gc), rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers), snapshot };
  process.stderr.write(`${JSON.stringify({ benchMemoryProbe: probe })}\n`);
});

const parent = Number(process.env.BENCH_PARENT_PID);
if (parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.kill(process.pid, 'SIGTERM');
    }
  }, 1000).unref();
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
new PerformanceObserver((list) => {
  const lines = list.getEntries().map((entry) => {
    const kind = GC_KINDS[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'major';
    return JSON.stringify({ benchGc: { at: Math.round(performance.timeOrigin + entry.startTime), ms: Math.round(entry.duration * 100) / 100, kind } });
  });
  process.stderr.write(`${lines.join('\n')}\n`);
}).observe({ entryTypes: ['gc'] });
