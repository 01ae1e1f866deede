import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import { attributeValuesEqual, compareKeyValues, compareUtf8 } from '../../engine/model/compare.js';
import { attributeValue } from './arbitraries.js';

const b = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('attributeValuesEqual', () => {
  it.each<[AttributeValue, AttributeValue, boolean]>([
    [{ N: '6' }, { S: '6' }, false],
    [{ N: '1.5' }, { N: '1.5' }, true],
    [{ N: '1.5' }, { N: '1.25' }, false],
    [{ NS: ['1', '2'] }, { NS: ['1', '3'] }, false],
    [{ S: 'a' }, { S: 'a' }, true],
    [{ S: 'a' }, { S: 'A' }, false],
    [{ B: b(1, 2) }, { B: b(1, 2) }, true],
    [{ B: b(1, 2) }, { B: b(1) }, false],
    [{ BOOL: true }, { BOOL: false }, false],
    [{ NULL: true }, { NULL: true }, true],
    [{ SS: ['a', 'b'] }, { SS: ['b', 'a'] }, true],
    [{ SS: ['a', 'b'] }, { SS: ['a'] }, false],
    [{ SS: ['a', 'b'] }, { SS: ['a', 'c'] }, false],
    [{ NS: ['1', '2'] }, { NS: ['2', '1'] }, true],
    [{ BS: [b(1), b(2)] }, { BS: [b(2), b(1)] }, true],
    [{ BS: [b(1), b(2)] }, { BS: [b(2), b(3)] }, false],
    [{ SS: Array.from({ length: 20 }, (_, i) => `s${i}`) }, { SS: Array.from({ length: 20 }, (_, i) => `s${19 - i}`) }, true],
    [{ BS: Array.from({ length: 20 }, (_, i) => b(i)) }, { BS: Array.from({ length: 20 }, (_, i) => b(19 - i)) }, true],
    [{ BS: Array.from({ length: 20 }, (_, i) => b(i)) }, { BS: Array.from({ length: 20 }, (_, i) => b(i + 1)) }, false],
    [{ L: [{ S: 'a' }, { N: '1' }] }, { L: [{ N: '1' }, { S: 'a' }] }, false],
    [{ L: [] }, { M: {} }, false],
    [{ M: { a: { S: 'x' }, b: { N: '1' } } }, { M: { b: { N: '1' }, a: { S: 'x' } } }, true],
    [{ M: { a: { S: 'x' } } }, { M: { a: { S: 'x' }, b: { N: '1' } } }, false],
    [{ M: { a: { S: 'x' } } }, { M: { b: { S: 'x' } } }, false],
    [{ SS: ['a'] }, { L: [{ S: 'a' }] }, false],
  ])('%j = %j is %s', (x, y, equal) => {
    expect(attributeValuesEqual(x, y)).toBe(equal);
    expect(attributeValuesEqual(y, x)).toBe(equal);
  });

  it('is reflexive and agrees with structural equality for canonical values', () => {
    fc.assert(
      fc.property(attributeValue, attributeValue, (x, y) => {
        expect(attributeValuesEqual(x, x)).toBe(true);
        expect(attributeValuesEqual(x, structuredClone(x))).toBe(true);
        if (attributeValuesEqual(x, y)) expect(attributeValuesEqual(y, x)).toBe(true);
      }),
    );
  });
});

describe('ordering', () => {
  it('orders strings by UTF-8 bytes, numbers numerically, binary unsigned', () => {
    expect(compareUtf8('a', 'A')).toBeGreaterThan(0);
    expect(compareUtf8('¿', 'z')).toBeGreaterThan(0);
    expect(compareUtf8('a', 'ab')).toBeLessThan(0);
    expect(compareKeyValues({ N: '10' }, { N: '9' })).toBeGreaterThan(0);
    expect(compareKeyValues({ N: '-10' }, { N: '-9' })).toBeLessThan(0);
    expect(compareKeyValues({ B: b(0x80) }, { B: b(0x7f) })).toBeGreaterThan(0);
    expect(compareKeyValues({ S: '\u{10000}' }, { S: '\uffff' })).toBeGreaterThan(0);
  });
});
