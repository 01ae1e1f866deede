/**
 * The decoder of stored items (format in FORMAT.md §3, encoder in item-codec.ts): reads the
 * MessagePack tree straight into attribute values, without msgpackr's intermediate arrays, and
 * measures the item's DynamoDB size (item-size.ts) on the way, from the encoded lengths, so a read
 * that charges capacity or fills a 1 MB page need not walk the item again.
 *
 * It accepts exactly the trees msgpackr would have decoded into a valid item — any MessagePack
 * encoding of the integers and strings (fixint to 32-bit ints, a float64 holding a safe integer, as
 * msgpackr writes integers past 2^32; fixstr to str32; bin8 to bin32; array16/32) — and reports
 * everything else (maps, extensions, 64-bit ints, fractional floats, truncation, trailing bytes,
 * nesting deeper than any valid item) as CorruptionError. Strings decode as UTF-8 with U+FFFD for
 * malformed sequences (WHATWG), as msgpackr's decoders do; binary is copied (a view would alias the
 * caller's block).
 *
 * Concurrency: synchronous; one module-level reader, used within one readItem call (nothing it
 * calls can re-enter it).
 */
import type { AttributeValue, Item } from './attribute-value.js';
import { TAG_BS, TAG_L, TAG_M, TAG_N, TAG_NS, TAG_SS } from './item-format.js';
import { numberSizeBytes, utf8Length } from './item-size.js';
import { corrupt, MessagePackCursor } from './msgpack-cursor.js';
import { setEntry } from './validate.js';

/** Strings up to this many bytes are built in JS when ASCII; longer ones (or any non-ASCII) natively. */
const SHORT_STRING_BYTES_MAX = 32;
/** The name cache: a power of two of slots, names up to this many bytes (a bounded, tiny memory). */
const NAME_CACHE_SLOTS = 512;
const NAME_CACHE_BYTES_MAX = 32;


const fromCharCode = String.fromCharCode;
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
// Node's Buffer has a native utf8Slice(start, end) that accepts any Uint8Array and decodes without
// a subarray; it is missing from the typings (hence the cast) and from other runtimes (the fallback).
const nativeUtf8Slice = (Buffer.prototype as unknown as { utf8Slice?: (this: Uint8Array, start: number, end: number) => string }).utf8Slice;

/** The cursor over one encoded item (a class: its fields are cheaper to reach than module `let`s). */
class ItemReader extends MessagePackCursor {
  /** DynamoDB size of the last value (or string, or map's entries) read. */
  sizeBytes = 0;
  /** Recently read ASCII attribute names, by a hash of their bytes (see readName). */
  readonly names: (string | undefined)[] = new Array<string | undefined>(NAME_CACHE_SLOTS).fill(undefined);

  /**
   * An attribute name. Names repeat from item to item, and building an object with a name string
   * V8 has seen as a property key before is much cheaper than with a fresh copy (which must be
   * looked up in the string table), so short ASCII names come from a small direct-mapped cache.
   */
  readName(length: number): string {
    if (length > NAME_CACHE_BYTES_MAX) return this.readString(length);
    this.need(length);
    const src = this.src;
    const start = this.position;
    let hash = length;
    let high = 0;
    for (let i = start; i < start + length; i++) {
      const byte = src[i]!;
      hash = (Math.imul(hash, 31) + byte) | 0;
      high |= byte;
    }
    if (high >= 0x80) return this.readString(length);
    const slot = hash & (NAME_CACHE_SLOTS - 1);
    const cached = this.names[slot];
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (cached.charCodeAt(i) !== src[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.position = start + length;
        this.sizeBytes = length;
        return cached;
      }
    }
    const name = this.readString(length);
    this.names[slot] = name;
    return name;
  }

