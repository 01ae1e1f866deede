/**
 * The compaction worker threads of one store (piscina), so that a merge's CPU work — decompressing,
 * merging, building and compressing tables — runs on another core while the main thread serves
 * reads and writes. See compaction-job.ts for what a job is and why the main thread keeps all I/O.
 *
 * The worker is the compiled compaction-worker.js beside this file. When this module itself runs
 * from TypeScript sources (tests under vitest), there is no compiled worker to load: create()
 * returns undefined and compactions run on the main thread.
 *
 * Concurrency: run() may be called while other jobs run (piscina queues them); each resolves or
 * rejects on its own. close() waits for nothing: the caller lets running jobs finish first.
 *
 * Invariants:
 * 1. The job's input buffers are transferred (ordinary memory) or shared (shared memory): the caller
 *    must not use the former after run(), nor write to the latter.
 */
import { Piscina } from 'piscina';
import { imageTransferList } from '../memtable/memtable-image.js';
import { movableBuffers } from '../../util/shared-memory.js';
import type { CompactionJob, CompactionJobResult } from './compaction-job.js';

/** How long an idle worker thread lives before piscina ends it. */
const WORKER_IDLE_MS = 60_000;

export class CompactionPool {
  readonly #pool: Piscina;
  readonly #threads: number;
  #running = 0;

  private constructor(pool: Piscina, threads: number) {
    this.#pool = pool;
    this.#threads = threads;
  }

  /** True when a job started now would not wait behind others (flushes only go to an idle thread). */
  get hasIdleThread(): boolean {
    return this.#running < this.#threads;
  }

  /** A pool of up to `threads` workers, or undefined when threads is 0 or no compiled worker exists. */
  static create(threads: number): CompactionPool | undefined {
    if (threads === 0 || !import.meta.url.endsWith('.js')) return undefined;
    const filename = new URL('./compaction-worker.js', import.meta.url).href;
    return new CompactionPool(new Piscina({ filename, minThreads: 0, maxThreads: threads, idleTimeout: WORKER_IDLE_MS }), threads);
  }

  async run(job: CompactionJob): Promise<CompactionJobResult> {
    // Shared memory (a file system's readShared) is shared with the worker, not moved.
    const transferList = movableBuffers(job.tables.map((table) => table.bytes));
    if (job.image !== undefined) transferList.push(...imageTransferList(job.image));
    this.#running++;
    try {
      return (await this.#pool.run(job, { transferList })) as CompactionJobResult;
    } finally {
      this.#running--;
    }
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
