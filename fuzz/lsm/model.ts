/**
 * The storage fuzzers' common ground: byte helpers, readable value specs, a sorted-map model of what
 * a store should hold, state comparison (scan, reverse scan, gets), and the tiny tuning that makes a
 * few dozen writes flush, compact into several levels and grow the manifest.
 *
 * Used by the lsm, metamorphic and crash campaigns and by test/lsm/*. Everything here is a pure
 * function of its inputs. Keys are latin1 strings (one char per byte, so JS string order is byte
 * order) and values are specs ({ tag, size }), so a shrunk counterexample prints short and readable.
 *
 * `FuzzStore` is the part of Store the campaigns drive: a proof-of-power test slips a deliberately
 * broken wrapper in behind it, and the campaign must notice.
 */
import { Store, type ReadOptions, type ScanOptions, type Snapshot, type StoreOptions, type StoreStats, type WriteOp } from '../../engine/lsm/index.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SiltError } from '../../engine/util/errors.js';
import { SeededRandom } from '../../engine/util/random.js';
import type { Env } from '../../engine/vfs/env.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import type { FileSystem } from '../../engine/vfs/types.js';

/** What the campaigns use of a Store (Store itself satisfies it). */
export interface FuzzStore {
  write(ops: readonly WriteOp[]): Promise<void>;
  get(key: Uint8Array, options?: ReadOptions): Uint8Array | undefined;
  scan(options?: ScanOptions): Iterable<[Uint8Array, Uint8Array]>;
  snapshot(): Snapshot;
  flush(): Promise<void>;
  compactUntilIdle(): Promise<void>;
  verify(): Promise<{ tables: number; entries: number }>;
  stats(): StoreStats;
  close(): Promise<void>;
  readonly lastSequence: number;
}

/** Opens a store; the default is Store.open, a proof-of-power test passes a broken one. */
export type StoreOpener = (options: StoreOptions) => Promise<FuzzStore>;

export const openStore: StoreOpener = (options) => Store.open(options);

/**
 * A FuzzStore that forwards to `store`, except for the methods in `overrides`: how a proof-of-power
 * test breaks one behaviour of a real store.
 */
export function forwardingStore(store: FuzzStore, overrides: Partial<Omit<FuzzStore, 'lastSequence'>>): FuzzStore {
  return {
    write: (ops) => store.write(ops),
    get: (key, options) => store.get(key, options),
    scan: (options) => store.scan(options),
    snapshot: () => store.snapshot(),
    flush: () => store.flush(),
    compactUntilIdle: () => store.compactUntilIdle(),
    verify: () => store.verify(),
    stats: () => store.stats(),
    close: () => store.close(),
    get lastSequence() {
      return store.lastSequence;
    },
    ...overrides,
  };
}

export const STORE_PATH = '/db';

/** Tuning small enough that a few dozen writes flush, compact into several levels and grow the manifest; deterministic. */
export const TINY_TUNING = {
  memtableBytes: 4096,
  blockBytes: 256,
  targetFileBytes: 2048,
  l1BytesMax: 8192,
  l0CompactionTriggerFiles: 2,
  // Flushes and compactions on the main thread: from the compiled build they would otherwise run on
  // a worker, and the crash campaign's re-runs must repeat their file operations exactly.
  compactionThreads: 0,
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
export function scanStore(store: FuzzStore, options: ScanOptions = {}): [string, Uint8Array][] {
  const result: [string, Uint8Array][] = [];
  for (const [key, value] of store.scan(options)) result.push([textOf(key), value]);
  return result;
}

/**
 * Compares a store (optionally through a snapshot) with a model: a full scan, a reverse scan, and a
 * get of every key in `probeKeys` and in the model. Returns the first difference, or undefined.
 */
export function compareStore(
  store: FuzzStore,
  model: SortedMapModel,
  probeKeys: readonly string[],
  snapshot?: ReadOptions,
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


