/**
 * Store: Silt's log-structured key-value store. Bytes in, bytes out; it knows nothing of items.
 *
 *   const store = await Store.open({ path: 'data/db' });
 *   await store.put(key, value);            // resolves once durable (sync 'always')
 *   store.get(key);                         // synchronous: Uint8Array | undefined (awaitable too)
 *   for (const [k, v] of store.scan({ gte: a, lt: b })) { ... }
 *
 * Concurrency: one JavaScript thread. Reads are synchronous and see a consistent state: the latest
 * published sequence, or a snapshot's. Writes go through the group-commit path (write-path.ts);
 * flushes and compactions run in the background (background.ts).
 *
 * Invariants: see state.ts. After `close()` every method throws ClosedError.
 */
import { ClosedError, InvalidArgumentError } from '../util/errors.js';
import { joinPath } from '../vfs/types.js';
import { yieldToEventLoop } from '../util/yield.js';
import { Background, toMetadata } from './background.js';
import { writeSortedRun } from './compaction/sorted-run-writer.js';
import { DELETED, TRAILER_BYTES, ValueType, type LookupResult } from './internal-key.js';
import { compareByteRanges } from '../util/bytes.js';
import { hash32 } from '../util/hash.js';
import { copyOutAll } from './copy-out.js';
import type { InternalIterator } from './iterator.js';
import { ConcatenatingIterator } from './iterators/concatenating-iterator.js';
import { MergingIterator } from './iterators/merging-iterator.js';
import { UserIterator, type ScanBounds } from './iterators/user-iterator.js';
import { parseFileName, tableFileName, walFileName } from './manifest/file-names.js';
import { VersionSet } from './manifest/version-set.js';
import { Memtable } from './memtable/memtable.js';
import { resolveOptions, type ResolvedOptions, type StoreOptions } from './options.js';
import { replayLogs } from './recovery.js';
import { Snapshot, SnapshotList } from './snapshots.js';
import { BlockCache } from './sstable/index.js';
import { StoreState, type StoreCounters } from './state.js';
import { TableCache } from './table-cache.js';
import { LogWriter } from './wal/writer.js';
import { validateBatch, WritePath } from './write-path.js';
import type { WriteOp } from './write-batch.js';
import type { FileLock } from '../vfs/types.js';

/** Compares the user-key part of an encoded internal key with a user key, without copying. */
function compareUserKeyTo(internalKey: Uint8Array, userKey: Uint8Array): number {
  return compareByteRanges(internalKey, 0, internalKey.length - TRAILER_BYTES, userKey, 0, userKey.length);
}

export interface ReadOptions {
  snapshot?: Snapshot;
}

export interface ScanOptions extends ScanBounds {
  reverse?: boolean;
  limit?: number;
  snapshot?: Snapshot;
  /**
   * Forward scans hand out each value as a view into the store's memory instead of a copy: valid
   * only until the iterator's next step, never to be modified. For callers that decode each value
   * before moving on (the table layer); a reverse scan still copies (see UserIterator).
   */
  borrowValues?: boolean;
}

export interface LevelStats {
  level: number;
  files: number;
  bytes: number;
}

export interface StoreStats {
  lastSequence: number;
  memtableBytes: number;
  memtableEntries: number;
  immutableMemtables: number;
  levels: LevelStats[];
  liveSnapshots: number;
  openTables: number;
  blockCache: { hits: number; misses: number; bytes: number; entries: number } | undefined;
  counters: StoreCounters;
  /** Set when the store failed and is read-only. */
  failure: string | undefined;
}

export class Store {
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(
    private readonly state: StoreState,
    private readonly writePath: WritePath,
    private readonly background: Background,
    private readonly lock: FileLock,
  ) {}

