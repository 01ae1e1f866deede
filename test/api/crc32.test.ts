/**
 * CRC-32 for x-amz-crc32: known values of the gzip polynomial, and the slice-by-8 table (short
 * bodies, and Node without zlib.crc32) agreeing with zlib's on arbitrary data, whole and continued,
 * at every length around its 8-byte steps and the native cut-over.
 */
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Table } from '../../engine/api/crc32.js';

describe('crc32', () => {
  it('matches the standard check values', () => {
    for (const f of [crc32, crc32Table]) {
      expect(f(new Uint8Array(0))).toBe(0);
      expect(f(Buffer.from('123456789'))).toBe(0xcbf43926);
      expect(f(Buffer.from('healthy: dynamodb.us-east-1.amazonaws.com '))).toBe(3128867991);
      expect(f(Buffer.from('<UnknownOperationException/>\n'))).toBe(3552371480);
    }
  });

  it('the table fallback equals zlib.crc32, also when continued', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.nat(), (data, cut) => {
        const at = data.length === 0 ? 0 : cut % data.length;
        expect(crc32Table(data)).toBe(zlib.crc32(data));
        expect(crc32Table(data.subarray(at), crc32Table(data.subarray(0, at)))).toBe(zlib.crc32(data));
        expect(crc32(data)).toBe(zlib.crc32(data));
        expect(crc32(data.subarray(at), crc32(data.subarray(0, at)))).toBe(zlib.crc32(data));
      }),
    );
  });

  it('every length from 0 to 300, at every alignment of the view', () => {
    const bytes = Uint8Array.from({ length: 320 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let offset = 0; offset < 8; offset++) {
      for (let length = 0; length <= 300; length++) {
        const data = bytes.subarray(offset, offset + length);
        expect(crc32Table(data)).toBe(zlib.crc32(data));
        expect(crc32(data)).toBe(zlib.crc32(data));
      }
    }
  });
});
