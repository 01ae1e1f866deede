/**
 * describePartitions' view of one map: key range, allocated and consumed units, burst balances,
 * throttle counts by reason, split history and top hot keys of every partition.
 *
 *   allocated*Units   provisioned: the partition's current rate (share + adaptive boost, capped at
 *                     the ceiling); on-demand: its share of 2 × the previous peak, capped likewise
 *   consumed*PerSecond units in the last complete clock second (0 after an idle second)
 *   burst*Balance     provisioned: burst tokens now (may be negative after a large request);
 *                     on-demand: 0 (no burst bucket)
 *   hotKeys           the space-saving sketch's heaviest partition keys since open, by units
 *                     (exact while a lane runs under TOP_KEYS_EXACT_BELOW_UNITS_PER_SECOND, sampled
 *                     and weighted above it: map-runtime.ts); key = enc(partition key)
 *                     (key-codec.ts; decodeKeyValue(key, type) gives the value) when the map knows
 *                     the key type, else the 4-byte partition hash
 *
 * Read-only apart from refilling buckets up to now (which changes no outcome). Not a hot path.
 */
import { HASH_BYTES, partitionKeyEnd } from './key-space.js';
import type { KindState, Lane, MapRuntime } from './map-runtime.js';
import { endOf } from './partition-map.js';
import type { PartitionDescription } from './types.js';

export function describeMap(runtime: MapRuntime, nowMs: number, topKeys: number): PartitionDescription[] {
  const map = runtime.map;
  const second = Math.floor(nowMs / 1000);
  return runtime.states.map((state, index): PartitionDescription => {
    const range = map.partitions[index]!;
    const end = endOf(map, index);
    return {
      partitionId: state.partitionId,
      indexId: map.indexId,
      startKey: range.start.slice(),
      endKey: end === null ? null : end.slice(),
      allocatedReadUnits: allocated(runtime.read, state.read),
      allocatedWriteUnits: allocated(runtime.write, state.write),
      consumedReadUnitsPerSecond: lastSecond(state.read, second),
      consumedWriteUnitsPerSecond: lastSecond(state.write, second),
      burstReadBalance: burst(state.read, nowMs),
      burstWriteBalance: burst(state.write, nowMs),
      throttles: { ...state.throttles },
      splits: range.splits.map((s) => ({ ...s })),
      hotKeys: state.topKeys.top(topKeys).map((hit) => {
        const end = map.partitionKeyType === undefined ? undefined : partitionKeyEnd(hit.label, map.partitionKeyType);
        return { key: hit.label.slice(end === undefined ? 0 : HASH_BYTES, end ?? HASH_BYTES), units: hit.count };
      }),
    };
  });
}

function allocated(kind: KindState, lane: Lane): number {
  return kind.laneRate(lane);
}

function lastSecond(lane: Lane, second: number): number {
  if (lane.windowIndex === second) return lane.previousWindowUnits;
  return lane.windowIndex === second - 1 ? lane.windowUnits : 0;
}

function burst(lane: Lane, nowMs: number): number {
  if (!lane.provisioned) return 0;
  lane.refill(nowMs);
  return lane.burstBalance;
}
