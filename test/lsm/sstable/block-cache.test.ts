import { describe, expect, it } from 'vitest';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import { BlockCache } from '../../../engine/lsm/sstable/index.js';
import { DecodedBlock } from '../../../engine/lsm/sstable/block-reader.js';
import { utf8 } from '../../../engine/util/bytes.js';
import { buildTableBytes, openTableBytes, scanForward, type Entry } from './fixtures.js';

function block(bytes: number): DecodedBlock {
  return new DecodedBlock(new Uint8Array(bytes), new Uint32Array(1), bytes - 8);
}

describe('BlockCache', () => {
  it('evicts least recently used blocks to stay within its byte budget', () => {
    const charge = block(1000).chargeBytes;
    const cache = new BlockCache(charge * 3);
    cache.insert(1, 0, block(1000));
    cache.insert(1, 1000, block(1000));
    cache.insert(1, 2000, block(1000));
    expect(cache.stats).toMatchObject({ entries: 3, bytes: charge * 3 });
    expect(cache.lookup(1, 0)).toBeDefined(); // 0 is now the most recent; 1000 the least
    cache.insert(2, 0, block(1000));
    expect(cache.stats).toMatchObject({ entries: 3, bytes: charge * 3 });
    expect(cache.lookup(1, 1000)).toBeUndefined();
    expect(cache.lookup(1, 0)).toBeDefined();
    expect(cache.lookup(1, 2000)).toBeDefined();
    expect(cache.lookup(2, 0)).toBeDefined();
    expect(cache.stats.hits).toBe(4);
    expect(cache.stats.misses).toBe(1);
    // A larger block pushes out as many as it needs.
    cache.insert(3, 0, block(2000));
    expect(cache.stats.bytes).toBeLessThanOrEqual(cache.capacityBytes);
    expect(cache.lookup(3, 0)).toBeDefined();
    expect(cache.stats.entries).toBe(2);
  });

  it('never caches a block larger than the whole budget, and a zero budget caches nothing', () => {
    const cache = new BlockCache(500);
    cache.insert(1, 0, block(1000));
    expect(cache.stats.entries).toBe(0);
    const none = new BlockCache(0);
    none.insert(1, 0, block(10));
    expect(none.lookup(1, 0)).toBeUndefined();
  });

  it('evicts one file and keeps the others', () => {
    const cache = new BlockCache(1 << 20);
    for (let offset = 0; offset < 5; offset++) {
      cache.insert(1, offset * 100, block(100));
      cache.insert(2, offset * 100, block(100));
    }
    cache.evictFile(1);
    expect(cache.stats.entries).toBe(5);
    expect(cache.lookup(1, 0)).toBeUndefined();
    expect(cache.lookup(2, 400)).toBeDefined();
    cache.evictFile(99);
    cache.clear();
    expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('keeps large file numbers apart even where keys may collide', () => {
    const cache = new BlockCache(1 << 20);
    const a = block(100);
    const b = block(100);
    const big = 2 ** 40; // fileNumber × 2^32 + offset is inexact here
    cache.insert(big, 0, a);
    cache.insert(big + 1, 0, b);
    const foundA = cache.lookup(big, 0);
    const foundB = cache.lookup(big + 1, 0);
    expect(foundA === undefined || foundA === a).toBe(true);
    expect(foundB).toBe(b);
  });

  it('serves repeated table reads from the cache, within the budget', async () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 3000; i++) entries.push({ userKey: utf8(`k${String(i).padStart(6, '0')}`), seq: 1, type: ValueType.Put, value: utf8(`v${i}`.padEnd(40, '.')) });
    const { bytes } = await buildTableBytes(entries);
    const cache = new BlockCache(16 * 1024);
    const reader = await openTableBytes(bytes, 7, cache);
    expect(reader.get(entries[0]!.userKey, 1)).toEqual(entries[0]!.value);
    expect(cache.stats).toMatchObject({ hits: 0, misses: 1, entries: 1 });
    expect(reader.get(entries[1]!.userKey, 1)).toEqual(entries[1]!.value);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1 });
    expect(scanForward(reader.iterator()).length).toBe(entries.length);
    expect(cache.stats.bytes).toBeLessThanOrEqual(16 * 1024);
    expect(cache.stats.entries).toBeGreaterThan(1);
    // An iterator that does not fill the cache leaves it alone.
    const before = cache.stats.entries;
    cache.clear();
    const it = reader.iterator({ fillCache: false });
    for (it.seekToFirst(); it.valid(); it.next()) {
      // scan
    }
    expect(cache.stats.entries).toBe(0);
    expect(before).toBeGreaterThan(0);
    // Cached blocks survive close and serve a reopened reader of the same file number.
    reader.get(entries[5]!.userKey, 1);
    await reader.close();
    const reopened = await openTableBytes(bytes, 7, cache);
    const hits = cache.stats.hits;
    reopened.get(entries[6]!.userKey, 1);
    expect(cache.stats.hits).toBe(hits + 1);
  });
});