  /** A string of `length` bytes at the cursor; sets this.sizeBytes to its UTF-8 size. */
  readString(length: number): string {
    this.need(length);
    const start = this.position;
    const stop = start + length;
    this.position = stop;
    let ascii = true;
    for (let i = start; i < stop; i++) {
      if (this.src[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii && length <= SHORT_STRING_BYTES_MAX) {
      this.sizeBytes = length;
      let text = '';
      let i = start;
      for (; i + 8 <= stop; i += 8) {
        text += fromCharCode(this.src[i]!, this.src[i + 1]!, this.src[i + 2]!, this.src[i + 3]!, this.src[i + 4]!, this.src[i + 5]!, this.src[i + 6]!, this.src[i + 7]!);
      }
      for (; i < stop; i++) text += fromCharCode(this.src[i]!);
      return text;
    }
    const text = nativeUtf8Slice !== undefined ? nativeUtf8Slice.call(this.src, start, stop) : utf8Decoder.decode(this.src.subarray(start, stop));
    // Malformed UTF-8 decodes to U+FFFD (3 bytes each): then the size is the decoded string's, not the stored one's.
    this.sizeBytes = ascii ? length : utf8Length(text);
    return text;
  }

  readBinary(length: number): Uint8Array {
    this.need(length);
    const out = new Uint8Array(length);
    out.set(this.src.subarray(this.position, this.position + length));
    this.position += length;
    this.sizeBytes = length;
    return out;
  }

  numberValue(canonical: string): AttributeValue {
    this.sizeBytes = numberSizeBytes(canonical);
    return { N: canonical };
  }

  /** One attribute value at nesting `level` (1 for a top-level attribute's value); sets this.sizeBytes. */
  readValue(level: number): AttributeValue {
    const token = this.nextToken();
    if (token >= 0xa0 && token <= 0xbf) return { S: this.readString(token - 0xa0) };
    const integer = this.readInteger(token);
    if (integer !== undefined) return this.numberValue(String(integer));
    const count = this.arrayLength(token);
    if (count >= 0) return this.readTagged(count, level);
    const length = this.stringLength(token);
    if (length >= 0) return { S: this.readString(length) };
    const bytes = this.binaryLength(token);
    if (bytes >= 0) return { B: this.readBinary(bytes) };
    this.sizeBytes = 1;
    if (token === 0xc0) return { NULL: true };
    if (token === 0xc2) return { BOOL: false };
    if (token === 0xc3) return { BOOL: true };
    return corrupt(`unexpected MessagePack byte 0x${token.toString(16)}`);
  }

  readTagged(count: number, level: number): AttributeValue {
    const tag = this.readTag(count, level);
    const elements = count - 1;
    switch (tag) {
      case TAG_N:
        return this.numberValue(this.readString(this.numberTextLength(elements)));
      case TAG_L: {
        const list = new Array<AttributeValue>(elements);
        let size = 3;
        for (let i = 0; i < elements; i++) {
          list[i] = this.readValue(level + 1);
          size += 1 + this.sizeBytes;
        }
        this.sizeBytes = size;
        return { L: list };
      }
      case TAG_M: {
        const map = this.readEntries(elements, level + 1, 1);
        this.sizeBytes += 3;
        return { M: map };
      }
      case TAG_SS:
      case TAG_NS: {
        if (elements === 0) corrupt('empty set');
        const set = new Array<string>(elements);
        let size = 0;
        for (let i = 0; i < elements; i++) {
          const length = this.stringLength(this.nextToken());
          if (length < 0) corrupt('bad set element');
          const element = this.readString(length);
          set[i] = element;
          size += tag === TAG_SS ? this.sizeBytes : numberSizeBytes(element);
        }
        this.sizeBytes = size;
        return tag === TAG_SS ? { SS: set } : { NS: set };
      }
      case TAG_BS: {
        if (elements === 0) corrupt('empty set');
        const set = new Array<Uint8Array>(elements);
        let size = 0;
        for (let i = 0; i < elements; i++) {
          const length = this.binaryLength(this.nextToken());
          if (length < 0) corrupt('bad binary set element');
          set[i] = this.readBinary(length);
          size += length;
        }
        this.sizeBytes = size;
        return { BS: set };
      }
      default:
        return corrupt(`unknown tag ${String(tag)}`);
    }
  }

  /**
   * `count` alternating names and values into a map whose values are at `level`; this.sizeBytes is
   * Σ (perEntryBytes + name + value), the size of a map's entries (item-size.ts).
   */
  readEntries(count: number, level: number, perEntryBytes: number): Item {
    if (count % 2 !== 0) corrupt('odd map entries');
    const map: Item = {};
    let size = 0;
    for (let i = 0; i < count; i += 2) {
      const length = this.stringLength(this.nextToken());
      if (length < 0) corrupt('map name is not a string');
      const name = this.readName(length);
      size += perEntryBytes + this.sizeBytes;
      setEntry(map, name, this.readValue(level));
      size += this.sizeBytes;
    }
    this.sizeBytes = size;
    return map;
  }
}

const reader = new ItemReader();

/** An item and its DynamoDB size (itemSizeBytes of the item). */
export interface SizedItem {
  readonly item: Item;
  readonly sizeBytes: number;
}

/** Decodes a stored item (version byte and tree); throws CorruptionError when the bytes are not one. */
export function readItem(bytes: Uint8Array): SizedItem {
  try {
    const count = reader.openItem(bytes);
    const item = reader.readEntries(count, 1, 0);
    reader.checkEnd();
    return { item, sizeBytes: reader.sizeBytes };
  } finally {
    reader.release();
  }
}
