/**
 * A web process and its worker processes (ROLE=web / ROLE=worker), measured
 * and stopped as one service: memory is their sum, warnings are merged, and
 * the whole group stops on SIGTERM.
 */
import type { MemoryProbe, ServiceProcess } from './service-process.js';

export interface ServiceGroup extends ServiceProcess {
  pids: number[];
  web: ServiceProcess;
  workers: ServiceProcess[];
}

/** The group, when `service` is one (a web process and its workers); null for a single process. */
export function groupOf(service: ServiceProcess): ServiceGroup | null {
  return 'pids' in service ? (service as ServiceGroup) : null;
}

export function serviceGroup(web: ServiceProcess, workers: ServiceProcess[]): ServiceGroup {
  const all = [web, ...workers];
  const sum = (values: Array<number | null>) => (values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0));
  return {
    pid: web.pid,
    pids: all.map((p) => p.pid),
    web,
    workers,
    url: web.url,
    rssMb: () => sum(all.map((p) => p.rssMb())),
    logCounts() {
      const merged: Record<string, number> = {};
      for (const p of all) for (const [msg, n] of Object.entries(p.logCounts())) merged[msg] = (merged[msg] ?? 0) + n;
      return merged;
    },
    logExamples: () => Object.assign({}, ...all.map((p) => p.logExamples())) as Record<string, string>,
    tail: () => all.map((p, i) => `--- ${i === 0 ? 'web' : `worker ${i}`} ---\n${p.tail()}`).join('\n'),
    exited: () => all.some((p) => p.exited()),
    gcPauses: () => all.flatMap((p) => p.gcPauses()).sort((a, b) => a.at - b.at),
    async probeMemory(): Promise<MemoryProbe | null> {
      const probes = await Promise.all(all.map((p) => p.probeMemory()));
      if (probes.some((p) => p === null)) return null;
      const ok = probes as MemoryProbe[];
      const total = (key: 'rssMb' | 'heapUsedMb' | 'heapTotalMb' | 'externalMb' | 'arrayBuffersMb') =>
        Math.round(ok.reduce((a, p) => a + p[key], 0) * 10) / 10;
      return {
        gc: ok.every((p) => p.gc),
        rssMb: total('rssMb'),
        heapUsedMb: total('heapUsedMb'),
        heapTotalMb: total('heapTotalMb'),
        externalMb: total('externalMb'),
        arrayBuffersMb: total('arrayBuffersMb'),
        snapshot: ok.map((p) => p.snapshot).filter(Boolean).join(' ') || null,
      };
    },
    async stop(timeoutMs) {
      // Web first, so nothing new is enqueued while the workers drain.
      const webStop = await web.stop(timeoutMs);
      const workerStops = await Promise.all(workers.map((p) => p.stop(timeoutMs)));
      const bad = [webStop, ...workerStops].find((s) => s.forced || s.code !== 0);
      return bad ?? webStop;
    },
  };
}
