/**
 * Compactions and flushes on real worker threads. The worker must be compiled JavaScript (a worker
 * thread cannot load this TypeScript the way vitest does), so this test compiles the storage engine
 * with tsc into a temporary directory and drives that build's Store: the same workload with
 * compactionThreads 1 and 0 must end in the same contents, with the worker path actually taken;
 * jobs are paced (compaction/pace.ts) only while nothing presses.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store as StoreClass } from '../../../engine/lsm/index.js';
import type { Env } from '../../../engine/vfs/env.js';

const root = resolve(import.meta.dirname, '../../..');
let build = '';
let Store: typeof StoreClass;
let memoryEnv: () => Env;

beforeAll(async () => {
  build = mkdtempSync(join(tmpdir(), 'silt-worker-build-'));
  symlinkSync(join(root, 'node_modules'), join(build, 'node_modules'), 'dir');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const files = ['engine/lsm/index.ts', 'engine/lsm/compaction/compaction-worker.ts', 'engine/lsm/compaction/thread-priority.ts', 'engine/vfs/env.ts'];
  const flags = ['--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', '--skipLibCheck', '--rootDir', root, '--outDir', build];
  await promisify(execFile)(process.execPath, [tsc, ...flags, ...files.map((f) => join(root, f))], { cwd: root });
  expect(existsSync(join(build, 'engine/lsm/compaction/compaction-worker.js'))).toBe(true);
  ({ Store } = (await import(pathToFileURL(join(build, 'engine/lsm/index.js')).href)) as { Store: typeof StoreClass });
  ({ memoryEnv } = (await import(pathToFileURL(join(build, 'engine/vfs/env.js')).href)) as { memoryEnv: () => Env });
}, 300_000);

afterAll(() => {
  if (build !== '') rmSync(build, { recursive: true, force: true });
});

/** Each thread of this process by thread id: its nice value and scheduling policy (Linux: /proc/self/task/<tid>/stat fields 19 and 41). */
function threadPriorities(): Map<number, { nice: number; policy: number }> {
  const out = new Map<number, { nice: number; policy: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), { nice: Number(fields[19 - 3]), policy: Number(fields[41 - 3]) });
  }
  return out;
}

/** SCHED_IDLE's number in /proc stat and sched_setscheduler. */
const SCHED_IDLE = 5;

