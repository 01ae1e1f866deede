import fc from 'fast-check';
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
  it('evicts blocks not used since the clock hand last passed, to stay within its byte budget', () => {
    const charge = block(1000).chargeBytes;
    const cache = new BlockCache(charge * 3);
    const one = cache.file(1, 3);
    const two = cache.file(2, 1);
    cache.insert(one, 0, block(1000));
    cache.insert(one, 1, block(1000));
    cache.insert(one, 2, block(1000));
    expect(cache.stats).toMatchObject({ entries: 3, bytes: charge * 3 });
    expect(cache.lookup(one, 0)).toBeDefined(); // 0 gets a second chance; 1 was not used
    cache.insert(two, 0, block(1000));
    expect(cache.stats).toMatchObject({ entries: 3, bytes: charge * 3 });
    expect(cache.lookup(one, 1)).toBeUndefined();
    expect(one.blocks[1]).toBeUndefined(); // eviction clears the file's slot
    expect(cache.lookup(one, 0)).toBeDefined();
    expect(cache.lookup(one, 2)).toBeDefined();
    expect(cache.lookup(two, 0)).toBeDefined();
    expect(cache.stats.hits).toBe(4);
    expect(cache.stats.misses).toBe(1);
    // A larger block pushes out as many as it needs.
    const three = cache.file(3, 1);
    cache.insert(three, 0, block(2000));
    expect(cache.stats.bytes).toBeLessThanOrEqual(cache.capacityBytes);
    expect(cache.lookup(three, 0)).toBeDefined();
    expect(cache.stats.entries).toBe(2);
  });

  it('never caches a block larger than the whole budget, and a zero budget caches nothing', () => {
    const cache = new BlockCache(500);
    cache.insert(cache.file(1, 1), 0, block(1000));
    expect(cache.stats.entries).toBe(0);
    const none = new BlockCache(0);
    const file = none.file(1, 1);
    none.insert(file, 0, block(10));
    expect(none.lookup(file, 0)).toBeUndefined();
  });

  it('evicts one file and keeps the others', () => {
    const cache = new BlockCache(1 << 20);
    const one = cache.file(1, 5);
    const two = cache.file(2, 5);
    for (let index = 0; index < 5; index++) {
      cache.insert(one, index, block(100));
      cache.insert(two, index, block(100));
    }
    cache.evictFile(1);
    expect(cache.stats.entries).toBe(5);
    expect(cache.lookup(one, 0)).toBeUndefined();
    expect(cache.lookup(two, 4)).toBeDefined();
    // A reader still holding the evicted file's slots cannot refill them behind the cache's back.
    cache.insert(one, 0, block(100));
    expect(cache.stats.entries).toBe(5);
    expect(cache.file(1, 5)).not.toBe(one);
    cache.evictFile(99);
    cache.clear();
    expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 });
    expect(two.blocks.every((slot) => slot === undefined)).toBe(true);
    expect(two.entries.every((slot) => slot === undefined)).toBe(true);
  });

  it('keeps files apart, however large their numbers', () => {
    const cache = new BlockCache(1 << 20);
    const a = block(100);
    const b = block(100);
    const big = 2 ** 40;
    cache.insert(cache.file(big, 1), 0, a);
    cache.insert(cache.file(big + 1, 1), 0, b);
    expect(cache.lookup(cache.file(big, 1), 0)).toBe(a);
    expect(cache.lookup(cache.file(big + 1, 1), 0)).toBe(b);
  });

  it('matches a second-chance (CLOCK) model under random operations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('insert', 'lookup', 'evict'), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 16, max: 400 })), { maxLength: 200 }),
        (operations) => {
          const cache = new BlockCache(1500);
          // The model's queue: the clock hand examines index 0 first.
          let model: { file: number; index: number; charge: number; referenced: boolean }[] = [];
          const bytes = (): number => model.reduce((sum, e) => sum + e.charge, 0);
          for (const [kind, fileNumber, index, size] of operations) {
            const file = cache.file(fileNumber, 8);
            const at = model.findIndex((e) => e.file === fileNumber && e.index === index);
            if (kind === 'insert') {
              const b = block(size);
              cache.insert(file, index, b);
              if (b.chargeBytes > cache.capacityBytes) continue;
              if (at >= 0) model.splice(at, 1);
              while (bytes() + b.chargeBytes > cache.capacityBytes) {
                const first = model.shift()!;
                if (first.referenced) model.push({ ...first, referenced: false });
              }
              model.push({ file: fileNumber, index, charge: b.chargeBytes, referenced: false });
            } else if (kind === 'lookup') {
              expect(cache.lookup(file, index) !== undefined).toBe(at >= 0);
              if (at >= 0) model[at]!.referenced = true;
            } else {
              cache.evictFile(fileNumber);
              model = model.filter((e) => e.file !== fileNumber);
            }
            expect(cache.stats.entries).toBe(model.length);
            expect(cache.stats.bytes).toBe(bytes());
          }
        },
      ),
    );
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
