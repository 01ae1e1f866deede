import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationException } from '../../engine/model/errors.js';
import {
  addNumbers,
  compareNumbers,
  decomposeNumber,
  formatNumber,
  normalizeNumber,
  NUMBER_EMPTY_MESSAGE,
  NUMBER_OVERFLOW_MESSAGE,
  NUMBER_PRECISION_MESSAGE,
  NUMBER_UNDERFLOW_MESSAGE,
  subtractNumbers,
} from '../../engine/model/number.js';
import { Big, canonicalNumber } from './arbitraries.js';


const MAX = '9.9999999999999999999999999999999999999E+125';
const MAX_CANONICAL = '99999999999999999999999999999999999999' + '0'.repeat(88);

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationException);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationException');
}

describe('normalizeNumber', () => {
  it.each([
    ['0', '0'],
    ['-0', '0'],
    ['0.000', '0'],
    ['-0e10', '0'],
    ['00', '0'],
    ['007', '7'],
    ['-007.500', '-7.5'],
    ['1.', '1'],
    ['.5', '0.5'],
    ['-.5', '-0.5'],
    ['1e3', '1000'],
    ['1E+3', '1000'],
    ['1.5e-3', '0.0015'],
    ['123.456e2', '12345.6'],
    ['100', '100'],
    ['1000000000000000000000000000000000000000', '1000000000000000000000000000000000000000'],
    ['1E-130', '0.' + '0'.repeat(129) + '1'],
    ['-1E-130', '-0.' + '0'.repeat(129) + '1'],
    [MAX, MAX_CANONICAL],
    ['-' + MAX, '-' + MAX_CANONICAL],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['0.12345678901234567890123456789012345678', '0.12345678901234567890123456789012345678'],
    ['1' + '0'.repeat(100) + '.000', '1' + '0'.repeat(100)],
  ])('%s → %s', (input, expected) => {
    expect(normalizeNumber(input)).toBe(expected);
  });

  it.each([
    ['', NUMBER_EMPTY_MESSAGE],
    ['abc', 'The parameter cannot be converted to a numeric value: abc'],
    ['+1', 'The parameter cannot be converted to a numeric value: +1'],
    [' 1', 'The parameter cannot be converted to a numeric value:  1'],
    ['1 ', 'The parameter cannot be converted to a numeric value: 1 '],
    ['1e', 'The parameter cannot be converted to a numeric value: 1e'],
    ['1.2.3', 'The parameter cannot be converted to a numeric value: 1.2.3'],
    ['-', 'The parameter cannot be converted to a numeric value: -'],
    ['.', 'The parameter cannot be converted to a numeric value: .'],
    ['e5', 'The parameter cannot be converted to a numeric value: e5'],
    ['0x10', 'The parameter cannot be converted to a numeric value: 0x10'],
    ['Infinity', 'The parameter cannot be converted to a numeric value: Infinity'],
    ['NaN', 'The parameter cannot be converted to a numeric value: NaN'],
    ['1E126', NUMBER_OVERFLOW_MESSAGE],
    ['-1E126', NUMBER_OVERFLOW_MESSAGE],
    ['1e99999999999999999999', NUMBER_OVERFLOW_MESSAGE],
    ['1' + '0'.repeat(126), NUMBER_OVERFLOW_MESSAGE],
    ['1E-131', NUMBER_UNDERFLOW_MESSAGE],
    ['-0.1e-130', NUMBER_UNDERFLOW_MESSAGE],
    ['1e-99999999999999999999', NUMBER_UNDERFLOW_MESSAGE],
    ['123456789012345678901234567890123456789', NUMBER_PRECISION_MESSAGE],
    ['1.23456789012345678901234567890123456789', NUMBER_PRECISION_MESSAGE],
    // Overflow is checked before precision, as the service does.
    ['1234567890123456789012345678901234567891E100', NUMBER_OVERFLOW_MESSAGE],
  ])('%j is rejected', (input, message) => {
    expect(messageOf(() => normalizeNumber(input))).toBe(message);
  });

  it('agrees with decimal.js on value, and the result is a fixed point', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.integer({ min: -150, max: 150 }), (mantissa, shift) => {
        const text = `${mantissa}e${shift}`;
        const expected = new Big(text);
        let canonical: string;
        try {
          canonical = normalizeNumber(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationException);
          const exponent = expected.isZero() ? 0 : expected.e;
          expect(exponent > 125 || exponent < -130 || expected.sd() > 38).toBe(true);
          return;
        }
        expect(new Big(canonical).eq(expected)).toBe(true);
        expect(canonical).toBe(expected.toFixed());
        expect(normalizeNumber(canonical)).toBe(canonical);
        expect(formatNumber(decomposeNumber(canonical))).toBe(canonical);
      }),
    );
  });
});


