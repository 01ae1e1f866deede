import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../engine/model/attribute-value.js';
import { decodeItem, encodeItem, ITEM_FORMAT_VERSION } from '../../engine/model/item-codec.js';
import { CorruptionError } from '../../engine/util/errors.js';
import { item, nested } from './arbitraries.js';

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
  ])('rejects %s as corruption', (_name, bytes) => {
    expect(() => decodeItem(new Uint8Array(bytes))).toThrow(CorruptionError);
  });
});