  static async open(options: StoreOptions): Promise<Store> {
    const resolved = resolveOptions(options);
    const { fs } = resolved.env;
    const dir = resolved.path;
    if (resolved.createIfMissing) await fs.mkdir(dir);
    const lock = await fs.lock(joinPath(dir, 'LOCK'));
    try {
      return await Store.#recover(resolved, lock);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  static async #recover(options: ResolvedOptions, lock: FileLock): Promise<Store> {
    const { fs, random } = options.env;
    const dir = options.path;
    const versions = await VersionSet.open(fs, dir, {
      createIfMissing: options.createIfMissing,
      salvage: options.salvage,
      manifestBytesMax: options.manifestBytesMax,
    });
    const blockCache = options.blockCacheBytes > 0 ? new BlockCache(options.blockCacheBytes) : undefined;
    const tables = new TableCache(fs, dir, blockCache);
    try {
      for (const level of versions.current.levels) for (const file of level) await tables.open(file.fileNumber);

      // Every file number in the directory is taken, whether or not the manifest knew of it yet.
      const names = await fs.list(dir);
      let largestSeen = 0;
      const logs: number[] = [];
      for (const name of names) {
        const parsed = parseFileName(name);
        if (!parsed || parsed.kind === 'temp') continue;
        largestSeen = Math.max(largestSeen, parsed.number);
        if (parsed.kind === 'wal' && parsed.number >= versions.logNumber) logs.push(parsed.number);
      }
      logs.sort((a, b) => a - b);

      const builder = {
        blockBytes: options.blockBytes,
        restartInterval: options.blockRestartInterval,
        bloomBitsPerKey: options.bloomBitsPerKey,
        compression: options.compression,
      };
      const recovered: ReturnType<typeof toMetadata>[] = [];
      let mem = new Memtable(random);
      const flushRecovered = async (): Promise<void> => {
        if (mem.entryCount === 0) return;
        const iterator = mem.iterator();
        try {
          const result = await writeSortedRun(
            iterator,
            { builder, targetFileBytes: Number.MAX_SAFE_INTEGER, smallestSnapshot: Number.MAX_SAFE_INTEGER, isBottommost: () => false },
            {
              newFileNumber: () => versions.newFileNumber(),
              createFile: (n) => fs.createWritable(joinPath(dir, tableFileName(n))),
              yieldToForeground: () => Promise.resolve(),
            },
          );
          for (const file of result.files) {
            await tables.open(file.fileNumber);
            recovered.push(toMetadata(file));
          }
        } finally {
          iterator.close();
        }
        mem = new Memtable(random);
      };
      // A WAL created after the last manifest edit may hold a number the manifest has not recorded
      // as used: skip past every number in the directory so no live file is ever overwritten.
      let skipped = versions.newFileNumber();
      while (skipped <= largestSeen) skipped = versions.newFileNumber();
      const replay = await replayLogs(fs, dir, logs, options.salvage, async (batch) => {
        let sequence = batch.firstSeq;
        for (const op of batch.ops) {
          if (op.type === 'put') mem.add(sequence++, ValueType.Put, op.key, op.value);
          else mem.add(sequence++, ValueType.Delete, op.key, new Uint8Array(0));
        }
        if (mem.approximateBytes >= options.memtableBytes) await flushRecovered();
      });
      await flushRecovered();
      if (recovered.length > 0) await fs.syncDirectory(dir);
      versions.lastSequence = Math.max(versions.lastSequence, replay.lastSequence);

      // The edit retiring the replayed logs is durable before the new WAL exists: a crash in between
      // must not leave a replayed log with a torn tail followed by a newer log (read as a hole).
      // Until the new WAL is created no log is needed: everything replayed is in `recovered`.
      const walNumber = versions.newFileNumber();
      await versions.logAndApply({ logNumber: walNumber, addedFiles: recovered.map((file) => ({ level: 0, file })) });
      const wal = new LogWriter(await fs.createWritable(joinPath(dir, walFileName(walNumber))), walNumber);
      await wal.start('wal');
      await wal.sync();
      await fs.syncDirectory(dir);

      const state = new StoreState(options, versions, tables, blockCache, new SnapshotList(), new Memtable(random), wal);
      state.lastSequence = versions.lastSequence;
      state.walNumber = walNumber;
      const background = new Background(state);
      const writePath = new WritePath(state, () => background.scheduleFlush());
      await background.deleteObsoleteFiles({ includeTemp: true });
      if (options.autoCompaction) background.scheduleCompaction();
      return new Store(state, writePath, background, lock);
    } catch (error) {
      await tables.closeAll();
      await versions.close();
      throw error;
    }
  }

  // ---- writes ------------------------------------------------------------------------------------

  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    return this.write([{ type: 'put', key, value }]);
  }

  delete(key: Uint8Array): Promise<void> {
    return this.write([{ type: 'delete', key }]);
  }

