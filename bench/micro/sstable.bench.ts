/**
 * SSTable micro-benchmark: one table of 200k entries (16-byte random-looking keys, 100-byte values
 * that LZ4 shrinks by about a third), read through the table layer only. Measures point gets on a block-cache hit, on a miss
 * (no cache: read + checksum + decompress + decode per get; memory and node file systems), bloom
 * negatives, seeks, full scans, and building the table. Each task runs a batch per iteration and the
 * table reports time per operation. Inputs come from a fixed seed and are made before timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { perOpRows } from './per-op-table.js';
import { ValueType, compareUserKeySeq } from '../../engine/lsm/internal-key.js';
import { BlockCache, TableBuilder, TableReader, type TableBuilderOptions } from '../../engine/lsm/sstable/index.js';
import { BLOCK_BYTES_DEFAULT, BLOCK_RESTART_INTERVAL_DEFAULT, BLOOM_BITS_PER_KEY_DEFAULT } from '../../engine/limits.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import { NodeFileSystem } from '../../engine/vfs/node.js';
import type { FileSystem } from '../../engine/vfs/types.js';
import { SeededRandom } from '../../engine/util/random.js';

const ENTRY_COUNT = 200_000;
const KEY_BYTES = 16;
const VALUE_BYTES = 100;
const LOOKUP_BATCH = 100_000;
const MISS_BATCH = 20_000;
const SEEK_BATCH = 50_000;

const OPTIONS: TableBuilderOptions = {
  blockBytes: BLOCK_BYTES_DEFAULT,
  restartInterval: BLOCK_RESTART_INTERVAL_DEFAULT,
  bloomBitsPerKey: BLOOM_BITS_PER_KEY_DEFAULT,
  compression: 'lz4',
};

/** murmur3's finaliser: spreads i into a well-mixed 32-bit word. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The i-th key, a random-looking 16-byte string written into `out`. Lookups compute their key into
 * one scratch buffer, so the key is hot in the CPU cache as in a real get (reading 100k distinct key
 * objects from the heap would charge the table for the benchmark's own cache misses).
 */
function keyFor(i: number, out: Uint8Array): Uint8Array {
  for (let w = 0; w < KEY_BYTES / 4; w++) {
    const word = mix32(i * 4 + w + 1);
    out[w * 4] = word >>> 24;
    out[w * 4 + 1] = word >>> 16;
    out[w * 4 + 2] = word >>> 8;
    out[w * 4 + 3] = word;
  }
  return out;
}

function randomValue(random: SeededRandom): Uint8Array {
  // Half random, half a repeated pattern: roughly what LZ4 sees on JSON-ish items.
  const value = new Uint8Array(VALUE_BYTES);
  for (let j = 0; j < VALUE_BYTES / 2; j++) value[j] = random.int(256);
  for (let j = VALUE_BYTES / 2; j < VALUE_BYTES; j++) value[j] = 0x61 + (j % 4);
  return value;
}

async function writeTable(fs: FileSystem, path: string, keys: readonly Uint8Array[], values: readonly Uint8Array[]): Promise<number> {
  const builder = new TableBuilder(1, OPTIONS);
  for (let i = 0; i < keys.length; i++) builder.add(keys[i]!, i + 1, ValueType.Put, values[i]!);
  const info = await builder.finish(await fs.createWritable(path));
  return info.fileBytes;
}

