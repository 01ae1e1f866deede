/**
 * A partition map: the durable description of how one table (indexId 0) or one GSI is divided into
 * partitions, each a contiguous range of the storage-key suffix space (key-space.ts).
 *
 * Partition i covers [starts[i], starts[i + 1]) and the last one runs to +infinity. Values are
 * immutable: a split returns a new map, so the manager can build the edit, make it durable, and only
 * then swap it in. Partition ids are unique within a map and never reused (nextPartitionId).
 *
 * Pure and synchronous. Invariants (checkMap; tested under any split sequence):
 *   1. at least one partition; the first starts at the empty key;
 *   2. starts strictly increase (ranges are contiguous and disjoint and cover everything);
 *   3. ids are distinct and below nextPartitionId.
 */
import type { ScalarAttributeType } from '../model/attribute-value.js';
import { PARTITION_SPLIT_HISTORY_MAX, PARTITIONS_PER_MAP_MAX } from '../limits.js';
import { assert } from '../util/assert.js';
import { compareBytes } from '../util/bytes.js';
import { endHashOf, HASH_SPACE, hashBoundary, hashOfKey } from './key-space.js';
import type { SplitCause, SplitRecord, ThroughputSettings } from './types.js';

export interface PartitionRange {
  readonly id: number;
  readonly start: Uint8Array;
  readonly splits: readonly SplitRecord[];
}

export interface PartitionMap {
  readonly tableId: number;
  readonly indexId: number;
  readonly settings: ThroughputSettings;
  /** The table has LSIs: never split inside an item collection. */
  readonly hasLsi: boolean;
  /** The partition key's type, when the caller gave it (hot keys are then reported as pk bytes). */
  readonly partitionKeyType: ScalarAttributeType | undefined;
  readonly nextPartitionId: number;
  readonly partitions: readonly PartitionRange[];
}

const EMPTY = new Uint8Array(0);

/** `count` partitions splitting the 32-bit hash space evenly: boundaries floor(i · 2^32 / count). */
export function initialMap(
  tableId: number,
  indexId: number,
  settings: ThroughputSettings,
  hasLsi: boolean,
  partitionKeyType: ScalarAttributeType | undefined,
  count: number,
): PartitionMap {
  assert(Number.isInteger(count) && count >= 1 && count <= PARTITIONS_PER_MAP_MAX, 'partition count within bounds');
  const partitions: PartitionRange[] = [];
  for (let i = 0; i < count; i++) {
    partitions.push({ id: i, start: i === 0 ? EMPTY : hashBoundary(Math.floor((i * HASH_SPACE) / count)), splits: [] });
  }
  return { tableId, indexId, settings, hasLsi, partitionKeyType, nextPartitionId: count, partitions };
}

export function endOf(map: PartitionMap, index: number): Uint8Array | null {
  return map.partitions[index + 1]?.start ?? null;
}

/** The index of the partition holding `key`: binary search for the last start <= key. */
export function findPartitionIndex(partitions: readonly PartitionRange[], key: Uint8Array): number {
  let low = 0;
  let high = partitions.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (compareBytes(partitions[mid]!.start, key) <= 0) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The partition hash of every start key (the empty first start counts as hash 0), for lookups. */
export function startHashesOf(partitions: readonly PartitionRange[]): Uint32Array {
  const hashes = new Uint32Array(partitions.length);
  for (let i = 0; i < partitions.length; i++) hashes[i] = hashOfKey(partitions[i]!.start);
  return hashes;
}

/**
 * findPartitionIndex, fast: a binary search over the start keys' 32-bit hashes (numbers, no byte
 * loop), then byte comparisons only among the starts that share the key's hash (a boundary at that
 * very hash, or splits inside its collection). Same answer for every key (tested); `startHashes`
 * must be startHashesOf(partitions).
 */
export function findPartitionIndexByHash(partitions: readonly PartitionRange[], startHashes: Uint32Array, key: Uint8Array): number {
  const h = hashOfKey(key);
  let low = 0;
  let high = startHashes.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (startHashes[mid]! <= h) low = mid;
    else high = mid - 1;
  }
  while (low > 0 && startHashes[low] === h && compareBytes(partitions[low]!.start, key) > 0) low--;
  return low;
}

