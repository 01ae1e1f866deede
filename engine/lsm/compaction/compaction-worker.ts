/**
 * Entry point of a compaction worker thread (loaded by piscina from compaction-pool.ts): runs one
 * CompactionJob and hands the output tables' buffers back by transfer, not copy.
 *
 * Concurrency: piscina runs one task at a time per worker thread. No file system access here (and
 * no node:fs import): the main thread reads the inputs and writes the outputs.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runCompactionJob, type CompactionJob, type CompactionJobResult } from './compaction-job.js';

export default async function compact(job: CompactionJob): Promise<unknown> {
  const result: CompactionJobResult = await runCompactionJob(job);
  const buffers = new Set<ArrayBufferLike>();
  for (const file of result.files) buffers.add(file.bytes.buffer);
  // Piscina's Transferable protocol: the value crosses by structured clone, the listed buffers move.
  return move({
    [transferableSymbol]: [...buffers],
    [valueSymbol]: result,
  });
}
