/**
 * Storage keys: where an item (or an index entry) lives in the one LSM key space (DESIGN.md
 * decision 2). Part of the on-disk format: see FORMAT.md ("Storage keys", format version 1).
 *
 *   tableId (u32 BE) | indexId (u16 BE) | hash (u32 BE) | enc(partition key) | enc(sort key)…
 *
 * `enc` is key-codec.ts's self-delimiting, order-preserving encoding. `hash` is murmur3 x86_32
 * (engine/util/hash.ts) with seed STORAGE_KEY_HASH_SEED over enc(partition key); it is frozen.
 * indexId 0 is the base table; an index entry appends the table's key after the index's own key
 * so that entries are unique. The components after the partition key are the "sort components".
 *
 * Properties (tested): within one partition, keys order as DynamoDB orders the sort key; keys of
 * different partitions never interleave (the partition prefix is prefix-free); a table/index is
 * one contiguous range, and parallel-scan segment i of n is the hash range
 * [floor(i·2^32/n), floor((i+1)·2^32/n)).
 *
 * Pure and synchronous. Encoders allocate exactly one buffer.
 */
import { SCAN_TOTAL_SEGMENTS_MAX } from '../limits.js';
import { assert, assertionFailed } from '../util/assert.js';
import { readUint32BE, writeUint32BE } from '../util/bytes.js';
import { CorruptionError } from '../util/errors.js';
import { hash32, hash32Range } from '../util/hash.js';
import type { ScalarAttributeType } from './attribute-value.js';
import type { KeyAttributeValue } from './compare.js';
import { encodedKeyValueLength, encodeKeyPrefix, readKeyValue, writeKeyValue } from './key-codec.js';

/** Frozen: changing it moves every item. Part of the on-disk format. */
export const STORAGE_KEY_HASH_SEED = 0x5117_d00d;
export const TABLE_ID_MAX = 0xffff_ffff;
export const INDEX_ID_MAX = 0xffff;
/** indexId of a table's own items. */
export const BASE_TABLE_INDEX_ID = 0;
const TABLE_INDEX_PREFIX_BYTES = 6;
const HASH_BYTES = 4;
export const PARTITION_HEADER_BYTES = TABLE_INDEX_PREFIX_BYTES + HASH_BYTES;
const HASH_SPACE = 2 ** 32;

function checkIds(tableId: number, indexId: number): void {
  // The messages are built only on failure (a template literal argument is evaluated every call).
  if (!(Number.isInteger(tableId) && tableId >= 0 && tableId <= TABLE_ID_MAX)) assertionFailed(`tableId out of range: ${tableId}`);
  if (!(Number.isInteger(indexId) && indexId >= 0 && indexId <= INDEX_ID_MAX)) assertionFailed(`indexId out of range: ${indexId}`);
}

function writeIds(out: Uint8Array, tableId: number, indexId: number): void {
  writeUint32BE(out, 0, tableId);
  out[4] = indexId >>> 8;
  out[5] = indexId & 0xff;
}

/**
 * The full key: ids, hash, partition key, then the sort components in order (none for a table
 * without a sort key; [sk] for a table item; [indexSk?, tablePk, tableSk?] for an index entry).
 */
export function encodeStorageKey(
  tableId: number,
  indexId: number,
  partitionKey: KeyAttributeValue,
  sortComponents: readonly KeyAttributeValue[] = [],
): Uint8Array {
  checkIds(tableId, indexId);
  const partitionBytes = encodedKeyValueLength(partitionKey);
  let length = PARTITION_HEADER_BYTES + partitionBytes;
  for (const component of sortComponents) length += encodedKeyValueLength(component);
  const out = new Uint8Array(length);
  writeIds(out, tableId, indexId);
  let offset = writeKeyValue(out, PARTITION_HEADER_BYTES, partitionKey);
  writeUint32BE(out, TABLE_INDEX_PREFIX_BYTES, partitionHash(out, PARTITION_HEADER_BYTES, offset));
  for (const component of sortComponents) offset = writeKeyValue(out, offset, component);
  assert(offset === length, 'storage key length mismatch');
  return out;
}

/**
 * hash32 (util/hash.ts: MurmurHash3 x86_32) with STORAGE_KEY_HASH_SEED over bytes[start, end),
 * computed in place (a subarray per key cost more than the hash itself). Frozen: it is in every key.
 */
function partitionHash(bytes: Uint8Array, start: number, end: number): number {
  return hash32Range(bytes, start, end, STORAGE_KEY_HASH_SEED);
}

/** The hash of a partition key value, as stored in its keys. */
export function partitionKeyHash(partitionKey: KeyAttributeValue): number {
  const encoded = new Uint8Array(encodedKeyValueLength(partitionKey));
  writeKeyValue(encoded, 0, partitionKey);
  return hash32(encoded, STORAGE_KEY_HASH_SEED);
}