export async function run(): Promise<void> {
  const random = new SeededRandom(42);
  const keys = Array.from({ length: ENTRY_COUNT }, (_, i) => keyFor(i, new Uint8Array(KEY_BYTES))).sort((a, b) =>
    compareUserKeySeq(a, 0, b, 0),
  );
  const values = Array.from({ length: ENTRY_COUNT }, () => randomValue(random));
  // Key numbers to look up: present ones are < ENTRY_COUNT, absent ones are >= it.
  const hitNumbers = Uint32Array.from({ length: LOOKUP_BATCH }, () => random.int(ENTRY_COUNT));
  const absentNumbers = Uint32Array.from({ length: LOOKUP_BATCH }, (_, i) => ENTRY_COUNT + i);
  const scratch = new Uint8Array(KEY_BYTES);

  const memory = new MemoryFileSystem();
  const fileBytes = await writeTable(memory, '/t.sst', keys, values);
  const directory = mkdtempSync(join(tmpdir(), 'silt-sstable-bench-'));
  const disk = new NodeFileSystem();
  await writeTable(disk, join(directory, 't.sst'), keys, values);

  const cache = new BlockCache(256 * 1024 * 1024);
  const cached = TableReader.open(await memory.openReadable('/t.sst'), 1, { cache, verifyChecksums: true });
  const uncached = TableReader.open(await memory.openReadable('/t.sst'), 1, { cache: undefined, verifyChecksums: true });
  const uncachedDisk = TableReader.open(await disk.openReadable(join(directory, 't.sst')), 1, { cache: undefined, verifyChecksums: true });
  for (const key of keys) cached.get(key, Number.MAX_SAFE_INTEGER); // Warm the cache with every block.
  const p = cached.properties;
  console.log(
    `table: ${ENTRY_COUNT} entries, ${fileBytes} bytes, ${p.dataBlockCount} data blocks (${p.compressedBlockCount} LZ4), ` +
      `raw ${p.rawKeyBytes + p.rawValueBytes} bytes; cache ${cache.stats.entries} blocks / ${cache.stats.bytes} bytes`,
  );

  let sink = 0;
  const batches = new Map<string, number>();
  const bench = new Bench({ time: 2_000, iterations: 3, warmupIterations: 1 });
  const add = (name: string, batch: number, fn: () => void | Promise<void>): void => {
    batches.set(name, batch);
    bench.add(name, fn);
  };

  add('get, block cache hit', LOOKUP_BATCH, () => {
    for (let i = 0; i < LOOKUP_BATCH; i++) if (cached.get(keyFor(hitNumbers[i]!, scratch), Number.MAX_SAFE_INTEGER) !== undefined) sink++;
  });
  add('get, cache miss (memory fs: read+crc+lz4+decode)', MISS_BATCH, () => {
    for (let i = 0; i < MISS_BATCH; i++) if (uncached.get(keyFor(hitNumbers[i]!, scratch), Number.MAX_SAFE_INTEGER) !== undefined) sink++;
  });
  add('get, cache miss (node fs, page cache: pread+crc+lz4+decode)', MISS_BATCH, () => {
    for (let i = 0; i < MISS_BATCH; i++) if (uncachedDisk.get(keyFor(hitNumbers[i]!, scratch), Number.MAX_SAFE_INTEGER) !== undefined) sink++;
  });
  add('get, absent key (bloom negative or false positive)', LOOKUP_BATCH, () => {
    for (let i = 0; i < LOOKUP_BATCH; i++) if (cached.get(keyFor(absentNumbers[i]!, scratch), Number.MAX_SAFE_INTEGER) === undefined) sink++;
  });
  add('seek, block cache hit', SEEK_BATCH, () => {
    const iterator = cached.iterator();
    for (let i = 0; i < SEEK_BATCH; i++) {
      iterator.seek(keyFor(absentNumbers[i]!, scratch), Number.MAX_SAFE_INTEGER);
      if (iterator.valid()) sink++;
    }
    iterator.close();
  });
  add(`scan ${ENTRY_COUNT} entries, cached blocks`, ENTRY_COUNT, () => {
    const iterator = cached.iterator();
    for (iterator.seekToFirst(); iterator.valid(); iterator.next()) sink += iterator.value().length;
    iterator.close();
  });
  add(`scan ${ENTRY_COUNT} entries, no cache (node fs)`, ENTRY_COUNT, () => {
    const iterator = uncachedDisk.iterator({ fillCache: false });
    for (iterator.seekToFirst(); iterator.valid(); iterator.next()) sink += iterator.value().length;
    iterator.close();
  });
  add(`scan ${ENTRY_COUNT} entries backward, cached blocks`, ENTRY_COUNT, () => {
    const iterator = cached.iterator();
    for (iterator.seekToLast(); iterator.valid(); iterator.prev()) sink++;
    iterator.close();
  });
  add(`build ${ENTRY_COUNT} entries (add + finish, memory fs)`, ENTRY_COUNT, async () => {
    sink += await writeTable(new MemoryFileSystem(), '/b.sst', keys, values);
  });

  await bench.run();
  const rows = perOpRows(bench, (name) => batches.get(name) ?? 1);
  console.table(rows);
  console.log(`block cache: ${JSON.stringify(cache.stats)}; filter: ${JSON.stringify(cached.filterStats)}`);
  await Promise.all([cached.close(), uncached.close(), uncachedDisk.close()]);
  rmSync(directory, { recursive: true, force: true });
  if (sink === -1) console.log('unreachable sink');
}
