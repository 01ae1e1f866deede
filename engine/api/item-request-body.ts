/**
 * PutItem's and GetItem's usual requests read in one pass from their body bytes: no JSON.parse, no
 * request object walked again to decode binary, validate, measure and encode it. PutItem's item
 * goes straight to its stored form; GetItem's key is built as values, small as it is. Through the
 * in-process pipeline (no socket), bench:http's requests went from 5.9 to 4.4 µs per PutItem and
 * from 5.1 to 4.4 µs per GetItem (median of 12 rounds of 20,000, same process).
 *
 * It accepts exactly this (JSON whitespace allowed between tokens), and nothing else:
 *
 *   PutItem  {"TableName": <name>, "Item": <attributes>}      (members in either order)
 *   GetItem  {"TableName": <name>, "Key": <attributes>}
 *   <attributes>  {<attr>: {"S": <text>} | {"N": <integer>}, …}
 *
 *   - <name>: 3–255 characters of [a-zA-Z0-9_.-] (a table name, never an ARN);
 *   - 1–ONE_PASS_ATTRIBUTES_MAX attributes with distinct names, each of 1–255 bytes of
 *     well-formed UTF-8 without escapes, not starting with a digit (JSON.parse moves integer-like
 *     names to the front of an object; the stored order must be the parsed one) and not
 *     `__proto__`;
 *   - <text>: well-formed UTF-8 (no overlong forms, no surrogates) and JSON's escapes, except a
 *     \u escape of a lone surrogate; text with escapes is undone into a side buffer, text without
 *     is used straight from the body; <integer>: a canonical integer of at most 15 digits ("0",
 *     "-12", never "-0", "007" or "+1");
 *   - PutItem: the item's size is at most ITEM_BYTES_MAX.
 *
 * Such a body is a valid request `{TableName, Item}` or `{TableName, Key}` (it passes the
 * request's validation): for PutItem, its canonical item encodes to the bytes written here and has
 * the size computed here; for GetItem, the key built here is the parsed one. That is the contract
 * with Database#putEncodedItem and Database#getItemStoredOfKey, tested against the usual path on
 * generated bodies (test/api/item-request-body.test.ts). Anything else — other members, other
 * types, malformed UTF-8, duplicate names, malformed JSON — is `undefined`, and the request takes
 * the usual path, which owns every error message. Nothing here throws.
 *
 * Pure and synchronous; a PutItem result keeps a reference to `body`, which must not change after.
 */
import { ITEM_BYTES_MAX, KEY_ATTRIBUTE_NAME_BYTES_MAX, ONE_PASS_ATTRIBUTES_MAX, TABLE_NAME_LENGTH_MAX, TABLE_NAME_LENGTH_MIN } from '../limits.js';
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { encodeItemFromRanges, type EncodedItem } from '../model/item-codec.js';
import { numberSizeBytes } from '../model/item-size.js';
import { compareByteRanges } from '../util/bytes.js';

export interface ScannedPutItem {
  readonly tableName: string;
  readonly item: EncodedItem;
}

export interface ScannedGetItem {
  readonly tableName: string;
  readonly key: Item;
}

