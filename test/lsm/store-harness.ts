/**
 * Shared helpers for testing the Store against a model: a sorted-map model, fast-check arbitraries
 * for readable store command sequences, a seeded concurrent workload with a submission/ack history,
 * and state comparison (exact, and "equals some prefix of the history").
 *
 * Used by store-model.test.ts, crash.test.ts, bit-flip.test.ts and the fuzz campaigns. Everything
 * here is a pure function of its inputs (a seed, a fast-check value, a file system).
 *
 * Keys and values in commands are latin1 strings and value specs ({ tag, size }), not bytes, so a
 * shrunk counterexample prints as a short readable sequence.
 */
import fc from 'fast-check';
import { Store, type ScanOptions, type StoreOptions, type WriteOp } from '../../engine/lsm/index.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SiltError } from '../../engine/util/errors.js';
import { SeededRandom, type Random } from '../../engine/util/random.js';
import type { Env } from '../../engine/vfs/env.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import type { FileSystem } from '../../engine/vfs/types.js';

export const STORE_PATH = '/db';

/** Tuning small enough that a few dozen writes flush, compact into several levels and grow the manifest. */
export const TINY_TUNING = {
  memtableBytes: 4096,
  blockBytes: 256,
  targetFileBytes: 2048,
  l1BytesMax: 8192,
  l0CompactionTriggerFiles: 2,
} as const satisfies Partial<StoreOptions>;

export function testEnv(fs: FileSystem = new MemoryFileSystem(), seed = 1): Env {
  return { fs, clock: new ManualClock(0), random: new SeededRandom(seed) };
}

// ---- bytes ---------------------------------------------------------------------------------------

