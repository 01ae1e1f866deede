/**
 * The compaction threads' CPU priority: on Linux, the idle scheduling class (SCHED_IDLE), else the
 * lowest nice value. RocksDB offers the same two (Env::LowerThreadPoolCPUPriority: CpuPriority::kIdle
 * is SCHED_IDLE, kLow is nice 19).
 *
 * Why the idle class: measured on the 2-core bench machine, a background thread that is busy for
 * 300 ms every 2 s (a compaction's shape) beside bench:http's bare node:http server under a 25k/s
 * open loop moved that server's p99 from 3.4–7.4 ms (no such thread) to 71–84 ms at nice 10 and
 * 58–89 ms at nice 19, but only to 4.5–10.7 ms in the idle class (2 runs each; a continuously busy
 * thread: 420 ms at nice 10, 40 ms at nice 19, 9 ms idle). A nice value only weights the thread's
 * share: a woken request thread can still wait for a niced thread's time slice to end, while a
 * thread in the idle class is preempted at once. Silt's own open-loop PutItem p99 with 25k/s
 * offered, nice 10 against idle, in 3 alternating pairs: 5.4 / 11.4 / 7.0 ms against 4.2 / 8.6 /
 * 4.0 ms.
 *
 * How: Linux keeps scheduling attributes per thread, and Node has no call for the class, so the
 * thread finds its own id (/proc/thread-self) and runs util-linux's `chrt --idle --pid 0 <tid>`;
 * any thread may move itself into the idle class without privilege. Where that is impossible (not
 * Linux, no /proc, no chrt), the thread keeps nice 19 and the result says why. This reads the OS's
 * description of the current thread, not database files, so it does not go through the injected
 * file system (vfs/), whose faults have no meaning here.
 *
 * Call it from the thread to lower (a compaction worker, at start): it changes only that thread.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import * as os from 'node:os';

/** The nice value kept when the idle class is out of reach (19 is the lowest priority). */
export const BACKGROUND_NICE = 19;

export interface ThreadPriority {
  /** 'idle': SCHED_IDLE; 'nice': BACKGROUND_NICE only; 'unchanged': not Linux. */
  readonly policy: 'idle' | 'nice' | 'unchanged';
  /** Why the idle class was not reached ('' when it was, or off Linux). */
  readonly reason: string;
}

/** Lowers the calling thread's CPU priority as far as it can (see the header). */
export function lowerThreadPriority(): ThreadPriority {
  if (process.platform !== 'linux') return { policy: 'unchanged', reason: '' };
  os.setPriority(BACKGROUND_NICE);
  try {
    const tid = readlinkSync('/proc/thread-self').split('/').pop()!;
    execFileSync('chrt', ['--idle', '--pid', '0', tid], { stdio: 'ignore' });
    return { policy: 'idle', reason: '' };
  } catch (error) {
    // Nice 19 stays in force: slower to yield, but still below the request threads.
    return { policy: 'nice', reason: error instanceof Error ? error.message : String(error) };
  }
}
