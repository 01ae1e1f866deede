import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseSplitPoint, HeatSketch, isSequential, weightedMedian, type HeatSample } from '../../engine/partitions/heat-sketch.js';
import { hashBoundary } from '../../engine/partitions/key-space.js';
import { compareBytes } from '../../engine/util/bytes.js';
import { SeededRandom } from '../../engine/util/random.js';

/** A key suffix: 4-byte hash, then a fake pk and sort key byte. */
function key(hash: number, sort = 0): Uint8Array {
  return new Uint8Array([hash >>> 24, (hash >>> 16) & 0xff, (hash >>> 8) & 0xff, hash & 0xff, 0x61, 0x00, 0x01, sort]);
}

function shuffled<T>(items: T[], seed: number): T[] {
  const random = new SeededRandom(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const EMPTY = new Uint8Array(0);

describe('weightedMedian', () => {
  it('is the key where the cumulative weight in key order reaches half', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 60 }), (entries) => {
        const samples: HeatSample[] = entries.map(([h, units]) => ({ key: key(h), units, atMs: 0 }));
        const median = weightedMedian(samples);
        const total = samples.reduce((a, s) => a + s.units, 0);
        const below = samples.filter((s) => compareBytes(s.key, median) < 0).reduce((a, s) => a + s.units, 0);
        const atOrBelow = samples.filter((s) => compareBytes(s.key, median) <= 0).reduce((a, s) => a + s.units, 0);
        expect(below * 2).toBeLessThan(total);
        expect(atOrBelow * 2).toBeGreaterThanOrEqual(total);
      }),
    );
  });
});

describe('chooseSplitPoint', () => {
  it('splits spread traffic at the collection boundary of the weighted median, inside the range', () => {
    // Weight concentrated in the low quarter of the hash space: the median is there, not the midpoint.
    const samples: HeatSample[] = shuffled(
      Array.from({ length: 200 }, (_, i) => ({ key: key(i < 150 ? i * 1000 : 2 ** 31 + i * 1000), units: 1, atMs: i })),
      1,
    );
    const choice = chooseSplitPoint(samples, EMPTY, null, true);
    expect(choice.kind).toBe('split');
    if (choice.kind !== 'split') return;
    expect(choice.key.length).toBe(4);
    expect(compareBytes(choice.key, hashBoundary(99 * 1000))).toBe(0);
  });

  it('refuses a single hot item, reporting its hash', () => {
    const samples: HeatSample[] = Array.from({ length: 100 }, (_, i) => ({ key: i % 4 === 0 ? key(i * 99) : key(4242, 9), units: 1, atMs: i }));
    expect(chooseSplitPoint(samples, EMPTY, null, true)).toEqual({ kind: 'single-item', hash: 4242 });
  });

  it('refuses sequential access along a collection (monotonic sort keys), either direction', () => {
    const up: HeatSample[] = Array.from({ length: 100 }, (_, i) => ({ key: key(77, i), units: 1, atMs: i }));
    expect(chooseSplitPoint(up, EMPTY, null, true)).toEqual({ kind: 'sequential' });
    const down = up.map((s, i) => ({ ...s, key: key(77, 200 - i) }));
    expect(chooseSplitPoint(down, EMPTY, null, true)).toEqual({ kind: 'sequential' });
    expect(isSequential(shuffled([...up], 3))).toBe(false);
  });

  it('splits a hot collection by sort key without LSIs, and only at its edges with them', () => {
    const samples: HeatSample[] = shuffled(Array.from({ length: 120 }, (_, i) => ({ key: key(5000, i), units: 1, atMs: 0 })), 2).map((s, i) => ({ ...s, atMs: i }));
    const inside = chooseSplitPoint(samples, EMPTY, null, true);
    expect(inside.kind).toBe('split');
    if (inside.kind === 'split') expect(compareBytes(inside.key, key(5000, 59))).toBe(0);
    const withLsi = chooseSplitPoint(samples, EMPTY, null, false);
    expect(withLsi).toEqual({ kind: 'split', key: hashBoundary(5000) });
    // When the range already starts at the collection, the other edge is used.
    expect(chooseSplitPoint(samples, hashBoundary(5000), null, false)).toEqual({ kind: 'split', key: hashBoundary(5001) });
    // A range that is exactly the collection cannot be split between partition keys.
    expect(chooseSplitPoint(samples, hashBoundary(5000), hashBoundary(5001), false)).toEqual({ kind: 'none' });
  });

  it('needs enough samples, and every split it returns lies strictly inside the range', () => {
    expect(chooseSplitPoint([{ key: key(1), units: 1, atMs: 0 }], EMPTY, null, true)).toEqual({ kind: 'none' });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 5 })), { minLength: 0, maxLength: 200 }),
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (entries, low, width, inside) => {
          const scale = 2 ** 26;
          const start = low === 0 ? EMPTY : hashBoundary(low * scale);
          const end = low + width >= 64 ? null : hashBoundary((low + width) * scale);
          const samples = entries.map(([h, sort, units], i) => ({ key: key(h * scale + 12345, sort), units, atMs: i }));
          const choice = chooseSplitPoint(samples, start, end, inside);
          if (choice.kind !== 'split') return;
          expect(compareBytes(choice.key, start)).toBeGreaterThan(0);
          if (end !== null) expect(compareBytes(choice.key, end)).toBeLessThan(0);
          if (!inside) expect(choice.key.length).toBe(4);
        },
      ),
    );
  });
});

describe('HeatSketch', () => {
  it('samples about one access in HEAT_SAMPLE_ONE_IN, keeps at most the ring, in time order', () => {
    const sketch = new HeatSketch(9);
    for (let i = 0; i < 4000; i++) sketch.offer(key(i), 1, i);
    const all = sketch.samples(0);
    expect(all.length).toBeGreaterThan(800);
    expect(all.length).toBeLessThanOrEqual(1024);
    for (let i = 1; i < all.length; i++) expect(all[i]!.atMs).toBeGreaterThan(all[i - 1]!.atMs);
    expect(sketch.samples(3000).every((s) => s.atMs >= 3000)).toBe(true);
  });
});