describe('compareNumbers', () => {
  it.each([
    ['0', '0', 0],
    ['0', '0.5', -1],
    ['-0.5', '0', -1],
    ['2', '10', -1],
    ['-2', '-10', 1],
    ['1.25', '1.2', 1],
    ['-1.25', '-1.2', -1],
    ['0.05', '0.5', -1],
    ['99999999999999999999999999999999999998', '99999999999999999999999999999999999999', -1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareNumbers(a, b))).toBe(sign);
    expect(Math.sign(compareNumbers(b, a))).toBe(0 - sign || 0);
  });

  it('agrees with decimal.js', () => {
    fc.assert(
      fc.property(canonicalNumber, canonicalNumber, (a, b) => {
        expect(Math.sign(compareNumbers(a, b))).toBe(new Big(a).cmp(new Big(b)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('arithmetic', () => {
  it.each([
    ['1', '2', '3'],
    ['-5', '5', '0'],
    ['0.1', '0.2', '0.3'],
    ['999999999999999', '1', '1000000000000000'],
    ['1e125', '-1e125', '0'],
    ['99999999999999999999999999999999999999', '1', '100000000000000000000000000000000000000'],
    ['99999999999999999999999999999999999999', '-1', '99999999999999999999999999999999999998'],
  ])('%s + %s = %s', (a, b, sum) => {
    expect(addNumbers(normalizeNumber(a), normalizeNumber(b))).toBe(sum);
  });

  it.each([
    ['9.9999999999999999999999999999999999999E+125', '1E+125', NUMBER_OVERFLOW_MESSAGE],
    ['99999999999999999999999999999999999999', '0.1', NUMBER_PRECISION_MESSAGE],
    ['1E+30', '1E-10', NUMBER_PRECISION_MESSAGE],
    ['1.1E-130', '-1E-130', NUMBER_UNDERFLOW_MESSAGE],
  ])('%s + %s is rejected', (a, b, message) => {
    expect(messageOf(() => addNumbers(normalizeNumber(a), normalizeNumber(b)))).toBe(message);
  });

  it('is exact (decimal.js oracle), commutative, and a + b - b = a when in range', () => {
    fc.assert(
      fc.property(canonicalNumber, canonicalNumber, (a, b) => {
        const exact = new Big(a).plus(new Big(b));
        let sum: string;
        try {
          sum = addNumbers(a, b);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationException);
          const exponent = exact.isZero() ? 0 : exact.e;
          expect(exponent > 125 || exponent < -130 || exact.sd() > 38).toBe(true);
          expect(() => addNumbers(b, a)).toThrow(ValidationException);
          return;
        }
        expect(sum).toBe(exact.toFixed());
        expect(addNumbers(b, a)).toBe(sum);
        expect(subtractNumbers(sum, b)).toBe(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('the small-integer fast path agrees with the exact path', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (a, b) => {
        expect(addNumbers(String(a), String(b))).toBe((BigInt(a) + BigInt(b)).toString());
        expect(subtractNumbers(String(a), String(b))).toBe((BigInt(a) - BigInt(b)).toString());
      }),
    );
  });
});