/**
 * Splits partition `id` at `keys` (ascending, strictly inside its range) into keys.length + 1
 * partitions with fresh ids; each child's history is the parent's plus this split.
 */
export function splitPartition(map: PartitionMap, id: number, keys: readonly Uint8Array[], cause: SplitCause, atMs: number): PartitionMap {
  const index = map.partitions.findIndex((p) => p.id === id);
  assert(index >= 0, 'the partition to split exists');
  assert(keys.length >= 1 && map.partitions.length + keys.length <= PARTITIONS_PER_MAP_MAX, 'split within bounds');
  const parent = map.partitions[index]!;
  const end = endOf(map, index);
  let previous = parent.start;
  for (const key of keys) {
    assert(compareBytes(previous, key) < 0, 'split keys ascend inside the range');
    previous = key;
  }
  assert(end === null || compareBytes(previous, end) < 0, 'split keys lie inside the range');
  const history = [...parent.splits, { atMs, cause, from: parent.id }].slice(-PARTITION_SPLIT_HISTORY_MAX);
  const children: PartitionRange[] = [parent.start, ...keys].map((start, i) => ({
    id: map.nextPartitionId + i,
    start,
    splits: history,
  }));
  const partitions = [...map.partitions.slice(0, index), ...children, ...map.partitions.slice(index + 1)];
  return { ...map, nextPartitionId: map.nextPartitionId + children.length, partitions };
}

/** The hash midpoint of partition `index`, or undefined when it spans a single hash (one collection). */
export function hashMidpoint(map: PartitionMap, index: number): Uint8Array | undefined {
  const partition = map.partitions[index]!;
  const startHash = hashOfKey(partition.start);
  const endHash = endHashOf(endOf(map, index));
  const mid = Math.floor((startHash + endHash) / 2);
  if (mid <= startHash || mid >= HASH_SPACE) return undefined;
  return hashBoundary(mid);
}

/**
 * Splits the widest partitions (by hash span) at their hash midpoints until the map has `count`
 * partitions or none can be halved (each spans one hash). Cause 'throughput' (or 'size').
 */
export function growTo(map: PartitionMap, count: number, cause: SplitCause, atMs: number): PartitionMap {
  const target = Math.min(count, PARTITIONS_PER_MAP_MAX);
  let current = map;
  while (current.partitions.length < target) {
    let widest = -1;
    let widestSpan = 1;
    for (let i = 0; i < current.partitions.length; i++) {
      const span = endHashOf(endOf(current, i)) - hashOfKey(current.partitions[i]!.start);
      if (span > widestSpan) {
        widest = i;
        widestSpan = span;
      }
    }
    if (widest < 0) break;
    const mid = hashMidpoint(current, widest);
    if (mid === undefined) break;
    current = splitPartition(current, current.partitions[widest]!.id, [mid], cause, atMs);
  }
  return current;
}

/** Checks the invariants in the header; throws AssertionError (a bug) when one fails. */
export function checkMap(map: PartitionMap): void {
  assert(map.partitions.length >= 1, 'a map has a partition');
  assert(map.partitions[0]!.start.length === 0, 'the first partition starts at the empty key');
  const ids = new Set<number>();
  for (let i = 0; i < map.partitions.length; i++) {
    const p = map.partitions[i]!;
    assert(!ids.has(p.id) && p.id < map.nextPartitionId, 'partition ids are distinct and allocated');
    ids.add(p.id);
    if (i > 0) assert(compareBytes(map.partitions[i - 1]!.start, p.start) < 0, 'partition starts strictly increase');
  }
}
