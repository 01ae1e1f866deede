/**
 * Pacing for a job on a compaction worker thread (CompactionJob.paced): the thread sleeps
 * COMPACTION_PACE_PAUSE_MS after every COMPACTION_PACE_ENTRIES entries, so the job takes a core in
 * bursts of about half a millisecond, a fifth of the time, instead of for the whole job at once.
 *
 * Why, when the worker already runs in the idle scheduling class (thread-priority.ts): on a
 * 2-core machine (bench:http's, with its load generator beside the server), a worker busy without
 * a break keeps one core to itself. A scheduler trace (perf sched, 10 ms buckets) of an open-loop
 * PutItem run showed the server's main thread and the client then sharing the other core: each
 * waited runnable 20% of the time during a job, against 6–8% outside one, and the requests over
 * 5 ms fell in those windows (jobs covered ~5% of the time and 48–83% of the slow requests). The
 * scheduler does not move a woken thread onto a core that an idle-class thread keeps busy. With
 * pacing the core is free between bursts: the waits during jobs fell to 7% (the level outside
 * them), and the jobs' windows held 1–3% of the slow requests while covering 27–29% of the time.
 *
 * Atomics.wait blocks the calling thread, which is what a worker wants and what the main thread
 * must never do: only a worker runs a paced job (background.ts).
 */
import { COMPACTION_PACE_PAUSE_MS } from '../../limits.js';

const CELL = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
const RESOLVED: Promise<void> = Promise.resolve();
let pauses = 0;

/** Sleeps this thread for COMPACTION_PACE_PAUSE_MS; nothing ever wakes it early. */
export function pauseThread(): Promise<void> {
  pauses++;
  Atomics.wait(CELL, 0, 0, COMPACTION_PACE_PAUSE_MS);
  return RESOLVED;
}

/** Pauses this thread has taken (for tests). */
export function pausesTaken(): number {
  return pauses;
}
