/**
 * Lowering the calling thread's CPU priority, for background threads (the compaction workers):
 * part of the environment, as the file system is, because it talks to the operating system.
 *
 * Two steps on Linux, as RocksDB's low-priority thread pool takes them (Env::LowerThreadPoolCPUPriority
 * with CpuPriority::kLow, then kIdle):
 * 1. nice `nice` for the thread. Linux keeps nice values per thread, so setpriority on "this
 *    process" (pid 0) from a thread changes that thread alone. Elsewhere it would slow the whole
 *    process, so it is skipped.
 * 2. The SCHED_IDLE policy, by util-linux's `chrt` (Node has no sched_setscheduler). A nice value
 *    only weighs a thread's share of a busy core; the scheduler still places a waking thread beside
 *    it rather than on the core it occupies. A core running only SCHED_IDLE threads counts as idle:
 *    the thread answering requests wakes onto it and preempts the background work at once. Measured
 *    on the 2-core bench machine (bench:http, PutItem, 20 s open loop at half the closed-loop rate,
 *    a load generator on the same cores): event-loop stalls of 6–25 ms all through every compaction
 *    with nice 10 alone; at most one or two of ~6–8 ms with SCHED_IDLE; open-loop p99 7.8/8.2 ms →
 *    5.6/6.7 ms. A thread with SCHED_IDLE runs only on otherwise idle cores: when the foreground
 *    keeps every core busy, flushes wait, writes stall on full memtables, and the foreground's idle
 *    time lets them finish.
 * Lowering one's own priority needs no privilege. Without `chrt`, step 2 is skipped and said so.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import * as os from 'node:os';

export interface LoweredPriority {
  /** 'idle': SCHED_IDLE (and the nice value); 'nice': the nice value only; 'unchanged': neither (not Linux). */
  applied: 'idle' | 'nice' | 'unchanged';
  /** Why SCHED_IDLE was not applied, when it was not. */
  reason?: string;
}

/** How long `chrt` may take before the thread gives up on SCHED_IDLE. */
const CHRT_TIMEOUT_MS = 5_000;

export function lowerThisThreadPriority(nice: number): LoweredPriority {
  if (process.platform !== 'linux') return { applied: 'unchanged', reason: `not Linux (${process.platform})` };
  os.setPriority(nice);
  let tid: string;
  try {
    // "<pid>/task/<tid>": this thread's id, which sched_setscheduler takes.
    tid = readlinkSync('/proc/thread-self').split('/').pop()!;
    execFileSync('chrt', ['--idle', '--pid', '0', tid], { stdio: 'ignore', timeout: CHRT_TIMEOUT_MS });
  } catch (error) {
    return { applied: 'nice', reason: error instanceof Error ? error.message : String(error) };
  }
  return { applied: 'idle' };
}
