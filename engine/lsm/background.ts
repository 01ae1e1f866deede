/**
 * Background work: flushing immutable memtables to L0 and leveled compaction, in two lanes that run
 * concurrently (a long compaction never holds up a flush, so writes stall only when L0 is truly
 * behind). Each lane runs one job at a time; the VersionSet serialises their manifest edits.
 *
 * Durability order for every job: write output tables (each synced), open their readers, log the
 * version edit (synced), and only then delete the files it made obsolete (DESIGN.md: an obsolete file
 * is deleted only after the edit that drops it is durable). A crash at any point leaves either the old
 * state or the new; orphan outputs are deleted at the next open.
 *
 * A failure in either lane fails the store (read-only) and wakes every waiter.
 *
 * Worker threads (option compactionThreads, compaction/worker-compaction.ts): a compaction, and a
 * flush when a worker is idle, can build its tables on another core; the main thread still does
 * every file operation and everything after the outputs exist, in the same order as in-thread.
 * A worker job is paced (compaction/pace.ts: short bursts with pauses between) unless something
 * presses (#updatePace): a caller waiting (flushNow, compactUntilIdle), a closing store, a second
 * memtable waiting to be flushed, or level 0 one file short of slowing writes down. The decision is
 * a shared cell the running jobs read, so a job that began paced speeds up when pressed.
 */
import { baseName, joinPath } from '../vfs/types.js';
import { ClosedError } from '../util/errors.js';
import { yieldToEventLoop } from '../util/yield.js';
import { bottommostChecker, pickCompaction, userRange, type Compaction, type LevelShape } from './compaction/picker.js';
import { writeSortedRun, type SortedRunResult, type SortedRunSink } from './compaction/sorted-run-writer.js';
import { CompactionPool } from './compaction/compaction-pool.js';
import { newPaceCell, PACE_HURRY, PACE_RELAXED } from './compaction/pace.js';
import { compactInWorker, flushInWorker, type WorkerCompactionContext } from './compaction/worker-compaction.js';
import { COMPACTION_WORKER_INPUT_BYTES_MAX, COMPACTION_WORKER_INPUT_BYTES_MIN } from '../limits.js';
import type { InternalIterator } from './iterator.js';
import { MergingIterator } from './iterators/merging-iterator.js';
import { parseFileName, tableFileName } from './manifest/file-names.js';
import type { FileMetadata, VersionEdit } from './manifest/version-edit.js';
import type { Version } from './manifest/version.js';
import type { StoreState } from './state.js';
import type { TableBuilderOptions, TableFileInfo } from './sstable/index.js';

export class Background {
  #flushing: Promise<void> | undefined;
  #compacting: Promise<void> | undefined;
  /** Output files being written by a running job: not yet live, not to be deleted. */
  readonly #pendingOutputs = new Set<number>();
  /** Per level: largest user key of the last file compacted from it (round robin). */
  readonly #pointers = new Map<number, Uint8Array>();
  #deleting: Promise<void> = Promise.resolve();
  /** Compaction worker threads, made at the first compaction big enough for them (null: none to be had). */
  #pool: CompactionPool | null | undefined;
  /** Callers waiting on flushNow or compactUntilIdle: while any waits, nothing is paced. */
  #waiting = 0;
  /** Shared with every worker job (CompactionJob.pace): whether it may pace now. */
  readonly #pace = newPaceCell(PACE_RELAXED);

  constructor(private readonly state: StoreState) {}

  get shape(): LevelShape {
    return this.state.options;
  }

  get builderOptions(): TableBuilderOptions {
    const o = this.state.options;
    return { blockBytes: o.blockBytes, restartInterval: o.blockRestartInterval, bloomBitsPerKey: o.bloomBitsPerKey, compression: o.compression };
  }

