/**
 * The in-memory, non-durable side of one partition map: per partition and per kind a Lane (buckets,
 * per-second window, boost, heat state), per map and kind a KindState (table rate and share, the
 * table's per-second window, the on-demand tracker, the controller's clock), and the admission and
 * charging logic of the hot path.
 *
 * Admission for one request (admit), in order:
 *   1. the partition's per-second ceiling (3,000 RCU / 1,000 WCU)    → <..>KeyRangeThroughputExceeded
 *   2. provisioned: allocated bucket > 0, else burst bucket > 0; when both are spent the reason is
 *      ProvisionedThroughputExceeded if the table as a whole used its rate in the current or last
 *      second, KeyRangeThroughputExceeded otherwise (the partition's share ran out, not the table's);
 *      on-demand: the OnDemandThroughput cap → MaxOnDemandThroughputExceeded, and 2 × the previous
 *      peak → KeyRangeThroughputExceeded (Silt's choice: DynamoDB scales on-demand tables by splitting
 *      partitions, and publishes no reason for "still scaling": [UNVERIFIED]).
 * Charging debits the actual units afterwards (balances may go negative), feeds the windows, the
 * controller's interval sums, the top-keys sketch, and (while the partition is warm) the heat sketch.
 *
 * Concurrency: one thread; admit/charge are synchronous and allocate nothing on the admitted path
 * (a Throttle is built once per partition, kind and reason, then reused).
 * Invariants: 1. states[i] belongs to map.partitions[i]. 2. a retired state (its partition was split)
 *   is never returned by lookup; charge re-routes a ticket of a retired state by key.
 *   3. every lane's rate <= its ceiling.
 */
import {
  ON_DEMAND_INITIAL_READ_UNITS_PER_SECOND,
  ON_DEMAND_INITIAL_WRITE_UNITS_PER_SECOND,
  PARTITION_CONTROLLER_GAIN,
  PARTITION_READ_UNITS_PER_SECOND_MAX,
  PARTITION_WRITE_UNITS_PER_SECOND_MAX,
  SPACE_SAVING_COUNTERS_PER_TOP_KEY,
  TOP_KEYS_EXACT_BELOW_UNITS_PER_SECOND,
  TOP_KEYS_SAMPLE_ONE_IN,
} from '../limits.js';
import { adjustBoosts, type ControlledPartition } from './adaptive-controller.js';
import { ALLOCATED_BALANCE, BUCKET_FIELDS, BURST_BALANCE, BurstingBuckets, debitRow, refillRow } from './burst.js';
import { HeatSketch } from './heat-sketch.js';
import { hashOfKeyAt } from './key-space.js';
import { OnDemandTracker } from './on-demand.js';
import { geometricGap } from './one-in.js';
import { PartitionLookup } from './partition-lookup.js';
import type { PartitionMap } from './partition-map.js';
import { ROLL_MARGIN_MS, rollDueMsOf, SecondWindow } from './second-window.js';
import { SpaceSaving } from './space-saving.js';
import type { AccessKind, Admission, Throttle } from './types.js';

/** The manager's resolved options that the runtime reads. */
export interface RuntimeOptions {
  adaptive: boolean;
  heatThresholdFraction: number;
  heatWindowMs: number;
  controllerIntervalMs: number;
  onDemandScaleWindowMs: number;
  topKeys: number;
}

/** Called when a lane has run hot for the heat window (the manager decides what to do). */
export type HotHandler = (runtime: MapRuntime, state: PartitionState, nowMs: number) => void;