/** A request's table name and its one map of attributes, as ranges of the body and the side buffer. */
interface ScannedRequest {
  readonly tableName: string;
  readonly source: Buffer;
  readonly side: Buffer;
  readonly ranges: readonly number[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const LETTER_U = 0x75;
const TYPE_S = 0x53;
const TYPE_N = 0x4e;
/** A canonical integer of more digits is stored as text (item-codec.ts), which this path does not write. */
const INTEGER_DIGITS_MAX = 15;
/**
 * Per attribute in `ranges` (writeItemFromRanges's layout): name start, name end, value start,
 * value end, and the value's kind: an S in the body, an N in the body, or an S in the side buffer.
 */
const STRIDE = 5;
const KIND_S = 0;
const KIND_N = 1;
const KIND_S_SIDE = 2;

const TABLE_NAME = Buffer.from('TableName', 'latin1');
const ITEM = Buffer.from('Item', 'latin1');
const KEY = Buffer.from('Key', 'latin1');
const PROTO = Buffer.from('__proto__', 'latin1');

/** Which bytes a table name may hold: [a-zA-Z0-9_.-]. */
const TABLE_NAME_BYTE = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-') TABLE_NAME_BYTE[c.charCodeAt(0)] = 1;

/** JSON's one-character escapes: the byte each stands for, by the character after the backslash (0: none). */
const ESCAPED = new Uint8Array(128);
for (const [c, byte] of [['"', 0x22], ['\\', 0x5c], ['/', 0x2f], ['b', 0x08], ['f', 0x0c], ['n', 0x0a], ['r', 0x0d], ['t', 0x09]] as const) ESCAPED[c.charCodeAt(0)] = byte;

/** The value of a hex digit, or -1. */
const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
}

/** The item as stored, with its attributes read back from the request on request. */
class ScannedItem implements EncodedItem {
  constructor(
    readonly bytes: Uint8Array,
    readonly sizeBytes: number,
    private readonly body: Buffer,
    private readonly side: Buffer,
    private readonly ranges: readonly number[],
  ) {}

  attribute(name: string): AttributeValue | undefined {
    const ranges = this.ranges;
    for (let k = 0; k < ranges.length; k += STRIDE) {
      if (equalsText(this.body, ranges[k]!, ranges[k + 1]!, name)) return valueAt(this.body, this.side, ranges, k);
    }
    return undefined;
  }
}

/** Unescaped text: grown as escaped strings are met (most requests have none, and never allocate it). */
class SideBuffer {
  bytes: Buffer = EMPTY;
  length = 0;

  /** Room for `more` bytes after `length`. */
  reserve(more: number): Buffer {
    if (this.length + more > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + more, 64));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    return this.bytes;
  }
}
const EMPTY = Buffer.alloc(0);

/** PutItem's request read from `body` when it has the usual form above; undefined otherwise. */
export function scanPutItemBody(body: Uint8Array): ScannedPutItem | undefined {
  const request = scanRequest(body, ITEM);
  if (request === undefined) return undefined;
  const { source, side, ranges } = request;
  let sizeBytes = 0;
  for (let k = 0; k < ranges.length; k += STRIDE) {
    sizeBytes += ranges[k + 1]! - ranges[k]!;
    sizeBytes += ranges[k + 4] === KIND_N ? numberSizeBytes(source.toString('latin1', ranges[k + 2]!, ranges[k + 3]!)) : ranges[k + 3]! - ranges[k + 2]!;
  }
  if (sizeBytes > ITEM_BYTES_MAX) return undefined;
  return { tableName: request.tableName, item: new ScannedItem(encodeItemFromRanges(source, side, ranges), sizeBytes, source, side, ranges) };
}

/** GetItem's request read from `body` when it has the usual form above; undefined otherwise. */
export function scanGetItemBody(body: Uint8Array): ScannedGetItem | undefined {
  const request = scanRequest(body, KEY);
  if (request === undefined) return undefined;
  const { source, side, ranges } = request;
  const key: Item = {};
  for (let k = 0; k < ranges.length; k += STRIDE) {
    // Names are neither integer-like nor __proto__ (scanItem), so this defines an own member in order.
    key[source.toString('utf8', ranges[k]!, ranges[k + 1]!)] = valueAt(source, side, ranges, k);
  }
  return { tableName: request.tableName, key };
}

/** The value of the attribute whose ranges start at ranges[k]. */
function valueAt(source: Buffer, side: Buffer, ranges: readonly number[], k: number): AttributeValue {
  const kind = ranges[k + 4];
  const text = (kind === KIND_S_SIDE ? side : source).toString('utf8', ranges[k + 2]!, ranges[k + 3]!);
  return kind === KIND_N ? { N: text } : { S: text };
}

