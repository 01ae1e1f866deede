import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../engine/model/attribute-value.js';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import { decodeItem, decodeSizedItem, encodeItem, ITEM_FORMAT_VERSION, ITEM_SIZE_PER_ENCODED_BYTE_MAX, itemSizeBytesAtMost } from '../../engine/model/item-codec.js';
import { itemSizeBytes } from '../../engine/model/item-size.js';
import { CorruptionError } from '../../engine/util/errors.js';
import { attributeValue, item, nested } from './arbitraries.js';
import { referenceEncoding } from './reference-encoding.js';

/** Deep equality that also checks binary is a plain Uint8Array and names are own properties. */
function expectSame(actual: Item, expected: Item): void {
  expect(actual).toEqual(expected);
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  const visit = (value: unknown): void => {
    if (value instanceof Uint8Array) expect(value.constructor).toBe(Uint8Array);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      Object.values(value).forEach(visit);
    }
  };
  visit(actual);
}

describe('item codec', () => {
  it('round-trips every type exactly', () => {
    const value: Item = {
      s: { S: 'héllo 😀' },
      empty: { S: '' },
      n: { N: '42' },
      neg: { N: '-7' },
      big: { N: '12345678901234567890123456789012345678' },
      tiny: { N: '-0.' + '0'.repeat(129) + '1' },
      limit: { N: '999999999999999' },
      over: { N: '1000000000000000' },
      b: { B: new Uint8Array([0, 1, 255]) },
      emptyB: { B: new Uint8Array() },
      t: { BOOL: true },
      f: { BOOL: false },
      z: { NULL: true },
      l: { L: [{ S: 'a' }, { N: '1' }, { L: [] }, { M: {} }] },
      m: { M: { x: { SS: ['a', 'b'] }, y: { NS: ['1', '2.5'] }, w: { BS: [new Uint8Array([1]), new Uint8Array()] } } },
      ss: { SS: ['only'] },
      list_of_strings: { L: [{ S: 'a' }] }, // a list of strings must not come back as a string set
      deep: nested(31),
    };
    Object.defineProperty(value, '__proto__', { value: { N: '3' }, enumerable: true, writable: true, configurable: true });
    const encoded = encodeItem(value);
    expect(encoded[0]).toBe(ITEM_FORMAT_VERSION);
    expectSame(decodeItem(encoded), value);
  });

  it('round-trips random items', () => {
    fc.assert(
      fc.property(item, (value) => {
        expectSame(decodeItem(encodeItem(value)), value);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes exactly the bytes msgpackr writes (items encoded before and after are indistinguishable)', () => {
    const long = (unit: string): string => unit.repeat(70);
    const edges: Item = {
      ints: { L: ['0', '127', '128', '255', '256', '65535', '65536', '4294967295', '4294967296', '999999999999999', '-1', '-32', '-33', '-128', '-129', '-32768', '-32769', '-2147483648', '-2147483649', '-999999999999999'].map((N) => ({ N })) },
      strings: { L: ['', 'a'.repeat(31), 'a'.repeat(32), 'a'.repeat(255), 'a'.repeat(256), 'a'.repeat(65536), 'é'.repeat(20), 'é'.repeat(40), '😀'.repeat(40)].map((S) => ({ S })) },
      lone: { L: ['\ud800', 'a\udc00b', long('\ud800'), long('a') + '\udfff'].map((S) => ({ S })) },
      binary: { L: [0, 255, 256, 65536].map((n) => ({ B: new Uint8Array(n).fill(7) })) },
      lists: { L: [{ L: Array.from({ length: 15 }, () => ({ NULL: true as const })) }, { L: Array.from({ length: 16 }, () => ({ BOOL: false })) }] },
      wide: { M: Object.fromEntries(Array.from({ length: 40 }, (_, i): [string, AttributeValue] => [`k${i}`, { N: String(i) }])) },
      sets: { L: [{ SS: ['x', long('y')] }, { NS: ['1.5', '2'] }, { BS: [new Uint8Array([1])] }] },
    };
    expect(Array.from(encodeItem(edges))).toEqual(Array.from(referenceEncoding(edges)));
    fc.assert(
      fc.property(item, (value) => {
        expect(Array.from(encodeItem(value))).toEqual(Array.from(referenceEncoding(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('measures the size it decodes: decodeSizedItem(x).sizeBytes = itemSizeBytes(decodeItem(x))', () => {
    fc.assert(
      fc.property(item, (value) => {
        const { item: decoded, sizeBytes } = decodeSizedItem(encodeItem(value));
        expect(sizeBytes).toBe(itemSizeBytes(decoded));
        expect(sizeBytes).toBe(itemSizeBytes(value));
      }),
      { numRuns: 1000 },
    );
    // Strings whose stored bytes are not well-formed UTF-8 (a lone surrogate) decode with U+FFFD:
    // the size is the decoded string's.
    for (const S of ['\ud800', 'a\udc00' + 'b'.repeat(70)]) {
      const { item: decoded, sizeBytes } = decodeSizedItem(encodeItem({ s: { S } }));
      expect(sizeBytes).toBe(itemSizeBytes(decoded));
    }
  });

  it('an item is never larger than ITEM_SIZE_PER_ENCODED_BYTE_MAX times its encoding, and lists of small ints come close', () => {
    fc.assert(
      fc.property(item, (value) => {
        for (const encoded of [encodeItem(value), referenceEncoding(value)]) {
          expect(decodeSizedItem(encoded).sizeBytes).toBeLessThanOrEqual(itemSizeBytesAtMost(encoded));
        }
      }),
      { numRuns: 1000 },
    );
    // The worst cases of the bound's proof: fixints in lists (4 bytes of size per encoded byte),
    // names and strings of malformed UTF-8 (3), nested empty lists and maps, sets of short strings.
    const worst: Item[] = [
      { l: { L: Array.from({ length: 2000 }, (_, i) => ({ N: i % 2 === 0 ? '-1' : '127' })) } },
      { [`\ud800`]: { S: '\udc00\ud800'.repeat(50) } },
      { l: { L: Array.from({ length: 500 }, () => ({ L: [{ M: {} }, { L: [] }] })) } },
      { s: { SS: Array.from({ length: 300 }, (_, i) => String.fromCharCode(0x4e00 + i)) }, n: { NS: Array.from({ length: 300 }, (_, i) => String(i - 100)) } },
    ];
    for (const value of worst) {
      const encoded = encodeItem(value);
      expect(decodeSizedItem(encoded).sizeBytes).toBeLessThanOrEqual(itemSizeBytesAtMost(encoded));
    }
    const ints = encodeItem(worst[0]!);
    expect(decodeSizedItem(ints).sizeBytes / ints.length).toBeGreaterThan(ITEM_SIZE_PER_ENCODED_BYTE_MAX - 0.5);
  });

  it('reads every MessagePack form msgpackr reads for the same tree', () => {
    // Wider headers than the encoder picks: str8 for a short name, uint32 for a small int, array16, bin16, float64 integer.
    const bytes = [1, 0xdc, 0, 4, 0xd9, 1, 0x61, 0xce, 0, 0, 0, 5, 0xa1, 0x62, 0x92, 0x02, 0xcb, 0x40, 0x14, 0, 0, 0, 0, 0, 0];
    expect(decodeItem(new Uint8Array(bytes))).toEqual({ a: { N: '5' }, b: { L: [{ N: '5' }] } });
    const binary = [1, 0x92, 0xa1, 0x62, 0xc5, 0, 2, 9, 8];
    expect(decodeItem(new Uint8Array(binary))).toEqual({ b: { B: new Uint8Array([9, 8]) } });
    fc.assert(
      fc.property(attributeValue, (value) => {
        const encoded = referenceEncoding({ v: value });
        expect(decodeItem(encoded)).toEqual(decodeItem(encodeItem({ v: value })));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes names right whatever its name cache holds (colliding, repeated, non-ASCII, long)', () => {
    const names = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `é${i}` : i % 11 === 0 ? 'n'.repeat(40) + i : `a${i.toString(36)}`));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < names.length; i += 3) {
        const value: Item = { [names[i]!]: { N: '1' }, [names[(i * 7) % names.length]!]: { S: names[i + 1]! }, ab: { S: 'ba' }, ba: { S: 'ab' } };
        expectSame(decodeItem(encodeItem(value)), value);
      }
    }
  });

  it('decoded binary does not alias the encoded buffer', () => {
    const encoded = encodeItem({ b: { B: new Uint8Array([7, 7, 7]) } });
    const decoded = decodeItem(encoded);
    encoded.fill(0, 1);
    expect(decoded['b']).toEqual({ B: new Uint8Array([7, 7, 7]) });
  });

  it('is compact for small integers', () => {
    // FORMAT.md worked example: version, array of 2, "n", fixint 5.
    expect(Array.from(encodeItem({ n: { N: '5' } }))).toEqual([0x01, 0x92, 0xa1, 0x6e, 0x05]);
  });

  it.each<[string, number[]]>([
    ['empty', []],
    ['unknown version', [9, 0x90]],
    ['not msgpack', [1, 0xc1]],
    ['top level not an array', [1, 0xa1, 0x61]],
    ['odd entries', [1, 0x91, 0xa1, 0x61]],
    ['unknown tag', [1, 0x92, 0xa1, 0x61, 0x91, 0x09]],
    ['float number', [1, 0x92, 0xa1, 0x61, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]],
    ['empty set', [1, 0x92, 0xa1, 0x61, 0x91, 0x04]],
    ['trailing bytes', [1, 0x92, 0xa1, 0x61, 0x05, 0x05]],
    ['truncated string', [1, 0x92, 0xa1, 0x61, 0xa3, 0x61]],
    ['truncated array', [1, 0x94, 0xa1, 0x61, 0x05]],
    ['a msgpack map', [1, 0x92, 0xa1, 0x61, 0x81, 0xa1, 0x62, 0x05]],
    ['an extension', [1, 0x92, 0xa1, 0x61, 0xd4, 0x01, 0x00]],
    ['a 64-bit integer', [1, 0x92, 0xa1, 0x61, 0xcf, 0, 0, 0, 0, 0, 0, 0, 5]],
    ['a name that is not a string', [1, 0x92, 0x05, 0x05]],
    ['a bad set element', [1, 0x92, 0xa1, 0x61, 0x92, 0x04, 0x05]],
    ['an empty tagged array', [1, 0x92, 0xa1, 0x61, 0x90]],
    ['nesting no valid item reaches', [1, 0x92, 0xa1, 0x61, ...Array.from({ length: 200 }, () => [0x92, 0x02]).flat(), 0xc0]],
  ])('rejects %s as corruption', (_name, bytes) => {
    expect(() => decodeItem(new Uint8Array(bytes))).toThrow(CorruptionError);
  });
});
