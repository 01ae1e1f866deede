/**
 * The stored form of an item: a version byte, then MessagePack (msgpackr) of a compact tree.
 * Part of the on-disk format: see FORMAT.md ("Items", format version 1). Never renumber the tags.
 *
 *   S      msgpack str                  BOOL   msgpack true/false       NULL   msgpack nil
 *   B      msgpack bin                  N      msgpack int when the canonical number is an integer
 *                                              of at most 15 digits, else [TAG_N, "canonical"]
 *   L      [TAG_L, v1, v2, …]           M      [TAG_M, name1, v1, name2, v2, …]
 *   SS     [TAG_SS, "a", …]             NS     [TAG_NS, "canonical", …]   BS  [TAG_BS, bin, …]
 *   item   [name1, v1, name2, v2, …]    (the top level is a map without its tag)
 *
 * Maps are arrays of alternating names and values rather than msgpack maps, because a msgpack map
 * decoder must guard "__proto__" (msgpackr renames it) and builds an object we would rebuild anyway.
 *
 * The encoder (item-writer.ts) writes the bytes msgpackr writes; the decoder (item-reader.ts) reads
 * straight into attribute values and measures the item's size on the way.
 *
 * Pure and synchronous. The decoder distrusts its input: a malformed tree is a CorruptionError.
 * decode(encode(item)) equals item for every validated item (tested).
 */
import type { AttributeValue, Item } from './attribute-value.js';
import { readItem, type SizedItem } from './item-reader.js';
import { writeItem, writeItemFromRanges } from './item-writer.js';
import { ITEM_FORMAT_VERSION } from './item-format.js';

export type { SizedItem } from './item-reader.js';

export { ITEM_FORMAT_VERSION, TAG_BS, TAG_L, TAG_M, TAG_N, TAG_NS, TAG_SS } from './item-format.js';

/**
 * An item already in its stored form, from a writer that never built it as values (the wire
 * layer's one-pass PutItem): its encodeItem bytes, its itemSizeBytes, and its top-level attributes
 * on request (the table layer reads only the key attributes).
 */
export interface EncodedItem {
  readonly bytes: Uint8Array;
  readonly sizeBytes: number;
  /** The top-level attribute `name`'s value; undefined when the item has no such attribute. */
  attribute(name: string): AttributeValue | undefined;
}

/** Encodes a validated item. */
export function encodeItem(item: Item): Uint8Array {
  return writeItem(item, ITEM_FORMAT_VERSION);
}

/** encodeItem for an item given as byte ranges: see writeItemFromRanges for the layout and its preconditions. */
export function encodeItemFromRanges(source: Uint8Array, side: Uint8Array, ranges: readonly number[]): Uint8Array {
  return writeItemFromRanges(source, side, ranges, ITEM_FORMAT_VERSION);
}

/** Decodes a stored item and its size (itemSizeBytes); throws CorruptionError when the bytes are not one. */
export function decodeSizedItem(bytes: Uint8Array): SizedItem {
  return readItem(bytes);
}

/**
 * An item's DynamoDB size (itemSizeBytes) is at most this many times the length of its encoding:
 * the bound holds for every tree the decoder accepts, so a reader can know the size of a small
 * stored item is under a bound without decoding it (GetItem's wire answer, engine/api/item-json.ts,
 * bills a small item's one read block this way).
 *
 * Why 4 (s = size, e = encoded bytes, each value v satisfies s(v) <= 4 e(v) - 1, by induction):
 *   S      e = header (>= 1) + n bytes; s <= 3n (malformed UTF-8 decodes to U+FFFD, 3 bytes a byte)
 *   N      a fixint: e = 1, s <= 3 ("-32", "127"); wider ints, floats and [1, text] have s <= e
 *   B      s = n < e;  BOOL, NULL: e = 1, s = 1
 *   L      e >= 2 + Σ e(x), s = 3 + Σ (1 + s(x)) <= 3 + Σ 4 e(x) <= 4 e - 5
 *   M      e >= 2 + Σ (1 + |name| + e(x)), s = 3 + Σ (1 + |name| + s(x)) <= 4 e - 5
 *   SS, NS, BS   each element costs at most 3 bytes of size per encoded byte, plus its header
 * and the item itself (version byte, header, then names and values) likewise. A list of fixints is
 * the worst case: 4 bytes of size (1 + "127"'s 3) for one encoded byte, so no smaller factor holds.
 */
export const ITEM_SIZE_PER_ENCODED_BYTE_MAX = 4;

/** An upper bound of the DynamoDB size of the item encoded as `bytes` (see the constant above). */
export function itemSizeBytesAtMost(bytes: Uint8Array): number {
  return bytes.length * ITEM_SIZE_PER_ENCODED_BYTE_MAX;
}

/** Decodes a stored item; throws CorruptionError when the bytes are not one. */
export function decodeItem(bytes: Uint8Array): Item {
  return decodeSizedItem(bytes).item;
}
