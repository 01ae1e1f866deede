/**
 * Crash-safety regressions kept as fixed cases. The crash search itself (2,000+ random crash points
 * with process-crash and power-loss images, crashes during recovery, every crash point of short
 * workloads, the torn-tail and bit-flip sweeps) is the `crash` fuzz campaign (fuzz/crash/), run at its
 * CI budget by test/fuzz/ci-budget.test.ts and at any budget by `silt fuzz crash`.
 */
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { FaultFileSystem } from '../../engine/vfs/fault.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import { isCrashFallout } from '../../fuzz/crash/oracle.js';
import { idValue, matchingPrefix, prefixFingerprints, runWorkload, storeFingerprint, workloadKey } from '../../fuzz/crash/workload.js';
import { bytesOf, STORE_PATH, testEnv, TINY_TUNING } from '../../fuzz/lsm/model.js';
import { SeededRandom } from '../../engine/util/random.js';

describe('crash safety regressions', () => {
  it("regression (seed 20762): with sync 'none', a power loss while the memtable switches WALs does not look like corruption", async () => {
    // The old WAL used to be synced only after the new WAL's directory entry was durable: a power
    // loss in between left a torn older WAL next to a newer one, which recovery reports as a hole.
    const batches = Array.from({ length: 40 }, (_, i) => [{ type: 'put' as const, key: bytesOf(workloadKey(i)), value: idValue(i + 1, 300) }]);
    const prefixes = prefixFingerprints(batches);
    const run = async (crashAfter?: number): Promise<FaultFileSystem> => {
      const fault = new FaultFileSystem();
      if (crashAfter !== undefined) fault.crashAfter(crashAfter);
      try {
        const store = await Store.open({ ...TINY_TUNING, sync: 'none', autoCompaction: false, path: STORE_PATH, env: testEnv(fault) });
        for (const ops of batches) await store.write(ops);
      } catch (error) {
        if (!isCrashFallout(error)) throw error;
      }
      return fault;
    };
    const log = (await run()).operationLog;
    const secondWal = log.filter((op) => op.kind === 'create' && op.path.endsWith('.wal'))[1]!;
    const directorySync = log.find((op) => op.index > secondWal.index && op.kind === 'syncDirectory')!;
    const crashed = await run(directorySync.index);
    // FaultFileSystem's power model: int(4) = 2 picks "cut inside the last append", then int(n) = 1
    // keeps one byte of it: every earlier unsynced append is written back, the last one torn.
    const tearLastAppend = { next: () => 0, int: (bound: number) => (bound === 4 ? 2 : Math.min(1, bound - 1)) };
    const image = crashed.crashImage('power', tearLastAppend);
    const store = await Store.open({ ...TINY_TUNING, sync: 'none', path: STORE_PATH, env: testEnv(image) });
    expect(matchingPrefix(prefixes, storeFingerprint(store))).toBeGreaterThan(0);
    await store.close();
  });

  it('regression (seed 20796): a crash during recovery of a torn newest WAL does not look like corruption', async () => {
    // Recovery used to create its new WAL before logging the edit that retires the old ones: a crash
    // in between left the torn old WAL followed by a newer (empty) one, which reads as a hole.
    const fs = new MemoryFileSystem();
    const store = await Store.open({ path: STORE_PATH, env: testEnv(fs) });
    const batches = Array.from({ length: 5 }, (_, i) => [{ type: 'put' as const, key: bytesOf(workloadKey(i)), value: idValue(i + 1, 40) }]);
    for (const ops of batches) await store.write(ops);
    await store.close();
    const walPath = fs.fileNames().find((name) => name.endsWith('.wal'))!;
    fs.files.get(walPath)!.truncate(fs.files.get(walPath)!.length - 3); // the last record torn
    const prefixes = prefixFingerprints(batches);

    const learn = new FaultFileSystem({ initial: fs });
    await (await Store.open({ path: STORE_PATH, env: testEnv(learn) })).close();
    const log = learn.operationLog;
    const newWal = log.find((op) => op.kind === 'create' && op.path.endsWith('.wal'))!;
    const crashPoints = log.filter((op) => op.index >= newWal.index && op.index < log.length).map((op) => op.index);
    for (const n of crashPoints) {
      const fault = new FaultFileSystem({ initial: fs });
      fault.crashAfter(n);
      try {
        await (await Store.open({ path: STORE_PATH, env: testEnv(fault) })).close();
      } catch (error) {
        if (!isCrashFallout(error)) throw error;
      }
      for (const model of ['process', 'power'] as const) {
        const reopened = await Store.open({ path: STORE_PATH, env: testEnv(fault.crashImage(model)) });
        expect(storeFingerprint(reopened), `${model} crash after recovery operation ${n}`).toBe(prefixes[4]);
        await reopened.close();
      }
    }
  });
});
