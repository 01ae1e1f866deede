import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteArena } from '../../../engine/lsm/memtable/byte-arena.js';
import { MEMTABLE_ARENA_CHUNK_BYTES } from '../../../engine/limits.js';

describe('ByteArena', () => {
  it('returns private, non-overlapping copies of every size class', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(MEMTABLE_ARENA_CHUNK_BYTES / 2), { minLength: 1, maxLength: 30 }), (lengths) => {
        const arena = new ByteArena();
        const copies = lengths.map((length, i) => {
          const source = Buffer.alloc(length, i & 0xff);
          const copy = arena.copy(source);
          source.fill(0xee);
          return copy;
        });
        copies.forEach((copy, i) => {
          expect(copy).toBeInstanceOf(Uint8Array);
          expect(copy.length).toBe(lengths[i]);
          expect(copy.every((b) => b === (i & 0xff))).toBe(true);
        });
      }),
      { numRuns: 50 },
    );
  });

  it('carves mid-sized copies from shared chunks', () => {
    const arena = new ByteArena();
    const a = arena.copy(new Uint8Array(100).fill(1));
    const b = arena.copy(new Uint8Array(100).fill(2));
    expect(a.buffer).toBe(b.buffer);
    expect(arena.allocatedBytes).toBe(MEMTABLE_ARENA_CHUNK_BYTES);
    expect(a.every((x) => x === 1) && b.every((x) => x === 2)).toBe(true);
  });
});
