/**
 * DynamoDB's equality and ordering of attribute values (reference/dynamodb-facts.md §1.2, §1.3).
 *
 * Equality: same type and same value — numbers numerically, sets unordered, lists in order, maps by
 * name. Values of different types are simply unequal. Ordering exists only for the scalar key types:
 * S by the bytes of their UTF-8 encoding, N numerically, B by unsigned bytes.
 *
 * Pure and synchronous. Inputs are validated values (numbers canonical, sets without duplicates).
 */
import { bytesEqual, compareBytes } from '../util/bytes.js';
import type { AttributeValue, ScalarAttributeType } from './attribute-value.js';
import { compareNumbers } from './number.js';

/**
 * Compares two strings in UTF-8 byte order without encoding them. UTF-16 code-unit order agrees
 * with code-point (and so UTF-8) order except that surrogates (0xD800-0xDFFF, code points above
 * 0xFFFF) must sort after 0xE000-0xFFFF; remapping the first differing unit fixes that.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  if (unit <= 0xdfff) return unit + 0x2000; // surrogates: above every BMP unit
  return unit - 0x800; // 0xE000-0xFFFF: below surrogates
}

/** A scalar key value: the only values DynamoDB orders. */
export type KeyAttributeValue = { S: string } | { N: string } | { B: Uint8Array };

export function keyValueType(value: KeyAttributeValue): ScalarAttributeType {
  if ('S' in value) return 'S';
  if ('N' in value) return 'N';
  return 'B';
}

/** Orders two key values of the same type (the caller guarantees the types match). */
export function compareKeyValues(a: KeyAttributeValue, b: KeyAttributeValue): number {
  if ('S' in a) return compareUtf8(a.S, (b as { S: string }).S);
  if ('N' in a) return compareNumbers(a.N, (b as { N: string }).N);
  return compareBytes(a.B, (b as { B: Uint8Array }).B);
}

/** DynamoDB equality of any two values. */
export function attributeValuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  if ('S' in a) return 'S' in b && a.S === b.S;
  if ('N' in a) return 'N' in b && compareNumbers(a.N, b.N) === 0;
  if ('B' in a) return 'B' in b && bytesEqual(a.B, b.B);
  if ('BOOL' in a) return 'BOOL' in b && a.BOOL === b.BOOL;
  if ('NULL' in a) return 'NULL' in b;
  if ('L' in a) {
    if (!('L' in b) || a.L.length !== b.L.length) return false;
    for (let i = 0; i < a.L.length; i++) if (!attributeValuesEqual(a.L[i]!, b.L[i]!)) return false;
    return true;
  }
  if ('M' in a) {
    if (!('M' in b)) return false;
    const names = Object.keys(a.M);
    if (names.length !== Object.keys(b.M).length) return false;
    for (const name of names) {
      if (!Object.prototype.hasOwnProperty.call(b.M, name)) return false;
      if (!attributeValuesEqual(a.M[name]!, b.M[name]!)) return false;
    }
    return true;
  }
  // Sets hold no duplicates, so equal sizes plus inclusion is equality. Canonical numbers make
  // numeric set membership a string comparison.
  if ('SS' in a) return 'SS' in b && sameStringSet(a.SS, b.SS);
  if ('NS' in a) return 'NS' in b && sameStringSet(a.NS, b.NS);
  return 'BS' in b && sameBinarySet(a.BS, b.BS);
}

/** Below this size a quadratic scan beats building a Set. */
const SMALL_SET_SIZE = 8;

function sameStringSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length <= SMALL_SET_SIZE) {
    for (const x of a) if (!b.includes(x)) return false;
    return true;
  }
  const members = new Set(b);
  for (const x of a) if (!members.has(x)) return false;
  return true;
}

function sameBinarySet(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length <= SMALL_SET_SIZE) {
    for (const x of a) if (!b.some((y) => bytesEqual(x, y))) return false;
    return true;
  }
  const members = new Set(b.map(binaryKey));
  for (const x of a) if (!members.has(binaryKey(x))) return false;
  return true;
}

/** A string that identifies a byte string exactly (one UTF-16 unit per byte), for Set membership. */
export function binaryKey(bytes: Uint8Array): string {
  let key = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    key += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return key;
}
