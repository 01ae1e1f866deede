/**
 * A cursor over the MessagePack of a stored item (FORMAT.md §3): the token-level reads both walkers
 * of that tree share — item-reader.ts, which builds attribute values, and the wire layer's JSON
 * writer (engine/api/item-json.ts), which copies an item to DynamoDB JSON without building it. It
 * accepts every encoding msgpackr reads for the tree's integers, strings, binary and arrays (fixint
 * to 32-bit ints, a float64 or float32 holding a safe integer, fixstr to str32, bin8 to bin32,
 * array16/32), and reports truncation and a non-integral number as CorruptionError.
 *
 * Synchronous; a cursor is used by one walk at a time.
 */
import { NESTING_LEVELS_MAX } from '../limits.js';
import { CorruptionError } from '../util/errors.js';
import { ITEM_FORMAT_VERSION } from './item-format.js';

const EMPTY = new Uint8Array(0);
/**
 * A bound on recursion, not a rule: validated items nest at most NESTING_LEVELS_MAX levels, so a
 * stored tree nested far deeper is corrupt (and would otherwise exhaust the stack).
 */
const STORED_NESTING_LEVELS_MAX = 4 * NESTING_LEVELS_MAX;

/** A CorruptionError about a stored item. */
export function corrupt(what: string): never {
  throw new CorruptionError(`stored item: ${what}`);
}

// Big-endian floats are read through scratch arrays (a DataView per read would allocate).
const float32 = new Float32Array(1);
const float32Bytes = new Uint8Array(float32.buffer);
const float64 = new Float64Array(1);
const float64Bytes = new Uint8Array(float64.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class MessagePackCursor {
  src: Uint8Array = EMPTY;
  position = 0;
  end = 0;

  /**
   * Points the cursor at the stored item `bytes` (FORMAT.md §3: the version byte, then the top-level
   * map as an array) and returns that array's length (names and values alternating). Call it inside
   * a try whose finally calls release().
   */
  openItem(bytes: Uint8Array): number {
    if (bytes.length < 2) corrupt('too short');
    if (bytes[0] !== ITEM_FORMAT_VERSION) corrupt(`unknown format version ${String(bytes[0])}`);
    this.src = bytes;
    this.position = 1;
    this.end = bytes.length;
    const count = this.arrayLength(this.nextToken());
    if (count < 0) corrupt('top level is not a map');
    return count;
  }

  /** After the item's last value: nothing may follow it. */
  checkEnd(): void {
    if (this.position !== this.end) corrupt('trailing bytes');
  }

  /** Lets go of the item's bytes (a cursor must not pin its caller's buffer). */
  release(): void {
    this.src = EMPTY;
  }

  need(bytes: number): void {
    if (this.position + bytes > this.end) corrupt('truncated');
  }

  readUint8(): number {
    this.need(1);
    return this.src[this.position++]!;
  }

  readUint16(): number {
    this.need(2);
    const value = (this.src[this.position]! << 8) | this.src[this.position + 1]!;
    this.position += 2;
    return value;
  }

  readUint32(): number {
    this.need(4);
    const value = this.src[this.position]! * 0x1000000 + ((this.src[this.position + 1]! << 16) | (this.src[this.position + 2]! << 8) | this.src[this.position + 3]!);
    this.position += 4;
    return value;
  }

  /** The element count of an array header at the cursor, or -1 when the next value is not an array. */
  arrayLength(token: number): number {
    if (token >= 0x90 && token <= 0x9f) return token - 0x90;
    if (token === 0xdc) return this.readUint16();
    if (token === 0xdd) return this.readUint32();
    return -1;
  }

  /** A string header's byte length, or -1 when `token` does not start a string. */
  stringLength(token: number): number {
    if (token >= 0xa0 && token <= 0xbf) return token - 0xa0;
    if (token === 0xd9) return this.readUint8();
    if (token === 0xda) return this.readUint16();
    if (token === 0xdb) return this.readUint32();
    return -1;
  }

  binaryLength(token: number): number {
    if (token === 0xc4) return this.readUint8();
    if (token === 0xc5) return this.readUint16();
    if (token === 0xc6) return this.readUint32();
    return -1;
  }

  nextToken(): number {
    return this.readUint8();
  }

  readFloat(bytes: number, scratchBytes: Uint8Array, scratch: Float32Array | Float64Array): number {
    this.need(bytes);
    for (let i = 0; i < bytes; i++) scratchBytes[littleEndian ? bytes - 1 - i : i] = this.src[this.position + i]!;
    this.position += bytes;
    return scratch[0]!;
  }

  /** An integer value, or undefined when `token` does not start a number. */
  readInteger(token: number): number | undefined {
    if (token < 0x80) return token;
    if (token >= 0xe0) return token - 0x100;
    let value: number;
    switch (token) {
      case 0xcc:
        return this.readUint8();
      case 0xcd:
        return this.readUint16();
      case 0xce:
        return this.readUint32();
      case 0xd0:
        return (this.readUint8() << 24) >> 24;
      case 0xd1:
        return (this.readUint16() << 16) >> 16;
      case 0xd2:
        return this.readUint32() | 0;
      case 0xca:
        value = this.readFloat(4, float32Bytes, float32);
        break;
      case 0xcb:
        value = this.readFloat(8, float64Bytes, float64);
        break;
      default:
        return undefined;
    }
    if (!Number.isSafeInteger(value)) corrupt('number is not a compact integer');
    return value;
  }

  /** The tag of a tagged array of `count` elements holding a value at nesting `level`, read at the cursor. */
  readTag(count: number, level: number): number | undefined {
    if (count === 0) corrupt('unknown tag undefined');
    if (level > STORED_NESTING_LEVELS_MAX) corrupt('nested too deeply');
    return this.readInteger(this.nextToken());
  }

  /** The byte length of a tagged number's text, its one element (`elements` after the tag). */
  numberTextLength(elements: number): number {
    const length = elements === 1 ? this.stringLength(this.nextToken()) : -1;
    if (length < 0) corrupt('bad number');
    return length;
  }
}