/** Slots of Lane's hot numeric fields in its Float64Array, after the buckets' (burst.ts). */
const WINDOW_UNITS = BUCKET_FIELDS;
const ROLL_DUE_MS = BUCKET_FIELDS + 1;
const INTERVAL_CONSUMED = BUCKET_FIELDS + 2;
const LAST_UNITS = BUCKET_FIELDS + 3;
/** 1 when the buckets apply (provisioned), 0 when not. */
const PROVISIONED = BUCKET_FIELDS + 4;
/** Start of the run of hot seconds; NaN while cold. */
const HOT_SINCE_MS = BUCKET_FIELDS + 5;
/** Charges left until the next one the top-keys sketch sees (1: the next). */
const UNTIL_SAMPLE = BUCKET_FIELDS + 6;
/** The partition's approximate size in bytes (PartitionState.sizeBytes), kept in its write lane's row. */
const SIZE_BYTES = BUCKET_FIELDS + 7;
/** A lane row's length: the stride of MapRuntime's packed rows. */
const LANE_FIELDS = BUCKET_FIELDS + 8;

/**
 * One partition's state for one kind: its buckets (inherited), its per-second window and its
 * controller and heat figures, in one object, so admit and charge touch one object per partition
 * rather than a lane, a window, a bucket pair and two buckets. The fields every admit and charge
 * touch are slots of the buckets' Float64Array (see burst.ts on V8's boxed number fields); the rest
 * are plain fields, each initialised where it is declared (a field first defined as undefined stays
 * tagged, and every float store into it allocates a box).
 */
export class Lane extends BurstingBuckets implements ControlledPartition {
  /** The per-second window, as SecondWindow keeps it (see second-window.ts): floor(ms / 1000). */
  windowIndex = 0;
  previousWindowUnits = 0;
  boostPerSecond = 0;
  consumedPerSecond = 0;
  throttledPerSecond = 0;
  intervalThrottled = 0;
  /** What the charge that ends the current sample gap weighs in the top-keys sketch: the gap's n. */
  sampleWeight = 1;

  /** The top-keys sketch sees the lane's first charge (a new lane's rate is unknown: it samples exactly). */
  constructor(nowMs: number) {
    super(0, 0, nowMs, LANE_FIELDS);
    const f = this.fields;
    f[LAST_UNITS] = 1;
    f[HOT_SINCE_MS] = Number.NaN;
    f[UNTIL_SAMPLE] = 1;
    this.windowIndex = Math.floor(nowMs / 1000);
    this.rollDueMs = rollDueMsOf(this.windowIndex);
  }

  /** Whether the buckets apply (provisioned mode); an on-demand lane's buckets are ignored. */
  get provisioned(): boolean {
    return this.fields[PROVISIONED] === 1;
  }
  set provisioned(value: boolean) {
    this.fields[PROVISIONED] = value ? 1 : 0;
  }
  /** Start of the run of seconds above the heat threshold; undefined while cold. */
  get hotSinceMs(): number | undefined {
    const value = this.fields[HOT_SINCE_MS]!;
    return Number.isNaN(value) ? undefined : value;
  }
  set hotSinceMs(value: number | undefined) {
    this.fields[HOT_SINCE_MS] = value ?? Number.NaN;
  }

  // The fields every admit and charge touch live in the buckets' Float64Array (see burst.ts).
  get windowUnits(): number {
    return this.fields[WINDOW_UNITS]!;
  }
  set windowUnits(value: number) {
    this.fields[WINDOW_UNITS] = value;
  }
  get rollDueMs(): number {
    return this.fields[ROLL_DUE_MS]!;
  }
  set rollDueMs(value: number) {
    this.fields[ROLL_DUE_MS] = value;
  }
  get intervalConsumed(): number {
    return this.fields[INTERVAL_CONSUMED]!;
  }
  set intervalConsumed(value: number) {
    this.fields[INTERVAL_CONSUMED] = value;
  }
  /** Units of the last charged request: the estimate of what a throttled request would have cost. */
  get lastUnits(): number {
    return this.fields[LAST_UNITS]!;
  }
  set lastUnits(value: number) {
    this.fields[LAST_UNITS] = value;
  }