  /** Applies the operations atomically, in order: all or none survive any crash. */
  write(ops: readonly WriteOp[]): Promise<void> {
    try {
      this.#requireOpen();
      this.state.requireWritable();
      const bytes = validateBatch(ops);
      if (ops.length === 0) return Promise.resolve();
      return this.writePath.submit(ops, bytes);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Commits the operations here and now, as write() would, when that needs no wait — the write path
   * is idle, a commit needs no sync (sync 'none', or no WAL) and no stall is due — and returns true.
   * Returns false, having done nothing, when the write would have to queue: call write() then.
   * Throws what write() would reject with. (The table layer's write coordinator needs no in-flight
   * overlay for a write committed this way.)
   */
  writeNow(ops: readonly WriteOp[]): boolean {
    this.#requireOpen();
    this.state.requireWritable();
    if (!this.writePath.canCommitNow()) return false;
    const bytes = validateBatch(ops);
    if (ops.length > 0) this.writePath.commitNow(ops, bytes);
    return true;
  }

  // ---- reads -------------------------------------------------------------------------------------

  /** The value of `key`, or undefined. Synchronous; `await` works too. The result is the caller's copy. */
  get(key: Uint8Array, options?: ReadOptions): Uint8Array | undefined {
    this.#requireOpen();
    if (!(key instanceof Uint8Array)) throw new InvalidArgumentError('key must be a Uint8Array');
    const sequence = this.#readSequence(options?.snapshot);
    const state = this.state;
    // One hash for all: the memtables' point indexes and the tables' bloom filters use the same.
    const keyHash = hash32(key);
    let found: LookupResult = state.mem.get(key, sequence, keyHash);
    if (found !== undefined) return found === DELETED ? undefined : copyOutAll(found);
    for (let i = state.immutables.length - 1; i >= 0; i--) {
      found = state.immutables[i]!.memtable.get(key, sequence, keyHash);
      if (found !== undefined) return found === DELETED ? undefined : copyOutAll(found);
    }
    // Tables: L0 newest first (its files overlap), then at most one file per deeper level; the
    // first answer is the newest. No array is built: this is the hottest path in the store.
    // getCopy copies a found value straight out of its block; the bloom hash is computed once.
    const version = state.versions.current;
    const levels = version.levels;
    for (const file of levels[0]!) {
      if (compareUserKeyTo(file.smallestKey, key) > 0 || compareUserKeyTo(file.largestKey, key) < 0) continue;
      found = state.tables.get(file.fileNumber).getCopy(key, sequence, keyHash);
      if (found !== undefined) return found === DELETED ? undefined : found;
    }
    for (let level = 1; level < levels.length; level++) {
      const file = version.fileForKey(level, key);
      if (file === undefined) continue;
      found = state.tables.get(file.fileNumber).getCopy(key, sequence, keyHash);
      if (found !== undefined) return found === DELETED ? undefined : found;
    }
    return undefined;
  }

  /**
   * Entries in key order (or reverse) from a consistent snapshot, within the bounds. The iterator is
   * both sync- and async-iterable; breaking out of a loop releases what it pins.
   */
  scan(options: ScanOptions = {}): UserIterator {
    this.#requireOpen();
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError('scan options must be an object');
    if (options.reverse !== undefined && typeof options.reverse !== 'boolean') throw new InvalidArgumentError('reverse must be a boolean');
    if (options.borrowValues !== undefined && typeof options.borrowValues !== 'boolean') throw new InvalidArgumentError('borrowValues must be a boolean');
    if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 0)) {
      throw new InvalidArgumentError('limit must be a non-negative integer');
    }
    for (const bound of ['gte', 'gt', 'lte', 'lt'] as const) {
      const value = options[bound];
      if (value !== undefined && !(value instanceof Uint8Array)) throw new InvalidArgumentError(`${bound} must be a Uint8Array`);
    }
    const sequence = this.#readSequence(options.snapshot);
    const state = this.state;
    const version = state.versions.current;
    version.ref();
    const children: InternalIterator[] = [state.mem.iterator()];
    for (let i = state.immutables.length - 1; i >= 0; i--) children.push(state.immutables[i]!.memtable.iterator());
    for (const file of version.levels[0]!) children.push(state.tables.get(file.fileNumber).iterator());
    for (let level = 1; level < version.levels.length; level++) {
      const files = version.levels[level]!;
      if (files.length === 0) continue;
      children.push(new ConcatenatingIterator(files, (index) => state.tables.get(files[index]!.fileNumber).iterator()));
    }
    const iteratorOptions: ScanBounds & { reverse?: boolean; limit?: number; borrowValues?: boolean } = {};
    if (options.gte !== undefined) iteratorOptions.gte = options.gte;
    if (options.gt !== undefined) iteratorOptions.gt = options.gt;
    if (options.lte !== undefined) iteratorOptions.lte = options.lte;
    if (options.lt !== undefined) iteratorOptions.lt = options.lt;
    if (options.reverse !== undefined) iteratorOptions.reverse = options.reverse;
    if (options.limit !== undefined) iteratorOptions.limit = options.limit;
    if (options.borrowValues === true) iteratorOptions.borrowValues = true;
    try {
      return new UserIterator(new MergingIterator(children), sequence, iteratorOptions, () => version.unref());
    } catch (error) {
      version.unref();
      throw error;
    }
  }

