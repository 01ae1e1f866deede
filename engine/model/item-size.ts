/**
 * Item and key sizes exactly as DynamoDB computes them (reference/dynamodb-facts.md §1.5, §1.6):
 *
 *   item            Σ (UTF-8 bytes of the name + size of the value), bound ITEM_BYTES_MAX inclusive
 *   S               UTF-8 bytes          B      raw bytes          BOOL, NULL   1
 *   N               0 → 1; otherwise 1 + ceil(d/2) + (d even and exponent even ? 1 : 0) + (negative ? 1 : 0)
 *                   with d significant digits and the exponent of the first digit (dynalite, validated
 *                   against the real 400 KB boundary)
 *   L               3 + Σ (1 + element)  M      3 + Σ (1 + name bytes + value)
 *   SS, NS, BS      Σ element sizes (no per-element overhead: [UNVERIFIED], as dynalite)
 *
 * Pure and synchronous; nothing is allocated (strings are measured, not encoded). Inputs are
 * validated values (numbers canonical).
 */
import { ITEM_BYTES_MAX } from '../limits.js';
import type { AttributeValue, Item } from './attribute-value.js';
import { ValidationException } from './errors.js';

export const ITEM_SIZE_MESSAGE = 'Item size has exceeded the maximum allowed size';
export const ITEM_SIZE_TO_UPDATE_MESSAGE = 'Item size to update has exceeded the maximum allowed size';

/** UTF-8 byte length of a string, without encoding it. A lone surrogate counts 3 (as U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // a pair: 2 units, 4 bytes
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/** Size of a canonical number (see the header for the formula). */
export function numberSizeBytes(canonical: string): number {
  if (canonical === '0') return 1;
  const negative = canonical.charCodeAt(0) === 45;
  const start = negative ? 1 : 0;
  const point = canonical.indexOf('.');
  let digitCount: number;
  let exponent: number;
  if (canonical.charCodeAt(start) === 48) {
    // "0.000ddd": the significant digits run from the first non-zero to the end.
    let first = point + 1;
    while (canonical.charCodeAt(first) === 48) first++;
    exponent = point - first;
    digitCount = canonical.length - first;
  } else {
    const integerDigits = (point < 0 ? canonical.length : point) - start;
    exponent = integerDigits - 1;
    if (point >= 0) {
      digitCount = canonical.length - start - 1; // every digit but the point; the last is non-zero
    } else {
      let last = canonical.length - 1;
      while (canonical.charCodeAt(last) === 48) last--;
      digitCount = last - start + 1;
    }
  }
  const evenBonus = digitCount % 2 === 0 && exponent % 2 === 0 ? 1 : 0;
  return 1 + Math.ceil(digitCount / 2) + evenBonus + (negative ? 1 : 0);
}

export function attributeValueSizeBytes(value: AttributeValue): number {
  if ('S' in value) return utf8Length(value.S);
  if ('N' in value) return numberSizeBytes(value.N);
  if ('B' in value) return value.B.length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('L' in value) {
    let size = 3;
    for (const element of value.L) size += 1 + attributeValueSizeBytes(element);
    return size;
  }
  if ('M' in value) return 3 + mapEntriesSizeBytes(value.M, 1);
  if ('SS' in value) {
    let size = 0;
    for (const element of value.SS) size += utf8Length(element);
    return size;
  }
  if ('NS' in value) {
    let size = 0;
    for (const element of value.NS) size += numberSizeBytes(element);
    return size;
  }
  let size = 0;
  for (const element of value.BS) size += element.length;
  return size;
}

function mapEntriesSizeBytes(map: Item, perEntryBytes: number): number {
  let size = 0;
  for (const name in map) {
    if (!Object.prototype.hasOwnProperty.call(map, name)) continue;
    size += perEntryBytes + utf8Length(name) + attributeValueSizeBytes(map[name]!);
  }
  return size;
}

/** Size of an item (attribute names included). */
export function itemSizeBytes(item: Item): number {
  return mapEntriesSizeBytes(item, 0);
}

/** Throws DynamoDB's ValidationException when an item is over ITEM_BYTES_MAX; returns its size. */
export function checkItemSize(item: Item, message: string = ITEM_SIZE_MESSAGE): number {
  const size = itemSizeBytes(item);
  if (size > ITEM_BYTES_MAX) throw new ValidationException(message);
  return size;
}

/** Size of a key value as the key-size limits count it: UTF-8 bytes for S, raw bytes for B. */
export function keyValueSizeBytes(value: { S: string } | { N: string } | { B: Uint8Array }): number {
  if ('S' in value) return utf8Length(value.S);
  if ('N' in value) return numberSizeBytes(value.N);
  return value.B.length;
}
