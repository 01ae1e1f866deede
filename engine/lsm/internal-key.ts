/**
 * Internal keys: a user key tagged with the sequence number of the write and its type. The store is
 * MVCC over these: many versions of a user key coexist, newest first.
 *
 * Order (the "internal order"): user key ascending (unsigned bytes), then sequence descending, then
 * type descending. A reader at snapshot S sees, for each user key, the first entry with seq <= S.
 *
 * Encoded form (SSTables): userKey ‖ trailer, trailer = 8 bytes: sequence as 7-byte big-endian,
 * then the type byte. See engine/lsm/sstable/FORMAT.md.
 */
import { compareByteRanges } from '../util/bytes.js';

/** Part of the on-disk format (WAL, SSTables): never renumber. */
export const ValueType = { Delete: 0, Put: 1 } as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

export function isValueType(byte: number): byte is ValueType {
  return byte === ValueType.Delete || byte === ValueType.Put;
}

export const TRAILER_BYTES = 8;

/** The largest type byte: a lookup key with it sorts before every entry of the same (key, seq). */
export const VALUE_TYPE_FOR_SEEK: ValueType = ValueType.Put;

/** Result of a point lookup in one component: a value, a tombstone, or nothing known. */
export const DELETED: unique symbol = Symbol('deleted');
export type LookupResult = Uint8Array | typeof DELETED | undefined;

export function writeTrailer(out: Uint8Array, offset: number, seq: number, type: ValueType): void {
  const high = Math.floor(seq / 0x1_0000_0000);
  const low = seq >>> 0;
  out[offset] = high >>> 16;
  out[offset + 1] = high >>> 8;
  out[offset + 2] = high;
  out[offset + 3] = low >>> 24;
  out[offset + 4] = low >>> 16;
  out[offset + 5] = low >>> 8;
  out[offset + 6] = low;
  out[offset + 7] = type;
}

export function readTrailerSeq(input: Uint8Array, offset: number): number {
  const high = (input[offset]! << 16) | (input[offset + 1]! << 8) | input[offset + 2]!;
  const low = ((input[offset + 3]! << 24) | (input[offset + 4]! << 16) | (input[offset + 5]! << 8) | input[offset + 6]!) >>> 0;
  return high * 0x1_0000_0000 + low;
}

export function encodeInternalKey(userKey: Uint8Array, seq: number, type: ValueType): Uint8Array {
  const out = new Uint8Array(userKey.length + TRAILER_BYTES);
  out.set(userKey, 0);
  writeTrailer(out, userKey.length, seq, type);
  return out;
}

/** The user-key part of an encoded internal key (a view, no copy). */
export function userKeyOf(internalKey: Uint8Array): Uint8Array {
  return internalKey.subarray(0, internalKey.length - TRAILER_BYTES);
}

export function seqOf(internalKey: Uint8Array): number {
  return readTrailerSeq(internalKey, internalKey.length - TRAILER_BYTES);
}

export function typeOf(internalKey: Uint8Array): number {
  return internalKey[internalKey.length - 1]!;
}

/** Compares two encoded internal keys in internal order. */
export function compareInternalKeys(a: Uint8Array, b: Uint8Array): number {
  const aUser = a.length - TRAILER_BYTES;
  const bUser = b.length - TRAILER_BYTES;
  const byUser = compareByteRanges(a, 0, aUser, b, 0, bUser);
  if (byUser !== 0) return byUser;
  // Same user key: larger trailer (newer sequence, then larger type) sorts first.
  for (let i = 0; i < TRAILER_BYTES; i++) {
    const difference = b[bUser + i]! - a[aUser + i]!;
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Compares (userKey, seq) pairs in internal order, ignoring type. */
export function compareUserKeySeq(aKey: Uint8Array, aSeq: number, bKey: Uint8Array, bSeq: number): number {
  const byUser = compareByteRanges(aKey, 0, aKey.length, bKey, 0, bKey.length);
  if (byUser !== 0) return byUser;
  return bSeq - aSeq;
}
