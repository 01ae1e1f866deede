/**
 * The encoder of stored items (format in FORMAT.md §3): writes the compact tree as MessagePack
 * straight from the attribute values into one reused scratch buffer, then copies the result out —
 * no intermediate tree, no second buffer.
 *
 * The bytes are exactly those msgpackr (records off) writes for the same tree, so items written
 * before and after this encoder are indistinguishable (tested against msgpackr):
 *   integers   positive fixint < 0x80, uint8/16/32; negative fixint ≥ -32, int8/16/32; any other
 *              integer (past 32 bits) as float64
 *   strings    fixstr / str8 / str16 / str32 by UTF-8 byte length; a string of fewer than 64 UTF-16
 *              units is encoded in JS (a lone surrogate as its 3-byte WTF-8 form), a longer one by
 *              Node's UTF-8 writer (a lone surrogate as U+FFFD)
 *   binary     bin8 / bin16 / bin32;  arrays  fixarray / array16 / array32;  nil, true, false
 *
 * The result is copied out as lsm/copy-out.ts copies values, for the same reason: V8 gives a typed
 * array over 64 bytes its own off-heap backing store (~500 ns), so a mid-sized encoding is carved
 * from a shared chunk instead — it may share its ArrayBuffer with other encodings (byteOffset ≠ 0).
 *
 * Concurrency: synchronous; one module-level writer and chunk cursor, used within one writeItem call.
 */
import { COPY_OUT_CHUNK_BYTES, COPY_OUT_POOLED_BYTES_MAX, COPY_OUT_SMALL_BYTES_MAX } from '../limits.js';
import type { AttributeValue, Item } from './attribute-value.js';
import { TAG_BS, TAG_L, TAG_M, TAG_N, TAG_NS, TAG_SS } from './item-format.js';

/** msgpackr encodes strings shorter than this (in UTF-16 units) in JS, longer ones natively. */
const JS_STRING_UNITS_MAX = 0x40;
const SCRATCH_BYTES_INITIAL = 8192;


