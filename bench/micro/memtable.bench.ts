/**
 * Memtable micro-benchmark: insert, point get (hit and miss), full scan, seek and prev at 1M entries
 * of random 16-byte keys with 100-byte values, plus gets over keys sharing an 8-byte prefix, where
 * the cached key prefix cannot decide comparisons, and over storage-key-shaped keys (`00 00 00 07
 * 00 00` — tableId 7, indexId 0 — then random bytes), whose leading zeros the prefix skips. Each task runs a
 * batch of operations per iteration and the table reports time per operation. Inputs are generated
 * before timing from a fixed seed; probe keys are fresh copies, as a caller's would be.
 */
import { Bench } from 'tinybench';
import { perOpRows } from './per-op-table.js';
import { Memtable } from '../../engine/lsm/memtable/memtable.js';
import { ValueType } from '../../engine/lsm/internal-key.js';
import { SeededRandom } from '../../engine/util/random.js';

const ENTRY_COUNT = 1_000_000;
const KEY_BYTES = 16;
const VALUE_BYTES = 100;
const LOOKUP_BATCH = 100_000;
const SEEK_BATCH = 100_000;
const PREV_BATCH = 100_000;

function randomKeys(random: SeededRandom, count: number, sharedPrefixBytes = 0): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const key = new Uint8Array(KEY_BYTES);
    key.fill(7, 0, sharedPrefixBytes);
    for (let j = sharedPrefixBytes; j < KEY_BYTES; j += 4) {
      const word = random.nextUint32();
      key[j] = word >>> 24;
      key[j + 1] = word >>> 16;
      key[j + 2] = word >>> 8;
      key[j + 3] = word;
    }
    keys.push(key);
  }
  return keys;
}

/** Storage keys of one table: `tableId u32 | indexId u16` (engine/model/FORMAT.md §2), then random bytes. */
function tableKeys(random: SeededRandom, count: number): Uint8Array[] {
  return randomKeys(random, count).map((key) => {
    key.set([0, 0, 0, 7, 0, 0]);
    return key;
  });
}

function build(keys: readonly Uint8Array[], value: Uint8Array): Memtable {
  const memtable = new Memtable(new SeededRandom(7));
  for (let i = 0; i < keys.length; i++) memtable.add(i + 1, ValueType.Put, keys[i]!, value);
  return memtable;
}

export async function run(): Promise<void> {
  const random = new SeededRandom(42);
  const keys = randomKeys(random, ENTRY_COUNT);
  // Random 16-byte keys collide with probability ~2^-128: misses are absent keys.
  const missingKeys = randomKeys(random, LOOKUP_BATCH);
  const value = new Uint8Array(VALUE_BYTES).fill(0xab);
  const full = build(keys, value);
  const hitKeys = Array.from({ length: LOOKUP_BATCH }, () => keys[random.int(ENTRY_COUNT)]!.slice());
  const prefixedKeys = randomKeys(random, ENTRY_COUNT, 8);
  const prefixed = build(prefixedKeys, value);
  const prefixedHitKeys = Array.from({ length: LOOKUP_BATCH }, () => prefixedKeys[random.int(ENTRY_COUNT)]!.slice());
  const tableKeyed = tableKeys(random, ENTRY_COUNT);
  const table = build(tableKeyed, value);
  const tableHitKeys = Array.from({ length: LOOKUP_BATCH }, () => tableKeyed[random.int(ENTRY_COUNT)]!.slice());
  let sink = 0;

  const batches = new Map<string, number>();
  const bench = new Bench({ time: 2_000, iterations: 3, warmupIterations: 1 });
  const add = (name: string, batch: number, fn: () => void): void => {
    batches.set(name, batch);
    bench.add(name, fn);
  };

  add(`insert ${ENTRY_COUNT} random keys`, ENTRY_COUNT, () => {
    sink += build(keys, value).entryCount;
  });
  add(`get hit @${ENTRY_COUNT}`, LOOKUP_BATCH, () => {
    for (let i = 0; i < LOOKUP_BATCH; i++) if (full.get(hitKeys[i]!, Number.MAX_SAFE_INTEGER) !== undefined) sink++;
  });
  add(`get miss @${ENTRY_COUNT}`, LOOKUP_BATCH, () => {
    for (let i = 0; i < LOOKUP_BATCH; i++) if (full.get(missingKeys[i]!, Number.MAX_SAFE_INTEGER) === undefined) sink++;
  });
  add(`get hit @${ENTRY_COUNT}, 8-byte shared prefix`, LOOKUP_BATCH, () => {
    for (let i = 0; i < LOOKUP_BATCH; i++) if (prefixed.get(prefixedHitKeys[i]!, Number.MAX_SAFE_INTEGER) !== undefined) sink++;
  });
  add(`get hit @${ENTRY_COUNT}, storage keys of one table`, LOOKUP_BATCH, () => {
    for (let i = 0; i < LOOKUP_BATCH; i++) if (table.get(tableHitKeys[i]!, Number.MAX_SAFE_INTEGER) !== undefined) sink++;
  });
  add(`scan ${ENTRY_COUNT} entries`, ENTRY_COUNT, () => {
    const iterator = full.iterator();
    for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
      sink += iterator.sequence() + iterator.valueType();
      if (iterator.userKey() === iterator.value()) sink++;
    }
    iterator.close();
  });
  // Reading each key's and value's length touches the caller's arrays, scattered in insertion order.
  add(`scan ${ENTRY_COUNT} entries + read lengths`, ENTRY_COUNT, () => {
    const iterator = full.iterator();
    for (iterator.seekToFirst(); iterator.valid(); iterator.next()) sink += iterator.userKey().length + iterator.value().length;
    iterator.close();
  });
  add(`seek @${ENTRY_COUNT}`, SEEK_BATCH, () => {
    const iterator = full.iterator();
    for (let i = 0; i < SEEK_BATCH; i++) {
      iterator.seek(missingKeys[i]!, Number.MAX_SAFE_INTEGER);
      if (iterator.valid()) sink++;
    }
    iterator.close();
  });
  add(`prev @${ENTRY_COUNT}`, PREV_BATCH, () => {
    const iterator = full.iterator();
    iterator.seekToLast();
    for (let i = 0; i < PREV_BATCH && iterator.valid(); i++) iterator.prev();
    sink += iterator.valid() ? 1 : 0;
    iterator.close();
  });

  await bench.run();
  const rows = perOpRows(bench, (name) => batches.get(name) ?? 1);
  console.table(rows);
  if (sink === -1) console.log('unreachable sink');
}
