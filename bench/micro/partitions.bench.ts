/**
 * Partition manager micro-benchmark: the cost of capacity accounting on the hot path, admit + charge
 * per request, in 'modelled' mode (uniform keys over many partition keys; one hot key; reads and
 * writes) against 'unlimited'. The table is provisioned 40,000 RCU / 40,000 WCU (54 partitions). The
 * clock moves 1 ms per reading so the measured path is the admitted one (no throttles), refilling
 * buckets and rolling windows as in production; the controller runs every simulated second.
 */
import { Bench } from 'tinybench';
import { perOpRows } from './per-op-table.js';
import { Store } from '../../engine/lsm/index.js';
import { encodeStorageKey } from '../../engine/model/storage-key.js';
import { isThrottle, PartitionManager, type AccessKind } from '../../engine/partitions/index.js';
import type { Clock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';

/** Distinct keys: enough to overflow every partition's top-keys sketch, few enough to stay in cache as a just-encoded request key would be. */
const KEY_COUNT = 4096;
const BATCH = 100_000;

/** A clock that advances 1 ms each time it is read. */
class SteppingClock implements Clock {
  #now = 0;
  now(): number {
    return (this.#now += 1);
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

async function manager(mode: 'modelled' | 'unlimited'): Promise<PartitionManager> {
  const clock = new SteppingClock();
  const store = await Store.open({ path: '/db', sync: 'none', env: { fs: new MemoryFileSystem(), clock, random: new SeededRandom(1) } });
  const partitions = await PartitionManager.open(store, clock, { mode });
  await partitions.createMap(1, 0, { billingMode: 'PROVISIONED', readUnitsPerSecond: 40_000, writeUnitsPerSecond: 40_000 }, false, 'S');
  return partitions;
}

export async function run(): Promise<void> {
  const random = new SeededRandom(42);
  const keys = Array.from({ length: KEY_COUNT }, (_, i) => encodeStorageKey(1, 0, { S: `user#${i}` }, [{ S: 'profile' }]).subarray(6));
  const order = Array.from({ length: BATCH }, () => keys[random.int(KEY_COUNT)]!);
  const hot = keys[7]!;
  const modelled = await manager('modelled');
  const unlimited = await manager('unlimited');
  let admitted = 0;
  let throttled = 0;

  const requests = (partitions: PartitionManager, kind: AccessKind, pick: (i: number) => Uint8Array) => (): void => {
    for (let i = 0; i < BATCH; i++) {
      const key = pick(i);
      const result = partitions.admit(1, 0, kind, key);
      if (isThrottle(result)) {
        throttled++;
        continue;
      }
      partitions.charge(1, 0, result, kind, 1, key);
      admitted++;
    }
  };

  const bench = new Bench({ time: 2_000, iterations: 3, warmupIterations: 1 });
  bench.add('admit+charge unlimited', requests(unlimited, 'read', (i) => order[i]!));
  bench.add('admit+charge modelled, read, uniform keys', requests(modelled, 'read', (i) => order[i]!));
  bench.add('admit+charge modelled, write, uniform keys', requests(modelled, 'write', (i) => order[i]!));
  bench.add('admit+charge modelled, read, one hot key', requests(modelled, 'read', () => hot));
  await bench.run();
  console.table(perOpRows(bench, () => BATCH));
  console.log(`admitted ${admitted.toLocaleString('en-US')}, throttled ${throttled.toLocaleString('en-US')}`);
  await modelled.idle();
}