/** latin1: one char per byte, so JS string order is byte order. */
export function bytesOf(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

export function textOf(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface ValueSpec {
  tag: number;
  size: number;
}

/**
 * The bytes a value spec stands for: a pseudo-random stream seeded by the tag (xorshift32), so values
 * differ by tag from the first byte on and do not compress away (tables must actually grow).
 */
export function valueBytes(spec: ValueSpec): Uint8Array {
  const bytes = new Uint8Array(spec.size);
  let x = (Math.imul(spec.tag + 1, 0x9e3779b1) | 1) >>> 0;
  for (let i = 0; i < spec.size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

// ---- the model -----------------------------------------------------------------------------------

export interface ModelScanOptions {
  gte?: string;
  gt?: string;
  lte?: string;
  lt?: string;
  reverse?: boolean;
  limit?: number;
}

/** A sorted map of latin1 keys to byte values: what the store should hold. */
export class SortedMapModel {
  readonly #map: Map<string, Uint8Array>;

  constructor(entries?: Iterable<[string, Uint8Array]>) {
    this.#map = new Map(entries);
  }

  get size(): number {
    return this.#map.size;
  }

  apply(ops: readonly WriteOp[]): void {
    for (const op of ops) {
      if (op.type === 'put') this.#map.set(textOf(op.key), op.value.slice());
      else this.#map.delete(textOf(op.key));
    }
  }

  get(key: string): Uint8Array | undefined {
    return this.#map.get(key);
  }

  clone(): SortedMapModel {
    return new SortedMapModel(this.#map);
  }

  /** All entries in key order. */
  entries(): [string, Uint8Array][] {
    return [...this.#map.entries()].sort(([a], [b]) => compareText(a, b));
  }

  scan(options: ModelScanOptions = {}): [string, Uint8Array][] {
    let entries = this.entries().filter(([key]) => {
      if (options.gte !== undefined && key < options.gte) return false;
      if (options.gt !== undefined && key <= options.gt) return false;
      if (options.lte !== undefined && key > options.lte) return false;
      if (options.lt !== undefined && key >= options.lt) return false;
      return true;
    });
    if (options.reverse === true) entries = entries.reverse();
    if (options.limit !== undefined) entries = entries.slice(0, options.limit);
    return entries;
  }
}

export function toStoreScanOptions(options: ModelScanOptions): ScanOptions {
  const result: ScanOptions = {};
  if (options.gte !== undefined) result.gte = bytesOf(options.gte);
  if (options.gt !== undefined) result.gt = bytesOf(options.gt);
  if (options.lte !== undefined) result.lte = bytesOf(options.lte);
  if (options.lt !== undefined) result.lt = bytesOf(options.lt);
  if (options.reverse !== undefined) result.reverse = options.reverse;
  if (options.limit !== undefined) result.limit = options.limit;
  return result;
}

/** The first difference between two entry lists, or undefined when they are equal. */
export function diffEntries(actual: readonly [string, Uint8Array][], expected: readonly [string, Uint8Array][]): string | undefined {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === undefined) return `entry ${i}: missing ${JSON.stringify(e?.[0])} (store has ${actual.length}, model ${expected.length})`;
    if (e === undefined) return `entry ${i}: unexpected ${JSON.stringify(a[0])} (store has ${actual.length}, model ${expected.length})`;
    if (a[0] !== e[0]) return `entry ${i}: key ${JSON.stringify(a[0])}, expected ${JSON.stringify(e[0])}`;
    if (!bytesEqual(a[1], e[1])) return `entry ${i}: key ${JSON.stringify(a[0])} has a ${a[1].length}-byte value, expected ${e[1].length} bytes (or same length, different bytes)`;
  }
  return undefined;
}

/** Every entry of a store scan, as latin1 keys. */
export function scanStore(store: Store, options: ScanOptions = {}): [string, Uint8Array][] {
  const result: [string, Uint8Array][] = [];
  for (const [key, value] of store.scan(options)) result.push([textOf(key), value]);
  return result;
}

/**
 * Compares a store (optionally through a snapshot) with a model: a full scan, a reverse scan, and a
 * get of every key in `probeKeys` and in the model. Returns the first difference, or undefined.
 */
export function compareStore(
  store: Store,
  model: SortedMapModel,
  probeKeys: readonly string[],
  snapshot?: Parameters<Store['get']>[1],
): string | undefined {
  const read = snapshot ?? {};
  const forward = diffEntries(scanStore(store, { ...read }), model.entries());
  if (forward !== undefined) return `scan: ${forward}`;
  const backward = diffEntries(scanStore(store, { ...read, reverse: true }), model.entries().reverse());
  if (backward !== undefined) return `reverse scan: ${backward}`;
  const keys = new Set([...probeKeys, ...model.entries().map(([key]) => key)]);
  for (const key of keys) {
    const actual = store.get(bytesOf(key), read);
    const expected = model.get(key);
    if (actual === undefined && expected === undefined) continue;
    if (actual === undefined || expected === undefined || !bytesEqual(actual, expected)) {
      return `get(${JSON.stringify(key)}): store ${actual === undefined ? 'undefined' : `${actual.length} bytes`}, model ${expected === undefined ? 'undefined' : `${expected.length} bytes`}`;
    }
  }
  return undefined;
}

/** True for an engine error with the given code (never a stray RangeError or assertion). */
export function isSiltError(error: unknown, code?: SiltError['code']): error is SiltError {
  return error instanceof SiltError && (code === undefined || error.code === code);
}

/** A copy of a memory file system (files and directories), to damage without touching the original. */
export function cloneFileSystem(fs: MemoryFileSystem): MemoryFileSystem {
  const copy = new MemoryFileSystem();
  for (const directory of fs.directories) copy.directories.add(directory);
  for (const name of fs.fileNames()) {
    const data = fs.files.get(name);
    if (data === undefined) continue;
    copy.createWritableSync(name).appendSync(data.contents());
  }
  return copy;
}

export { SeededRandom, type Random };

// ---- model-based command sequences ---------------------------------------------------------------

/**
 * Keys from a small alphabet so overwrites and deletes hit: the empty key, keys that are prefixes of
 * one another, and the extreme bytes 0x00 and 0xff. Shrinks towards 'a'.
 */
export const MODEL_KEYS: readonly string[] = ['a', '', 'ab', 'abc', 'b', 'a\x00', 'aa', 'b\xff', '\x00', '\xff', 'ba', 'abd', 'c', '\xff\xff'];

export type BatchOpSpec = { type: 'put'; key: string; value: ValueSpec } | { type: 'delete'; key: string };

export type StoreCommand =
  | { kind: 'put'; key: string; value: ValueSpec }
  | { kind: 'delete'; key: string }
  | { kind: 'batch'; ops: BatchOpSpec[] }
  /** Batches submitted back to back without awaiting in between (group commit), then awaited. */
  | { kind: 'concurrent'; batches: BatchOpSpec[][] }
  /** `snapshot`: index (mod the number live) of the snapshot to read through; omitted: latest. */
  | { kind: 'get'; key: string; snapshot?: number }
  | { kind: 'scan'; options: ModelScanOptions; snapshot?: number }
  | { kind: 'snapshot' }
  | { kind: 'release'; snapshot: number }
  | { kind: 'flush' }
  | { kind: 'compact' }
  | { kind: 'reopen' };

export const keyArbitrary: fc.Arbitrary<string> = fc.constantFrom(...MODEL_KEYS);

/** Mostly small values, some spanning a 256-byte block, a few of several KB. */
export const valueSpecArbitrary: fc.Arbitrary<ValueSpec> = fc.record({
  tag: fc.nat(255),
  size: fc.oneof(
    { weight: 6, arbitrary: fc.nat(24) },
    { weight: 3, arbitrary: fc.integer({ min: 25, max: 600 }) },
    { weight: 1, arbitrary: fc.integer({ min: 601, max: 3000 }) },
  ),
});

export const batchOpArbitrary: fc.Arbitrary<BatchOpSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('put' as const), key: keyArbitrary, value: valueSpecArbitrary }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('delete' as const), key: keyArbitrary }) },
);

