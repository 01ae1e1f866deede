/**
 * The partition manager: DynamoDB's capacity model over Silt's one store (DESIGN.md "The capacity
 * model"; facts §11-§12). It owns every table's and GSI's partition map (durable, map-codec.ts) and
 * their in-memory admission state (map-runtime.ts), and decides splits:
 *   - throughput  createMap / setThroughput need max(1, ceil(RCU/3000 + WCU/1000)) partitions (an
 *                 on-demand table counts as 12,000 RCU / 4,000 WCU at least): the widest ranges are
 *                 halved at their hash midpoints; partitions never merge;
 *   - size        noteSize beyond splitSizeBytes: halve at the hash midpoint (inside a single
 *                 collection, without LSIs: at the key that crossed the threshold);
 *   - heat        a lane above heatThresholdFraction of its ceiling for heatWindowMs: split where
 *                 heat-sketch.ts says (never for one item, never for sequential access);
 *   - isolation   the same, when one item dominates and adaptive capacity is on and the table has no
 *                 LSI: its collection gets a partition of its own ([h, h + 1) in hash space).
 *
 * Concurrency: one thread. admit/charge/noteSize (and chargeAndNoteSize: charge then noteSize in one
 * call) are synchronous and never await; a split they decide is queued. Every durable edit
 * (createMap, setThroughput, dropTable, splits) runs on one promise chain, so edits are serialised
 * and never interleave; each is ONE store.write batch, and
 * the in-memory map changes only after that write resolved. A background split's failure is kept
 * and rethrown by idle() (and by every later idle()).
 * Invariants: 1. maps in memory == maps in the store, except while an edit's write is in flight.
 *   2. at most one split per partition is queued (splitPending). 3. unlimited mode admits everything
 *   and keeps no counters, but maps are still created, persisted and described.
 * Bucket balances, boosts, sizes, heat and top keys are NOT durable: they restart (buckets full) on
 * open.
 */
import type { Store } from '../lsm/store.js';
import type { ScalarAttributeType } from '../model/attribute-value.js';
import {
  ON_DEMAND_INITIAL_READ_UNITS_PER_SECOND,
  ON_DEMAND_INITIAL_WRITE_UNITS_PER_SECOND,
  ON_DEMAND_SCALE_WINDOW_MS_DEFAULT,
  PARTITION_CONTROLLER_INTERVAL_MS_DEFAULT,
  PARTITION_HEAT_THRESHOLD_FRACTION_DEFAULT,
  PARTITION_HEAT_WINDOW_MS_DEFAULT,
  PARTITION_READ_UNITS_PER_SECOND_MAX,
  PARTITION_SPLIT_SIZE_BYTES_DEFAULT,
  PARTITION_TOP_KEYS_DEFAULT,
  PARTITION_TOP_KEYS_MAX,
  PARTITION_WRITE_UNITS_PER_SECOND_MAX,
  PARTITIONS_PER_MAP_MAX,
} from '../limits.js';
import { assert } from '../util/assert.js';
import { coarseReader, type Clock } from '../util/clock.js';
import { InvalidArgumentError } from '../util/errors.js';
import { describeMap } from './describe.js';
import { chooseSplitPoint } from './heat-sketch.js';
import { HASH_SPACE, hashBoundary } from './key-space.js';
import { decodeMap, decodeMapKey, encodeMap, mapKey, mapKeyRange } from './map-codec.js';
import { MapRuntime, type PartitionState, type RuntimeOptions } from './map-runtime.js';
import { checkMap, endOf, growTo, hashMidpoint, initialMap, splitPartition, type PartitionMap } from './partition-map.js';
import type { AccessKind, Admission, PartitionDescription, PartitionOptions, SplitCause, Throttle, ThroughputSettings } from './types.js';
import { compareBytes } from '../util/bytes.js';

const UNLIMITED: Admission = Object.freeze({ partitionId: 0 });

