/**
 * The write path: validation, group commit, memtable switching and write stalls.
 *
 * Group commit (DESIGN.md decision 3): writes queue; one commit loop at a time takes every queued
 * batch, gives them consecutive sequence numbers, frames them into ONE WAL append, fdatasyncs once
 * (sync 'always'), applies them to the memtable, publishes the new last sequence, and only then
 * resolves their promises. Writes arriving during the fdatasync join the next group.
 *
 * Invariants:
 * 1. No write is resolved before its group is durable (sync 'always') or handed to the OS ('none').
 * 2. A failed append or sync rejects every write of its group and every queued write, and fails the
 *    store (read-only until reopened): nothing after a possible hole is ever acknowledged.
 * 3. A group is applied to the memtable and `lastSequence` published with no await in between, so
 *    readers see whole batches only.
 *
 * A write that finds the path idle with sync 'none' (or no WAL) and no stall due commits at once,
 * synchronously (commitNow): the same steps as a group of one, without the loop's promises.
 *
 * Without a WAL (options.writeAheadLog false) a group skips the append and the sync; each memtable
 * still gets its log file, which stays empty past its header, so log numbering, recovery and file
 * retirement are as with one.
 *
 * Stalls: while L0 has >= l0SlowdownFiles, each group first yields once to the event loop so the
 * background merge gets the thread; at IMMUTABLE_MEMTABLES_MAX unflushed memtables or l0StopFiles,
 * the loop waits for background progress. Memtables are flushed as they fill even without
 * autoCompaction; the L0 thresholds apply only with it (see #makeRoomForWrite).
 */
import {
  GROUP_COMMIT_QUEUE_BYTES_MAX,
  IMMUTABLE_MEMTABLES_MAX,
  STORE_KEY_BYTES_MAX,
  STORE_VALUE_BYTES_MAX,
  WRITE_BATCH_BYTES_MAX,
  WRITE_BATCH_OPS_MAX,
  WRITE_PATH_SCRATCH_BYTES_MAX,
} from '../limits.js';
import { InvalidArgumentError } from '../util/errors.js';
import { yieldToEventLoop } from '../util/yield.js';
import { joinPath } from '../vfs/types.js';
import { ValueType } from './internal-key.js';
import { walFileName } from './manifest/file-names.js';
import { Memtable } from './memtable/memtable.js';
import type { StoreState } from './state.js';
import { RecordType } from './wal/format.js';
import { LogWriter } from './wal/writer.js';
import { encodeWriteBatchInto, encodedWriteBatchBytes, type WriteOp } from './write-batch.js';

interface PendingWrite {
  readonly ops: readonly WriteOp[];
  readonly bytes: number;
  /** A request to seal the memtable (flush()), ordered with the writes around it. */
  readonly seal: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

/** Checks one batch at the boundary: shapes, types and sizes. Returns its encoded size. */
export function validateBatch(ops: readonly WriteOp[]): number {
  if (!Array.isArray(ops)) throw new InvalidArgumentError('write() needs an array of operations');
  if (ops.length > WRITE_BATCH_OPS_MAX) throw new InvalidArgumentError(`a batch holds at most ${WRITE_BATCH_OPS_MAX} operations`);
  for (const op of ops) {
    if (op === null || typeof op !== 'object') throw new InvalidArgumentError('each operation must be an object');
    if (!(op.key instanceof Uint8Array)) throw new InvalidArgumentError('key must be a Uint8Array');
    if (op.key.length > STORE_KEY_BYTES_MAX) throw new InvalidArgumentError(`key longer than ${STORE_KEY_BYTES_MAX} bytes`);
    if (op.type === 'put') {
      if (!(op.value instanceof Uint8Array)) throw new InvalidArgumentError('value must be a Uint8Array');
      if (op.value.length > STORE_VALUE_BYTES_MAX) throw new InvalidArgumentError(`value longer than ${STORE_VALUE_BYTES_MAX} bytes`);
    } else if (op.type !== 'delete') {
      throw new InvalidArgumentError(`unknown operation type: ${String((op as { type: unknown }).type)}`);
    }
  }
  const bytes = encodedWriteBatchBytes(ops);
  if (bytes > WRITE_BATCH_BYTES_MAX) throw new InvalidArgumentError(`batch larger than ${WRITE_BATCH_BYTES_MAX} bytes`);
  return bytes;
}

export class WritePath {
  readonly #queue: PendingWrite[] = [];
  #committing = false;
  #drained: (() => void)[] = [];

  constructor(
    private readonly state: StoreState,
    /** Called after a memtable becomes immutable, to start its flush. */
    private readonly onImmutable: () => void,
  ) {}

