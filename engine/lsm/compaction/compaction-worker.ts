/**
 * Entry point of a compaction worker thread (loaded by piscina from compaction-pool.ts): runs one
 * CompactionJob and hands the output tables' buffers back by transfer, not copy.
 *
 * Concurrency: piscina runs one task at a time per worker thread. No file system access here (and
 * no node:fs import): the main thread reads the inputs and writes the outputs.
 *
 * Priority: the thread lowers its own CPU priority when it starts (thread-priority.ts: the idle
 * scheduling class on Linux, else nice 19), as RocksDB's low-priority compaction threads do: when
 * cores are short, the scheduler runs the foreground first, and a flush or compaction does not
 * take time slices from the thread answering requests (on 2 cores with a load generator beside
 * the server, the open-loop p99 of bench:http was those slices). Every result says which it got.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { movableBuffers } from '../../util/shared-memory.js';
import { runCompactionJob, type CompactionJob, type CompactionJobResult } from './compaction-job.js';
import { lowerThreadPriority } from './thread-priority.js';

const PRIORITY = lowerThreadPriority();

export default async function compact(job: CompactionJob): Promise<unknown> {
  const result: CompactionJobResult = { ...(await runCompactionJob(job)), threadPriority: PRIORITY };
  // Outputs in shared memory (CompactionJob.sharedOutputs) are shared as they are; the rest move.
  const buffers = new Set<ArrayBufferLike>(movableBuffers(result.files.map((file) => file.bytes)));
  // Piscina's Transferable protocol: the value crosses by structured clone, the listed buffers move.
  return move({
    [transferableSymbol]: [...buffers],
    [valueSymbol]: result,
  });
}
