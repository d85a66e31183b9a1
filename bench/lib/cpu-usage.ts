/**
 * Who used the CPU during a phase, from /proc: the service, its PostgreSQL
 * backends (by database name in the process title, or the service's own
 * children in embedded mode), redis-server, the bench itself, and the rest of
 * the machine. On a shared 2-core machine the "others" column says how much
 * of a result is interference.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_S = 0.01; // CLK_TCK is 100 on Linux x86_64.

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
  cpuS: number;
}

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      procs.set(Number(name), {
        pid: Number(name),
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf('(') + 1, close),
        cmdline,
        cpuS: (Number(fields[11]) + Number(fields[12])) * TICK_S,
      });
    } catch {
      /* gone meanwhile */
    }
  }
  return procs;
}

function machineBusyS(): number {
  const [, ...values] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * TICK_S;
}

function descendants(procs: Map<number, Proc>, root: number): Set<number> {
  const found = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs.values()) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return found;
}

export interface CpuShares {
  wallS: number;
  /** CPU cores in use on average (1.0 = one core busy all the time). */
  service: number;
  postgres: number;
  redis: number;
  bench: number;
  others: number;
  machine: number;
}

interface Snapshot {
  at: number;
  machine: number;
  bench: number;
  byGroup: Map<number, { group: keyof CpuShares; cpuS: number }>;
}

/**
 * `servicePids`: the service's processes (one, or a web process and its
 * workers). `databaseName`: the service's database on the shared server; null
 * in embedded mode (its PostgreSQL is a child).
 */
export function cpuMeter(servicePids: number[], databaseName: string | null) {
  const take = (): Snapshot => {
    const procs = readProcs();
    const family = new Set(servicePids.flatMap((pid) => [...descendants(procs, pid)]));
    const byGroup = new Map<number, { group: keyof CpuShares; cpuS: number }>();
    for (const p of procs.values()) {
      let group: keyof CpuShares | null = null;
      if (servicePids.includes(p.pid)) group = 'service';
      else if (family.has(p.pid) && p.comm.startsWith('postgres')) group = 'postgres';
      else if (databaseName && p.comm.startsWith('postgres') && p.cmdline.includes(` ${databaseName} `)) group = 'postgres';
      else if (p.comm.startsWith('redis-server')) group = 'redis';
      if (group) byGroup.set(p.pid, { group, cpuS: p.cpuS });
    }
    const usage = process.cpuUsage();
    return { at: Date.now(), machine: machineBusyS(), bench: (usage.user + usage.system) / 1e6, byGroup };
  };
  let start = take();
  // Processes that end during a phase (pooled database connections closed when idle) would take
  // their CPU with them: sample every second and keep each one's last reading.
  const lastSeen = new Map<number, { group: keyof CpuShares; cpuS: number }>();
  const sample = () => {
    for (const [pid, entry] of take().byGroup) lastSeen.set(pid, entry);
  };
  const sampler = setInterval(sample, 1000);
  sampler.unref();
  return {
    reset() {
      start = take();
      lastSeen.clear();
    },
    stop() {
      clearInterval(sampler);
    },
    /** Average cores per group since the last reset. */
    read(): CpuShares {
      const end = take();
      for (const [pid, entry] of lastSeen) if (!end.byGroup.has(pid)) end.byGroup.set(pid, entry);
      const wallS = (end.at - start.at) / 1000;
      const sums = { service: 0, postgres: 0, redis: 0 };
      for (const [pid, entry] of end.byGroup) {
        const before = start.byGroup.get(pid)?.cpuS ?? 0; // a backend born during the phase counts from zero
        if (entry.group in sums) sums[entry.group as keyof typeof sums] += Math.max(0, entry.cpuS - before);
      }
      const cores = (s: number) => Math.round((100 * s) / Math.max(wallS, 0.001)) / 100;
      const machine = end.machine - start.machine;
      const bench = end.bench - start.bench;
      return {
        wallS: Math.round(wallS * 10) / 10,
        service: cores(sums.service),
        postgres: cores(sums.postgres),
        redis: cores(sums.redis),
        bench: cores(bench),
        others: cores(Math.max(0, machine - sums.service - sums.postgres - sums.redis - bench)),
        machine: cores(machine),
      };
    },
  };
}
