/**
 * Order-preserving, self-delimiting byte encodings of key values (S, N, B). Part of the on-disk
 * format: see FORMAT.md in this folder ("Key values", format version 1). Never renumber.
 *
 *   S   UTF-8 bytes, each 0x00 written as 0x00 0xFF, then the terminator 0x00 0x01
 *   B   the raw bytes, escaped and terminated the same way
 *   N   zero      0x02
 *       positive  0x03, exponent + 130 (one byte), digit nibbles (d + 1), terminator nibble 0x0
 *       negative  0x01, 125 - exponent (one byte), digit nibbles (10 - d), terminator nibble 0xF
 *       (nibbles packed high first; an odd count is padded with the terminator nibble)
 *
 * Properties (tested): for values a, b of one type, compareBytes(enc(a), enc(b)) has the sign of
 * DynamoDB's compare(a, b); no encoding is a proper prefix of another, so enc(a) ‖ x and enc(b) ‖ y
 * order as a, b whenever a ≠ b; decode(encode(v)) = v.
 *
 * Pure and synchronous. Writers fill a caller's buffer (sized with encodedKeyValueLength) so that a
 * storage key is built with one allocation. Values must be validated (numbers canonical).
 */
import { assert } from '../util/assert.js';
import { CorruptionError } from '../util/errors.js';
import type { ScalarAttributeType } from './attribute-value.js';
import type { KeyAttributeValue } from './compare.js';
import { formatNumber } from './number.js';

export const KEY_ESCAPE_BYTE = 0x00;
export const KEY_ESCAPED_ZERO = 0xff;
export const KEY_TERMINATOR = 0x01;
export const NUMBER_NEGATIVE_TAG = 0x01;
export const NUMBER_ZERO_TAG = 0x02;
export const NUMBER_POSITIVE_TAG = 0x03;
const EXPONENT_BIAS_POSITIVE = 130;
const EXPONENT_BIAS_NEGATIVE = 125;

// ---- Strings and binary ----------------------------------------------------------------------------

/** Encoded length of a string: UTF-8 bytes, one extra per U+0000, plus the 2-byte terminator. */
function encodedStringLength(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) bytes += 2;
    else if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Writes UTF-8 with 0x00 escaped, then the terminator. A lone surrogate is written as U+FFFD. */
function writeString(out: Uint8Array, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      if (code === 0) {
        out[offset++] = KEY_ESCAPE_BYTE;
        out[offset++] = KEY_ESCAPED_ZERO;
      } else out[offset++] = code;
    } else if (code < 0x800) {
      out[offset++] = 0xc0 | (code >> 6);
      out[offset++] = 0x80 | (code & 63);
    } else {
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && isLowSurrogate(next)) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
          out[offset++] = 0xf0 | (code >> 18);
          out[offset++] = 0x80 | ((code >> 12) & 63);
          out[offset++] = 0x80 | ((code >> 6) & 63);
          out[offset++] = 0x80 | (code & 63);
          continue;
        }
        code = 0xfffd;
      }
      out[offset++] = 0xe0 | (code >> 12);
      out[offset++] = 0x80 | ((code >> 6) & 63);
      out[offset++] = 0x80 | (code & 63);
    }
  }
  out[offset++] = KEY_ESCAPE_BYTE;
  out[offset++] = KEY_TERMINATOR;
  return offset;
}

function encodedBinaryLength(bytes: Uint8Array): number {
  let length = bytes.length + 2;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) length++;
  return length;
}

function writeBinary(out: Uint8Array, offset: number, bytes: Uint8Array, terminate: boolean): number {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    out[offset++] = byte;
    if (byte === 0) out[offset++] = KEY_ESCAPED_ZERO;
  }
  if (terminate) {
    out[offset++] = KEY_ESCAPE_BYTE;
    out[offset++] = KEY_TERMINATOR;
  }
  return offset;
}

/** Finds the terminator from `offset`; returns the unescaped bytes and the offset after it. */
function readEscaped(input: Uint8Array, offset: number, end: number): { bytes: Uint8Array; offset: number } {
  let length = 0;
  let i = offset;
  for (;;) {
    if (i >= end) throw new CorruptionError('key value: missing terminator');
    const byte = input[i++]!;
    if (byte !== KEY_ESCAPE_BYTE) {
      length++;
      continue;
    }
    if (i >= end) throw new CorruptionError('key value: truncated escape');
    const next = input[i++]!;
    if (next === KEY_TERMINATOR) break;
    if (next !== KEY_ESCAPED_ZERO) throw new CorruptionError(`key value: bad escape 0x00 0x${next.toString(16)}`);
    length++;
  }
  const bytes = new Uint8Array(length);
  let j = 0;
  for (let k = offset; j < length; k++) {
    const byte = input[k]!;
    bytes[j++] = byte;
    if (byte === KEY_ESCAPE_BYTE) k++; // skip the 0xFF
  }
  return { bytes, offset: i };
}

// ---- Numbers -----------------------------------------------------------------------------------------

/** Significant digits and exponent of a canonical number, found without allocating. */
interface NumberShape {
  negative: boolean;
  /** Index range [first, last] of significant digits in the string (may include the point). */
  first: number;
  last: number;
  exponent: number;
}
const shape: NumberShape = { negative: false, first: 0, last: 0, exponent: 0 };

function measureNumber(canonical: string): NumberShape {
  const negative = canonical.charCodeAt(0) === 45;
  const start = negative ? 1 : 0;
  const point = canonical.indexOf('.');
  shape.negative = negative;
  if (canonical.charCodeAt(start) === 48) {
    let first = point + 1;
    while (canonical.charCodeAt(first) === 48) first++;
    shape.first = first;
    shape.last = canonical.length - 1;
    shape.exponent = point - first;
  } else {
    shape.first = start;
    shape.exponent = (point < 0 ? canonical.length : point) - start - 1;
    let last = canonical.length - 1;
    while (canonical.charCodeAt(last) === 48) last--; // only an integer can end in zeros
    shape.last = last;
  }
  return shape;
}

