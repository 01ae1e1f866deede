/**
 * The mutable state one open store shares among its parts: the write path (write-path.ts), the
 * background flush and compaction lanes (background.ts) and the read path (store.ts).
 *
 * Concurrency model: one JavaScript thread. Reads are synchronous and never see a half-applied batch,
 * because a batch is applied to the memtable and `lastSequence` published with no await in between.
 *
 * Invariants:
 * 1. Every write with sequence <= lastSequence is in `mem`, in one of `immutables`, or in a table of
 *    `versions.current`; newer layers shadow older ones (mem, then immutables newest-first, then tables).
 * 2. `immutables[i].walNumber` < `immutables[i+1].walNumber` < `walNumber`; the manifest's logNumber is
 *    the WAL of the oldest memtable not yet flushed.
 * 3. Once `failure` is set it stays set until the store is reopened; no later write is acknowledged.
 */
import { ReadOnlyError } from '../util/errors.js';
import type { Memtable } from './memtable/memtable.js';
import type { ResolvedOptions } from './options.js';
import type { VersionSet } from './manifest/version-set.js';
import type { SnapshotList } from './snapshots.js';
import type { TableCache } from './table-cache.js';
import type { BlockCache } from './sstable/index.js';
import type { LogWriter } from './wal/writer.js';

export interface ImmutableMemtable {
  readonly memtable: Memtable;
  readonly walNumber: number;
}

export interface StoreCounters {
  writeBatches: number;
  writeGroups: number;
  walSyncs: number;
  walBytes: number;
  flushes: number;
  flushBytes: number;
  compactions: number;
  /** Compactions merged on a worker thread (compactionThreads; also counted in `compactions`). */
  workerCompactions: number;
  /** Flushes whose table a worker thread built (also counted in `flushes`). */
  workerFlushes: number;
  /** Of those worker jobs, the ones run in the idle scheduling class (compaction/thread-priority.ts); the rest ran at nice 19 (or unchanged, off Linux). */
  workerIdleJobs: number;
  /** Worker flushes and compactions that paused at least once (compaction/pace.ts; background.ts says when they may). */
  workerPacedJobs: number;
  trivialMoves: number;
  compactionBytesRead: number;
  compactionBytesWritten: number;
  entriesDropped: number;
  slowdownYields: number;
  stopWaits: number;
  obsoleteFilesDeleted: number;
}

export class StoreState {
  lastSequence = 0;
  walNumber = 0;
  immutables: ImmutableMemtable[] = [];
  failure: Error | undefined;
  closing = false;
  readonly counters: StoreCounters = {
    writeBatches: 0,
    writeGroups: 0,
    walSyncs: 0,
    walBytes: 0,
    flushes: 0,
    flushBytes: 0,
    compactions: 0,
    workerCompactions: 0,
    workerFlushes: 0,
    workerIdleJobs: 0,
    workerPacedJobs: 0,
    trivialMoves: 0,
    compactionBytesRead: 0,
    compactionBytesWritten: 0,
    entriesDropped: 0,
    slowdownYields: 0,
    stopWaits: 0,
    obsoleteFilesDeleted: 0,
  };
  #waiters: (() => void)[] = [];

  constructor(
    readonly options: ResolvedOptions,
    readonly versions: VersionSet,
    readonly tables: TableCache,
    readonly blockCache: BlockCache | undefined,
    readonly snapshots: SnapshotList,
    public mem: Memtable,
    public wal: LogWriter,
  ) {}

  /** Marks the store failed (read-only until reopened) and wakes everyone waiting on background work. */
  fail(error: unknown): void {
    if (this.failure === undefined) {
      this.failure = error instanceof Error ? error : new Error(String(error));
    }
    this.notify();
  }

  requireWritable(): void {
    if (this.failure !== undefined) {
      throw new ReadOnlyError('store is read-only after a failed write or background error; reopen it', { cause: this.failure });
    }
  }

  /** Resolves at the next background progress (a flush or compaction finished, or a failure). */
  waitForProgress(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
