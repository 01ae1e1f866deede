/**
 * A compaction (or a flush) as a pure function of bytes: input tables — or a memtable's image
 * (memtable/memtable-image.ts) — in, finished output tables out. This is
 * what a compaction worker thread runs (compaction-worker.ts); it does no I/O, so the main thread
 * keeps every file operation (reads of the inputs, writes and syncs of the outputs) on the store's
 * file system, where fault injection and the durability order of background.ts still apply.
 *
 * It runs exactly the in-thread merge — TableReaders over the input bytes, a MergingIterator in the
 * same child order, writeSortedRun with the same options — so its output tables are byte-for-byte
 * those of the in-thread path (tested). What cannot cross a thread boundary is made data:
 * `isBottommost` becomes the user-key ranges of the files below the output level, and the output
 * file numbers are allocated by the main thread beforehand (checksums mix them in).
 *
 * Concurrency: one call owns its inputs; nothing is shared with other calls.
 *
 * Invariants:
 * 1. Output i is written under outputFileNumbers[i], in order; if the numbers run out the job fails
 *    with OutOfFileNumbersError and the caller compacts in-thread instead.
 * 2. The result's bytes are fresh buffers owned by the result (safe to transfer).
 */
import type { ThreadPriority } from './thread-priority.js';
import { COMPACTION_PACE_ENTRIES } from '../../limits.js';
import { PACE_RELAXED, pauseThread } from './pace.js';
import { compareBytes } from '../../util/bytes.js';
import { sharedBytes } from '../../util/shared-memory.js';
import type { ReadableFile, WritableFile } from '../../vfs/types.js';
import type { InternalIterator } from '../iterator.js';
import { MergingIterator } from '../iterators/merging-iterator.js';
import { MemtableImageIterator, type MemtableImage } from '../memtable/memtable-image.js';
import { TableReader, type TableBuilderOptions, type TableFileInfo } from '../sstable/index.js';
import { writeSortedRun } from './sorted-run-writer.js';

export interface CompactionJob {
  /** Input tables in merge order (the compaction's sources, then the overlapping files below). */
  tables: { fileNumber: number; bytes: Uint8Array }[];
  /** A flush instead: an immutable memtable's image (Memtable.image). */
  image?: MemtableImage;
  builder: TableBuilderOptions;
  targetFileBytes: number;
  smallestSnapshot: number;
  /**
   * Per level below the output level: its files' [smallest, largest] user keys, in key order.
   * Undefined for a flush, which never drops a tombstone (nothing is bottommost for it).
   */
  deeperLevels: { smallest: Uint8Array; largest: Uint8Array }[][] | undefined;
  /** Numbers for the outputs, used in order. */
  outputFileNumbers: number[];
  /**
   * Build each output's bytes in shared memory, for a file system that adopts them as they are
   * (FileSystem.adoptShared); otherwise in ordinary memory, transferred back.
   */
  sharedOutputs?: boolean;
  /**
   * Pacing (pace.ts): while this shared cell holds PACE_RELAXED, the job sleeps
   * COMPACTION_PACE_PAUSE_MS after every COMPACTION_PACE_ENTRIES entries it reads; the main thread
   * stores PACE_HURRY when writes press, and the job runs at full speed from its next chunk on. For
   * a worker thread only: a pause blocks the thread that runs the job.
   */
  pace?: Int32Array;
}