/** `{"TableName": …, <member>: <attributes>}` read from `body`; undefined when it has any other form. */
function scanRequest(body: Uint8Array, member: Uint8Array): ScannedRequest | undefined {
  const source = asBuffer(body);
  const end = body.length;
  let i = skipWhitespace(body, 0, end);
  if (body[i] !== OPEN_BRACE) return undefined;
  let tableName: string | undefined;
  let ranges: number[] | undefined;
  const side = new SideBuffer();
  i = skipWhitespace(body, i + 1, end);
  for (;;) {
    if (body[i] !== QUOTE) return undefined;
    const memberStart = i + 1;
    const memberEnd = plainStringEnd(body, memberStart, end);
    if (memberEnd < 0) return undefined;
    i = skipWhitespace(body, memberEnd + 1, end);
    if (body[i] !== COLON) return undefined;
    i = skipWhitespace(body, i + 1, end);
    if (isBytes(body, memberStart, memberEnd, TABLE_NAME)) {
      if (tableName !== undefined || body[i] !== QUOTE) return undefined;
      const nameStart = i + 1;
      let nameEnd = nameStart;
      while (nameEnd < end && TABLE_NAME_BYTE[body[nameEnd]!] === 1) nameEnd++;
      const length = nameEnd - nameStart;
      if (body[nameEnd] !== QUOTE || length < TABLE_NAME_LENGTH_MIN || length > TABLE_NAME_LENGTH_MAX) return undefined;
      tableName = source.toString('latin1', nameStart, nameEnd);
      i = nameEnd + 1;
    } else if (isBytes(body, memberStart, memberEnd, member)) {
      if (ranges !== undefined) return undefined;
      ranges = [];
      i = scanItem(body, i, end, ranges, side);
      if (i < 0) return undefined;
    } else {
      return undefined;
    }
    i = skipWhitespace(body, i, end);
    if (body[i] === COMMA) {
      i = skipWhitespace(body, i + 1, end);
      continue;
    }
    if (body[i] !== CLOSE_BRACE || skipWhitespace(body, i + 1, end) !== end) return undefined;
    break;
  }
  if (tableName === undefined || ranges === undefined) return undefined;
  return { tableName, source, side: side.bytes, ranges };
}

/**
 * The attributes' object starting at `i`: their ranges pushed on `ranges`, escaped text undone into
 * `side`; returns the index just after its closing brace, or -1 when it is not of the accepted form.
 */
function scanItem(body: Uint8Array, i: number, end: number, ranges: number[], side: SideBuffer): number {
  if (body[i] !== OPEN_BRACE) return -1;
  i = skipWhitespace(body, i + 1, end);
  for (;;) {
    if (body[i] !== QUOTE) return -1; // an empty map too: the usual path reports it
    const nameStart = i + 1;
    const nameEnd = plainStringEnd(body, nameStart, end);
    const nameLength = nameEnd - nameStart;
    if (nameEnd < 0 || nameLength === 0 || nameLength > KEY_ATTRIBUTE_NAME_BYTES_MAX) return -1;
    const first = body[nameStart]!;
    if ((first >= ZERO && first <= NINE) || isBytes(body, nameStart, nameEnd, PROTO)) return -1;
    if (ranges.length === ONE_PASS_ATTRIBUTES_MAX * STRIDE) return -1;
    for (let k = 0; k < ranges.length; k += STRIDE) {
      if (compareByteRanges(body, ranges[k]!, ranges[k + 1]!, body, nameStart, nameEnd) === 0) return -1; // JSON.parse keeps the last
    }
    i = skipWhitespace(body, nameEnd + 1, end);
    if (body[i] !== COLON) return -1;
    i = skipWhitespace(body, i + 1, end);
    if (body[i] !== OPEN_BRACE) return -1;
    i = skipWhitespace(body, i + 1, end);
    const type = body[i + 1];
    if (body[i] !== QUOTE || body[i + 2] !== QUOTE || (type !== TYPE_S && type !== TYPE_N)) return -1;
    i = skipWhitespace(body, i + 3, end);
    if (body[i] !== COLON) return -1;
    i = skipWhitespace(body, i + 1, end);
    if (body[i] !== QUOTE) return -1;
    let valueStart = i + 1;
    let valueEnd: number;
    let kind = type === TYPE_N ? KIND_N : KIND_S;
    if (kind === KIND_N) {
      valueEnd = integerEnd(body, valueStart, end);
      if (valueEnd < 0) return -1;
      i = valueEnd + 1;
    } else {
      const closing = stringEnd(body, valueStart, end);
      if (closing < 0) return -1;
      i = closing + 1;
      valueEnd = closing;
      if (escapeSeen) {
        kind = KIND_S_SIDE;
        const from = valueStart;
        valueStart = side.length;
        valueEnd = unescapeInto(body, from, closing, side);
      }
    }
    ranges.push(nameStart, nameEnd, valueStart, valueEnd, kind);
    i = skipWhitespace(body, i, end);
    if (body[i] !== CLOSE_BRACE) return -1;
    i = skipWhitespace(body, i + 1, end);
    if (body[i] === CLOSE_BRACE) return i + 1;
    if (body[i] !== COMMA) return -1;
    i = skipWhitespace(body, i + 1, end);
  }
}

