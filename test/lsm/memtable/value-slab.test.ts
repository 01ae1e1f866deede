import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueSlab } from '../../../engine/lsm/memtable/value-slab.js';
import { MEMTABLE_ARENA_CHUNK_BYTES } from '../../../engine/limits.js';

describe('ValueSlab', () => {
  it('keeps private, non-overlapping copies of every size class, numbered in order', () => {
    const length = fc.oneof(fc.constant(0), fc.nat(64), fc.nat(MEMTABLE_ARENA_CHUNK_BYTES / 4 + 2), fc.integer({ min: MEMTABLE_ARENA_CHUNK_BYTES / 4, max: MEMTABLE_ARENA_CHUNK_BYTES * 2 }));
    fc.assert(
      fc.property(fc.array(length, { minLength: 1, maxLength: 40 }), (lengths) => {
        const slab = new ValueSlab();
        lengths.forEach((size, i) => {
          const source = Buffer.alloc(size, i & 0xff);
          expect(slab.append(source)).toBe(i);
          source.fill(0xee); // the caller reuses its buffer
        });
        expect(slab.count).toBe(lengths.length);
        lengths.forEach((size, i) => {
          const view = slab.view(i);
          expect(view).toBeInstanceOf(Uint8Array);
          expect(view.length).toBe(size);
          expect(view.every((b) => b === (i & 0xff))).toBe(true);
        });
      }),
      { numRuns: 50 },
    );
  });

  it('carves small values from one chunk and gives a large one its own', () => {
    const slab = new ValueSlab();
    const a = slab.append(new Uint8Array(100).fill(1));
    const b = slab.append(new Uint8Array(100).fill(2));
    expect(slab.view(a).buffer).toBe(slab.view(b).buffer);
    expect(slab.allocatedBytes).toBe(MEMTABLE_ARENA_CHUNK_BYTES);
    const large = MEMTABLE_ARENA_CHUNK_BYTES / 4 + 1;
    const c = slab.append(new Uint8Array(large).fill(3));
    expect(slab.allocatedBytes).toBe(MEMTABLE_ARENA_CHUNK_BYTES + large);
    expect(slab.view(c).buffer.byteLength).toBe(large);
    // Small values still go to the first chunk after a large one.
    const d = slab.append(new Uint8Array(10).fill(4));
    expect(slab.view(d).buffer).toBe(slab.view(a).buffer);
    expect(slab.view(a).every((x) => x === 1) && slab.view(b).every((x) => x === 2) && slab.view(d).every((x) => x === 4)).toBe(true);
  });

  it('starts a new chunk when a value does not fit the current one, and stores empty values in none', () => {
    const slab = new ValueSlab();
    const quarter = MEMTABLE_ARENA_CHUNK_BYTES / 4;
    for (let i = 0; i < 4; i++) slab.append(new Uint8Array(quarter));
    expect(slab.allocatedBytes).toBe(MEMTABLE_ARENA_CHUNK_BYTES);
    const next = slab.append(new Uint8Array(1).fill(9));
    expect(slab.allocatedBytes).toBe(2 * MEMTABLE_ARENA_CHUNK_BYTES);
    expect(slab.view(next).byteOffset).toBe(0);
    const empty = slab.append(new Uint8Array(0));
    expect(slab.view(empty).length).toBe(0);
    expect(slab.allocatedBytes).toBe(2 * MEMTABLE_ARENA_CHUNK_BYTES);
    expect(() => slab.view(slab.count)).toThrow();
  });

  it('keeps its bytes in shared memory (engine/util/shared-memory.ts: V8 runs no full GC for it)', () => {
    const slab = new ValueSlab();
    slab.append(new Uint8Array(10));
    slab.append(new Uint8Array(MEMTABLE_ARENA_CHUNK_BYTES));
    const image = slab.image();
    expect(image.chunks.every((chunk) => chunk instanceof SharedArrayBuffer)).toBe(true);
    expect([image.chunkOf, image.offsetOf, image.lengthOf].every((array) => array.buffer instanceof SharedArrayBuffer)).toBe(true);
  });
});
