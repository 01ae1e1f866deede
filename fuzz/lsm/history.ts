/**
 * Runs a store command sequence and records its history: every read result, in order, as a readable
 * line. The lsm campaign compares a store's history with the sorted-map model's; the metamorphic
 * campaign compares the histories of one sequence under many store configurations. Two runs agree
 * exactly when their histories are equal, and the first differing line names the step.
 *
 * A history holds, per command: nothing for writes and maintenance; the value for a get; the entries
 * for a scan. After a `reopen` and at the end it also holds the whole state (forward scan, reverse
 * scan, a get of every probe key), and at the end the state through every live snapshot.
 *
 * Snapshots are numbered in the order taken; a command's `snapshot` index picks one modulo the number
 * live (none live: the latest state). A reopen releases them all, on every side alike.
 *
 * Values print as their spec (`v3x40`) when some command wrote exactly those bytes, otherwise as
 * `?<length>B` (a value no command wrote: always wrong).
 */
import type { ReadOptions, Snapshot, StoreOptions, WriteOp } from '../../engine/lsm/index.js';
import { crc32c } from '../../engine/util/crc32c.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import type { FileSystem } from '../../engine/vfs/types.js';
import { commandWrites, MODEL_KEYS, showCommand, showKey, showValue, type StoreCommand } from './commands.js';
import {
  bytesOf,
  openStore,
  SortedMapModel,
  STORE_PATH,
  testEnv,
  textOf,
  TINY_TUNING,
  toStoreScanOptions,
  valueBytes,
  type FuzzStore,
  type ModelScanOptions,
  type StoreOpener,
} from './model.js';

/** One side of a comparison: the model, or a store under some configuration. */
export interface CommandTarget {
  write(batches: readonly WriteOp[][]): Promise<void>;
  get(key: string, snapshot: number | undefined): Uint8Array | undefined;
  scan(options: ModelScanOptions, snapshot: number | undefined): [string, Uint8Array][];
  /** Pins the current state; later reads may name it by index. */
  snapshot(): void;
  release(snapshot: number): void;
  /** Snapshots live now. */
  readonly snapshotCount: number;
  flush(): Promise<void>;
  compact(): Promise<void>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

/** Names values by the spec that produced them, for readable histories. */
export class ValueNames {
  readonly #names = new Map<string, string>();

  constructor(commands: readonly StoreCommand[]) {
    for (const command of commands) {
      const specs =
        command.kind === 'put'
          ? [command.value]
          : command.kind === 'batch'
            ? command.ops.flatMap((op) => (op.type === 'put' ? [op.value] : []))
            : command.kind === 'concurrent'
              ? command.batches.flatMap((ops) => ops.flatMap((op) => (op.type === 'put' ? [op.value] : [])))
              : [];
      for (const spec of specs) this.#names.set(fingerprintOf(valueBytes(spec)), showValue(spec));
    }
  }

  name(value: Uint8Array | undefined): string {
    if (value === undefined) return 'undefined';
    return this.#names.get(fingerprintOf(value)) ?? `?${value.length}B`;
  }
}

function fingerprintOf(value: Uint8Array): string {
  return `${value.length}:${crc32c(value, 0)}`;
}

function showEntries(entries: readonly [string, Uint8Array][], names: ValueNames): string {
  return `[${entries.map(([key, value]) => `${showKey(key)}=${names.name(value)}`).join(', ')}]`;
}

function recordState(history: string[], target: CommandTarget, names: ValueNames, label: string, snapshot?: number): void {
  history.push(`${label} scan ${showEntries(target.scan({}, snapshot), names)}`);
  history.push(`${label} reverse scan ${showEntries(target.scan({ reverse: true }, snapshot), names)}`);
  history.push(`${label} gets ${MODEL_KEYS.map((key) => `${showKey(key)}=${names.name(target.get(key, snapshot))}`).join(', ')}`);
}

export interface HistoryOptions {
  /** Maintenance after every command (the metamorphic 'flush/compact after every op' configurations). */
  afterEach?: 'flush' | 'compact';
  /** Reopen after every `restartEvery` commands, when no snapshot is live (a reopen would release it). */
  restartEvery?: number;
}

/**
 * Runs `commands` on `target` and returns the history (see the header). Errors propagate, with
 * the step and command named.
 */
export async function commandHistory(target: CommandTarget, commands: readonly StoreCommand[], options: HistoryOptions = {}): Promise<string[]> {
  const names = new ValueNames(commands);
  const history: string[] = [];
  let step = 0;
  try {
    for (; step < commands.length; step++) {
      const command = commands[step]!;
      const writes = commandWrites(command);
      if (writes.length > 0) {
        await target.write(writes);
      } else {
        switch (command.kind) {
          case 'get':
            history.push(`${step} get ${showKey(command.key)} = ${names.name(target.get(command.key, command.snapshot))}`);
            break;
          case 'scan':
            history.push(`${step} ${showCommand(command)} = ${showEntries(target.scan(command.options, command.snapshot), names)}`);
            break;
          case 'snapshot':
            target.snapshot();
            break;
          case 'release':
            target.release(command.snapshot);
            break;
          case 'flush':
            await target.flush();
            break;
          case 'compact':
            await target.compact();
            break;
          case 'reopen':
            await target.reopen();
            recordState(history, target, names, `${step} after reopen:`);
            break;
          default:
            break;
        }
      }
      if (options.afterEach === 'flush') await target.flush();
      else if (options.afterEach === 'compact') await target.compact();
      const every = options.restartEvery;
      if (every !== undefined && (step + 1) % every === 0 && target.snapshotCount === 0) await target.reopen();
    }
    recordState(history, target, names, 'end:');
    for (let s = 0; s < target.snapshotCount; s++) recordState(history, target, names, `end, snapshot ${s}:`, s);
  } catch (error) {
    const where = step < commands.length ? `step ${step} (${showCommand(commands[step]!)})` : 'the final state check';
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return history;
}

/** The first line where two histories differ, as a message naming both sides; undefined when equal. */
export function diffHistories(expected: readonly string[], actual: readonly string[], expectedName: string, actualName: string): string | undefined {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] === actual[i]) continue;
    return `history entry ${i} differs:\n  ${expectedName}: ${expected[i] ?? '(history ended)'}\n  ${actualName}: ${actual[i] ?? '(history ended)'}`;
  }
  return undefined;
}