function digitCount(s: NumberShape, canonical: string): number {
  const point = canonical.indexOf('.');
  const span = s.last - s.first + 1;
  return point > s.first && point < s.last ? span - 1 : span;
}

function encodedNumberLength(canonical: string): number {
  if (canonical === '0') return 1;
  const digits = digitCount(measureNumber(canonical), canonical);
  return 2 + ((digits + 2) >> 1); // tag, exponent, ceil((digits + 1) / 2) nibble bytes
}

function writeNumber(out: Uint8Array, offset: number, canonical: string): number {
  if (canonical === '0') {
    out[offset] = NUMBER_ZERO_TAG;
    return offset + 1;
  }
  const s = measureNumber(canonical);
  const negative = s.negative;
  out[offset++] = negative ? NUMBER_NEGATIVE_TAG : NUMBER_POSITIVE_TAG;
  out[offset++] = negative ? EXPONENT_BIAS_NEGATIVE - s.exponent : s.exponent + EXPONENT_BIAS_POSITIVE;
  let high = -1;
  for (let i = s.first; i <= s.last; i++) {
    const code = canonical.charCodeAt(i);
    if (code === 46) continue;
    const digit = code - 48;
    const nibble = negative ? 10 - digit : digit + 1;
    if (high < 0) high = nibble;
    else {
      out[offset++] = (high << 4) | nibble;
      high = -1;
    }
  }
  const terminator = negative ? 0xf : 0x0;
  out[offset++] = high < 0 ? (terminator << 4) | terminator : (high << 4) | terminator;
  return offset;
}

function readNumber(input: Uint8Array, offset: number, end: number): { value: string; offset: number } {
  const tag = input[offset++];
  if (tag === NUMBER_ZERO_TAG) return { value: '0', offset };
  if (tag !== NUMBER_POSITIVE_TAG && tag !== NUMBER_NEGATIVE_TAG) throw new CorruptionError(`key value: bad number tag ${String(tag)}`);
  const negative = tag === NUMBER_NEGATIVE_TAG;
  if (offset >= end) throw new CorruptionError('key value: truncated number');
  const biased = input[offset++]!;
  const exponent = negative ? EXPONENT_BIAS_NEGATIVE - biased : biased - EXPONENT_BIAS_POSITIVE;
  const terminator = negative ? 0xf : 0x0;
  let digits = '';
  for (;;) {
    if (offset >= end) throw new CorruptionError('key value: unterminated number');
    const byte = input[offset++]!;
    const high = byte >> 4;
    if (high === terminator) break;
    digits += String.fromCharCode(48 + (negative ? 10 - high : high - 1));
    const low = byte & 15;
    if (low === terminator) break;
    digits += String.fromCharCode(48 + (negative ? 10 - low : low - 1));
  }
  if (digits.length === 0 || digits.length > 38) throw new CorruptionError('key value: bad number digits');
  return { value: formatNumber({ negative, digits, exponent }), offset };
}

// ---- Public surface ---------------------------------------------------------------------------------

/** Bytes the encoding of `value` takes. */
export function encodedKeyValueLength(value: KeyAttributeValue): number {
  if ('S' in value) return encodedStringLength(value.S);
  if ('N' in value) return encodedNumberLength(value.N);
  return encodedBinaryLength(value.B);
}

/** Writes the encoding at `offset`; returns the offset after it. The caller guarantees room. */
export function writeKeyValue(out: Uint8Array, offset: number, value: KeyAttributeValue): number {
  if ('S' in value) return writeString(out, offset, value.S);
  if ('N' in value) return writeNumber(out, offset, value.N);
  return writeBinary(out, offset, value.B, true);
}

export function encodeKeyValue(value: KeyAttributeValue): Uint8Array {
  const out = new Uint8Array(encodedKeyValueLength(value));
  const end = writeKeyValue(out, 0, value);
  assert(end === out.length, 'key value length mismatch');
  return out;
}

/**
 * The bytes every encoding of an S or B value starting with `prefix` starts with (the escaped
 * prefix, unterminated): the lower bound of a begins_with range.
 */
export function encodeKeyPrefix(prefix: { S: string } | { B: Uint8Array }): Uint8Array {
  if ('S' in prefix) {
    const terminated = encodeKeyValue(prefix);
    return terminated.subarray(0, terminated.length - 2);
  }
  const out = new Uint8Array(encodedBinaryLength(prefix.B) - 2);
  writeBinary(out, 0, prefix.B, false);
  return out;
}

/** Reads one encoded value of `type` at `offset`; throws CorruptionError on malformed bytes. */
export function readKeyValue(
  input: Uint8Array,
  offset: number,
  end: number,
  type: ScalarAttributeType,
): { value: KeyAttributeValue; offset: number } {
  if (type === 'N') {
    if (offset >= end) throw new CorruptionError('key value: empty');
    const number = readNumber(input, offset, end);
    return { value: { N: number.value }, offset: number.offset };
  }
  const escaped = readEscaped(input, offset, end);
  if (type === 'B') return { value: { B: escaped.bytes }, offset: escaped.offset };
  return { value: { S: utf8Decoder.decode(escaped.bytes) }, offset: escaped.offset };
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

export function decodeKeyValue(bytes: Uint8Array, type: ScalarAttributeType): KeyAttributeValue {
  const result = readKeyValue(bytes, 0, bytes.length, type);
  if (result.offset !== bytes.length) throw new CorruptionError('key value: trailing bytes');
  return result.value;
}