function skipWhitespace(body: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = body[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** The index of the closing quote of a string starting at `i` that is well-formed UTF-8 with no escape; else -1. */
function plainStringEnd(body: Uint8Array, i: number, end: number): number {
  const closing = stringEnd(body, i, end);
  return escapeSeen ? -1 : closing;
}

/** Whether the last string stringEnd ended had an escape. */
let escapeSeen = false;

/**
 * The index of the closing quote of a JSON string whose text starts at `i`, when the text is
 * well-formed UTF-8 and its escapes are JSON's (a \u escape of a surrogate only as a high-low
 * pair); -1 otherwise, or when the string does not end. Sets escapeSeen.
 */
function stringEnd(body: Uint8Array, i: number, end: number): number {
  escapeSeen = false;
  while (i < end) {
    const c = body[i]!;
    if (c === QUOTE) return i;
    if (c < 0x20) return -1;
    if (c < 0x80) {
      if (c !== BACKSLASH) {
        i++;
        continue;
      }
      escapeSeen = true;
      const next = body[i + 1] ?? 0;
      if (next !== LETTER_U) {
        if (next >= 0x80 || ESCAPED[next] === 0) return -1;
        i += 2;
        continue;
      }
      const unit = hex4(body, i + 2, end);
      if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff)) return -1;
      if (unit >= 0xd800 && unit <= 0xdbff) {
        // A high surrogate must be followed by its low one.
        if (body[i + 6] !== BACKSLASH || body[i + 7] !== LETTER_U) return -1;
        const low = hex4(body, i + 8, end);
        if (low < 0xdc00 || low > 0xdfff) return -1;
        i += 12;
        continue;
      }
      i += 6;
      continue;
    }
    const length = utf8SequenceLength(body, i, end);
    if (length < 0) return -1;
    i += length;
  }
  return -1;
}

/**
 * The length of the well-formed UTF-8 sequence of two or more bytes at `i` (Unicode table 3-7: no
 * overlong form, no surrogate, nothing past U+10FFFF); -1 when there is none.
 */
function utf8SequenceLength(body: Uint8Array, i: number, end: number): number {
  const c = body[i]!;
  if (c >= 0xc2 && c <= 0xdf) return continuation(body, i + 1, end, 0x80, 0xbf) ? 2 : -1;
  if (c >= 0xe0 && c <= 0xef) {
    const low = c === 0xe0 ? 0xa0 : 0x80;
    const high = c === 0xed ? 0x9f : 0xbf;
    return continuation(body, i + 1, end, low, high) && continuation(body, i + 2, end, 0x80, 0xbf) ? 3 : -1;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const low = c === 0xf0 ? 0x90 : 0x80;
    const high = c === 0xf4 ? 0x8f : 0xbf;
    return continuation(body, i + 1, end, low, high) && continuation(body, i + 2, end, 0x80, 0xbf) && continuation(body, i + 3, end, 0x80, 0xbf) ? 4 : -1;
  }
  return -1;
}