/** Partitions needed for a throughput (facts §12.1's rule of thumb), on-demand counted at its start level. */
export function partitionCountFor(settings: ThroughputSettings): number {
  let read = settings.readUnitsPerSecond;
  let write = settings.writeUnitsPerSecond;
  if (settings.billingMode === 'PAY_PER_REQUEST') {
    read = Math.max(read, ON_DEMAND_INITIAL_READ_UNITS_PER_SECOND);
    write = Math.max(write, ON_DEMAND_INITIAL_WRITE_UNITS_PER_SECOND);
  }
  const needed = Math.ceil(read / PARTITION_READ_UNITS_PER_SECOND_MAX + write / PARTITION_WRITE_UNITS_PER_SECOND_MAX);
  return Math.min(PARTITIONS_PER_MAP_MAX, Math.max(1, needed));
}

function mapIdOf(tableId: number, indexId: number): number {
  return tableId * 0x10000 + indexId;
}

function checkSettings(settings: ThroughputSettings): void {
  const figures = [settings.readUnitsPerSecond, settings.writeUnitsPerSecond, settings.maxReadUnitsPerSecond ?? 0, settings.maxWriteUnitsPerSecond ?? 0];
  if (!figures.every((n) => Number.isFinite(n) && n >= 0)) throw new InvalidArgumentError('throughput figures must be finite and non-negative');
  if (settings.billingMode === 'PROVISIONED' && (settings.readUnitsPerSecond <= 0 || settings.writeUnitsPerSecond <= 0)) {
    throw new InvalidArgumentError('provisioned throughput needs at least 1 read and 1 write unit');
  }
}

export class PartitionManager {
  readonly mode: 'modelled' | 'unlimited';
  readonly #unlimited: boolean;
  readonly #maps = new Map<number, MapRuntime>();
  readonly #runtimeOptions: RuntimeOptions;
  readonly #splitSizeBytes: number;
  readonly #splitOnHeat: boolean;
  /** The map admit/charge used last (one-entry cache in front of #maps; cleared when #maps changes). */
  #lastMapId = Number.NaN;
  #lastRuntime: MapRuntime | undefined;
  /** The clock as admit last read it: charge debits at this time instead of reading the clock again. */
  #admitNowMs = 0;
  /**
   * The manager's one time source: the clock's coarseNow (util/coarse-clock.ts) when modelled, a
   * memory read instead of a runtime call on every request; now() when unlimited, which reads the
   * time only for map edits and starts no ticker.
   */
  readonly #now: () => number;
  #tail: Promise<void> = Promise.resolve();
  #failure: unknown = undefined;

  private constructor(
    private readonly store: Store,
    clock: Clock,
    options: PartitionOptions,
  ) {
    this.mode = options.mode;
    this.#unlimited = options.mode === 'unlimited';
    this.#now = this.#unlimited ? () => clock.now() : coarseReader(clock);
    this.#admitNowMs = this.#now();
    const topKeys = options.topKeys ?? PARTITION_TOP_KEYS_DEFAULT;
    const fraction = options.heatThresholdFraction ?? PARTITION_HEAT_THRESHOLD_FRACTION_DEFAULT;
    this.#runtimeOptions = {
      adaptive: options.adaptive ?? true,
      heatThresholdFraction: fraction,
      heatWindowMs: options.heatWindowMs ?? PARTITION_HEAT_WINDOW_MS_DEFAULT,
      controllerIntervalMs: options.controllerIntervalMs ?? PARTITION_CONTROLLER_INTERVAL_MS_DEFAULT,
      onDemandScaleWindowMs: options.onDemandScaleWindowMs ?? ON_DEMAND_SCALE_WINDOW_MS_DEFAULT,
      topKeys,
    };
    this.#splitSizeBytes = options.splitSizeBytes ?? PARTITION_SPLIT_SIZE_BYTES_DEFAULT;
    this.#splitOnHeat = options.splitOnHeat ?? true;
    const r = this.#runtimeOptions;
    if (!(Number.isInteger(topKeys) && topKeys >= 0 && topKeys <= PARTITION_TOP_KEYS_MAX)) throw new InvalidArgumentError('topKeys out of range');
    if (!(fraction > 0 && fraction <= 1)) throw new InvalidArgumentError('heatThresholdFraction must be in (0, 1]');
    if (!(r.heatWindowMs >= 0 && r.controllerIntervalMs > 0 && r.onDemandScaleWindowMs >= 0 && this.#splitSizeBytes > 0)) {
      throw new InvalidArgumentError('partition options: windows and sizes must be positive');
    }
  }

