/**
 * Crash safety of a split: a store with items and a partition map, then a split for size (one
 * store.write of the map entry). Run once to count file operations, then crash after every
 * operation from the start of the split to the end of the run, take the process-crash and the
 * power-loss images, reopen: the map must be the old one or the new one (never a mixture,
 * contiguous, decodable), and every item written before must be there exactly once.
 * A tiny memtable makes the split's write race a flush, so crash points also fall inside flushes.
 */
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { encodeStorageKey } from '../../engine/model/storage-key.js';
import { PartitionManager, type PartitionDescription } from '../../engine/partitions/index.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { CrashedError, FaultFileSystem } from '../../engine/vfs/fault.js';
import type { FileSystem } from '../../engine/vfs/types.js';
import { ReadOnlyError } from '../../engine/util/errors.js';

const ITEMS = 40;
const TUNING = { memtableBytes: 4096, blockBytes: 256, targetFileBytes: 2048 } as const;

function itemKey(i: number): Uint8Array {
  return encodeStorageKey(1, 0, { S: `item${i}` });
}

async function openAll(fs: FileSystem) {
  const clock = new ManualClock(1000);
  const store = await Store.open({ ...TUNING, path: '/db', sync: 'always', env: { fs, clock, random: new SeededRandom(3) } });
  const manager = await PartitionManager.open(store, clock, { mode: 'modelled', splitSizeBytes: 1000 });
  return { store, manager };
}

function isCrash(error: unknown): boolean {
  return error instanceof CrashedError || (error instanceof ReadOnlyError && isCrash(error.cause));
}

/** Returns the operation count when the split started, or undefined when the crash came before. */
async function workload(fault: FaultFileSystem): Promise<number | undefined> {
  let splitStart: number | undefined;
  try {
    const { store, manager } = await openAll(fault);
    await manager.createMap(1, 0, { billingMode: 'PROVISIONED', readUnitsPerSecond: 5, writeUnitsPerSecond: 5 }, false, 'S');
    for (let i = 0; i < ITEMS; i++) await store.put(itemKey(i), new Uint8Array(100).fill(i));
    splitStart = fault.operationCount;
    manager.noteSize(1, 0, itemKey(0).subarray(6), 2000);
    await manager.idle();
    await store.close();
  } catch (error) {
    if (!isCrash(error)) throw error;
  }
  return splitStart;
}

function ranges(partitions: PartitionDescription[]): string[] {
  return partitions.map((p) => `${Buffer.from(p.startKey).toString('hex')}..${p.endKey === null ? '' : Buffer.from(p.endKey).toString('hex')}`);
}

describe('split crash safety', () => {
  it('after a crash at any file operation of a split, the map is the old or the new one and no item is lost or doubled', async () => {
    const learning = new FaultFileSystem();
    const splitStart = await workload(learning);
    const total = learning.operationCount;
    expect(splitStart).toBeDefined();
    expect(total).toBeGreaterThan(splitStart!);
    const old = ['..'];
    const split = ['..80000000', '80000000..'];
    const seen = { old: 0, split: 0 };
    for (let n = splitStart!; n <= total; n++) {
      const fault = new FaultFileSystem();
      fault.crashAfter(n);
      await workload(fault);
      for (const model of ['process', 'power'] as const) {
        const image = fault.crashImage(model, new SeededRandom(n));
        const { store, manager } = await openAll(image);
        const map = ranges(manager.describe(1));
        if (map.length === 1) {
          expect(map).toEqual(old);
          seen.old++;
        } else {
          expect(map).toEqual(split);
          seen.split++;
        }
        let count = 0;
        for (const [key, value] of store.scan({ gte: itemKey(0).subarray(0, 6), lt: encodeStorageKey(2, 0, { S: '' }).subarray(0, 6) })) {
          count++;
          expect(value.length).toBe(100);
          expect(key[0]).toBe(0);
        }
        expect(count).toBe(ITEMS);
        for (let i = 0; i < ITEMS; i++) expect(store.get(itemKey(i))?.[0]).toBe(i);
        await store.close();
      }
    }
    console.log(`split crash: ${total - splitStart! + 1} crash points x 2 images; old map ${seen.old}, split map ${seen.split}`);
    // Both outcomes happened: the crash points straddle the split's durable write.
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.split).toBeGreaterThan(0);
  });
});
