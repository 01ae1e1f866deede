import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpaceSaving } from '../../engine/partitions/space-saving.js';

describe('SpaceSaving', () => {
  it('keeps the error bounds of Metwally et al. against exact counts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 8 })), { maxLength: 400 }),
        (capacity, stream) => {
          const sketch = new SpaceSaving(capacity);
          const exact = new Map<number, number>();
          let total = 0;
          for (const [id, weight] of stream) {
            sketch.add(id, weight, new Uint8Array([id]));
            exact.set(id, (exact.get(id) ?? 0) + weight);
            total += weight;
          }
          expect(sketch.total).toBe(total);
          const monitored = sketch.top(capacity);
          expect(monitored.length).toBeLessThanOrEqual(capacity);
          for (const hit of monitored) {
            const truth = exact.get(hit.id) ?? 0;
            expect(hit.count).toBeGreaterThanOrEqual(truth);
            expect(hit.count - hit.error).toBeLessThanOrEqual(truth);
            expect(hit.label).toEqual(new Uint8Array([hit.id]));
          }
          const ids = new Set(monitored.map((h) => h.id));
          for (const [id, weight] of exact) if (weight > total / capacity) expect(ids.has(id)).toBe(true);
          if (monitored.length === capacity) expect(Math.min(...monitored.map((h) => h.count))).toBeLessThanOrEqual(total / capacity + 1e-9);
        },
      ),
    );
  });

  it('finds a zipf-like heavy hitter in a long stream and orders the top largest first', () => {
    const sketch = new SpaceSaving(8);
    for (let i = 0; i < 10_000; i++) sketch.add(i % 3 === 0 ? 7 : 1000 + (i % 997), 1, new Uint8Array([1]));
    const top = sketch.top(3);
    expect(top[0]!.id).toBe(7);
    expect(top[0]!.count - top[0]!.error).toBeGreaterThan(3000);
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.count).toBeGreaterThanOrEqual(top[i]!.count);
  });
});