// ---- the two kinds of target -----------------------------------------------------------------------

/** The sorted-map model as a target: what a correct store's history is. */
export class ModelTarget implements CommandTarget {
  #model = new SortedMapModel();
  #snapshots: SortedMapModel[] = [];

  get snapshotCount(): number {
    return this.#snapshots.length;
  }

  #pick(index: number | undefined): SortedMapModel {
    if (index === undefined || this.#snapshots.length === 0) return this.#model;
    return this.#snapshots[index % this.#snapshots.length]!;
  }

  async write(batches: readonly WriteOp[][]): Promise<void> {
    for (const ops of batches) this.#model.apply(ops);
  }

  get(key: string, snapshot: number | undefined): Uint8Array | undefined {
    return this.#pick(snapshot).get(key);
  }

  scan(options: ModelScanOptions, snapshot: number | undefined): [string, Uint8Array][] {
    return this.#pick(snapshot).scan(options);
  }

  snapshot(): void {
    this.#snapshots.push(this.#model.clone());
  }

  release(snapshot: number): void {
    if (this.#snapshots.length > 0) this.#snapshots.splice(snapshot % this.#snapshots.length, 1);
  }

  async flush(): Promise<void> {}

  async compact(): Promise<void> {}

  async reopen(): Promise<void> {
    this.#snapshots = [];
  }

  async close(): Promise<void> {}
}

export interface StoreTargetOptions {
  /** Options for every open (path and env are filled in). */
  store?: Partial<StoreOptions>;
  fs?: FileSystem;
  open?: StoreOpener;
}

/** Counters a store target gathers across reopens (flushes, compactions, deepest level reached). */
export interface StoreTargetStats {
  flushes: number;
  compactions: number;
  deepestLevel: number;
}

/** A Store as a target. Open with StoreTarget.open; close it when done. */
export class StoreTarget implements CommandTarget {
  readonly stats: StoreTargetStats = { flushes: 0, compactions: 0, deepestLevel: -1 };
  #snapshots: Snapshot[] = [];

  private constructor(
    private store: FuzzStore,
    private readonly reopenStore: () => Promise<FuzzStore>,
  ) {}

  static async open(options: StoreTargetOptions = {}): Promise<StoreTarget> {
    const fs = options.fs ?? new MemoryFileSystem();
    const open = options.open ?? openStore;
    const reopen = (): Promise<FuzzStore> => open({ ...TINY_TUNING, ...options.store, path: STORE_PATH, env: testEnv(fs) });
    return new StoreTarget(await reopen(), reopen);
  }

  get snapshotCount(): number {
    return this.#snapshots.length;
  }

  #read(index: number | undefined): ReadOptions {
    if (index === undefined || this.#snapshots.length === 0) return {};
    return { snapshot: this.#snapshots[index % this.#snapshots.length]! };
  }

  async write(batches: readonly WriteOp[][]): Promise<void> {
    // Submitted back to back before any is awaited: one group commit when there are several.
    await Promise.all(batches.map((ops) => this.store.write(ops)));
  }

  get(key: string, snapshot: number | undefined): Uint8Array | undefined {
    return this.store.get(bytesOf(key), this.#read(snapshot));
  }

  scan(options: ModelScanOptions, snapshot: number | undefined): [string, Uint8Array][] {
    const result: [string, Uint8Array][] = [];
    for (const [key, value] of this.store.scan({ ...toStoreScanOptions(options), ...this.#read(snapshot) })) result.push([textOf(key), value]);
    return result;
  }

  snapshot(): void {
    this.#snapshots.push(this.store.snapshot());
  }

  release(snapshot: number): void {
    if (this.#snapshots.length > 0) this.#snapshots.splice(snapshot % this.#snapshots.length, 1)[0]!.release();
  }

  async flush(): Promise<void> {
    await this.store.flush();
  }

  async compact(): Promise<void> {
    await this.store.compactUntilIdle();
  }

  async reopen(): Promise<void> {
    this.#account();
    await this.store.close();
    this.#snapshots = [];
    this.store = await this.reopenStore();
  }

  async close(): Promise<void> {
    try {
      // Lets background work of the last commands finish before counting it.
      await this.store.flush();
      this.#account();
    } finally {
      await this.store.close();
    }
  }

  /** Not flushing first: a reopen must find writes that are only in the WAL. */
  #account(): void {
    const stats = this.store.stats();
    for (const level of stats.levels) if (level.files > 0) this.stats.deepestLevel = Math.max(this.stats.deepestLevel, level.level);
    this.stats.flushes += stats.counters.flushes;
    this.stats.compactions += stats.counters.compactions + stats.counters.trivialMoves;
  }
}
