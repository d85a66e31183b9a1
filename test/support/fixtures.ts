import { readFileSync } from 'node:fs';

/** The shared wire-format fixtures live beside the repo, in `../shared/fixtures/`. */
const FIXTURES_ROOT = new URL('../../../shared/fixtures/', import.meta.url);

/** Raw bytes of a fixture, e.g. `readFixture('shopify/checkouts-create.json')`; signatures need the exact bytes. */
export function readFixture(relativePath: string): Buffer {
  // A leading slash or `..` would silently resolve outside the fixtures folder.
  if (relativePath.startsWith('/') || relativePath.split('/').includes('..')) {
    throw new Error(`fixture path must be relative to shared/fixtures: ${relativePath}`);
  }
  return readFileSync(new URL(relativePath, FIXTURES_ROOT));
}

/** A fixture parsed as JSON. The type is the caller's claim; parse it with a schema when it matters. */
export function fixtureJson<T>(relativePath: string): T {
  return JSON.parse(readFixture(relativePath).toString('utf8')) as T;
}
