/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and says where the time
 * went: self time by package (or `src/<folder>` for our own code) and the
 * hottest functions.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  file: string;
  wallS: number;
  /** Share of samples the main thread was busy (not idle, not GC excluded). */
  busyPct: number;
  byPackage: Array<{ name: string; pct: number }>;
  topFunctions: Array<{ name: string; where: string; pct: number }>;
}

function groupOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const own = /\/(src|bench|test)\/([^/]+)/.exec(url);
  if (own) return own[2]?.endsWith('.ts') ? `${own[1]}/${own[2]}` : `${own[1]}/${own[2]}/`;
  if (url.startsWith('node:')) return 'node:internals';
  return url.split('/').slice(-1)[0] ?? url;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next one.
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? 0)));
  let total = 0;
  let idle = 0;
  const groups = new Map<string, number>();
  const functions = new Map<string, { where: string; us: number }>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const group = groupOf(url, functionName);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url}:${lineNumber + 1}`;
    const entry = functions.get(key) ?? { where: `${group} ${url.split('/').slice(-1)[0] ?? ''}:${lineNumber + 1}`, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const pct = (us: number) => Math.round((1000 * us) / Math.max(1, total)) / 10;
  return {
    file,
    wallS: Math.round((profile.endTime - profile.startTime) / 1e5) / 10,
    busyPct: pct(total - idle),
    byPackage: [...groups].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, pct: pct(us) })),
    topFunctions: [...functions]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([key, value]) => ({ name: key.split(' ')[0] ?? key, where: value.where, pct: pct(value.us) })),
  };
}
