import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyOut, copyOutAll } from '../../engine/lsm/copy-out.js';
import { COPY_OUT_CHUNK_BYTES, COPY_OUT_POOLED_BYTES_MAX, COPY_OUT_SMALL_BYTES_MAX } from '../../engine/limits.js';

describe('copyOut', () => {
  it('returns private copies: equal to the source, unaffected by later writes to it or to each other', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: COPY_OUT_POOLED_BYTES_MAX + 64 }), { minLength: 1, maxLength: 40 }),
        (sources) => {
          const copies = sources.map((source) => copyOutAll(source));
          const expected = sources.map((source) => Array.from(source));
          for (const source of sources) source.fill(0xee);
          for (const copy of copies) copy.fill(0x11, 0, Math.min(1, copy.length));
          copies.forEach((copy, i) => {
            expect(copy).toBeInstanceOf(Uint8Array);
            expect(copy.length).toBe(expected[i]!.length);
            expect(Array.from(copy.subarray(1))).toEqual(expected[i]!.slice(1));
          });
        },
      ),
    );
  });

  it('copies a range, and copies (not views) a Node Buffer of every size class', () => {
    for (const length of [0, 1, COPY_OUT_SMALL_BYTES_MAX, COPY_OUT_SMALL_BYTES_MAX + 1, COPY_OUT_POOLED_BYTES_MAX, COPY_OUT_POOLED_BYTES_MAX + 1]) {
      const source = Buffer.alloc(length + 10, 7);
      source[5] = 9;
      const copy = copyOut(source, 5, 5 + length);
      expect(copy.length).toBe(length);
      if (length > 0) expect(copy[0]).toBe(9);
      source.fill(1);
      expect(copy.every((byte, i) => byte === (i === 0 ? 9 : 7))).toBe(true);
      expect(copy.buffer).not.toBe(source.buffer);
    }
  });

  it('never overlaps pooled copies and aligns them to 8 bytes, across chunk boundaries', () => {
    const length = COPY_OUT_SMALL_BYTES_MAX + 3;
    const source = new Uint8Array(length);
    const copies: Uint8Array[] = [];
    for (let i = 0; i < (2 * COPY_OUT_CHUNK_BYTES) / length + 2; i++) {
      source.fill(i & 0xff);
      copies.push(copyOutAll(source));
    }
    copies.forEach((copy, i) => {
      expect(copy.byteOffset % 8).toBe(0);
      expect(copy.every((byte) => byte === (i & 0xff))).toBe(true);
    });
  });
});
