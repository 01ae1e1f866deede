/**
 * The key space of one partition map: storage-key suffixes after tableId|indexId, i.e.
 * hash32(pk) as 4 bytes big-endian | enc(pk) | enc(sort components)… (engine/model/FORMAT.md §2).
 *
 * A 4-byte key `h` is the boundary "every key whose partition hash is >= h": it never falls inside
 * an item collection, so splits between partition keys use such boundaries, and a collection is
 * isolated by the range [h, h + 1). Keys of two partition keys with the same hash stay together,
 * which is harmless (they are as likely as any two keys to share a partition).
 *
 * Pure and synchronous.
 */
import { assert } from '../util/assert.js';
import type { ScalarAttributeType } from '../model/attribute-value.js';

export const HASH_SPACE = 2 ** 32;
export const HASH_BYTES = 4;

/** The partition hash a key suffix starts with (a key shorter than 4 bytes reads as zero-padded). */
export function hashOfKey(key: Uint8Array): number {
  return (((key[0] ?? 0) << 24) | ((key[1] ?? 0) << 16) | ((key[2] ?? 0) << 8) | (key[3] ?? 0)) >>> 0;
}

/** hashOfKey of the suffix key[keyOffset..], read in place (the hot path's storage keys carry a prefix). */
export function hashOfKeyAt(key: Uint8Array, keyOffset: number): number {
  const o = keyOffset;
  return (((key[o] ?? 0) << 24) | ((key[o + 1] ?? 0) << 16) | ((key[o + 2] ?? 0) << 8) | (key[o + 3] ?? 0)) >>> 0;
}

/** The 4-byte boundary key of hash `h` (0 <= h < 2^32). */
export function hashBoundary(h: number): Uint8Array {
  assert(Number.isInteger(h) && h >= 0 && h < HASH_SPACE, 'a hash is a 32-bit unsigned integer');
  return new Uint8Array([h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff]);
}

/** The hash where a range ends: its end key's hash, rounded up when the end is inside a collection. */
export function endHashOf(end: Uint8Array | null): number {
  if (end === null) return HASH_SPACE;
  const h = hashOfKey(end);
  for (let i = HASH_BYTES; i < end.length; i++) if (end[i] !== 0) return h + 1;
  return h;
}

/**
 * Where the encoded partition key ends in a suffix (the length of hash | enc(pk)), given the
 * partition key's type; undefined when the bytes are malformed. Mirrors key-codec.ts's grammar:
 * S and B end at the first unescaped 00 01; N is 02, or a tag, an exponent and nibble bytes ending
 * at the terminator nibble (0 for positive, F for negative).
 */
export function partitionKeyEnd(key: Uint8Array, type: ScalarAttributeType): number | undefined {
  let i = HASH_BYTES;
  if (type === 'N') {
    const tag = key[i++];
    if (tag === 0x02) return i;
    if (tag !== 0x01 && tag !== 0x03) return undefined;
    const terminator = tag === 0x01 ? 0xf : 0x0;
    i++; // exponent
    while (i < key.length) {
      const byte = key[i++]!;
      if (byte >> 4 === terminator || (byte & 0xf) === terminator) return i;
    }
    return undefined;
  }
  while (i + 1 < key.length) {
    if (key[i] === 0x00) {
      if (key[i + 1] === 0x01) return i + 2;
      i += 2; // an escaped zero (00 FF)
    } else {
      i++;
    }
  }
  return undefined;
}
