/**
 * One compaction (or flush) run on a worker thread, from the main thread's side: read the input
 * tables through the store's file system (or flatten the memtable), allocate output file numbers,
 * hand the job to the pool, then write and sync each output table (one append + sync + close per
 * file, as TableBuilder.finish does), or, on a file system that adopts shared memory (the in-memory
 * one), have the worker build each table in shared memory and adopt it as the file: no copy on the
 * main thread. (The copy was ~0.5 ms per MB on the event loop: 2.7 ms for a 5 MB flush, ~4 ms for
 * each 8 MB compaction output, stalls in the open-loop PutItem tail of bench:http.)
 *
 * The caller (background.ts) does everything after the outputs exist exactly as for an in-thread
 * compaction: open readers, log the version edit, release the numbers, delete obsolete files.
 *
 * Concurrency: the main thread only awaits while the worker merges, so reads and writes keep flowing.
 *
 * Invariants:
 * 1. Nothing is written unless the worker succeeded; a worker failure (including running out of
 *    pre-allocated numbers, or damage it met in an input) returns undefined with every allocated
 *    number released, and the caller compacts in-thread — which reports damage with its proper error.
 * 2. On success, the numbers of the outputs stay pending (the caller releases them once the version
 *    edit is durable); the unused ones are released here.
 */
import type { ThreadPriority } from './thread-priority.js';
import { LEVEL_COUNT } from '../../limits.js';
import type { FileSystem } from '../../vfs/types.js';
import { joinPath } from '../../vfs/types.js';
import { userKeyOf } from '../internal-key.js';
import { tableFileName } from '../manifest/file-names.js';
import type { FileMetadata } from '../manifest/version-edit.js';
import type { Version } from '../manifest/version.js';
import type { TableBuilderOptions, TableFileInfo } from '../sstable/index.js';
import type { CompactionJob } from './compaction-job.js';
import type { CompactionPool } from './compaction-pool.js';
import type { Memtable } from '../memtable/memtable.js';
import type { SortedRunResult } from './sorted-run-writer.js';

export interface WorkerCompactionContext {
  fs: FileSystem;
  dir: string;
  pool: CompactionPool;
  builder: TableBuilderOptions;
  targetFileBytes: number;
  /** Read when the job is dispatched, as the in-thread path reads it when it starts. */
  smallestSnapshot(): number;
  /** Allocates a file number and marks it pending (not to be deleted as obsolete). */
  newFileNumber(): number;
  releaseFileNumber(fileNumber: number): void;
  /** The CPU priority the worker that ran a job reports (thread-priority.ts). */
  notePriority(priority: ThreadPriority): void;
  /** The store's pace cell (CompactionJob.pace; background.ts keeps it). */
  pace: Int32Array;
  /** The pauses a paced job took. */
  notePauses(pauses: number): void;
}

/** Output numbers to allocate: outputs are cut at the target size and hold no more than the inputs. */
export function outputFileNumbersNeeded(inputBytes: number, targetFileBytes: number): number {
  return Math.ceil((inputBytes * 1.25) / targetFileBytes) + 2;
}

/**
 * Compacts `inputs` (in merge order) into `outputLevel` of `version` (which the caller pins) on the
 * pool. Undefined when the worker failed and nothing was written.
 */
