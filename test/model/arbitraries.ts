/**
 * fast-check arbitraries for the model tests: canonical numbers over DynamoDB's whole range (edges
 * included), strings with U+0000 and non-ASCII code points, binary with 0x00/0xFF, key values, and
 * nested attribute values and items.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import type { KeyAttributeValue } from '../../engine/model/compare.js';
import { normalizeNumber } from '../../engine/model/number.js';

/** An oracle far wider than DynamoDB's range, so every exact result is representable. */
export const Big = Decimal.clone({ precision: 1000, toExpNeg: -9e15, toExpPos: 9e15 });

const EDGE_NUMBERS = [
  '0',
  '1',
  '-1',
  '1E-130',
  '-1E-130',
  '1.0000000000000000000000000000000000001E-130',
  '9.9999999999999999999999999999999999999E+125',
  '-9.9999999999999999999999999999999999999E+125',
  '9.9999999999999999999999999999999999998E+125',
  '0.1',
  '10',
  '99999999999999999999999999999999999999',
  '99999999999999999999999999999999999998',
  '-99999999999999999999999999999999999998',
  '12345678901234567890123456789012345678',
  '12345678901234567890123456789012345679',
];

export const canonicalNumber: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(...EDGE_NUMBERS),
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
    fc
      .tuple(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.integer({ min: -130, max: 125 }))
      .map(([mantissa, exponent]) => `${mantissa}e${exponent - 37}`)
      .filter((text) => {
        const value = new Big(text);
        return value.isZero() || (value.e <= 125 && value.e >= -130);
      }),
    // Numbers differing only in the last of 38 digits.
    fc.tuple(fc.bigInt({ min: 10n ** 37n, max: 10n ** 38n - 2n }), fc.integer({ min: -130, max: 88 }), fc.boolean()).chain(([m, e, negative]) =>
      fc.constantFrom(`${negative ? '-' : ''}${m}e${e}`, `${negative ? '-' : ''}${m + 1n}e${e}`),
    ),
  )
  .map(normalizeNumber);

/** Strings drawn from a small alphabet with NUL, ASCII, 2-, 3- and 4-byte UTF-8 code points. */
export const keyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom('\u0000', '\u0001', 'a', 'b', 'z', 'A', '\u007f', '¿', 'é', '\uffff', '\ue000', '😀', '\u{10000}', '\u{10ffff}'), maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

export const keyBinary: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc.array(fc.constantFrom(0, 1, 0xfe, 0xff), { maxLength: 8 }).map((bytes) => new Uint8Array(bytes)),
);

export const keyValueOf = {
  S: keyString.map((S): KeyAttributeValue => ({ S })),
  N: canonicalNumber.map((N): KeyAttributeValue => ({ N })),
  B: keyBinary.map((B): KeyAttributeValue => ({ B })),
};

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const attributeName = fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'a.b', '😀'));

const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 10 }).map((S) => ({ S })),
  canonicalNumber.map((N) => ({ N })),
  fc.uint8Array({ maxLength: 10 }).map((B) => ({ B })),
  fc.boolean().map((BOOL) => ({ BOOL })),
  fc.constant({ NULL: true as const }),
  fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 5 }).map((SS) => ({ SS: [...new Set(SS)] })),
  fc.array(canonicalNumber, { minLength: 1, maxLength: 5 }).map((NS) => ({ NS: [...new Set(NS)] })),
  fc.array(fc.uint8Array({ maxLength: 5 }), { minLength: 1, maxLength: 5 }).map((BS) => ({ BS: uniqueBy(BS, (b) => b.join(',')) })),
);

function toMap(entries: readonly [string, AttributeValue][]): Item {
  const map: Item = {};
  for (const [name, value] of entries) Object.defineProperty(map, name, { value, enumerable: true, writable: true, configurable: true });
  return map;
}

export const attributeValue: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }).map((L) => ({ L })),
    fc.array(fc.tuple(attributeName, tie('value')), { maxLength: 4 }).map((entries) => ({ M: toMap(entries) })),
  ),
})).value;

export const item: fc.Arbitrary<Item> = fc.array(fc.tuple(attributeName, attributeValue), { maxLength: 6 }).map(toMap);

/** A value nested `wraps` levels deep in single-entry maps or lists around a string leaf. */
export function nested(wraps: number, kind: 'M' | 'L' = 'M'): AttributeValue {
  let value: AttributeValue = { S: 'leaf' };
  for (let i = 0; i < wraps; i++) value = kind === 'M' ? { M: { n: value } } : { L: [value] };
  return value;
}