  /** SecondWindow.roll on this lane's window: moves to `now`'s second; true when one completed. */
  rollWindow(nowMs: number): boolean {
    const index = Math.floor(nowMs / 1000);
    if (index <= this.windowIndex) return false;
    this.previousWindowUnits = index === this.windowIndex + 1 ? this.windowUnits : 0;
    this.windowUnits = 0;
    this.windowIndex = index;
    this.rollDueMs = rollDueMsOf(index);
    return true;
  }
}

export class PartitionState implements Admission {
  retired = false;
  splitPending = false;
  readonly read: Lane;
  readonly write: Lane;
  readonly heat: HeatSketch;
  readonly topKeys: SpaceSaving;
  readonly throttles: Record<string, number> = {};
  readonly #throttleCache = new Map<string, Throttle>();
  #random = 0; // initialized as a number so V8 stores it unboxed (see burst.ts)

  /** `owner` is the runtime whose map has this partition (a replaced map's states belong to the old one). */
  constructor(
    readonly partitionId: number,
    nowMs: number,
    topKeys: number,
    readonly owner: MapRuntime,
  ) {
    this.#random = ((partitionId + 1) * 0x2545f491) >>> 0 || 1;
    this.read = new Lane(nowMs);
    this.write = new Lane(nowMs);
    this.heat = new HeatSketch(partitionId * 0x9e3779b1 + 1);
    this.topKeys = new SpaceSaving(Math.max(1, topKeys * SPACE_SAVING_COUNTERS_PER_TOP_KEY));
  }

  /** Approximate bytes the partition holds (noteSize's sum, never below 0): a slot of its write lane's row. */
  get sizeBytes(): number {
    return this.write.row[SIZE_BYTES]!;
  }
  set sizeBytes(value: number) {
    this.write.row[SIZE_BYTES] = value;
  }

  /** Adds `deltaBytes` to sizeBytes (never below 0); returns the new size. */
  addSize(deltaBytes: number): number {
    return addSizeAt(this.write.row, SIZE_BYTES, deltaBytes);
  }

  /** xorshift32: a cheap deterministic sampler (no Math.random in the engine). */
  nextRandom(): number {
    let x = this.#random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.#random = x >>> 0);
  }

  /**
   * Charges until the top-keys sketch sees the next one: each charge is kept with probability 1 / n,
   * independently, as a coin per charge would keep it — but the coin is not tossed per charge: the
   * gap to the next kept charge is drawn (geometric, from one random number) when one is kept, and a
   * lane counts it down (UNTIL_SAMPLE), one decrement a charge.
   */
  nextSampleGap(n: number): number {
    return geometricGap(this.nextRandom(), n);
  }

  throttle(exception: Throttle['exception'], reason: string): Throttle {
    this.throttles[reason] = (this.throttles[reason] ?? 0) + 1;
    let cached = this.#throttleCache.get(reason);
    if (cached === undefined || cached.exception !== exception) {
      cached = Object.freeze({ exception, reason, partitionId: this.partitionId });
      this.#throttleCache.set(reason, cached);
    }
    return cached;
  }
}

export class KindState {
  readonly window: SecondWindow;
  ratePerSecond = 0;
  sharePerSecond = 0;
  onDemand: OnDemandTracker | undefined;
  lanes: Lane[] = [];
  lastControlMs = 0;
  /**
   * The hot path calls #tick only from this time on: before it neither the table's window can roll
   * nor the controller be due (min of both, less ROLL_MARGIN_MS; #tick itself decides exactly).
   */
  tickDueMs = -Infinity;
  /** Reason strings, built once: <Table|Index><Read|Write><LimitType>. */
  readonly keyRange: string;
  readonly provisioned: string;
  readonly maxOnDemand: string;

  constructor(readonly kind: AccessKind, readonly ceilingPerSecond: number, isIndex: boolean, nowMs: number) {
    this.window = new SecondWindow(nowMs);
    this.lastControlMs = nowMs;
    const prefix = (isIndex ? 'Index' : 'Table') + (kind === 'read' ? 'Read' : 'Write');
    this.keyRange = `${prefix}KeyRangeThroughputExceeded`;
    this.provisioned = `${prefix}ProvisionedThroughputExceeded`;
    this.maxOnDemand = `${prefix}MaxOnDemandThroughputExceeded`;
  }