/** Up to 8 ops; duplicate keys within a batch are common with this alphabet. */
export const batchArbitrary: fc.Arbitrary<BatchOpSpec[]> = fc.array(batchOpArbitrary, { minLength: 1, maxLength: 8 });

export const scanOptionsArbitrary: fc.Arbitrary<ModelScanOptions> = fc
  .record({
    lower: fc.option(fc.record({ inclusive: fc.boolean(), key: keyArbitrary }), { nil: undefined }),
    upper: fc.option(fc.record({ inclusive: fc.boolean(), key: keyArbitrary }), { nil: undefined }),
    reverse: fc.boolean(),
    limit: fc.option(fc.nat(6), { nil: undefined }),
  })
  .map(({ lower, upper, reverse, limit }) => {
    const options: ModelScanOptions = {};
    if (lower !== undefined) options[lower.inclusive ? 'gte' : 'gt'] = lower.key;
    if (upper !== undefined) options[upper.inclusive ? 'lte' : 'lt'] = upper.key;
    if (reverse) options.reverse = true;
    if (limit !== undefined) options.limit = limit;
    return options;
  });

const snapshotIndex = fc.option(fc.nat(7), { nil: undefined });

export const storeCommandArbitrary: fc.Arbitrary<StoreCommand> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('put' as const), key: keyArbitrary, value: valueSpecArbitrary }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keyArbitrary }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('batch' as const), ops: batchArbitrary }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('concurrent' as const), batches: fc.array(batchArbitrary, { minLength: 2, maxLength: 6 }) }) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(keyArbitrary, snapshotIndex)
      .map(([key, snapshot]): StoreCommand => (snapshot === undefined ? { kind: 'get', key } : { kind: 'get', key, snapshot })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(scanOptionsArbitrary, snapshotIndex)
      .map(([options, snapshot]): StoreCommand => (snapshot === undefined ? { kind: 'scan', options } : { kind: 'scan', options, snapshot })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'snapshot' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), snapshot: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

export function storeCommandsArbitrary(maxLength: number, minLength = 1): fc.Arbitrary<StoreCommand[]> {
  return fc.array(storeCommandArbitrary, { minLength, maxLength, size: 'max' });
}

export function toWriteOps(ops: readonly BatchOpSpec[]): WriteOp[] {
  return ops.map((op) =>
    op.type === 'put' ? { type: 'put', key: bytesOf(op.key), value: valueBytes(op.value) } : { type: 'delete', key: bytesOf(op.key) },
  );
}

function commandWrites(command: StoreCommand): WriteOp[][] {
  switch (command.kind) {
    case 'put':
      return [[{ type: 'put', key: bytesOf(command.key), value: valueBytes(command.value) }]];
    case 'delete':
      return [[{ type: 'delete', key: bytesOf(command.key) }]];
    case 'batch':
      return [toWriteOps(command.ops)];
    case 'concurrent':
      return command.batches.map(toWriteOps);
    default:
      return [];
  }
}

export interface CommandRunOptions {
  /** Options for every Store.open (path and env are filled in). */
  store?: Partial<StoreOptions>;
  fs?: FileSystem;
}

export interface CommandRunSummary {
  commands: number;
  /** Deepest level holding a table at any check, flushes and compactions (summed over reopens). */
  deepestLevel: number;
  flushes: number;
  compactions: number;
}

/**
 * Runs `commands` on a Store and the model side by side; throws an Error naming the step and the
 * first difference when they disagree.
 */
export async function runStoreCommands(commands: readonly StoreCommand[], options: CommandRunOptions = {}): Promise<CommandRunSummary> {
  const fs = options.fs ?? new MemoryFileSystem();
  const open = (): Promise<Store> => Store.open({ ...TINY_TUNING, ...options.store, path: STORE_PATH, env: testEnv(fs) });
  let store = await open();
  const summary: CommandRunSummary = { commands: commands.length, deepestLevel: -1, flushes: 0, compactions: 0 };
  const account = (): void => {
    const stats = store.stats();
    for (const level of stats.levels) if (level.files > 0) summary.deepestLevel = Math.max(summary.deepestLevel, level.level);
    summary.flushes += stats.counters.flushes;
    summary.compactions += stats.counters.compactions + stats.counters.trivialMoves;
  };
  const model = new SortedMapModel();
  let snapshots: { snapshot: ReturnType<Store['snapshot']>; model: SortedMapModel }[] = [];
  const pick = (index: number | undefined): { read: Parameters<Store['get']>[1]; model: SortedMapModel } => {
    if (index === undefined || snapshots.length === 0) return { read: undefined, model };
    const chosen = snapshots[index % snapshots.length]!;
    return { read: { snapshot: chosen.snapshot }, model: chosen.model };
  };
  const fail = (step: number, message: string): never => {
    throw new Error(`step ${step} (${JSON.stringify(commands[step])}): ${message}`);
  };
  try {
    for (let step = 0; step < commands.length; step++) {
      const command = commands[step]!;
      const writes = commandWrites(command);
      if (writes.length > 0) {
        await Promise.all(writes.map((ops) => store.write(ops)));
        for (const ops of writes) model.apply(ops);
        continue;
      }
      switch (command.kind) {
        case 'get': {
          const { read, model: expected } = pick(command.snapshot);
          const actual = store.get(bytesOf(command.key), read);
          const wanted = expected.get(command.key);
          if (!(actual === undefined ? wanted === undefined : wanted !== undefined && bytesEqual(actual, wanted))) {
            fail(step, `store ${actual === undefined ? 'undefined' : `${actual.length} bytes`}, model ${wanted === undefined ? 'undefined' : `${wanted.length} bytes`}`);
          }
          break;
        }
        case 'scan': {
          const { read, model: expected } = pick(command.snapshot);
          const diff = diffEntries(scanStore(store, { ...toStoreScanOptions(command.options), ...read }), expected.scan(command.options));
          if (diff !== undefined) fail(step, diff);
          break;
        }
        case 'snapshot':
          snapshots.push({ snapshot: store.snapshot(), model: model.clone() });
          break;
        case 'release':
          if (snapshots.length > 0) snapshots.splice(command.snapshot % snapshots.length, 1)[0]!.snapshot.release();
          break;
        case 'flush':
          await store.flush();
          break;
        case 'compact':
          await store.compactUntilIdle();
          break;
        case 'reopen': {
          account();
          await store.close();
          snapshots = [];
          store = await open();
          const diff = compareStore(store, model, MODEL_KEYS);
          if (diff !== undefined) fail(step, `after reopen: ${diff}`);
          break;
        }
        default:
          break;
      }
    }
    await store.flush(); // lets background work of the last commands finish before counting it
    account();
    const diff = compareStore(store, model, MODEL_KEYS);
    if (diff !== undefined) fail(commands.length - 1, `at the end: ${diff}`);
    for (const { snapshot, model: old } of snapshots) {
      const snapDiff = compareStore(store, old, MODEL_KEYS, { snapshot });
      if (snapDiff !== undefined) fail(commands.length - 1, `at the end, through a snapshot: ${snapDiff}`);
    }
  } finally {
    await store.close();
  }
  return summary;
}

// ---- seeded concurrent workloads with a history --------------------------------------------------

export type WorkloadStep = { kind: 'write'; ops: WriteOp[] } | { kind: 'flush' } | { kind: 'compact' };

export interface WorkloadOptions {
  /** Number of write batches. */
  batchCount: number;
  /** Keys are 'k000'..: few enough that overwrites and deletes hit. */
  keyCount: number;
  /** Most batches in flight at once (drawn per submission from 1..writersMax). */
  writersMax: number;
  valueBytesMax: number;
  /** Chance per step of an explicit flush (and a fifth of that of compactUntilIdle). */
  maintenanceChance: number;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = { batchCount: 60, keyCount: 60, writersMax: 8, valueBytesMax: 2500, maintenanceChance: 0.04 };

const VALUE_ID_BYTES = 4;

/** A value that names itself: its first 4 bytes are a unique id, the rest a pattern of the id. */
export function idValue(id: number, size: number): Uint8Array {
  const bytes = valueBytes({ tag: id, size: Math.max(size, VALUE_ID_BYTES) });
  new DataView(bytes.buffer).setUint32(0, id, true);
  return bytes;
}

/** The id of a value made by idValue, or undefined when the bytes are not exactly such a value. */
export function valueId(bytes: Uint8Array): number | undefined {
  if (bytes.length < VALUE_ID_BYTES) return undefined;
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  return bytesEqual(bytes, idValue(id, bytes.length)) ? id : undefined;
}

export function workloadKey(index: number): string {
  return `k${String(index).padStart(3, '0')}`;
}

/** A deterministic workload from a seed: the same seed gives the same steps. */
export function seededWorkload(seed: number, options: WorkloadOptions = DEFAULT_WORKLOAD): WorkloadStep[] {
  const random = new SeededRandom(seed);
  const steps: WorkloadStep[] = [];
  let nextId = 1;
  for (let batch = 0; batch < options.batchCount; batch++) {
    if (random.next() < options.maintenanceChance) steps.push({ kind: random.int(5) === 0 ? 'compact' : 'flush' });
    const count = 1 + (random.int(4) === 0 ? random.int(8) : random.int(2));
    const ops: WriteOp[] = [];
    for (let i = 0; i < count; i++) {
      const key = bytesOf(workloadKey(random.int(options.keyCount)));
      if (random.int(5) === 0) {
        ops.push({ type: 'delete', key });
      } else {
        const size = random.int(8) === 0 ? random.int(options.valueBytesMax + 1) : 4 + random.int(60);
        ops.push({ type: 'put', key, value: idValue(nextId++, size) });
      }
    }
    steps.push({ kind: 'write', ops });
  }
  return steps;
}

/** Write batches in submission order, with which were acknowledged, and how the run ended. */
export interface WorkloadHistory {
  /** Batches submitted, in submission order (which group commit keeps as commit order). */
  submitted: WriteOp[][];
  acked: boolean[];
  /** The first error a write or maintenance call saw, if any. */
  firstError: unknown;
}

/** Number of acknowledged batches; asserts they are a prefix of the submissions (no ack after a failure). */
export function ackedPrefixLength(history: WorkloadHistory): number {
  const count = history.acked.filter(Boolean).length;
  for (let i = 0; i < count; i++) {
    if (!history.acked[i]) throw new Error(`batch ${i} was not acknowledged but a later batch was`);
  }
  return count;
}

const SETTLE_TURNS_MAX = 100_000;

/** Awaits `promise`, but fails instead of hanging when the event loop runs dry of work for it. */
export async function settleOrHang<T>(promise: Promise<T>, what: string): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined); // observed below; prevents an unhandled-rejection report meanwhile
  for (let turn = 0; turn < SETTLE_TURNS_MAX && !done; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  if (!done) throw new Error(`${what} never settled (hang)`);
  return tracked;
}

/**
 * Runs the steps on an open store with up to `writersMax` batches in flight (the in-flight limit is
 * drawn from `random` per submission; the oldest in-flight call is awaited when at the limit). Stops
 * submitting at the first error. Never throws for a write's failure: that is recorded in the history.
 */
export async function runWorkload(store: Store, steps: readonly WorkloadStep[], random: Random, writersMax: number): Promise<WorkloadHistory> {
  const history: WorkloadHistory = { submitted: [], acked: [], firstError: undefined };
  const inFlight: Promise<void>[] = [];
  const record = (error: unknown): void => {
    history.firstError ??= error;
  };
  for (const step of steps) {
    if (history.firstError !== undefined) break;
    const limit = 1 + random.int(writersMax);
    while (inFlight.length >= limit) await inFlight.shift();
    if (history.firstError !== undefined) break;
    if (step.kind === 'write') {
      const index = history.submitted.length;
      history.submitted.push(step.ops);
      history.acked.push(false);
      inFlight.push(
        store.write(step.ops).then(() => {
          history.acked[index] = true;
        }, record),
      );
    } else {
      inFlight.push((step.kind === 'flush' ? store.flush() : store.compactUntilIdle()).catch(record));
    }
  }
  await settleOrHang(Promise.all(inFlight), 'in-flight writes');
  return history;
}

/**
 * Fingerprints of the state after each prefix of the submitted batches: entry j is the state after
 * batches 0..j-1 (so entry 0 is the empty store). Values are identified by idValue ids.
 */
export function prefixFingerprints(batches: readonly (readonly WriteOp[])[]): string[] {
  const state = new Map<string, number>();
  const fingerprint = (): string =>
    [...state.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([key, id]) => `${key}=${id}`)
      .join(',');
  const result = [fingerprint()];
  for (const ops of batches) {
    for (const op of ops) {
      if (op.type === 'put') state.set(textOf(op.key), valueIdOrThrow(op.value));
      else state.delete(textOf(op.key));
    }
    result.push(fingerprint());
  }
  return result;
}

function valueIdOrThrow(value: Uint8Array): number {
  const id = valueId(value);
  if (id === undefined) throw new Error('workload values must come from idValue');
  return id;
}

/** The fingerprint of a store's state (full scan), or an Error describing a value no batch wrote. */
export function storeFingerprint(store: Store): string {
  const parts: string[] = [];
  for (const [key, value] of store.scan()) {
    const id = valueId(value);
    if (id === undefined) throw new Error(`key ${JSON.stringify(textOf(key))} holds a ${value.length}-byte value no batch wrote`);
    parts.push(`${textOf(key)}=${id}`);
  }
  return parts.join(',');
}

/** The smallest j >= from with prefixes[j] === fingerprint, or -1. */
export function matchingPrefix(prefixes: readonly string[], fingerprint: string, from = 0): number {
  for (let j = from; j < prefixes.length; j++) if (prefixes[j] === fingerprint) return j;
  return -1;
}