  /** Queues a validated batch; resolves when it is committed. */
  submit(ops: readonly WriteOp[], bytes: number): Promise<void> {
    if (this.canCommitNow()) {
      try {
        this.commitNow(ops, bytes);
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ops, bytes, seal: false, resolve, reject });
      if (!this.#committing) this.#startCommitLoop();
    });
  }

  /**
   * Whether a batch submitted now would commit synchronously (commitNow): the path is idle, a
   * commit needs no sync (sync 'none', or no WAL), and no stall is due.
   */
  canCommitNow(): boolean {
    const options = this.state.options;
    return !this.#committing && this.#queue.length === 0 && (options.sync === 'none' || !options.writeAheadLog) && this.#roomNow();
  }

  /**
   * Seals the current memtable (if it holds anything) after every write queued before this call.
   * Runs inside the commit loop: a switch must never interleave with a group between its WAL append
   * and its memtable apply, or the group would land in a memtable its WAL does not back.
   */
  seal(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ops: [], bytes: 0, seal: true, resolve, reject });
      if (!this.#committing) this.#startCommitLoop();
    });
  }

  /** Resolves when no write is queued or in flight. */
  drain(): Promise<void> {
    if (!this.#committing && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  #startCommitLoop(): void {
    this.#committing = true;
    this.#commitLoop().then(
      () => this.#finishLoop(),
      (error: unknown) => {
        this.state.fail(error);
        this.#rejectQueued(error);
        this.#finishLoop();
      },
    );
  }

  #finishLoop(): void {
    this.#committing = false;
    // A caller resumed by the loop's last resolve() may have queued a write before this ran.
    if (this.#queue.length > 0) {
      this.#startCommitLoop();
      return;
    }
    const drained = this.#drained;
    this.#drained = [];
    for (const wake of drained) wake();
  }

  #rejectQueued(error: unknown): void {
    for (const pending of this.#queue.splice(0)) pending.reject(error);
  }

  async #commitLoop(): Promise<void> {
    const state = this.state;
    while (this.#queue.length > 0) {
      if (state.failure !== undefined) {
        try {
          state.requireWritable();
        } catch (error) {
          this.#rejectQueued(error);
        }
        return;
      }
      const head = this.#queue[0]!;
      if (head.seal) {
        this.#queue.shift();
        try {
          if (state.mem.entryCount > 0) await this.switchMemtable();
        } catch (error) {
          state.fail(error);
          head.reject(error);
          this.#rejectQueued(error);
          return;
        }
        head.resolve();
        continue;
      }
      const wait = this.#makeRoomForWrite();
      if (wait !== undefined) {
        await wait;
        continue;
      }
      const group = this.#takeGroup();
      if (state.options.writeAheadLog) {
        try {
          this.#append(group);
          if (state.options.sync === 'always') {
            await state.wal.sync();
            state.counters.walSyncs++;
          }
        } catch (error) {
          state.fail(error);
          for (const pending of group) pending.reject(error);
          this.#rejectQueued(error);
          return;
        }
      }
      this.#apply(group);
      for (const pending of group) pending.resolve();
    }
  }

  /** Appends a group to the WAL as consecutive batches (synchronously: no await before the apply with sync 'none'). */
  #append(group: readonly PendingWrite[]): void {
    const state = this.state;
    const payloads: Uint8Array[] = [];
    let sequence = state.lastSequence;
    // Encoded into one reused buffer (views stay valid until addRecordsSync has copied them).
    let groupBytes = 0;
    for (const pending of group) groupBytes += pending.bytes;
    const scratch = this.#encodeScratch(groupBytes);
    let offset = 0;
    for (const pending of group) {
      const end = encodeWriteBatchInto(scratch, offset, sequence + 1, pending.ops);
      payloads.push(scratch.subarray(offset, end));
      offset = end;
      sequence += pending.ops.length;
    }
    state.wal.addRecordsSync(RecordType.WriteBatch, payloads);
    state.counters.walBytes += groupBytes;
  }

  /**
   * The fast path of a write arriving at an idle write path with sync 'none' (or no WAL): its group
   * would be itself alone and nothing awaits between its append and its apply, so it commits right
   * here — the loop's steps for a group of one, without its promises (a serial put's largest overhead).
   * For a validated batch, only when canCommitNow() has just said so (submit, Store.writeNow).
   */
  commitNow(ops: readonly WriteOp[], bytes: number): void {
    const state = this.state;
    state.requireWritable();
    let record: Uint8Array | undefined;
    if (state.options.writeAheadLog) {
      const scratch = this.#encodeScratch(bytes);
      record = scratch.subarray(0, encodeWriteBatchInto(scratch, 0, state.lastSequence + 1, ops));
    }
    try {
      if (record !== undefined) {
        state.wal.addRecordsSync(RecordType.WriteBatch, [record]);
        state.counters.walBytes += bytes;
      }
      // After the append the batch is in the log: failing to apply it now fails the store, as in the loop.
      this.#apply([{ ops }]);
    } catch (error) {
      state.fail(error);
      throw error;
    }
  }

  /** True when #makeRoomForWrite would let a write through now (and it has no side effect to make). */
  #roomNow(): boolean {
    const state = this.state;
    const options = state.options;
    const l0Files = options.autoCompaction ? state.versions.current.fileCount(0) : 0;
    if (l0Files >= options.l0SlowdownFiles || state.mem.approximateBytes >= options.memtableBytes) return false;
    this.#slowdownDone = false; // as #makeRoomForWrite does when it lets a write through
    return true;
  }

  #scratch = new Uint8Array(0);

  /** A buffer of at least `bytes` for encoding a group; kept for the next group up to a bound. */
  #encodeScratch(bytes: number): Uint8Array {
    if (bytes <= this.#scratch.length) return this.#scratch;
    if (bytes > WRITE_PATH_SCRATCH_BYTES_MAX) return new Uint8Array(bytes);
    this.#scratch = new Uint8Array(Math.min(WRITE_PATH_SCRATCH_BYTES_MAX, Math.max(bytes, 2 * this.#scratch.length, 4096)));
    return this.#scratch;
  }

  /** Applies a durable group to the memtable and publishes it (no await: invariant 3). */
  #apply(group: readonly { readonly ops: readonly WriteOp[] }[]): void {
    const state = this.state;
    const mem = state.mem;
    let sequence = state.lastSequence;
    for (const pending of group) {
      for (const op of pending.ops) {
        sequence++;
        // The memtable copies: the caller may reuse its buffers once the promise resolves.
        if (op.type === 'put') mem.add(sequence, ValueType.Put, op.key, op.value);
        else mem.add(sequence, ValueType.Delete, op.key, EMPTY);
      }
    }
    state.lastSequence = sequence;
    state.versions.lastSequence = sequence;
    state.counters.writeBatches += group.length;
    state.counters.writeGroups++;
  }

  #takeGroup(): PendingWrite[] {
    let bytes = 0;
    let count = 0;
    while (count < this.#queue.length) {
      const next = this.#queue[count]!;
      if (next.seal) break;
      if (count > 0 && bytes + next.bytes > GROUP_COMMIT_QUEUE_BYTES_MAX) break;
      bytes += next.bytes;
      count++;
    }
    return this.#queue.splice(0, count);
  }

  #slowdownDone = false;

  /** Undefined when the write may proceed now; otherwise a promise to await before checking again. */
  #makeRoomForWrite(): Promise<void> | undefined {
    const state = this.state;
    const options = state.options;
    // L0 stalls wait for compaction to drain L0. Without autoCompaction nothing drains it on its own,
    // and flush()/compactUntilIdle() queue behind the stalled write, so a stall would never end: the
    // L0 thresholds apply only with autoCompaction (the caller owns L0's size otherwise).
    const l0Files = options.autoCompaction ? state.versions.current.fileCount(0) : 0;
    if (!this.#slowdownDone && l0Files >= options.l0SlowdownFiles) {
      this.#slowdownDone = true;
      state.counters.slowdownYields++;
      return yieldToEventLoop();
    }
    this.#slowdownDone = false;
    if (state.mem.approximateBytes < options.memtableBytes) return undefined;
    if (state.immutables.length >= IMMUTABLE_MEMTABLES_MAX || l0Files >= options.l0StopFiles) {
      state.counters.stopWaits++;
      this.onImmutable(); // make sure background work is running
      return state.waitForProgress();
    }
    return this.switchMemtable().catch((error: unknown) => {
      state.fail(error);
    });
  }

  /**
   * Seals the current memtable and starts a new one with a new WAL. The old WAL is synced first, so
   * every log but the newest is complete on disk (recovery treats a torn older log as a hole).
   */
  private async switchMemtable(): Promise<void> {
    const state = this.state;
    const { fs } = state.options.env;
    const dir = state.options.path;
    // The old WAL is made complete before the new one can become durable: a power loss in between
    // must not leave a torn older log beside a newer one (recovery reads that as a hole).
    const old = state.wal;
    await old.sync();
    const walNumber = state.versions.newFileNumber();
    const file = await fs.createWritable(joinPath(dir, walFileName(walNumber)));
    const wal = new LogWriter(file, walNumber);
    await wal.start('wal');
    await wal.sync();
    await fs.syncDirectory(dir);
    await old.close();
    state.immutables.push({ memtable: state.mem, walNumber: state.walNumber });
    state.mem = new Memtable(state.options.env.random);
    state.wal = wal;
    state.walNumber = walNumber;
    this.onImmutable();
  }
}

const EMPTY = new Uint8Array(0);
