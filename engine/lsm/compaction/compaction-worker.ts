/**
 * Entry point of a compaction worker thread (loaded by piscina from compaction-pool.ts): runs one
 * CompactionJob and hands the output tables' buffers back by transfer, not copy.
 *
 * Concurrency: piscina runs one task at a time per worker thread. No file system access here (and
 * no node:fs import): the main thread reads the inputs and writes the outputs.
 *
 * Priority: the thread lowers its own CPU priority (engine/vfs/thread-priority.ts: nice
 * BACKGROUND_NICE, then SCHED_IDLE where `chrt` exists), as RocksDB's low-priority compaction threads
 * do: when cores are short, the thread answering requests runs first, and a flush or a compaction no
 * longer takes time slices from it (on 2 cores with a load generator beside the server, the
 * open-loop PutItem p99 of bench:http was those slices). Every job's result says what was applied.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { lowerThisThreadPriority } from '../../vfs/thread-priority.js';
import { runCompactionJob, type CompactionJob, type CompactionJobResult } from './compaction-job.js';

/** The compaction threads' nice value (0 is the default; 19 the lowest priority). */
export const BACKGROUND_NICE = 10;

const priority = lowerThisThreadPriority(BACKGROUND_NICE);

export default async function compact(job: CompactionJob): Promise<unknown> {
  const result: CompactionJobResult = { ...(await runCompactionJob(job)), threadPriority: priority };
  const buffers = new Set<ArrayBufferLike>();
  for (const file of result.files) buffers.add(file.bytes.buffer);
  // Piscina's Transferable protocol: the value crosses by structured clone, the listed buffers move.
  return move({
    [transferableSymbol]: [...buffers],
    [valueSymbol]: result,
  });
}
