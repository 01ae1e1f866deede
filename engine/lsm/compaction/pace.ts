/**
 * Pacing for a job on a compaction worker thread (CompactionJob.pace): the thread sleeps
 * COMPACTION_PACE_PAUSE_MS after every COMPACTION_PACE_ENTRIES entries, so the job takes a core in
 * bursts of about half a millisecond, a fifth of the time, instead of for the whole job at once.
 *
 * Why, when the worker already runs in the idle scheduling class (thread-priority.ts): on a
 * 2-core machine (bench:http's, with its load generator beside the server), a worker busy without
 * a break keeps one core to itself. A scheduler trace (perf sched, 10 ms buckets) of an open-loop
 * PutItem run showed the server's main thread and the client then sharing the other core: each
 * waited runnable 20% of the time during a job, against 6–8% outside one, and the requests over
 * 5 ms fell in those windows (jobs covered ~5% of the time and 48–83% of the slow requests). In
 * that trace the scheduler kept placing the woken threads on the shared core rather than on the
 * one the idle-class worker held (this kernel, a VM's 6.18); its idle class decides who runs on a
 * core, not where a woken thread goes. With
 * pacing the core is free between bursts: the waits during jobs fell to 7% (the level outside
 * them), and the jobs' windows held 1–3% of the slow requests while covering 27–29% of the time.
 *
 * Pacing is for when nothing presses. background.ts keeps one shared cell per store, handed to every
 * worker job, holding PACE_RELAXED or PACE_HURRY; a job reads it before each pause. It stores
 * PACE_HURRY while a caller waits (flush(), compactUntilIdle(), close) or writes could soon stall
 * (a second memtable waiting to be flushed, level 0 one file short of slowing writes), so a job
 * that began paced finishes at full speed once that happens.
 *
 * Atomics.wait blocks the calling thread, which is what a worker wants and what the main thread
 * must never do: only a worker runs a job with a pace cell (worker-compaction.ts).
 */
import { COMPACTION_PACE_PAUSE_MS } from '../../limits.js';

/** The pace cell's values: a job may pause, or must not. */
export const PACE_RELAXED = 1;
export const PACE_HURRY = 0;

/** A pace cell (one Int32 of shared memory), starting at `value`. */
export function newPaceCell(value: typeof PACE_RELAXED | typeof PACE_HURRY): Int32Array {
  const cell = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  cell[0] = value;
  return cell;
}

/** Never signalled: a pause is a timed wait on it. */
const SLEEP = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

/** Sleeps this thread for COMPACTION_PACE_PAUSE_MS. */
export function pauseThread(): void {
  Atomics.wait(SLEEP, 0, 0, COMPACTION_PACE_PAUSE_MS);
}
