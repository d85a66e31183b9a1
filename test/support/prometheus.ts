import assert from 'node:assert/strict';
import type { Harness } from './harness.js';

/** One sample of a Prometheus text exposition, keyed by its name and its labels in name order. */
export function sampleKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, value]) => `${label}=${JSON.stringify(value)}`);
  return `${name}{${pairs.join(',')}}`;
}

/**
 * Parses the Prometheus text format (version 0.0.4): `# HELP`/`# TYPE` lines
 * are skipped, every other line must be `name{label="value",...} value`.
 * A line that is neither fails the parse, so a malformed scrape is caught too.
 */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
  const label = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const match = line.exec(raw);
    assert.ok(match, `not a Prometheus sample line: ${raw}`);
    const [, name, labelText = '', valueText] = match;
    const labels: Record<string, string> = {};
    label.lastIndex = 0;
    while (label.lastIndex < labelText.length) {
      const start = label.lastIndex;
      const pair = label.exec(labelText);
      assert.ok(pair && pair.index === start, `malformed labels in: ${raw}`);
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    // Go's float parser (Prometheus's) takes NaN and Inf in any case; prom-client writes `Nan` for an empty mean.
    const special: Record<string, number> = { nan: NaN, '+inf': Infinity, inf: Infinity, '-inf': -Infinity };
    const value = special[valueText!.toLowerCase()] ?? Number(valueText);
    assert.ok(valueText!.toLowerCase() === 'nan' || !Number.isNaN(value), `not a sample value: ${raw}`);
    samples.set(sampleKey(name!, labels), value);
  }
  return samples;
}

export async function scrape(h: Harness): Promise<Map<string, number>> {
  const response = await fetch(`${h.service.url}/metrics`);
  assert.equal(response.status, 200);
  return parsePrometheus(await response.text());
}

/** A counter's value for exactly these labels; a labelled counter never incremented is not exported, i.e. 0. */
export const counter = (samples: Map<string, number>, name: string, labels: Record<string, string>) => samples.get(sampleKey(name, labels)) ?? 0;
