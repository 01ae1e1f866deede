import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../engine/util/bytes.js';
import { crc32c, maskCrc, unmaskCrc } from '../../engine/util/crc32c.js';

/** Bit-at-a-time CRC32C (reflected polynomial 0x82f63b78): slow, obviously right. */
function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(utf8('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 (iSCSI) test vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('is 0 for empty input and always an unsigned 32-bit number', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const crc = crc32c(data);
        expect(Number.isInteger(crc) && crc >= 0 && crc <= 0xffffffff).toBe(true);
      }),
    );
  });

  it('agrees with a bitwise reference', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(crc32c(data)).toBe(referenceCrc32c(data));
      }),
    );
  });

  it('continues from an initial value: crc(a ++ b) = crc(b, crc(a))', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        expect(crc32c(b, crc32c(a))).toBe(crc32c(concatBytes([a, b])));
      }),
    );
  });

  it('checksums exactly the bytes of a view, not its whole backing buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), fc.nat(), (data, x, y) => {
        const start = x % data.length;
        const end = start + (y % (data.length - start + 1));
        const view = data.subarray(start, end);
        expect(crc32c(view)).toBe(referenceCrc32c(data.slice(start, end)));
      }),
    );
  });

  it('detects a flipped bit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (data, at, bit) => {
        const changed = data.slice();
        changed[at % data.length]! ^= 1 << bit;
        expect(crc32c(changed)).not.toBe(crc32c(data));
      }),
    );
  });
});

describe('maskCrc / unmaskCrc', () => {
  it('round-trips every 32-bit value', () => {
    for (const value of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xe3069283]) {
      expect(unmaskCrc(maskCrc(value))).toBe(value);
    }
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (crc) => {
        const masked = maskCrc(crc);
        expect(masked >= 0 && masked <= 0xffffffff && Number.isInteger(masked)).toBe(true);
        expect(unmaskCrc(masked)).toBe(crc);
      }),
    );
  });

  it('is LevelDB\'s mask: rotate right by 15, then add 0xa282ead8 (part of the on-disk format)', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(1)).toBe((0x00020000 + 0xa282ead8) >>> 0);
    expect(maskCrc(0xe3069283)).toBe((((0xe3069283 >>> 15) | (0xe3069283 << 17)) + 0xa282ead8) >>> 0);
  });

  it('changes the value, so a checksum of stored checksums does not degenerate', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), (data) => {
        expect(maskCrc(crc32c(data))).not.toBe(crc32c(data));
      }),
    );
  });
});

describe('crc32c small-input path', () => {
  it('agrees with the native path at every length around the switch-over and for ranges', async () => {
    const { crc32c: native } = await import('@node-rs/crc32');
    const { crc32c: ours, crc32cRange } = await import('../../engine/util/crc32c.js');
    const data = new Uint8Array(300);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
    for (let length = 0; length <= 200; length++) {
      const slice = data.subarray(3, 3 + length);
      const expected = native(Buffer.from(slice), 0x1234) >>> 0;
      expect(ours(slice, 0x1234)).toBe(expected);
      expect(crc32cRange(data, 3, 3 + length, 0x1234)).toBe(expected);
    }
  });
});