  /** Opens the manager over `store`, loading every partition map persisted in it. */
  static async open(store: Store, clock: Clock, options: PartitionOptions): Promise<PartitionManager> {
    const manager = new PartitionManager(store, clock, options);
    const now = manager.#now();
    for (const [key, value] of store.scan(mapKeyRange())) {
      const { tableId, indexId } = decodeMapKey(key);
      manager.#setMap(mapIdOf(tableId, indexId), manager.#runtime(decodeMap(tableId, indexId, value), now));
    }
    return manager;
  }

  #runtime(map: PartitionMap, nowMs: number): MapRuntime {
    return new MapRuntime(map, nowMs, this.#runtimeOptions, (runtime, state, atMs) => this.#onHot(runtime, state, atMs));
  }

  /** Create (or replace) the map of (tableId, indexId); durable. hasLsi forbids splits inside a collection. */
  async createMap(tableId: number, indexId: number, settings: ThroughputSettings, hasLsi: boolean, partitionKeyType?: ScalarAttributeType): Promise<void> {
    checkSettings(settings); // rejects the returned promise
    return this.#edit(async () => {
      const map = initialMap(tableId, indexId, { ...settings }, hasLsi, partitionKeyType, partitionCountFor(settings));
      await this.store.write([{ type: 'put', key: mapKey(tableId, indexId), value: encodeMap(map) }]);
      this.#setMap(mapIdOf(tableId, indexId), this.#runtime(map, this.#now()));
    });
  }

  /** Every map of the table; durable. */
  dropTable(tableId: number): Promise<void> {
    return this.#edit(async () => {
      const ids = [...this.#maps.values()].filter((r) => r.map.tableId === tableId).map((r) => r.map.indexId);
      if (ids.length === 0) return;
      await this.store.write(ids.map((indexId) => ({ type: 'delete' as const, key: mapKey(tableId, indexId) })));
      for (const indexId of ids) this.#setMap(mapIdOf(tableId, indexId), undefined);
    });
  }

  /** New throughput for (tableId, indexId); splits when the partitions cannot carry it; durable. */
  async setThroughput(tableId: number, indexId: number, settings: ThroughputSettings): Promise<void> {
    checkSettings(settings);
    return this.#edit(async () => {
      const runtime = this.#mapOf(tableId, indexId);
      const now = this.#now();
      const next = growTo({ ...runtime.map, settings: { ...settings } }, partitionCountFor(settings), 'throughput', now);
      checkMap(next);
      await this.store.write([{ type: 'put', key: mapKey(tableId, indexId), value: encodeMap(next) }]);
      runtime.install(next, this.#now(), this.#inheritance(runtime.map, next, runtime));
    });
  }

  /**
   * SYNC, hot path. The key is the storage-key suffix key[keyOffset..]: the table layer passes the
   * whole storage key and the length of its tableId|indexId prefix, so no per-request view is made
   * (the same holds for charge and noteSize). Unlimited mode: always admits, near-zero cost.
   */
  admit(tableId: number, indexId: number, kind: AccessKind, key: Uint8Array, keyOffset = 0): Admission | Throttle {
    if (this.#unlimited) return UNLIMITED;
    const runtime = this.#mapOf(tableId, indexId);
    const nowMs = this.#now();
    this.#admitNowMs = nowMs;
    return runtime.admit(kind, key, keyOffset, nowMs);
  }

  /**
   * SYNC, hot path: admit, then charge `units` on the admission, at one clock reading — for a read
   * that knows its units before it answers (GetItem reads, then admits: a read changes nothing), or
   * a write that does and cannot fail once admitted (a PutItem that reads nothing), which also
   * notes its size: noteSize of `deltaBytes` (when not 0) on the same key, after the charge.
   * Returns the throttle, or undefined when admitted and charged.
   */
  admitAndCharge(tableId: number, indexId: number, kind: AccessKind, key: Uint8Array, keyOffset: number, units: number, deltaBytes = 0): Throttle | undefined {
    if (this.#unlimited) return undefined;
    const runtime = this.#mapOf(tableId, indexId);
    const nowMs = this.#now();
    this.#admitNowMs = nowMs;
    const throttle = runtime.admitAndCharge(kind, key, keyOffset, nowMs, units);
    if (throttle === undefined && deltaBytes !== 0) {
      const index = runtime.admittedIndex;
      if (index < 0) this.#noteSizeOn(runtime, runtime.lookup(key, keyOffset), key, deltaBytes, keyOffset);
      else if (runtime.addSize(index, deltaBytes) > this.#splitSizeBytes) this.#splitForSize(runtime, runtime.states[index]!, key, keyOffset);
    }
    return throttle;
  }

  /** SYNC: debit actual units after the operation (also feeds heat sketch, top keys, controller). */
  charge(tableId: number, indexId: number, admission: Admission, kind: AccessKind, units: number, key: Uint8Array, keyOffset = 0): void {
    if (this.#unlimited) return;
    const runtime = this.#mapOf(tableId, indexId);
    // A ticket is the PartitionState that admit returned (tickets from another manager are a bug).
    // The time is admit's: a request is charged in the second it was admitted, and the hot path
    // reads the clock once (a clock that stepped back is harmless: buckets and windows ignore it).
    runtime.charge(admission as PartitionState, kind, units, key, keyOffset, this.#admitNowMs);
  }

  /** Approximate bytes added to (or removed from) the partition holding key[keyOffset..]; may split for size. */
  noteSize(tableId: number, indexId: number, key: Uint8Array, deltaBytes: number, keyOffset = 0): void {
    if (this.#unlimited) return;
    const runtime = this.#mapOf(tableId, indexId);
    this.#noteSizeOn(runtime, runtime.lookup(key, keyOffset), key, deltaBytes, keyOffset);
  }

  /**
   * SYNC, hot path: charge, then noteSize (when deltaBytes is not 0) on the same key, as the two calls
   * in that order would, with one map lookup and, while the ticket's partition still holds the key
   * (its state belongs to this map and was not split: a split retires it), no key lookup.
   */
  chargeAndNoteSize(tableId: number, indexId: number, admission: Admission, kind: AccessKind, units: number, key: Uint8Array, keyOffset: number, deltaBytes: number): void {
    if (this.#unlimited) return;
    const runtime = this.#mapOf(tableId, indexId);
    const admitted = admission as PartitionState;
    runtime.charge(admitted, kind, units, key, keyOffset, this.#admitNowMs);
    if (deltaBytes === 0) return;
    // A split charge decides (heat) is queued, installed later: the check is for tickets held across an await.
    const state = admitted.retired || admitted.owner !== runtime ? runtime.lookup(key, keyOffset) : admitted;
    this.#noteSizeOn(runtime, state, key, deltaBytes, keyOffset);
  }

  #noteSizeOn(runtime: MapRuntime, state: PartitionState, key: Uint8Array, deltaBytes: number, keyOffset: number): void {
    if (state.addSize(deltaBytes) > this.#splitSizeBytes) this.#splitForSize(runtime, state, key, keyOffset);
  }

  /** Schedules a split of `state`'s partition, grown past the split size by a write of key[keyOffset..], unless one is pending. */
  #splitForSize(runtime: MapRuntime, state: PartitionState, key: Uint8Array, keyOffset: number): void {
    if (state.splitPending) return;
    const index = runtime.indexOf(state);
    const mid = hashMidpoint(runtime.map, index);
    if (mid !== undefined) {
      this.#scheduleSplit(runtime, state, [mid], 'size');
      return;
    }
    const range = runtime.map.partitions[index]!;
    const end = endOf(runtime.map, index);
    const suffix = key.subarray(keyOffset);
    if (!runtime.map.hasLsi && compareBytes(suffix, range.start) > 0 && (end === null || compareBytes(suffix, end) < 0)) {
      this.#scheduleSplit(runtime, state, [suffix.slice()], 'size');
    }
  }

  /** Every map of the table, indexId order. */
  describe(tableId: number): PartitionDescription[] {
    const runtimes = [...this.#maps.values()].filter((r) => r.map.tableId === tableId).sort((a, b) => a.map.indexId - b.map.indexId);
    const now = this.#now();
    return runtimes.flatMap((runtime) => describeMap(runtime, now, this.#runtimeOptions.topKeys));
  }

  /** Waits for every queued split and edit; rethrows a background failure. */
  async idle(): Promise<void> {
    await this.#tail;
    if (this.#failure !== undefined) throw this.#failure;
  }

  #mapOf(tableId: number, indexId: number): MapRuntime {
    const mapId = mapIdOf(tableId, indexId);
    if (mapId === this.#lastMapId) return this.#lastRuntime!;
    const runtime = this.#maps.get(mapId);
    if (runtime === undefined) throw new InvalidArgumentError(`no partition map for table ${tableId} index ${indexId}`);
    this.#lastMapId = mapId;
    this.#lastRuntime = runtime;
    return runtime;
  }

  /** Every change to #maps goes through here, so the one-entry cache never serves a stale runtime. */
  #setMap(mapId: number, runtime: MapRuntime | undefined): void {
    if (runtime === undefined) this.#maps.delete(mapId);
    else this.#maps.set(mapId, runtime);
    this.#lastMapId = Number.NaN;
    this.#lastRuntime = undefined;
  }

  /** Runs `job` after every earlier edit; its result (or error) goes to the caller. */
  #edit<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job);
    // The chain only orders edits: each error is delivered through `result` to whoever awaits it.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Queues a split of `state`'s partition at `keys` (background: failures surface in idle()). */
  #scheduleSplit(runtime: MapRuntime, state: PartitionState, keys: Uint8Array[], cause: SplitCause): void {
    state.splitPending = true;
    const done = this.#edit(async () => {
      try {
        if (this.#maps.get(mapIdOf(runtime.map.tableId, runtime.map.indexId)) !== runtime || state.retired) return;
        if (runtime.map.partitions.length + keys.length > PARTITIONS_PER_MAP_MAX) return;
        const next = splitPartition(runtime.map, state.partitionId, keys, cause, this.#now());
        checkMap(next);
        await this.store.write([{ type: 'put', key: mapKey(runtime.map.tableId, runtime.map.indexId), value: encodeMap(next) }]);
        runtime.install(next, this.#now(), this.#inheritance(runtime.map, next, runtime));
      } finally {
        state.splitPending = false;
      }
    });
    done.catch((error: unknown) => {
      this.#failure ??= error;
    });
  }

  /** Child id → parent state, for the partitions `next` has and `current` has not. */
  #inheritance(current: PartitionMap, next: PartitionMap, runtime: MapRuntime): Map<number, PartitionState> {
    const before = new Set(current.partitions.map((p) => p.id));
    const out = new Map<number, PartitionState>();
    for (const p of next.partitions) {
      if (before.has(p.id)) continue;
      const parentId = p.splits[p.splits.length - 1]?.from;
      const parent = runtime.states.find((s) => s.partitionId === parentId);
      if (parent !== undefined) out.set(p.id, parent);
    }
    return out;
  }

  /** A lane ran hot for the heat window: split at the sketch's point, or isolate one hot item. */
  #onHot(runtime: MapRuntime, state: PartitionState, nowMs: number): void {
    const index = runtime.indexOf(state);
    assert(index >= 0, 'a hot partition is in its map');
    const start = runtime.map.partitions[index]!.start;
    const end = endOf(runtime.map, index);
    const samples = state.heat.samples(nowMs - this.#runtimeOptions.heatWindowMs);
    const choice = chooseSplitPoint(samples, start, end, !runtime.map.hasLsi);
    if (choice.kind === 'split') {
      if (this.#splitOnHeat) this.#scheduleSplit(runtime, state, [choice.key], 'heat');
    } else if (choice.kind === 'single-item' && this.#runtimeOptions.adaptive && !runtime.map.hasLsi) {
      const keys = [hashBoundary(choice.hash)];
      if (choice.hash + 1 < HASH_SPACE) keys.push(hashBoundary(choice.hash + 1));
      const inside = keys.filter((k) => compareBytes(k, start) > 0 && (end === null || compareBytes(k, end) < 0));
      if (inside.length > 0) this.#scheduleSplit(runtime, state, inside, 'isolation');
    }
  }
}