  /** The rate a lane may use: its share plus boost, never above the ceiling. */
  laneRate(lane: Lane): number {
    const rate = this.sharePerSecond + lane.boostPerSecond;
    return rate < this.ceilingPerSecond ? rate : this.ceilingPerSecond;
  }
}

export class MapRuntime {
  map!: PartitionMap;
  states: PartitionState[] = [];
  #lookup!: PartitionLookup;
  /**
   * Every lane's row, packed: states[i].read.row is #readRows[i × LANE_FIELDS, + LANE_FIELDS) (a
   * view), and likewise for writes. The hot path indexes these two arrays, so a request touches its
   * row's bytes and no object of its partition (each object is another cache miss when cold).
   */
  #readRows: Float64Array = new Float64Array(0);
  #writeRows: Float64Array = new Float64Array(0);
  readonly read: KindState;
  readonly write: KindState;

  constructor(
    map: PartitionMap,
    nowMs: number,
    readonly options: RuntimeOptions,
    private readonly onHot: HotHandler,
  ) {
    const isIndex = map.indexId !== 0;
    this.read = new KindState('read', PARTITION_READ_UNITS_PER_SECOND_MAX, isIndex, nowMs);
    this.write = new KindState('write', PARTITION_WRITE_UNITS_PER_SECOND_MAX, isIndex, nowMs);
    this.install(map, nowMs, new Map());
  }

  /**
   * Makes `map` current. States of partitions that still exist are kept; new partitions get fresh
   * states (full buckets, see burst.ts), seeded from `inherited` (child id → parent state) for size.
   */
  install(map: PartitionMap, nowMs: number, inherited: ReadonlyMap<number, PartitionState>): void {
    const previous = new Map<number, PartitionState>();
    for (const state of this.states) previous.set(state.partitionId, state);
    const states: PartitionState[] = [];
    for (const range of map.partitions) {
      let state = previous.get(range.id);
      if (state === undefined) {
        state = new PartitionState(range.id, nowMs, this.options.topKeys, this);
        const parent = inherited.get(range.id);
        if (parent !== undefined) state.sizeBytes = parent.sizeBytes / (countChildren(inherited, parent) || 1);
      }
      previous.delete(range.id);
      states.push(state);
    }
    for (const gone of previous.values()) gone.retired = true;
    this.map = map;
    this.#lookup = new PartitionLookup(map.partitions);
    this.states = states;
    this.#readRows = packRows(states.map((state) => state.read));
    this.#writeRows = packRows(states.map((state) => state.write));
    this.#configure(this.read, nowMs);
    this.#configure(this.write, nowMs);
  }

