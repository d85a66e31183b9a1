import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidGenerator } from '../src/clock.js';

describe('uuidGenerator', () => {
  it('gives version-7 UUIDs that sort in the order they were made, so new rows append to their indexes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      ids.push(uuidGenerator());
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });
});
