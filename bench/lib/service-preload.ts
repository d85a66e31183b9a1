/**
 * Preloaded into the service by the bench (`--expose-gc --import`); changes
 * nothing else in it:
 * - on SIGUSR2 it runs a full garbage collection and prints its memory as one
 *   JSON line on stderr, so growth can be told from garbage not yet collected
 *   (and writes a heap snapshot when BENCH_HEAP_SNAPSHOT_DIR is set);
 * - when the bench process (BENCH_PARENT_PID) is gone, it sends itself SIGTERM,
 *   so a killed bench does not leave a service running.
 */
import { join } from 'node:path';
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