  /** The sequence number of the last acknowledged write: it changes exactly when the data does. */
  get lastSequence(): number {
    return this.state.lastSequence;
  }

  /** Pins the current state for reads until released. */
  snapshot(): Snapshot {
    this.#requireOpen();
    return this.state.snapshots.create(this.state.lastSequence);
  }

  #readSequence(snapshot: Snapshot | undefined): number {
    if (snapshot === undefined) return this.state.lastSequence;
    // A foreign object or another store's snapshot would read at a sequence this store never pinned.
    if (!(snapshot instanceof Snapshot) || !snapshot.isFrom(this.state.snapshots)) {
      throw new InvalidArgumentError('snapshot must come from this store');
    }
    snapshot.requireLive();
    return snapshot.sequence;
  }

  // ---- maintenance -------------------------------------------------------------------------------

  /** Writes every acknowledged write held in memtables to L0 tables. */
  async flush(): Promise<void> {
    this.#requireOpen();
    this.state.requireWritable();
    await this.background.flushNow(() => this.writePath.seal());
  }

  /** Flushes, then compacts until no compaction is due and L0 is empty. */
  async compactUntilIdle(): Promise<void> {
    await this.flush();
    await this.background.compactUntilIdle();
  }

  /**
   * Reads every block of every live table, verifying each checksum (blocks are read from the file,
   * not the cache). Throws CorruptionError naming the file at the first damage. Returns the number of
   * entries checked. Synchronous work, chunked by file.
   */
  async verify(): Promise<{ tables: number; entries: number }> {
    this.#requireOpen();
    const version = this.state.versions.current;
    version.ref();
    let tables = 0;
    let entries = 0;
    try {
      for (const level of version.levels) {
        for (const file of level) {
          entries += this.state.tables.get(file.fileNumber).verify();
          tables++;
          await yieldToEventLoop();
        }
      }
    } finally {
      version.unref();
    }
    return { tables, entries };
  }

  stats(): StoreStats {
    this.#requireOpen();
    const state = this.state;
    const version = state.versions.current;
    return {
      lastSequence: state.lastSequence,
      memtableBytes: state.mem.approximateBytes,
      memtableEntries: state.mem.entryCount,
      immutableMemtables: state.immutables.length,
      levels: version.levels.map((files, level) => ({ level, files: files.length, bytes: version.levelBytes(level) })),
      liveSnapshots: state.snapshots.size,
      openTables: state.tables.openCount,
      blockCache: state.blockCache ? { ...state.blockCache.stats } : undefined,
      counters: { ...state.counters },
      failure: state.failure?.message,
    };
  }

  /**
   * Waits for queued writes and running background jobs, syncs the WAL, and releases the directory.
   * Without a WAL (options.writeAheadLog false) it flushes the memtables first, so a clean close keeps
   * every acknowledged write, unless options.flushOnClose is false (the writes are then dropped).
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const state = this.state;
    await this.writePath.drain();
    // No new write can come: every public call refuses once close() has begun.
    const flushed = state.options.writeAheadLog || !state.options.flushOnClose ? undefined : this.#flushForClose();
    try {
      await flushed;
    } finally {
      this.#closed = true;
      state.closing = true;
      await this.background.idle();
      await this.background.closeWorkers();
      try {
        if (state.failure === undefined) await state.wal.sync();
        await state.wal.close();
      } finally {
        await state.tables.closeAll();
        await state.versions.close();
        await this.lock.release();
      }
    }
  }

  /** Without a WAL, the memtables are the only copy of their writes: close flushes them first. */
  async #flushForClose(): Promise<void> {
    const state = this.state;
    if (state.failure !== undefined || (state.mem.entryCount === 0 && state.immutables.length === 0)) return;
    await this.background.flushNow(() => this.writePath.seal());
  }

  #requireOpen(): void {
    if (this.#closed || this.#closing) throw new ClosedError('store is closed');
  }
}