function continuation(body: Uint8Array, at: number, end: number, low: number, high: number): boolean {
  return at < end && body[at]! >= low && body[at]! <= high;
}

/** The value of the four hex digits at `i`, or -1. */
function hex4(body: Uint8Array, i: number, end: number): number {
  if (i + 4 > end) return -1;
  const a = HEX[body[i]!]!;
  const b = HEX[body[i + 1]!]!;
  const c = HEX[body[i + 2]!]!;
  const d = HEX[body[i + 3]!]!;
  return (a | b | c | d) < 0 ? -1 : (a << 12) | (b << 8) | (c << 4) | d;
}

/**
 * The text of body[start, end) (checked by stringEnd) with its escapes undone, appended to `side`
 * as UTF-8; returns the end of what was appended.
 */
function unescapeInto(body: Uint8Array, start: number, end: number, side: SideBuffer): number {
  // Undone text is never longer than its escaped form.
  const out = side.reserve(end - start);
  let at = side.length;
  for (let i = start; i < end; ) {
    const c = body[i]!;
    if (c !== BACKSLASH) {
      out[at++] = c;
      i++;
      continue;
    }
    const next = body[i + 1]!;
    if (next !== LETTER_U) {
      out[at++] = ESCAPED[next]!;
      i += 2;
      continue;
    }
    let point = hex4(body, i + 2, end);
    i += 6;
    if (point >= 0xd800 && point <= 0xdbff) {
      point = 0x10000 + ((point - 0xd800) << 10) + (hex4(body, i + 2, end) - 0xdc00);
      i += 6;
    }
    if (point < 0x80) out[at++] = point;
    else if (point < 0x800) {
      out[at++] = 0xc0 | (point >> 6);
      out[at++] = 0x80 | (point & 0x3f);
    } else if (point < 0x10000) {
      out[at++] = 0xe0 | (point >> 12);
      out[at++] = 0x80 | ((point >> 6) & 0x3f);
      out[at++] = 0x80 | (point & 0x3f);
    } else {
      out[at++] = 0xf0 | (point >> 18);
      out[at++] = 0x80 | ((point >> 12) & 0x3f);
      out[at++] = 0x80 | ((point >> 6) & 0x3f);
      out[at++] = 0x80 | (point & 0x3f);
    }
  }
  side.length = at;
  return at;
}

/** The index of the closing quote after a canonical integer of at most 15 digits starting at `i`; else -1. */
function integerEnd(body: Uint8Array, i: number, end: number): number {
  const negative = body[i] === MINUS;
  const digitsStart = negative ? i + 1 : i;
  let j = digitsStart;
  while (j < end && body[j]! >= ZERO && body[j]! <= NINE) j++;
  const digits = j - digitsStart;
  if (digits === 0 || digits > INTEGER_DIGITS_MAX || body[j] !== QUOTE) return -1;
  if (body[digitsStart] === ZERO && (digits > 1 || negative)) return -1; // "007", "-0"
  return j;
}

/** Whether body[start, end) holds exactly `expected`. */
function isBytes(body: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  return compareByteRanges(body, start, end, expected, 0, expected.length) === 0;
}

/** Whether body[start, end) is `text` in UTF-8. */
function equalsText(body: Buffer, start: number, end: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    // ASCII compared in place; anything else through a decode (names of key attributes are short).
    if (text.charCodeAt(k) >= 0x80) return body.toString('utf8', start, end) === text;
  }
  if (end - start !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (body[start + k] !== text.charCodeAt(k)) return false;
  return true;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