export interface CompactionJobResult {
  files: { info: TableFileInfo; bytes: Uint8Array }[];
  entriesRead: number;
  entriesDropped: number;
  /** Set by a worker thread: the CPU priority it runs at (thread-priority.ts). */
  threadPriority?: ThreadPriority;
  /** Pauses the job took (CompactionJob.pace). */
  pauses: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

export class OutOfFileNumbersError extends Error {
  constructor() {
    super('compaction job ran out of pre-allocated output file numbers');
    this.name = 'OutOfFileNumbersError';
  }
}

export async function runCompactionJob(job: CompactionJob): Promise<CompactionJobResult> {
  const readers = job.tables.map(({ fileNumber, bytes }) =>
    TableReader.open(new BytesFile(`table ${fileNumber}`, bytes), fileNumber, { cache: undefined, verifyChecksums: true }),
  );
  const children: InternalIterator[] = readers.map((reader) => reader.iterator({ fillCache: false }));
  if (job.image !== undefined) children.push(new MemtableImageIterator(job.image));
  const input = new MergingIterator(children);
  const outputs = new Map<number, CollectingFile>();
  let next = 0;
  const pace = job.pace;
  let pauses = 0;
  try {
    const result = await writeSortedRun(
      input,
      {
        builder: job.builder,
        targetFileBytes: job.targetFileBytes,
        smallestSnapshot: job.smallestSnapshot,
        isBottommost: job.deeperLevels === undefined ? () => false : rangesBottommostChecker(job.deeperLevels),
      },
      {
        newFileNumber: () => {
          const number = job.outputFileNumbers[next++];
          if (number === undefined) throw new OutOfFileNumbersError();
          return number;
        },
        createFile: (fileNumber) => {
          const file = new CollectingFile(`table ${fileNumber}`);
          outputs.set(fileNumber, file);
          return Promise.resolve(file);
        },
        ...(pace === undefined
          ? { yieldToForeground: () => RESOLVED }
          : {
              entriesPerYield: COMPACTION_PACE_ENTRIES,
              yieldToForeground: () => {
                if (Atomics.load(pace, 0) === PACE_RELAXED) {
                  pauses++;
                  pauseThread();
                }
                return RESOLVED;
              },
            }),
      },
    );
    return {
      files: result.files.map((info) => ({ info, bytes: outputs.get(info.fileNumber)!.contents(job.sharedOutputs === true) })),
      entriesRead: result.entriesRead,
      entriesDropped: result.entriesDropped,
      pauses,
    };
  } finally {
    input.close();
    for (const reader of readers) await reader.close();
  }
}

/**
 * bottommostChecker (picker.ts) over key ranges instead of a Version: true when no range of any
 * deeper level holds `userKey`. Keys arrive in ascending order, so one cursor per level suffices.
 */
export function rangesBottommostChecker(levels: readonly { smallest: Uint8Array; largest: Uint8Array }[][]): (userKey: Uint8Array) => boolean {
  const cursors = levels.map(() => 0);
  return (userKey) => {
    for (let level = 0; level < levels.length; level++) {
      const ranges = levels[level]!;
      let index = cursors[level]!;
      while (index < ranges.length && compareBytes(ranges[index]!.largest, userKey) < 0) index++;
      cursors[level] = index;
      const range = ranges[index];
      if (range !== undefined && compareBytes(range.smallest, userKey) <= 0) return false;
    }
    return true;
  };
}

/** A ReadableFile over bytes in memory. */
class BytesFile implements ReadableFile {
  constructor(
    readonly path: string,
    readonly bytes: Uint8Array,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  read(position: number, length: number): Uint8Array {
    return this.bytes.subarray(position, Math.min(this.bytes.length, position + length));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A WritableFile that keeps what is appended (TableBuilder.finish appends once, syncs, closes). */
class CollectingFile implements WritableFile {
  readonly #parts: Uint8Array[] = [];
  #size = 0;

  constructor(readonly path: string) {}

  get size(): number {
    return this.#size;
  }

  append(data: Uint8Array): Promise<void> {
    this.appendSync(data);
    return Promise.resolve();
  }

  appendSync(data: Uint8Array): void {
    // A copy: the appender may reuse its buffer, and the result must own a transferable buffer.
    this.#parts.push(new Uint8Array(data));
    this.#size += data.length;
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The file's bytes: in shared memory when `shared` (a copy there, made on this thread). */
  contents(shared: boolean): Uint8Array {
    if (this.#parts.length === 1 && !shared) return this.#parts[0]!;
    const out = shared ? sharedBytes(this.#size) : new Uint8Array(this.#size);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