export async function compactInWorker(
  context: WorkerCompactionContext,
  inputs: readonly FileMetadata[],
  version: Version,
  outputLevel: number,
): Promise<SortedRunResult | undefined> {
  const { fs, dir } = context;
  const tables: CompactionJob['tables'] = [];
  let inputBytes = 0;
  for (const file of inputs) {
    const path = joinPath(dir, tableFileName(file.fileNumber));
    // A file system with shared memory (the in-memory one) lends the table's bytes where they are:
    // the worker reads them in place, and nothing is copied. Otherwise the job transfers readFile's
    // buffer: the result is the caller's (FileSystem.readFile), so it moves as it is when it fills
    // its ArrayBuffer; a view into a larger one is copied. (Inputs were always copied: with five
    // 5 MB inputs that was ~25 MB of memcpy and page faults, a ~10 ms stall on the event loop at
    // every compaction of bench:http's PutItem run; the copies, ordinary ArrayBuffers, also set
    // off a full GC.)
    const shared = await fs.readShared?.(path);
    const read = shared ?? (await fs.readFile(path));
    tables.push({ fileNumber: file.fileNumber, bytes: shared !== undefined || ownsItsBuffer(read) ? read : new Uint8Array(read) });
    inputBytes += read.length;
  }
  const deeperLevels: CompactionJob['deeperLevels'] = [];
  for (let level = outputLevel + 1; level < LEVEL_COUNT; level++) {
    deeperLevels.push(version.levels[level]!.map((file) => ({ smallest: userKeyOf(file.smallestKey), largest: userKeyOf(file.largestKey) })));
  }
  const outputFileNumbers: number[] = [];
  const count = outputFileNumbersNeeded(inputBytes, context.targetFileBytes);
  for (let i = 0; i < count; i++) outputFileNumbers.push(context.newFileNumber());
  const job: CompactionJob = {
    tables,
    builder: context.builder,
    targetFileBytes: context.targetFileBytes,
    smallestSnapshot: context.smallestSnapshot(),
    deeperLevels,
    outputFileNumbers,
  };
  return runAndWrite(context, job);
}

/**
 * Flushes an immutable memtable on the pool: the main thread takes its image (memtable-image.ts: the
 * order from the tree's leaves; the slabs themselves, shared memory) and the worker builds the table from it.
 * Undefined when the worker failed.
 */
export async function flushInWorker(context: WorkerCompactionContext, memtable: Memtable): Promise<SortedRunResult | undefined> {
  const smallestSnapshot = context.smallestSnapshot();
  // Versions the flush would drop are left out of the image (BTree.image): the worker never reads them.
  const image = memtable.image(smallestSnapshot);
  // One output (a flush is never cut), and a spare.
  const outputFileNumbers = [context.newFileNumber(), context.newFileNumber()];
  const job: CompactionJob = {
    tables: [],
    image,
    builder: context.builder,
    targetFileBytes: Number.MAX_SAFE_INTEGER,
    smallestSnapshot,
    deeperLevels: undefined,
    outputFileNumbers,
  };
  return runAndWrite(context, job);
}

async function runAndWrite(context: WorkerCompactionContext, job: CompactionJob): Promise<SortedRunResult | undefined> {
  const { fs, dir } = context;
  const outputFileNumbers = job.outputFileNumbers;
  let result;
  try {
    // Outputs in shared memory when the file system will adopt them as they are (below).
    result = await context.pool.run({ ...job, sharedOutputs: fs.adoptShared !== undefined, pace: context.pace });
  } catch {
    // Invariant 1: the in-thread path redoes the work and reports any damage with its real error.
    for (const number of outputFileNumbers) context.releaseFileNumber(number);
    return undefined;
  }
  if (result.threadPriority !== undefined) context.notePriority(result.threadPriority);
  context.notePauses(result.pauses);
  const used = new Set(result.files.map((file) => file.info.fileNumber));
  for (const number of outputFileNumbers) if (!used.has(number)) context.releaseFileNumber(number);
  const files: TableFileInfo[] = [];
  for (const { info, bytes } of result.files) {
    const path = joinPath(dir, tableFileName(info.fileNumber));
    if (fs.adoptShared !== undefined && isShared(bytes)) {
      await fs.adoptShared(path, bytes);
    } else {
      const file = await fs.createWritable(path);
      try {
        await file.append(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
    }
    files.push(info);
  }
  return { files, entriesRead: result.entriesRead, entriesDropped: result.entriesDropped };
}

function isShared(bytes: Uint8Array): bytes is Uint8Array<SharedArrayBuffer> {
  return bytes.buffer instanceof SharedArrayBuffer;
}

/** Whether `bytes` is the whole of an ordinary ArrayBuffer, which can be transferred without taking anything else along. */
function ownsItsBuffer(bytes: Uint8Array): boolean {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}