/** The stored partition hash function itself, for tests: equal to hash32 over the range. */
export const partitionHashForTests = partitionHash;

/** Every key of one partition (item collection) starts with this: the range for a Query. */
export function partitionPrefix(tableId: number, indexId: number, partitionKey: KeyAttributeValue): Uint8Array {
  return encodeStorageKey(tableId, indexId, partitionKey);
}

/** Every key of one table or index starts with these 6 bytes: the range for a Scan. */
export function tableIndexPrefix(tableId: number, indexId: number): Uint8Array {
  checkIds(tableId, indexId);
  const out = new Uint8Array(TABLE_INDEX_PREFIX_BYTES);
  writeIds(out, tableId, indexId);
  return out;
}

/**
 * The smallest key greater than every key that starts with `prefix` (exclusive upper bound), or
 * undefined when there is none (the prefix is all 0xFF).
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const end = prefix.slice(0, i + 1);
      end[i]!++;
      return end;
    }
  }
  return undefined;
}

/** A key range [start, end); `end` undefined means "to the end of the key space". */
export interface KeyRange {
  start: Uint8Array;
  end: Uint8Array | undefined;
}

/** The range of a parallel-scan segment: hash values [floor(i·2^32/n), floor((i+1)·2^32/n)). */
export function scanSegmentRange(tableId: number, indexId: number, segment: number, totalSegments: number): KeyRange {
  assert(Number.isInteger(totalSegments) && totalSegments >= 1 && totalSegments <= SCAN_TOTAL_SEGMENTS_MAX, 'totalSegments');
  assert(Number.isInteger(segment) && segment >= 0 && segment < totalSegments, 'segment');
  const prefix = tableIndexPrefix(tableId, indexId);
  const low = Math.floor((segment * HASH_SPACE) / totalSegments);
  const high = Math.floor(((segment + 1) * HASH_SPACE) / totalSegments);
  const start = new Uint8Array(PARTITION_HEADER_BYTES);
  start.set(prefix);
  writeUint32BE(start, TABLE_INDEX_PREFIX_BYTES, low);
  if (high >= HASH_SPACE) return { start, end: prefixEnd(prefix) };
  const end = new Uint8Array(PARTITION_HEADER_BYTES);
  end.set(prefix);
  writeUint32BE(end, TABLE_INDEX_PREFIX_BYTES, high);
  return { start, end };
}

/** The segment (of n) a partition hash falls in: the inverse of scanSegmentRange. */
export function scanSegmentOfHash(hash: number, totalSegments: number): number {
  // floor(i·2^32/n) <= hash  ⇔  i <= floor(((hash + 1)·n - 1) / 2^32), exactly in doubles (< 2^53).
  return Math.floor(((hash + 1) * totalSegments - 1) / HASH_SPACE);
}

/**
 * The keys of one partition whose first sort component begins with `prefix` (begins_with on an
 * S or B sort key).
 */
export function sortKeyPrefixRange(
  tableId: number,
  indexId: number,
  partitionKey: KeyAttributeValue,
  prefix: { S: string } | { B: Uint8Array },
): KeyRange {
  const partition = partitionPrefix(tableId, indexId, partitionKey);
  const escaped = encodeKeyPrefix(prefix);
  const start = new Uint8Array(partition.length + escaped.length);
  start.set(partition);
  start.set(escaped, partition.length);
  return { start, end: prefixEnd(start) };
}

/** The parts of a storage key. */
export interface DecodedStorageKey {
  tableId: number;
  indexId: number;
  hash: number;
  partitionKey: KeyAttributeValue;
  sortComponents: KeyAttributeValue[];
}

/** Reads a storage key back, given the types of its partition key and sort components. */
export function decodeStorageKey(
  key: Uint8Array,
  partitionType: ScalarAttributeType,
  sortTypes: readonly ScalarAttributeType[] = [],
): DecodedStorageKey {
  if (key.length < PARTITION_HEADER_BYTES + 1) throw new CorruptionError('storage key too short');
  const tableId = readUint32BE(key, 0);
  const indexId = (key[4]! << 8) | key[5]!;
  const hash = readUint32BE(key, TABLE_INDEX_PREFIX_BYTES);
  const partition = readKeyValue(key, PARTITION_HEADER_BYTES, key.length, partitionType);
  if (partitionHash(key, PARTITION_HEADER_BYTES, partition.offset) !== hash) {
    throw new CorruptionError('storage key: partition hash mismatch');
  }
  let offset = partition.offset;
  const sortComponents: KeyAttributeValue[] = [];
  for (const type of sortTypes) {
    const component = readKeyValue(key, offset, key.length, type);
    sortComponents.push(component.value);
    offset = component.offset;
  }
  if (offset !== key.length) throw new CorruptionError('storage key: trailing bytes');
  return { tableId, indexId, hash, partitionKey: partition.value, sortComponents };
}
