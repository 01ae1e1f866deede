/**
 * Partition manager micro-benchmark: the cost of capacity accounting on the hot path, admit + charge
 * per request, in 'modelled' mode (uniform keys over many partition keys; one hot key; reads and
 * writes) against 'unlimited'. The table is provisioned 40,000 RCU / 40,000 WCU (54 partitions). The
 * clock moves 1 ms per reading (admit reads it once per request; charge uses admit's time), so the
 * measured path is the admitted one (no throttles), refilling buckets on every request and rolling
 * windows as in production; the controller runs every simulated second.
 *
 * Issue 6 budgets capacity accounting at <= 5% of an embedded GetItem/PutItem (~3-4 us), so admit +
 * charge should cost <~ 150 ns. On a shared machine absolute ns/op drift with load, so a second table
 * times the cases interleaved with references in the same rounds and reports per-round ratios
 * (median over rounds): against hash32(key) (murmur3 over the ~20-byte key: CPU-bound work that
 * every storage key already pays) and against a Map.get(key).
 */
import { Bench } from 'tinybench';
import { perOpRows } from './per-op-table.js';
import { Store } from '../../engine/lsm/index.js';
import { encodeStorageKey } from '../../engine/model/storage-key.js';
import { isThrottle, PartitionManager, type AccessKind } from '../../engine/partitions/index.js';
import type { Clock } from '../../engine/util/clock.js';
import { hash32 } from '../../engine/util/hash.js';
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

  let sink = 0;
  const lookupMap = new Map<Uint8Array, number>(keys.map((key, i) => [key, i]));
  const referenceHash = (): void => {
    for (let i = 0; i < BATCH; i++) sink += hash32(order[i]!);
  };
  const referenceMapGet = (): void => {
    for (let i = 0; i < BATCH; i++) sink += lookupMap.get(order[i]!)!;
  };
  const cases: [string, () => void][] = [
    ['reference: hash32(key)', referenceHash],
    ['reference: Map.get(key)', referenceMapGet],
    ['admit+charge unlimited', requests(unlimited, 'read', (i) => order[i]!)],
    ['admit+charge modelled, read, uniform keys', requests(modelled, 'read', (i) => order[i]!)],
    ['admit+charge modelled, write, uniform keys', requests(modelled, 'write', (i) => order[i]!)],
    ['admit+charge modelled, read, one hot key', requests(modelled, 'read', () => hot)],
  ];

  const bench = new Bench({ time: 2_000, iterations: 3, warmupIterations: 1 });
  for (const [name, fn] of cases) bench.add(name, fn);
  await bench.run();
  console.table(perOpRows(bench, () => BATCH));
  console.table(interleavedRatios(cases));
  console.log(`admitted ${admitted.toLocaleString('en-US')}, throttled ${throttled.toLocaleString('en-US')} (reference checksum ${sink % 997})`);
  await modelled.idle();
}

const ROUNDS = 30;

/**
 * Runs every case once per round, in order, ROUNDS times, and reports per case the median ns/op and
 * the median over rounds of its ratio to each reference timed in the same round (load on a shared
 * machine shifts all cases of a round alike, so ratios are steadier than absolute times).
 */
function interleavedRatios(cases: readonly [string, () => void][]): Record<string, string>[] {
  const times = cases.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    cases.forEach(([, fn], i) => {
      const start = process.hrtime.bigint();
      fn();
      times[i]!.push(Number(process.hrtime.bigint() - start) / BATCH);
    });
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const ratio = (i: number, reference: number): string => median(times[i]!.map((t, round) => t / times[reference]![round]!)).toFixed(2);
  const unlimited = cases.findIndex(([name]) => name === 'admit+charge unlimited');
  return cases.map(([name], i) => ({
    'task (interleaved)': name,
    'median ns/op': median(times[i]!).toFixed(1),
    '× hash32': ratio(i, 0),
    '× Map.get': ratio(i, 1),
    'ns over unlimited': name.startsWith('reference') ? '' : median(times[i]!.map((t, round) => t - times[unlimited]![round]!)).toFixed(1),
  }));
}
