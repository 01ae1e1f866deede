import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../../engine/util/bytes.js';
import { CorruptionError } from '../../engine/util/errors.js';
import { compareKeyValues, compareUtf8, type KeyAttributeValue } from '../../engine/model/compare.js';
import { decodeKeyValue, encodedKeyValueLength, encodeKeyPrefix, encodeKeyValue, readKeyValue } from '../../engine/model/key-codec.js';
import { Big, keyString, keyValueOf } from './arbitraries.js';

const utf8 = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

describe('key codec: worked examples (FORMAT.md)', () => {
  it.each<[KeyAttributeValue, string]>([
    [{ S: '' }, '00 01'],
    [{ S: 'ab' }, '61 62 00 01'],
    [{ S: 'a\u0000b' }, '61 00 ff 62 00 01'],
    [{ S: '¿' }, 'c2 bf 00 01'],
    [{ B: new Uint8Array([0, 0xff]) }, '00 ff ff 00 01'],
    [{ N: '0' }, '02'],
    [{ N: '1' }, '03 82 20'],
    [{ N: '12.5' }, '03 83 23 60'],
    [{ N: '-12.5' }, '01 7c 98 5f'],
    [{ N: '-1' }, '01 7d 9f'],
    [{ N: '0.' + '0'.repeat(129) + '1' }, '03 00 20'],
  ])('%j → %s', (value, expected) => {
    const encoded = encodeKeyValue(value);
    expect(hex(encoded)).toBe(expected);
    expect(encodedKeyValueLength(value)).toBe(encoded.length);
  });
});

describe.each(['S', 'N', 'B'] as const)('key codec for %s', (type) => {
  const arbitrary = keyValueOf[type];

  it('decode(encode(v)) = v', () => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        const encoded = encodeKeyValue(value);
        expect(encoded.length).toBe(encodedKeyValueLength(value));
        expect(decodeKeyValue(encoded, type)).toEqual(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('byte order = DynamoDB order, also with anything appended', () => {
    fc.assert(
      fc.property(arbitrary, arbitrary, fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ maxLength: 4 }), (a, b, tailA, tailB) => {
        const expected = Math.sign(compareKeyValues(a, b));
        const x = encodeKeyValue(a);
        const y = encodeKeyValue(b);
        expect(Math.sign(compareBytes(x, y))).toBe(expected);
        if (expected !== 0) {
          const xx = new Uint8Array([...x, ...tailA]);
          const yy = new Uint8Array([...y, ...tailB]);
          expect(Math.sign(compareBytes(xx, yy))).toBe(expected);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a value followed by other bytes and reports where it ends', () => {
    fc.assert(
      fc.property(arbitrary, fc.uint8Array({ maxLength: 4 }), (value, tail) => {
        const encoded = encodeKeyValue(value);
        const joined = new Uint8Array([...encoded, ...tail]);
        const read = readKeyValue(joined, 0, joined.length, type);
        expect(read.offset).toBe(encoded.length);
        expect(read.value).toEqual(value);
      }),
    );
  });
});

describe('orderings match their definitions', () => {
  it('strings compare by UTF-8 bytes', () => {
    fc.assert(
      fc.property(keyString, keyString, (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(compareBytes(utf8.encode(a), utf8.encode(b))));
      }),
      { numRuns: 3000 },
    );
    expect(compareUtf8('a', 'A')).toBeGreaterThan(0);
    expect(compareUtf8('¿', 'z')).toBeGreaterThan(0);
    expect(compareUtf8('😀', '\uffff')).toBeGreaterThan(0); // UTF-16 order would say less
  });

  it('numbers compare numerically (decimal.js oracle)', () => {
    fc.assert(
      fc.property(keyValueOf.N, keyValueOf.N, (a, b) => {
        const x = (a as { N: string }).N;
        const y = (b as { N: string }).N;
        expect(Math.sign(compareBytes(encodeKeyValue(a), encodeKeyValue(b)))).toBe(new Big(x).cmp(new Big(y)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('prefixes and corruption', () => {
  it('an S or B prefix encoding starts every encoding of a value with that prefix', () => {
    fc.assert(
      fc.property(keyString, keyString, (prefix, rest) => {
        const encodedPrefix = encodeKeyPrefix({ S: prefix });
        const full = encodeKeyValue({ S: prefix + rest });
        expect(full.subarray(0, encodedPrefix.length)).toEqual(encodedPrefix);
      }),
    );
    expect(hex(encodeKeyPrefix({ B: new Uint8Array([1, 0]) }))).toBe('01 00 ff');
  });

  it.each<[string, number[], 'S' | 'N' | 'B']>([
    ['missing terminator', [0x61, 0x62], 'S'],
    ['bad escape', [0x61, 0x00, 0x07, 0x00, 0x01], 'B'],
    ['truncated escape', [0x61, 0x00], 'S'],
    ['bad number tag', [0x09], 'N'],
    ['unterminated number', [0x03, 0x82, 0x23], 'N'],
    ['empty number', [], 'N'],
    ['trailing bytes', [0x02, 0x00], 'N'],
  ])('%s is a CorruptionError', (_name, bytes, type) => {
    expect(() => decodeKeyValue(new Uint8Array(bytes), type)).toThrow(CorruptionError);
  });
});
