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
import { CorruptionError } from '../util/errors.js';
import type { Item } from './attribute-value.js';
import { readItem, type SizedItem } from './item-reader.js';
import { writeItem } from './item-writer.js';
import { ITEM_FORMAT_VERSION } from './item-format.js';

export type { SizedItem } from './item-reader.js';

export { ITEM_FORMAT_VERSION, TAG_BS, TAG_L, TAG_M, TAG_N, TAG_NS, TAG_SS } from './item-format.js';

/** Encodes a validated item. */
export function encodeItem(item: Item): Uint8Array {
  return writeItem(item, ITEM_FORMAT_VERSION);
}

function corrupt(what: string): never {
  throw new CorruptionError(`stored item: ${what}`);
}

/** Decodes a stored item and its size (itemSizeBytes); throws CorruptionError when the bytes are not one. */
export function decodeSizedItem(bytes: Uint8Array): SizedItem {
  if (bytes.length < 2) corrupt('too short');
  if (bytes[0] !== ITEM_FORMAT_VERSION) corrupt(`unknown format version ${String(bytes[0])}`);
  return readItem(bytes, 1);
}

/** Decodes a stored item; throws CorruptionError when the bytes are not one. */
export function decodeItem(bytes: Uint8Array): Item {
  return decodeSizedItem(bytes).item;
}