/** A canonical integer of at most 15 digits: exact as a double and printed back identically. */
function isCompactInteger(canonical: string): boolean {
  const length = canonical.length;
  const start = canonical.charCodeAt(0) === 45 ? 1 : 0;
  if (length - start > 15) return false;
  for (let i = start; i < length; i++) {
    const code = canonical.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** The output cursor (a class: its fields are cheaper to reach than module `let`s). */
class ItemWriter {
  scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES_INITIAL);
  position = 0;

  ensure(bytes: number): void {
    if (this.position + bytes <= this.scratch.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.scratch.length * 2, this.position + bytes));
    grown.set(this.scratch.subarray(0, this.position));
    this.scratch = grown;
  }

  writeInteger(value: number): void {
    this.ensure(9);
    const out = this.scratch;
    if (value >>> 0 === value) {
      if (value < 0x80) out[this.position++] = value;
      else if (value < 0x100) {
        out[this.position++] = 0xcc;
        out[this.position++] = value;
      } else if (value < 0x10000) {
        out[this.position++] = 0xcd;
        out[this.position++] = value >> 8;
        out[this.position++] = value & 0xff;
      } else {
        out[this.position++] = 0xce;
        out.writeUInt32BE(value, this.position);
        this.position += 4;
      }
    } else if (value >> 0 === value) {
      if (value >= -0x20) out[this.position++] = 0x100 + value;
      else if (value >= -0x80) {
        out[this.position++] = 0xd0;
        out[this.position++] = value + 0x100;
      } else if (value >= -0x8000) {
        out[this.position++] = 0xd1;
        out.writeInt16BE(value, this.position);
        this.position += 2;
      } else {
        out[this.position++] = 0xd2;
        out.writeInt32BE(value, this.position);
        this.position += 4;
      }
    } else {
      out[this.position++] = 0xcb;
      out.writeDoubleBE(value, this.position);
      this.position += 8;
    }
  }

  writeStringHeader(byteLength: number): void {
    const out = this.scratch;
    if (byteLength < 0x20) out[this.position++] = 0xa0 | byteLength;
    else if (byteLength < 0x100) {
      out[this.position++] = 0xd9;
      out[this.position++] = byteLength;
    } else if (byteLength < 0x10000) {
      out[this.position++] = 0xda;
      out[this.position++] = byteLength >> 8;
      out[this.position++] = byteLength & 0xff;
    } else {
      out[this.position++] = 0xdb;
      out.writeUInt32BE(byteLength, this.position);
      this.position += 4;
    }
  }

  writeString(text: string): void {
    const units = text.length;
    if (units >= JS_STRING_UNITS_MAX) {
      const byteLength = Buffer.byteLength(text, 'utf8');
      this.ensure(5 + byteLength);
      this.writeStringHeader(byteLength);
      this.position += this.scratch.write(text, this.position, byteLength, 'utf8');
      return;
    }
    // As msgpackr's JS loop: a surrogate pair is 4 bytes; any other unit ≥ 0x800 (a lone surrogate too) 3.
    let byteLength = 0;
    let ascii = true;
    for (let i = 0; i < units; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x80) byteLength++;
      else {
        ascii = false;
        if (unit < 0x800) byteLength += 2;
        else if ((unit & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          byteLength += 4;
          i++;
        } else byteLength += 3;
      }
    }
    this.ensure(5 + byteLength);
    this.writeStringHeader(byteLength);
    const out = this.scratch;
    if (ascii) {
      for (let i = 0; i < units; i++) out[this.position++] = text.charCodeAt(i);
      return;
    }
    for (let i = 0; i < units; i++) {
      let unit = text.charCodeAt(i);
      if (unit < 0x80) out[this.position++] = unit;
      else if (unit < 0x800) {
        out[this.position++] = (unit >> 6) | 0xc0;
        out[this.position++] = (unit & 0x3f) | 0x80;
      } else if ((unit & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        unit = 0x10000 + ((unit & 0x03ff) << 10) + (text.charCodeAt(i + 1) & 0x03ff);
        i++;
        out[this.position++] = (unit >> 18) | 0xf0;
        out[this.position++] = ((unit >> 12) & 0x3f) | 0x80;
        out[this.position++] = ((unit >> 6) & 0x3f) | 0x80;
        out[this.position++] = (unit & 0x3f) | 0x80;
      } else {
        out[this.position++] = (unit >> 12) | 0xe0;
        out[this.position++] = ((unit >> 6) & 0x3f) | 0x80;
        out[this.position++] = (unit & 0x3f) | 0x80;
      }
    }
  }

  /** A string given as its UTF-8 bytes, source[start, end). */
  writeUtf8(source: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.ensure(5 + length);
    this.writeStringHeader(length);
    const out = this.scratch;
    // Short runs byte by byte: a subarray to copy from costs more than the copy.
    if (length < JS_STRING_UNITS_MAX) for (let i = start; i < end; i++) out[this.position++] = source[i]!;
    else {
      out.set(source.subarray(start, end), this.position);
      this.position += length;
    }
  }

  writeBinary(bytes: Uint8Array): void {
    const length = bytes.length;
    this.ensure(5 + length);
    const out = this.scratch;
    if (length < 0x100) {
      out[this.position++] = 0xc4;
      out[this.position++] = length;
    } else if (length < 0x10000) {
      out[this.position++] = 0xc5;
      out[this.position++] = length >> 8;
      out[this.position++] = length & 0xff;
    } else {
      out[this.position++] = 0xc6;
      out.writeUInt32BE(length, this.position);
      this.position += 4;
    }
    out.set(bytes, this.position);
    this.position += length;
  }

  writeArrayHeader(length: number): void {
    this.ensure(5);
    const out = this.scratch;
    if (length < 0x10) out[this.position++] = 0x90 | length;
    else if (length < 0x10000) {
      out[this.position++] = 0xdc;
      out[this.position++] = length >> 8;
      out[this.position++] = length & 0xff;
    } else {
      out[this.position++] = 0xdd;
      out.writeUInt32BE(length, this.position);
      this.position += 4;
    }
  }

  writeTag(tag: number, elements: number): void {
    this.writeArrayHeader(elements + 1);
    this.writeInteger(tag);
  }

  writeValue(value: AttributeValue): void {
    if ('S' in value) return this.writeString(value.S);
    if ('N' in value) {
      if (isCompactInteger(value.N)) return this.writeInteger(Number(value.N));
      this.writeTag(TAG_N, 1);
      return this.writeString(value.N);
    }
    if ('B' in value) return this.writeBinary(value.B);
    if ('BOOL' in value) {
      this.ensure(1);
      this.scratch[this.position++] = value.BOOL ? 0xc3 : 0xc2;
      return;
    }
    if ('NULL' in value) {
      this.ensure(1);
      this.scratch[this.position++] = 0xc0;
      return;
    }
    if ('M' in value) return this.writeMap(value.M, TAG_M);
    if ('L' in value) {
      this.writeTag(TAG_L, value.L.length);
      for (const element of value.L) this.writeValue(element);
      return;
    }
    if ('SS' in value) {
      this.writeTag(TAG_SS, value.SS.length);
      for (const element of value.SS) this.writeString(element);
      return;
    }
    if ('NS' in value) {
      this.writeTag(TAG_NS, value.NS.length);
      for (const element of value.NS) this.writeString(element);
      return;
    }
    this.writeTag(TAG_BS, value.BS.length);
    for (const element of value.BS) this.writeBinary(element);
  }

  /** A map as [tag?, name1, v1, …] (the top level has no tag). */
  writeMap(map: Item, tag: number | undefined): void {
    let entries = 0;
    for (const name in map) if (Object.prototype.hasOwnProperty.call(map, name)) entries++;
    if (tag === undefined) this.writeArrayHeader(2 * entries);
    else this.writeTag(tag, 2 * entries);
    for (const name in map) {
      if (!Object.prototype.hasOwnProperty.call(map, name)) continue;
      this.writeString(name);
      this.writeValue(map[name]!);
    }
  }
}

const writer = new ItemWriter();

let chunk = new ArrayBuffer(0);
let chunkOffset = 0;

/** A fresh array of `length` bytes nobody else writes to (see the header). */
function output(length: number): Uint8Array {
  if (length <= COPY_OUT_SMALL_BYTES_MAX || length > COPY_OUT_POOLED_BYTES_MAX) return new Uint8Array(length);
  if (chunkOffset + length > chunk.byteLength) {
    chunk = new ArrayBuffer(COPY_OUT_CHUNK_BYTES);
    chunkOffset = 0;
  }
  const out = new Uint8Array(chunk, chunkOffset, length);
  chunkOffset = (chunkOffset + length + 7) & ~7;
  return out;
}

/** `version` then the item's tree, as an array of exactly its length that the caller owns. */
export function writeItem(item: Item, version: number): Uint8Array {
  writer.position = 0;
  writer.ensure(1);
  writer.scratch[writer.position++] = version;
  writer.writeMap(item, undefined);
  return copyOut();
}

/**
 * What writeItem writes for an item given as byte ranges rather than as values: the wire layer's
 * one-pass PutItem (engine/api/item-request-body.ts) encodes the request's bytes without building the
 * item. Five numbers per attribute in `ranges`: its name is source[r[0], r[1]); its value is
 * r[2], r[3] and kind r[4]: 0 an S in source, 1 an N in source, 2 an S in `side`.
 *
 * Preconditions (the caller's, unchecked here): every name and S value is well-formed UTF-8 (its
 * bytes are then what writeString writes for its text); every N value is a canonical integer of at
 * most 15 digits in ASCII (no sign but a leading '-', no leading zero). Under them the bytes equal
 * writeItem's for the same item (test/api/item-request-body.test.ts).
 */
export function writeItemFromRanges(source: Uint8Array, side: Uint8Array, ranges: readonly number[], version: number): Uint8Array {
  writer.position = 0;
  writer.ensure(1);
  writer.scratch[writer.position++] = version;
  writer.writeArrayHeader((2 * ranges.length) / 5);
  for (let at = 0; at < ranges.length; at += 5) {
    writer.writeUtf8(source, ranges[at]!, ranges[at + 1]!);
    const kind = ranges[at + 4];
    if (kind === 1) writer.writeInteger(integerAt(source, ranges[at + 2]!, ranges[at + 3]!));
    else writer.writeUtf8(kind === 2 ? side : source, ranges[at + 2]!, ranges[at + 3]!);
  }
  return copyOut();
}

/** The value of the canonical integer of at most 15 digits written as ASCII in source[start, end). */
function integerAt(source: Uint8Array, start: number, end: number): number {
  const negative = source[start] === 45;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) value = value * 10 + (source[i]! - 48);
  return negative ? -value : value;
}

/** The writer's bytes so far, as an array of exactly their length that the caller owns. */
function copyOut(): Uint8Array {
  const length = writer.position;
  const scratch = writer.scratch;
  const out = output(length);
  for (let i = 0; i < length; i++) out[i] = scratch[i]!;
  return out;
}
