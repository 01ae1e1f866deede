/**
 * The memtable's key prefixes (engine/lsm/memtable/key-slab.ts): a prefix must order keys as their
 * bytes do (a < b implies prefixOf(a) <= prefixOf(b)), and for keys with equal prefixes the slab's
 * comparison, which skips the bytes a prefix proves equal, must agree with comparing every byte.
 * Keys here lead with runs of zero bytes (up to past the 16 a prefix skips), as storage keys do
 * (`tableId u32 | indexId u16`), and share prefixes often.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeySlab, prefixOf, prefixSkip } from '../../../engine/lsm/memtable/key-slab.js';
import { compareBytes } from '../../../engine/util/bytes.js';

const tail = fc.uint8Array({ minLength: 0, maxLength: 10 }).map((raw) => raw.map((byte) => [0, 1, 2, 127, 255][byte % 5]!));
const key: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 20 }), tail).map(([zeros, rest]) => Uint8Array.from([...new Array<number>(zeros).fill(0), ...rest])),
  fc.uint8Array({ minLength: 0, maxLength: 24 }),
  // Storage-key shaped: a small table id, index 0, then bytes that differ late.
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 0, maxLength: 12 })).map(([table, rest]) => Uint8Array.from([0, 0, 0, table, 0, 0, ...rest])),
);

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('memtable key prefixes', () => {
  it('order keys as their bytes do, and the slab decides ties as a full comparison would', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const byBytes = sign(compareBytes(a, b));
        const pa = prefixOf(a);
        const pb = prefixOf(b);
        expect(Number.isSafeInteger(pa) && pa >= 0).toBe(true);
        if (byBytes < 0) expect(pa).toBeLessThanOrEqual(pb);
        if (byBytes > 0) expect(pa).toBeGreaterThanOrEqual(pb);
        if (pa === pb) {
          const slab = new KeySlab();
          expect(sign(slab.compareAfterPrefix(slab.append(a), b, pa))).toBe(byBytes);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('tell storage keys of one table apart by the bytes after their table and index ids', () => {
    const a = Uint8Array.of(0, 0, 0, 5, 0, 0, 0x12, 0x34, 0x56, 0x78, 1);
    const b = Uint8Array.of(0, 0, 0, 5, 0, 0, 0x12, 0x34, 0x57, 0x00, 1);
    expect(prefixOf(a)).toBeLessThan(prefixOf(b));
    // Three zeros skipped: the window is 05 00 00 12 34 56, so the first nine bytes are known equal.
    expect(prefixSkip(prefixOf(a))).toBe(9);
  });

  it('put a key with more leading zeros first; past the 16 zeros skipped and the window, keys tie at prefix 0', () => {
    const zeros = (n: number, ...rest: number[]): Uint8Array => Uint8Array.from([...new Array<number>(n).fill(0), ...rest]);
    expect(prefixOf(zeros(4, 1))).toBeLessThan(prefixOf(zeros(3, 1)));
    expect(prefixOf(zeros(21, 1))).toBe(1); // 16 skipped: the window is bytes 16..21
    expect(prefixOf(zeros(22, 1))).toBe(prefixOf(zeros(23, 1))); // the nonzero byte is past the window
    expect(prefixOf(new Uint8Array(0))).toBe(prefixOf(zeros(30)));
    expect(prefixOf(zeros(30))).toBe(0);
  });
});
