import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  compareByteRanges,
  compareBytes,
  concatBytes,
  fromUtf8,
  readUint32BE,
  readUint32LE,
  readUint64LE,
  sharedPrefixLength,
  utf8,
  writeUint32BE,
  writeUint32LE,
  writeUint64LE,
} from '../../engine/util/bytes.js';

/** Reference order: unsigned bytes, lexicographic, a proper prefix first. */
function referenceCompare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Small alphabet so that shared prefixes and equal arrays are common. */
const key = fc.uint8Array({ maxLength: 12, min: 0, max: 3 }).chain((small) =>
  fc.constantFrom(small, small.map((b) => (b === 3 ? 255 : b)), small.map((b) => b * 64 + 1)),
);

describe('compareBytes', () => {
  it('has the sign of the reference order', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(Math.sign(compareBytes(a, b))).toBe(referenceCompare(a, b));
      }),
    );
  });

  it('compares as unsigned bytes and puts a prefix first', () => {
    expect(compareBytes(Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBeLessThan(0);
    expect(compareBytes(Uint8Array.of(0xff), Uint8Array.of(0x00, 0x00))).toBeGreaterThan(0);
    expect(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBeLessThan(0);
    expect(compareBytes(new Uint8Array(0), new Uint8Array(0))).toBe(0);
  });

  it('is antisymmetric and transitive, and sorting by it matches the reference sort', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 20 }), (keys) => {
        for (const a of keys) for (const b of keys) expect(Math.sign(compareBytes(a, b)) + Math.sign(compareBytes(b, a))).toBe(0);
        const sorted = [...keys].sort(compareBytes);
        const reference = [...keys].sort(referenceCompare);
        expect(sorted.map((k) => [...k])).toEqual(reference.map((k) => [...k]));
        for (let i = 1; i < sorted.length; i++) expect(compareBytes(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('compareByteRanges', () => {
  it('equals compareBytes on the subarrays, without copying', () => {
    fc.assert(
      fc.property(key, key, fc.nat(), fc.nat(), fc.nat(), fc.nat(), (a, b, w, x, y, z) => {
        const aStart = w % (a.length + 1);
        const aEnd = aStart + (x % (a.length - aStart + 1));
        const bStart = y % (b.length + 1);
        const bEnd = bStart + (z % (b.length - bStart + 1));
        const expected = referenceCompare(a.slice(aStart, aEnd), b.slice(bStart, bEnd));
        expect(Math.sign(compareByteRanges(a, aStart, aEnd, b, bStart, bEnd))).toBe(expected);
      }),
    );
  });
});

describe('bytesEqual / sharedPrefixLength / concatBytes', () => {
  it('bytesEqual agrees with the order', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(bytesEqual(a, b)).toBe(referenceCompare(a, b) === 0);
        expect(bytesEqual(a, a.slice())).toBe(true);
      }),
    );
  });

  it('sharedPrefixLength is the longest common prefix', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const n = sharedPrefixLength(a, b);
        expect(bytesEqual(a.subarray(0, n), b.subarray(0, n))).toBe(true);
        expect(n === a.length || n === b.length || a[n] !== b[n]).toBe(true);
        expect(sharedPrefixLength(b, a)).toBe(n);
      }),
    );
  });

  it('concatBytes joins in order', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 10 }), { maxLength: 6 }), (parts) => {
        expect([...concatBytes(parts)]).toEqual(parts.flatMap((p) => [...p]));
      }),
    );
  });
});

describe('fixed-width integers', () => {
  it('lays out 32-bit values little- and big-endian', () => {
    const out = new Uint8Array(4);
    writeUint32LE(out, 0, 0x12345678);
    expect([...out]).toEqual([0x78, 0x56, 0x34, 0x12]);
    writeUint32BE(out, 0, 0x12345678);
    expect([...out]).toEqual([0x12, 0x34, 0x56, 0x78]);
    writeUint32BE(out, 0, 0xffffffff);
    expect(readUint32BE(out, 0)).toBe(0xffffffff);
  });

  it('round-trips 32-bit values at any offset', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 8 }), (value, offset) => {
        const out = new Uint8Array(16);
        writeUint32LE(out, offset, value);
        expect(readUint32LE(out, offset)).toBe(value);
        writeUint32BE(out, offset, value);
        expect(readUint32BE(out, offset)).toBe(value);
        expect(out.slice(0, offset).every((b) => b === 0)).toBe(true);
        expect(out.slice(offset + 4).every((b) => b === 0)).toBe(true);
      }),
    );
  });

  it('round-trips 64-bit values up to 2^53 - 1 and flags anything larger', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (value) => {
        const out = new Uint8Array(8);
        writeUint64LE(out, 0, value);
        expect(readUint64LE(out, 0)).toBe(value);
        expect(readUint32LE(out, 0)).toBe(value % 2 ** 32);
      }),
    );
    const out = new Uint8Array(8);
    writeUint64LE(out, 0, Number.MAX_SAFE_INTEGER);
    expect([...out]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00]);
    out[6] = 0x20; // 2^53
    expect(readUint64LE(out, 0)).toBe(-1);
    expect(readUint64LE(new Uint8Array(8).fill(0xff), 0)).toBe(-1);
  });
});

describe('utf8', () => {
  it('round-trips strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(fromUtf8(utf8(text))).toBe(text);
      }),
    );
    expect([...utf8('é')]).toEqual([0xc3, 0xa9]);
  });
});
