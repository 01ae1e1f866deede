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

/** The textbook sketch (a Map, fresh label copies): the fast one must behave exactly like it. */
class ReferenceSketch {
  readonly slotOf = new Map<number, number>();
  readonly ids: number[] = [];
  readonly counts: number[] = [];
  readonly errors: number[] = [];
  readonly labels: Uint8Array[] = [];
  constructor(readonly capacity: number) {}
  add(id: number, weight: number, key: Uint8Array): void {
    const slot = this.slotOf.get(id);
    if (slot !== undefined) {
      this.counts[slot]! += weight;
      return;
    }
    if (this.ids.length < this.capacity) {
      this.slotOf.set(id, this.ids.length);
      this.ids.push(id);
      this.labels.push(key.slice());
      this.counts.push(weight);
      this.errors.push(0);
      return;
    }
    let min = 0;
    for (let i = 1; i < this.ids.length; i++) if (this.counts[i]! < this.counts[min]!) min = i;
    this.slotOf.delete(this.ids[min]!);
    this.slotOf.set(id, min);
    this.ids[min] = id;
    this.labels[min] = key.slice();
    this.errors[min] = this.counts[min]!;
    this.counts[min]! += weight;
  }
}

describe('SpaceSaving, fast table', () => {
  it('matches the textbook algorithm exactly: ids anywhere in uint32, colliding homes, labels of any length', () => {
    // Ids drawn from a small pool of wide and clustered values, so probes collide and take-overs
    // delete from the middle of clusters (backward-shift deletion).
    const idArb = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(0xffffffff, 0x80000000, 0x40000000, 0x3fffffff, 0x9e3779b1, 0x12345678));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(idArb, fc.integer({ min: 1, max: 5 }), fc.uint8Array({ maxLength: 6 })), { maxLength: 300 }),
        (capacity, stream) => {
          const sketch = new SpaceSaving(capacity);
          const reference = new ReferenceSketch(capacity);
          for (const [id, weight, key] of stream) {
            sketch.add(id, weight, key);
            reference.add(id, weight, key);
            key.fill(0xee); // the caller's buffer is reused: labels must be copies
          }
          const expected = reference.ids
            .map((id, i) => ({ id, label: reference.labels[i]!, count: reference.counts[i]!, error: reference.errors[i]! }))
            .sort((a, b) => b.count - a.count || a.id - b.id);
          expect(sketch.top(capacity)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
