/**
 * Entry point of a compaction worker thread (loaded by piscina from compaction-pool.ts): runs one
 * CompactionJob and hands the output tables' buffers back by transfer, not copy.
 *
 * Concurrency: piscina runs one task at a time per worker thread. No file system access here (and
 * no node:fs import): the main thread reads the inputs and writes the outputs.
 *
 * Priority: on Linux the thread lowers its own CPU priority (nice BACKGROUND_NICE), as RocksDB's
 * low-priority compaction threads do: when cores are short, the scheduler runs the foreground
 * first, and a flush no longer takes time slices from the thread answering requests (on 2 cores
 * with a load generator beside the server, the open-loop PutItem p99 of bench:http was those
 * slices). Linux keeps nice values per thread, so setpriority on "this process" (pid 0) from a
 * thread changes that thread alone; elsewhere it would slow the whole process, so it is skipped.
 * Lowering one's own priority needs no privilege.
 */
import * as os from 'node:os';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { movableBuffers } from '../../util/shared-memory.js';
import { runCompactionJob, type CompactionJob, type CompactionJobResult } from './compaction-job.js';

/** The compaction threads' nice value (0 is the default; 19 the lowest priority). */
export const BACKGROUND_NICE = 10;

if (process.platform === 'linux') os.setPriority(BACKGROUND_NICE);

export default async function compact(job: CompactionJob): Promise<unknown> {
  const result: CompactionJobResult = await runCompactionJob(job);
  // Outputs in shared memory (CompactionJob.sharedOutputs) are shared as they are; the rest move.
  const buffers = new Set<ArrayBufferLike>(movableBuffers(result.files.map((file) => file.bytes)));
  // Piscina's Transferable protocol: the value crosses by structured clone, the listed buffers move.
  return move({
    [transferableSymbol]: [...buffers],
    [valueSymbol]: result,
  });
}