  #configure(kind: KindState, nowMs: number): void {
    const settings = this.map.settings;
    const count = this.states.length;
    const isRead = kind.kind === 'read';
    kind.lanes = this.states.map((s) => (isRead ? s.read : s.write));
    if (settings.billingMode === 'PROVISIONED') {
      kind.onDemand = undefined;
      kind.ratePerSecond = isRead ? settings.readUnitsPerSecond : settings.writeUnitsPerSecond;
      kind.sharePerSecond = kind.ratePerSecond / count;
      for (const lane of kind.lanes) {
        if (!lane.provisioned) {
          lane.provisioned = true;
          lane.fill(kind.laneRate(lane), kind.sharePerSecond, nowMs);
        } else {
          lane.refill(nowMs);
          lane.reconfigure(kind.laneRate(lane), kind.sharePerSecond);
        }
      }
      return;
    }
    const initial = isRead ? ON_DEMAND_INITIAL_READ_UNITS_PER_SECOND : ON_DEMAND_INITIAL_WRITE_UNITS_PER_SECOND;
    const warm = Math.max(initial, isRead ? settings.readUnitsPerSecond : settings.writeUnitsPerSecond);
    const cap = isRead ? settings.maxReadUnitsPerSecond : settings.maxWriteUnitsPerSecond;
    if (kind.onDemand === undefined) kind.onDemand = new OnDemandTracker(warm, this.options.onDemandScaleWindowMs, cap, nowMs);
    else {
      kind.onDemand.ensureAllowance(warm);
      kind.onDemand.maxPerSecond = cap;
    }
    kind.ratePerSecond = kind.onDemand.allowancePerSecond;
    kind.sharePerSecond = kind.ratePerSecond / count;
    for (const lane of kind.lanes) {
      lane.provisioned = false;
      lane.boostPerSecond = 0;
    }
  }

  /**
   * Set by admitAndCharge: the index in `states` of the partition it admitted on its fast path, or
   * -1 (the slow path, or a throttle), so a caller that notes the write's size there needs no second
   * lookup of the key.
   */
  admittedIndex = -1;

  /** The state of the partition holding the key suffix key[keyOffset..]. */
  lookup(key: Uint8Array, keyOffset = 0): PartitionState {
    return this.states[this.#lookup.find(key, keyOffset)]!;
  }

  indexOf(state: PartitionState): number {
    return this.states.indexOf(state);
  }

  /** Admits a request on the key suffix key[keyOffset..] (see PartitionManager.admit). */
  admit(kindName: AccessKind, key: Uint8Array, keyOffset: number, nowMs: number): PartitionState | Throttle {
    const kind = kindName === 'read' ? this.read : this.write;
    if (nowMs >= kind.tickDueMs) this.#tick(kind, nowMs);
    const state = this.lookup(key, keyOffset);
    const lane = kindName === 'read' ? state.read : state.write;
    if (nowMs >= lane.rollDueMs) this.#rollLane(lane, kind, state, nowMs);
    const onDemand = kind.onDemand;
    const exception = onDemand === undefined ? 'ProvisionedThroughputExceededException' : 'ThrottlingException';
    if (lane.windowUnits >= kind.ceilingPerSecond) return this.#refuse(state, lane, exception, kind.keyRange);
    if (onDemand === undefined) {
      lane.refill(nowMs);
      if (lane.allocatedBalance > 0 || lane.burstBalance > 0) return state; // source() !== 'none'
      const tableBusy = kind.window.recentUnits() >= kind.ratePerSecond;
      return this.#refuse(state, lane, exception, tableBusy ? kind.provisioned : kind.keyRange);
    }
    const verdict = onDemand.verdict();
    if (verdict === 'admit') return state;
    return this.#refuse(state, lane, exception, verdict === 'cap' ? kind.maxOnDemand : kind.keyRange);
  }

  #refuse(state: PartitionState, lane: Lane, exception: Throttle['exception'], reason: string): Throttle {
    lane.intervalThrottled += lane.lastUnits;
    return state.throttle(exception, reason);
  }

  /** Debits a request on the key suffix key[keyOffset..] (see PartitionManager.charge). */
  charge(admitted: PartitionState, kindName: AccessKind, units: number, key: Uint8Array, keyOffset: number, nowMs: number): void {
    const kind = kindName === 'read' ? this.read : this.write;
    const state = admitted.retired ? this.lookup(key, keyOffset) : admitted;
    const lane = kindName === 'read' ? state.read : state.write;
    if (nowMs >= kind.tickDueMs) this.#tick(kind, nowMs);
    if (nowMs >= lane.rollDueMs) this.#rollLane(lane, kind, state, nowMs);
    if (lane.provisioned) lane.refill(nowMs);
    this.#account(kind, lane.row, 0, state, -1, units, key, keyOffset, nowMs);
  }

  /**
   * admit, then (when admitted and units is not 0) charge `units` at the same instant: for a
   * synchronous read, whose units are known before it answers. Same outcome as the two calls in a
   * row (held to it by test/partitions/admit-and-charge.test.ts).
   *
   * The usual case — provisioned, window not due to roll, under the ceiling, a bucket positive — runs
   * on the lane's row in the packed rows alone (#readRows, #writeRows), without touching the
   * PartitionState or Lane object: on a cold partition each object is a cache miss, and GetItem
   * pays this on every call.
   * Anything else takes the object path (admit, then #account), which does the same arithmetic.
   */
  admitAndCharge(kindName: AccessKind, key: Uint8Array, keyOffset: number, nowMs: number, units: number): Throttle | undefined {
    const isRead = kindName === 'read';
    const kind = isRead ? this.read : this.write;
    if (nowMs >= kind.tickDueMs) this.#tick(kind, nowMs);
    const index = this.#lookup.find(key, keyOffset);
    const f = isRead ? this.#readRows : this.#writeRows;
    const o = index * LANE_FIELDS;
    if (kind.onDemand === undefined && nowMs < f[o + ROLL_DUE_MS]! && f[o + WINDOW_UNITS]! < kind.ceilingPerSecond) {
      refillRow(f, o, nowMs);
      if (f[o + ALLOCATED_BALANCE]! > 0 || f[o + BURST_BALANCE]! > 0) {
        if (units !== 0) this.#account(kind, f, o, undefined, index, units, key, keyOffset, nowMs);
        this.admittedIndex = index;
        return undefined;
      }
    }
    this.admittedIndex = -1;
    const admitted = this.admit(kindName, key, keyOffset, nowMs);
    if (!(admitted instanceof PartitionState)) return admitted;
    if (units !== 0) this.#account(kind, (isRead ? admitted.read : admitted.write).row, 0, admitted, -1, units, key, keyOffset, nowMs);
    return undefined;
  }

  /** PartitionState.addSize on the partition at `index` in `states`, through the packed rows (no object touched). */
  addSize(index: number, deltaBytes: number): number {
    return addSizeAt(this.#writeRows, index * LANE_FIELDS + SIZE_BYTES, deltaBytes);
  }

  /**
   * The debit and bookkeeping of a charge on a lane's row (`f` from offset `o`), already ticked,
   * rolled and refilled to nowMs: `state` is the partition's, or undefined with `index` its position
   * in #states (looked up only in the rare cases that need the object: a sampled charge, a hot lane).
   */
  #account(kind: KindState, f: Float64Array, o: number, state: PartitionState | undefined, index: number, units: number, key: Uint8Array, keyOffset: number, nowMs: number): void {
    if (f[o + PROVISIONED] === 1) debitRow(f, o, units);
    f[o + WINDOW_UNITS] = f[o + WINDOW_UNITS]! + units;
    kind.window.units += units;
    kind.onDemand?.add(units);
    f[o + INTERVAL_CONSUMED] = f[o + INTERVAL_CONSUMED]! + units;
    if (units > 0) f[o + LAST_UNITS] = units;
    // The top-keys sketch sees every charge of a lane below TOP_KEYS_EXACT_BELOW_UNITS_PER_SECOND
    // (in its last complete second and so far in this one), and a 1 / TOP_KEYS_SAMPLE_ONE_IN sample
    // of a busier lane's, each kept charge weighted by its gap's n to stay unbiased: an update of a
    // cold sketch misses cache (a take-over also copies the key and scans the counters), too dear for
    // every request. A burst after an idle second is counted exactly only up to the threshold.
    if ((f[o + UNTIL_SAMPLE] = f[o + UNTIL_SAMPLE]! - 1) <= 0) {
      const owner = state ?? this.states[index]!;
      const lane = kind.kind === 'read' ? owner.read : owner.write;
      owner.topKeys.add(hashOfKeyAt(key, keyOffset), units * lane.sampleWeight, key, keyOffset);
      const busy = lane.previousWindowUnits >= TOP_KEYS_EXACT_BELOW_UNITS_PER_SECOND || f[o + WINDOW_UNITS]! >= TOP_KEYS_EXACT_BELOW_UNITS_PER_SECOND;
      const n = busy ? TOP_KEYS_SAMPLE_ONE_IN : 1;
      lane.sampleWeight = n;
      f[o + UNTIL_SAMPLE] = owner.nextSampleGap(n);
    }
    if (!Number.isNaN(f[o + HOT_SINCE_MS]!)) (state ?? this.states[index]!).heat.offer(key, units, nowMs, keyOffset);
  }

  /** Rolls the table-level windows and runs the controller when its interval has passed. */
  #tick(kind: KindState, nowMs: number): void {
    if (kind.window.roll(nowMs) && kind.onDemand !== undefined) {
      kind.onDemand.roll(nowMs);
      const allowance = kind.onDemand.allowancePerSecond;
      if (allowance !== kind.ratePerSecond) {
        kind.ratePerSecond = allowance;
        kind.sharePerSecond = allowance / this.states.length;
      }
    }
    if (nowMs - kind.lastControlMs >= this.options.controllerIntervalMs) this.#control(kind, nowMs);
    const controlDueMs = kind.lastControlMs + this.options.controllerIntervalMs - ROLL_MARGIN_MS;
    kind.tickDueMs = controlDueMs < kind.window.rollDueMs ? controlDueMs : kind.window.rollDueMs;
  }

  #control(kind: KindState, nowMs: number): void {
    const elapsedSeconds = (nowMs - kind.lastControlMs) / 1000;
    kind.lastControlMs = nowMs;
    const lanes = kind.lanes;
    for (const lane of lanes) {
      lane.consumedPerSecond = lane.intervalConsumed / elapsedSeconds;
      lane.throttledPerSecond = lane.intervalThrottled / elapsedSeconds;
      lane.intervalConsumed = 0;
      lane.intervalThrottled = 0;
    }
    if (kind.onDemand !== undefined || !this.options.adaptive) return;
    adjustBoosts({ tableRatePerSecond: kind.ratePerSecond, sharePerSecond: kind.sharePerSecond, ceilingPerSecond: kind.ceilingPerSecond, partitions: lanes }, PARTITION_CONTROLLER_GAIN);
    for (const lane of lanes) {
      lane.refill(nowMs);
      lane.reconfigure(kind.laneRate(lane), kind.sharePerSecond);
    }
  }

  /** Moves a lane to `now`'s second; a completed second decides whether the partition runs hot. */
  #rollLane(lane: Lane, kind: KindState, state: PartitionState, nowMs: number): void {
    if (!lane.rollWindow(nowMs)) return;
    if (lane.previousWindowUnits < this.options.heatThresholdFraction * kind.ceilingPerSecond) {
      lane.hotSinceMs = undefined;
      return;
    }
    lane.hotSinceMs ??= (lane.windowIndex - 1) * 1000;
    if (nowMs - lane.hotSinceMs >= this.options.heatWindowMs && !state.splitPending) {
      lane.hotSinceMs = nowMs; // decide at most once per window, whatever the decision
      this.onHot(this, state, nowMs);
    }
  }
}

/** Adds `deltaBytes` to the size in slot `o` of `f`, never below 0; returns the new size. */
function addSizeAt(f: Float64Array, o: number, deltaBytes: number): number {
  const size = f[o]! + deltaBytes;
  return (f[o] = size > 0 ? size : 0);
}

/** One array holding `lanes`' rows back to back, each lane rebound to its view of it (values kept). */
function packRows(lanes: readonly Lane[]): Float64Array {
  const rows = new Float64Array(lanes.length * LANE_FIELDS);
  lanes.forEach((lane, i) => lane.rebind(rows.subarray(i * LANE_FIELDS, (i + 1) * LANE_FIELDS)));
  return rows;
}

function countChildren(inherited: ReadonlyMap<number, PartitionState>, parent: PartitionState): number {
  let count = 0;
  for (const p of inherited.values()) if (p === parent) count++;
  return count;
}