/** Whether a thread can enter the idle class here the way the workers do (util-linux's chrt present and allowed). */
function canEnterIdleClass(): boolean {
  try {
    execFileSync('chrt', ['--idle', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `batches` writes of 100 puts and deletes over 40,000 keys. */
async function writeBatches(store: StoreClass, batches: number): Promise<void> {
  // Values of pseudo-random bytes (LZ4 must not shrink the tables below the worker threshold).
  let state = 1;
  const value = new Uint8Array(100);
  for (let batch = 0; batch < batches; batch++) {
    const ops = [];
    for (let i = 0; i < 100; i++) {
      const n = ((batch * 100 + i) * 7919) % 40_000;
      for (let j = 0; j < value.length; j++) value[j] = (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
      value[0] = n & 0xff;
      const key = new TextEncoder().encode(`key${n}`);
      ops.push(i % 13 === 0 && batch > 100 ? { type: 'delete' as const, key } : { type: 'put' as const, key, value });
    }
    await store.write(ops);
  }
}

async function fill(
  compactionThreads: number,
  beforeClose: () => void = () => {},
): Promise<{ contents: string[]; counters: Record<string, number> }> {
  const store = await Store.open({
    path: '/db',
    env: memoryEnv(),
    sync: 'none',
    memtableBytes: 2 << 20,
    targetFileBytes: 1 << 20,
    l1BytesMax: 4 << 20,
    compactionThreads,
  });
  await writeBatches(store, 600);
  await store.compactUntilIdle();
  const contents: string[] = [];
  for (const [key, v] of store.scan()) {
    let hash = 0;
    for (const byte of v) hash = (Math.imul(hash, 31) + byte) >>> 0;
    contents.push(`${new TextDecoder().decode(key)}=${hash}:${v.length}`);
  }
  const counters = { ...store.stats().counters } as unknown as Record<string, number>;
  beforeClose();
  await store.close();
  return { contents, counters };
}

describe('compaction workers (compiled build)', () => {
  it('compact and flush on worker threads to the same contents as the main thread', async () => {
    const threaded = await fill(1);
    const inThread = await fill(0);
    expect(threaded.counters.workerCompactions).toBeGreaterThan(0);
    expect(threaded.counters.workerFlushes).toBeGreaterThan(0);
    // Writes as fast as the store takes them keep a second memtable waiting (stopWaits), so jobs are
    // mostly hurried; how many pause at all depends on timing (a job dispatched between two seals
    // may pause before the next one), so only the bound is checked here. Pacing itself is tested
    // below, with writes that wait for their flush.
    expect(threaded.counters.stopWaits).toBeGreaterThan(0);
    expect(threaded.counters.workerPacedJobs).toBeLessThanOrEqual(threaded.counters.workerCompactions! + threaded.counters.workerFlushes!);
    expect(inThread.counters.workerCompactions).toBe(0);
    expect(inThread.counters.workerFlushes).toBe(0);
    expect(threaded.contents.length).toBeGreaterThan(1000);
    expect(threaded.contents).toEqual(inThread.contents);
  }, 300_000);

  it('pace a flush that nothing presses (compaction/pace.ts)', async () => {
    const store = await Store.open({ path: '/db', env: memoryEnv(), sync: 'none', memtableBytes: 2 << 20, compactionThreads: 1 });
    // About one memtable of writes at a time, then no writes until its flush is done.
    for (let round = 0; round < 3; round++) {
      await writeBatches(store, 70);
      while (store.stats().immutableMemtables > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const counters = store.stats().counters;
    await store.close();
    expect(counters.workerFlushes).toBeGreaterThan(0);
    expect(counters.workerPacedJobs).toBeGreaterThan(0);
    expect(counters.workerPacedJobs).toBeLessThanOrEqual(counters.workerFlushes + counters.workerCompactions);
  }, 300_000);

  it('pace no flush a caller waits on (Store.flush)', async () => {
    const store = await Store.open({ path: '/db', env: memoryEnv(), sync: 'none', memtableBytes: 64 << 20, compactionThreads: 1 });
    await writeBatches(store, 150);
    await store.flush();
    const counters = store.stats().counters;
    await store.close();
    expect(counters.workerFlushes).toBe(1);
    expect(counters.workerPacedJobs).toBe(0);
  }, 300_000);

  it.runIf(process.platform === 'linux')('run in the idle scheduling class (or at nice 19 where it is out of reach), below the thread answering requests, on Linux', async () => {
    let threads = new Map<number, { nice: number; policy: number }>();
    const { counters } = await fill(1, () => {
      threads = threadPriorities();
    });
    // This thread (the process's main thread, tid = pid, or this vitest worker) keeps priority 0 and the normal class;
    // the compaction worker, still alive while the store is open, is lowered.
    expect(threads.get(process.pid)).toEqual({ nice: 0, policy: 0 });
    const lowered = [...threads.values()].filter((thread) => thread.nice === 19);
    expect(lowered.length).toBeGreaterThanOrEqual(1);
    const workerJobs = counters['workerFlushes']! + counters['workerCompactions']!;
    expect(workerJobs).toBeGreaterThan(0);
    if (canEnterIdleClass()) {
      expect(lowered.every((thread) => thread.policy === SCHED_IDLE)).toBe(true);
      expect(counters['workerIdleJobs']).toBe(workerJobs);
    } else {
      expect(counters['workerIdleJobs']).toBe(0);
    }
  }, 300_000);

  it.runIf(process.platform === 'linux')('a thread that cannot reach the idle class keeps nice 19 and says why', async () => {
    const script = `import { parentPort } from 'node:worker_threads';
      import { lowerThreadPriority } from ${JSON.stringify(pathToFileURL(join(build, 'engine/lsm/compaction/thread-priority.js')).href)};
      parentPort.postMessage(lowerThreadPriority());`;
    const lower = (env: Record<string, string>): Promise<{ policy: string; reason: string }> =>
      new Promise((resolvePriority, reject) => {
        const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(script)}`), { env });
        worker.once('message', (message: { policy: string; reason: string }) => {
          resolvePriority(message);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    const without = await lower({ PATH: '/nonexistent' }); // chrt cannot be found
    expect(without.policy).toBe('nice');
    expect(without.reason).toMatch(/ENOENT/);
    if (canEnterIdleClass()) expect(await lower({ PATH: process.env['PATH'] ?? '' })).toEqual({ policy: 'idle', reason: '' });
  }, 60_000);
});