  /** Starts the flush lane if there is an immutable memtable and it is not running. */
  scheduleFlush(): void {
    this.#updatePace(); // a memtable was sealed, or writes wait on one
    if (this.#flushing || this.state.immutables.length === 0 || this.state.failure || this.state.closing) return;
    this.#flushing = this.#run(() => this.#flushAll()).finally(() => {
      this.#flushing = undefined;
      if (this.state.options.autoCompaction) this.scheduleCompaction();
    });
  }

  /** Starts the compaction lane if a compaction is due and it is not running. */
  scheduleCompaction(): void {
    if (this.#compacting || this.state.failure || this.state.closing) return;
    if (!pickCompaction(this.state.versions.current, this.shape, this.#pointers)) return;
    this.#compacting = this.#run(() => this.#compactWhileDue(false)).finally(() => {
      this.#compacting = undefined;
    });
  }

  /**
   * Flushes every immutable memtable now, after `seal` (the caller's sealing of the active memtable,
   * which schedules the flush): under the same urgency, so that flush is not paced either.
   */
  async flushNow(seal: () => Promise<void> = () => Promise.resolve()): Promise<void> {
    await this.#whileWaitedOn(async () => {
      await seal();
      while (this.state.immutables.length > 0) {
        this.state.requireWritable();
        this.#requireNotClosing();
        if (this.#flushing) await this.#flushing;
        else this.scheduleFlush();
        if (this.#flushing) await this.#flushing;
      }
    });
    this.state.requireWritable();
  }

  /** Compacts until no level is over its bound and L0 is empty. */
  compactUntilIdle(): Promise<void> {
    return this.#whileWaitedOn(() => this.#compactUntilIdle());
  }

  /** Runs `work` with a caller counted as waiting on it: no worker job paces meanwhile (#updatePace). */
  async #whileWaitedOn(work: () => Promise<void>): Promise<void> {
    this.#waiting++;
    this.#updatePace();
    try {
      await work();
    } finally {
      this.#waiting--;
      this.#updatePace();
    }
  }

  async #compactUntilIdle(): Promise<void> {
    for (;;) {
      if (this.#compacting) {
        // Look again after waking: another caller (a second compactUntilIdle, or a flush's
        // scheduleCompaction) may have started the next job first, and two jobs must never run.
        await this.#compacting;
        continue;
      }
      this.state.requireWritable();
      this.#requireNotClosing();
      if (!pickCompaction(this.state.versions.current, this.shape, this.#pointers, true)) return;
      this.#compacting = this.#run(() => this.#compactWhileDue(true)).finally(() => {
        this.#compacting = undefined;
      });
    }
  }

  /**
   * Once close() has begun, scheduled jobs do nothing (they stop early on `closing`), so a caller
   * looping until work is done would spin forever: flushNow without ever awaiting. It gets
   * ClosedError instead; what stays unflushed is in the WAL and replayed at the next open.
   */
  #requireNotClosing(): void {
    if (this.state.closing) throw new ClosedError('store closed before the flush or compaction finished');
  }

  /** Waits for running jobs to finish (used by close; jobs stop early once `closing` is set). */
  async idle(): Promise<void> {
    this.#updatePace(); // closing: running jobs finish at full speed
    while (this.#flushing || this.#compacting) {
      await Promise.all([this.#flushing, this.#compacting]);
    }
    await this.#deleting;
  }

  /** Ends the compaction worker threads (at close, after idle()). */
  async closeWorkers(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    if (pool) await pool.close();
  }

  /** The pool for a job reading `inputBytes`, or undefined to run it on this thread. */
  #workerPool(inputBytes: number): CompactionPool | undefined {
    const threads = this.state.options.compactionThreads;
    if (threads === 0 || inputBytes < COMPACTION_WORKER_INPUT_BYTES_MIN || inputBytes > COMPACTION_WORKER_INPUT_BYTES_MAX) return undefined;
    if (this.#pool === undefined) this.#pool = CompactionPool.create(threads) ?? null;
    return this.#pool ?? undefined;
  }

  async #run(job: () => Promise<void>): Promise<void> {
    try {
      await job();
    } catch (error) {
      this.state.fail(error);
    } finally {
      this.state.notify();
    }
  }

  #sink(): SortedRunSink {
    const { fs } = this.state.options.env;
    const dir = this.state.options.path;
    return {
      newFileNumber: () => {
        const number = this.state.versions.newFileNumber();
        this.#pendingOutputs.add(number);
        return number;
      },
      createFile: (fileNumber) => fs.createWritable(joinPath(dir, tableFileName(fileNumber))),
      yieldToForeground: yieldToEventLoop,
    };
  }

  async #openOutputs(files: readonly TableFileInfo[]): Promise<void> {
    if (files.length > 0) await this.state.options.env.fs.syncDirectory(this.state.options.path);
    for (const file of files) await this.state.tables.open(file.fileNumber);
  }

  #releaseOutputs(files: readonly TableFileInfo[]): void {
    for (const file of files) this.#pendingOutputs.delete(file.fileNumber);
  }

  async #flushAll(): Promise<void> {
    const state = this.state;
    while (state.immutables.length > 0 && !state.closing && !state.failure) {
      const imm = state.immutables[0]!;
      // A flush goes to a worker only when one is idle: it must not wait behind a long compaction.
      const pool = this.#workerPool(imm.memtable.approximateBytes);
      let result: SortedRunResult | undefined;
      if (pool !== undefined && pool.hasIdleThread) {
        result = await flushInWorker(this.#workerContext(pool), imm.memtable);
        if (result !== undefined) state.counters.workerFlushes++;
      }
      if (result === undefined) {
        const iterator = imm.memtable.iterator();
        try {
          result = await writeSortedRun(
            iterator,
            {
              builder: this.builderOptions,
              targetFileBytes: Number.MAX_SAFE_INTEGER,
              smallestSnapshot: state.snapshots.oldest(state.lastSequence),
              isBottommost: () => false,
            },
            this.#sink(),
          );
        } finally {
          iterator.close();
        }
      }
      await this.#openOutputs(result.files);
      const nextLog = state.immutables[1]?.walNumber ?? state.walNumber;
      const edit: VersionEdit = {
        logNumber: nextLog,
        addedFiles: result.files.map((file) => ({ level: 0, file: toMetadata(file) })),
      };
      await state.versions.logAndApply(edit);
      this.#releaseOutputs(result.files);
      state.immutables.shift();
      this.#updatePace();
      state.counters.flushes++;
      for (const file of result.files) state.counters.flushBytes += file.fileBytes;
      state.notify();
      await this.deleteObsoleteFiles();
    }
  }

  async #compactWhileDue(force: boolean): Promise<void> {
    const state = this.state;
    while (!state.closing && !state.failure) {
      const compaction = pickCompaction(state.versions.current, this.shape, this.#pointers, force);
      if (!compaction) return;
      await this.#compact(compaction);
      state.notify();
      await this.deleteObsoleteFiles();
    }
  }

  async #compact(compaction: Compaction): Promise<void> {
    const state = this.state;
    const [sources, overlaps] = compaction.inputs;
    const deletedFiles = [
      ...sources.map((file) => ({ level: compaction.level, fileNumber: file.fileNumber })),
      ...overlaps.map((file) => ({ level: compaction.outputLevel, fileNumber: file.fileNumber })),
    ];
    this.#pointers.set(compaction.level, userRange(sources)[1].slice());
    if (compaction.trivialMove) {
      const file = sources[0]!;
      await state.versions.logAndApply({ deletedFiles, addedFiles: [{ level: compaction.outputLevel, file }] });
      this.#updatePace(); // a move out of level 0 may relieve it
      state.counters.trivialMoves++;
      return;
    }
    const version = state.versions.current;
    version.ref();
    let result: SortedRunResult | undefined;
    try {
      const inputs = [...sources, ...overlaps];
      const pool = this.#workerPool(inputs.reduce((sum, file) => sum + file.fileBytes, 0));
      if (pool !== undefined) {
        result = await compactInWorker(this.#workerContext(pool), inputs, version, compaction.outputLevel);
        if (result !== undefined) state.counters.workerCompactions++;
      }
      result ??= await this.#compactInThread(inputs, version, compaction.outputLevel);
    } finally {
      version.unref();
    }
    await this.#openOutputs(result.files);
    await state.versions.logAndApply({
      deletedFiles,
      addedFiles: result.files.map((file) => ({ level: compaction.outputLevel, file: toMetadata(file) })),
    });
    this.#releaseOutputs(result.files);
    this.#updatePace();
    state.counters.compactions++;
    state.counters.entriesDropped += result.entriesDropped;
    for (const file of [...sources, ...overlaps]) state.counters.compactionBytesRead += file.fileBytes;
    for (const file of result.files) state.counters.compactionBytesWritten += file.fileBytes;
  }

  async #compactInThread(inputs: readonly FileMetadata[], version: Version, outputLevel: number): Promise<SortedRunResult> {
    const state = this.state;
    const children: InternalIterator[] = inputs.map((file) => state.tables.get(file.fileNumber).iterator());
    const input = new MergingIterator(children);
    try {
      return await writeSortedRun(
        input,
        {
          builder: this.builderOptions,
          targetFileBytes: state.options.targetFileBytes,
          smallestSnapshot: state.snapshots.oldest(state.lastSequence),
          isBottommost: bottommostChecker(version, outputLevel),
        },
        this.#sink(),
      );
    } finally {
      input.close();
    }
  }

  /**
   * Sets the pace cell the worker jobs read (compaction/pace.ts): they may pace unless a caller
   * waits (flushNow, compactUntilIdle), the store closes, a second memtable waits to be flushed, or
   * level 0 is one file short of slowing writes down (then a job's speed is the writers' speed).
   * Called wherever one of those changes.
   */
  #updatePace(): void {
    const state = this.state;
    const relaxed =
      this.#waiting === 0 &&
      !state.closing &&
      state.immutables.length <= 1 &&
      state.versions.current.levels[0]!.length < state.options.l0SlowdownFiles - 1;
    Atomics.store(this.#pace, 0, relaxed ? PACE_RELAXED : PACE_HURRY);
  }

  #workerContext(pool: CompactionPool): WorkerCompactionContext {
    const state = this.state;
    return {
      pace: this.#pace,
      notePauses: (pauses) => {
        if (pauses > 0) state.counters.workerPacedJobs++;
      },
      fs: state.options.env.fs,
      dir: state.options.path,
      pool,
      builder: this.builderOptions,
      targetFileBytes: state.options.targetFileBytes,
      smallestSnapshot: () => state.snapshots.oldest(state.lastSequence),
      newFileNumber: () => {
        const number = state.versions.newFileNumber();
        this.#pendingOutputs.add(number);
        return number;
      },
      releaseFileNumber: (number) => this.#pendingOutputs.delete(number),
      notePriority: (priority) => {
        if (priority.policy === 'idle') state.counters.workerIdleJobs++;
      },
    };
  }

  /**
   * Deletes files no live version, memtable or running job needs: tables not referenced, WALs older
   * than the manifest's logNumber, old manifests, temp files. Serialised: one pass at a time.
   */
  deleteObsoleteFiles(options: { includeTemp?: boolean } = {}): Promise<void> {
    const pass = this.#deleting.then(() => this.#deleteObsoletePass(options.includeTemp === true));
    this.#deleting = pass.catch((error: unknown) => this.state.fail(error));
    return pass;
  }

  /** Temp files are deleted only at open: later, one may be a CURRENT being written. */
  async #deleteObsoletePass(includeTemp: boolean): Promise<void> {
    const state = this.state;
    const { fs } = state.options.env;
    const dir = state.options.path;
    const names = await fs.list(dir);
    // Decide with no await between reading the live set and the decision: a job that finishes later
    // had its outputs in #pendingOutputs when we looked, and files created after the listing are not
    // in `names` at all.
    const live = state.versions.liveFileNumbers();
    const oldestLog = state.immutables[0]?.walNumber ?? state.walNumber;
    const obsolete: { name: string; kind: string; number: number }[] = [];
    for (const name of names) {
      const parsed = parseFileName(baseName(name));
      if (!parsed) continue;
      let isObsolete = false;
      switch (parsed.kind) {
        case 'wal':
          isObsolete = parsed.number < state.versions.logNumber && parsed.number < oldestLog;
          break;
        case 'table':
          isObsolete = !live.has(parsed.number) && !this.#pendingOutputs.has(parsed.number);
          break;
        case 'manifest':
          isObsolete = parsed.number < state.versions.manifestFileNumber;
          break;
        case 'temp':
          isObsolete = includeTemp;
          break;
        default:
          isObsolete = false;
      }
      if (isObsolete) obsolete.push({ name, kind: parsed.kind, number: parsed.number });
    }
    for (const file of obsolete) {
      if (file.kind === 'table') await state.tables.evict(file.number);
      await fs.remove(joinPath(dir, file.name));
      state.counters.obsoleteFilesDeleted++;
    }
  }
}

export function toMetadata(file: TableFileInfo): FileMetadata {
  return {
    fileNumber: file.fileNumber,
    fileBytes: file.fileBytes,
    entryCount: file.entryCount,
    smallestKey: file.smallestKey,
    largestKey: file.largestKey,
    smallestSeq: file.smallestSeq,
    largestSeq: file.largestSeq,
  };
}
