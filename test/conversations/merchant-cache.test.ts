import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transaction } from 'sequelize';
import type { MerchantRow } from '../../src/db/models/index.js';
import { merchantCache } from '../../src/conversations/merchant-cache.js';

const merchant = { id: 'm-1', name: 'Example Shop' } as unknown as MerchantRow;

function loader(found: MerchantRow | null) {
  const calls: Array<{ id: string; transaction: Transaction | undefined }> = [];
  return { calls, load: async (id: string, transaction?: Transaction) => (calls.push({ id, transaction }), found) };
}

describe('merchantCache', () => {
  it('reads a miss on the caller’s transaction, so a job never needs a second pooled connection', async () => {
    const { calls, load } = loader(merchant);
    const transaction = { id: 'tx-1' } as unknown as Transaction;
    assert.equal(await merchantCache(load).byId('m-1', transaction), merchant);
    assert.equal(calls[0]?.transaction, transaction);
  });

  it('keeps a merchant for five seconds, then reads it again', async () => {
    let now = 0;
    const { calls, load } = loader(merchant);
    const cache = merchantCache(load, () => now);
    await cache.byId('m-1');
    now = 4_999;
    await cache.byId('m-1');
    assert.equal(calls.length, 1);
    now = 5_000;
    await cache.byId('m-1');
    assert.equal(calls.length, 2);
  });

  it('does not keep an unknown id, and forget drops a known one at once', async () => {
    const unknown = loader(null);
    const cache = merchantCache(unknown.load, () => 0);
    await cache.byId('nope');
    await cache.byId('nope');
    assert.equal(unknown.calls.length, 2);

    const known = loader(merchant);
    const cached = merchantCache(known.load, () => 0);
    await cached.byId('m-1');
    cached.forget('m-1');
    await cached.byId('m-1');
    assert.equal(known.calls.length, 2);
  });
});
