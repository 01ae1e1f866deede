import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../engine/model/attribute-value.js';
import { ValidationException } from '../../engine/model/errors.js';
import {
  attributeValueSizeBytes,
  checkItemSize,
  ITEM_SIZE_MESSAGE,
  itemSizeBytes,
  keyValueSizeBytes,
  numberSizeBytes,
  utf8Length,
} from '../../engine/model/item-size.js';
import { normalizeNumber } from '../../engine/model/number.js';
import { Big, canonicalNumber, keyString } from './arbitraries.js';

describe('item size', () => {
  it('the Developer Guide example is 23 bytes', () => {
    expect(itemSizeBytes({ 'shirt-color': { S: 'R' }, 'shirt-size': { S: 'M' } })).toBe(23);
  });

  it.each<[string, number]>([
    ['0', 1],
    ['1E125', 2],
    ['1'.repeat(38) + 'E88', 20],
    ['1', 2],
    ['12', 2], // d = 2 even, exponent 1 odd
    ['1.2', 3], // d = 2, exponent 0 even
    ['123', 3],
    ['-1', 3],
    ['-1.2', 4],
    ['0.01', 2],
    ['0.012', 3], // d = 2, exponent -2 even
    ['-0.12', 3], // d = 2, exponent -1 odd, negative
  ])('N %s is %i bytes', (text, size) => {
    expect(numberSizeBytes(normalizeNumber(text))).toBe(size);
  });

  it('N size follows the formula (decimal.js oracle)', () => {
    fc.assert(
      fc.property(canonicalNumber, (canonical) => {
        const value = new Big(canonical);
        if (value.isZero()) {
          expect(numberSizeBytes(canonical)).toBe(1);
          return;
        }
        const digits = value.sd();
        const exponent = value.e;
        const expected = 1 + Math.ceil(digits / 2) + (digits % 2 === 0 && exponent % 2 === 0 ? 1 : 0) + (value.isNeg() ? 1 : 0);
        expect(numberSizeBytes(canonical)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts each type as documented', () => {
    expect(attributeValueSizeBytes({ S: 'é😀' })).toBe(6);
    expect(attributeValueSizeBytes({ B: new Uint8Array(7) })).toBe(7);
    expect(attributeValueSizeBytes({ BOOL: false })).toBe(1);
    expect(attributeValueSizeBytes({ NULL: true })).toBe(1);
    expect(attributeValueSizeBytes({ L: [] })).toBe(3);
    expect(attributeValueSizeBytes({ M: {} })).toBe(3);
    expect(attributeValueSizeBytes({ L: [{ S: 'ab' }, { NULL: true }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(attributeValueSizeBytes({ M: { ab: { S: 'xyz' }, c: { BOOL: true } } })).toBe(3 + (1 + 2 + 3) + (1 + 1 + 1));
    expect(attributeValueSizeBytes({ SS: ['a', 'bc'] })).toBe(3);
    expect(attributeValueSizeBytes({ NS: ['1', '-1'] })).toBe(5);
    expect(attributeValueSizeBytes({ BS: [new Uint8Array(2), new Uint8Array(3)] })).toBe(5);
    expect(itemSizeBytes({ 'é': { S: '' } })).toBe(2);
  });

  it('409,600 bytes is accepted and 409,601 rejected', () => {
    const fill = (size: number): Item => ({ a: { S: 'x'.repeat(size - 1) } });
    expect(checkItemSize(fill(409_600))).toBe(409_600);
    expect(() => checkItemSize(fill(409_601))).toThrow(ValidationException);
    expect(() => checkItemSize(fill(409_601))).toThrow(ITEM_SIZE_MESSAGE);
  });

  it('utf8Length agrees with TextEncoder', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(keyString, (text) => {
        expect(utf8Length(text)).toBe(encoder.encode(text).length);
      }),
    );
    expect(utf8Length('\ud800')).toBe(3); // a lone surrogate is written as U+FFFD
  });

  it('key value sizes count UTF-8 and raw bytes', () => {
    expect(keyValueSizeBytes({ S: 'é' })).toBe(2);
    expect(keyValueSizeBytes({ B: new Uint8Array(3) })).toBe(3);
  });
});
