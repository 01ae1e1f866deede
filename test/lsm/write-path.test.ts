/**
 * The write path's synchronous fast path (sync 'none', idle path, no stall due): writes commit
 * inside submit() yet keep the loop's guarantees — order, visibility once resolved, a failed append
 * failing the store — and hand over to the group-commit loop whenever it is busy or a stall is due.
 */
import { describe, expect, it } from 'vitest';
import { Store, type StoreOptions } from '../../engine/lsm/index.js';
import { ClosedError, InvalidArgumentError, IOError, ReadOnlyError } from '../../engine/util/errors.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { FaultFileSystem } from '../../engine/vfs/fault.js';
import type { FileSystem } from '../../engine/vfs/types.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string): Uint8Array => enc.encode(s);

function open(fs: FileSystem, options: Partial<StoreOptions> = {}): Promise<Store> {
  return Store.open({ path: '/db', env: { fs, clock: new ManualClock(0), random: new SeededRandom(1) }, sync: 'none', memtableBytes: 8192, blockBytes: 256, targetFileBytes: 2048, l1BytesMax: 8192, ...options });
}

describe('write path fast path (sync none)', () => {
  it('commits awaited puts one group each, visible at once, across memtable switches and flushes', async () => {
    const fs = new FaultFileSystem();
    const store = await open(fs);
    for (let i = 0; i < 400; i++) {
      await store.put(k(`key${i % 50}`), k(`value${i}`));
      expect(dec.decode(store.get(k(`key${i % 50}`))!)).toBe(`value${i}`);
    }
    const { counters } = store.stats();
    expect(counters.writeBatches).toBe(400);
    expect(counters.writeGroups).toBe(400);
    expect(counters.flushes).toBeGreaterThan(0);
    await store.close();
    const reopened = await open(fs);
    for (let j = 0; j < 50; j++) expect(dec.decode(reopened.get(k(`key${j}`))!)).toBe(`value${350 + j}`);
    await reopened.close();
  });

  it('keeps submission order when writes are issued without awaiting, around a flush', async () => {
    const store = await open(new FaultFileSystem());
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      writes.push(store.put(k('same'), k(`v${i}`)));
      if (i === 150) writes.push(store.flush());
      writes.push(store.write([{ type: 'put', key: k(`k${i}`), value: k(`${i}`) }]));
    }
    await Promise.all(writes);
    expect(dec.decode(store.get(k('same'))!)).toBe('v299');
    for (let i = 0; i < 300; i++) expect(dec.decode(store.get(k(`k${i}`))!)).toBe(`${i}`);
    await store.close();
  });

  it('a failed WAL append rejects that write and makes the store read-only; nothing of it is visible', async () => {
    const fs = new FaultFileSystem();
    const store = await open(fs);
    await store.put(k('kept'), k('1'));
    fs.injectError({ kind: 'append', pathIncludes: '.wal', errno: 'EIO' });
    const failed = await store.put(k('failed'), k('x')).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(IOError);
    expect(store.get(k('failed'))).toBeUndefined();
    await expect(store.put(k('later'), k('x'))).rejects.toBeInstanceOf(ReadOnlyError);
    await store.close();
    const reopened = await open(fs);
    expect(dec.decode(reopened.get(k('kept'))!)).toBe('1');
    expect(reopened.get(k('failed'))).toBeUndefined();
    await reopened.close();
  });
});

describe('Store.writeNow', () => {
  it('commits on the spot when the path is idle and needs no sync, and is visible before any await', async () => {
    const store = await open(new FaultFileSystem());
    expect(store.writeNow([{ type: 'put', key: k('a'), value: k('1') }])).toBe(true);
    expect(dec.decode(store.get(k('a'))!)).toBe('1');
    expect(store.writeNow([])).toBe(true);
    expect(store.stats().counters.writeGroups).toBe(1);
    await store.close();
  });

  it('declines, doing nothing, when a commit would wait: sync always with a WAL, or a busy commit loop', async () => {
    const durable = await open(new FaultFileSystem(), { sync: 'always' });
    expect(durable.writeNow([{ type: 'put', key: k('a'), value: k('1') }])).toBe(false);
    expect(durable.get(k('a'))).toBeUndefined();
    await durable.close();

    const store = await open(new FaultFileSystem());
    await store.put(k('before'), k('1'));
    const flushed = store.flush(); // queues a seal: the commit loop is busy until it runs
    expect(store.writeNow([{ type: 'put', key: k('b'), value: k('2') }])).toBe(false);
    expect(store.get(k('b'))).toBeUndefined();
    await flushed;
    expect(store.writeNow([{ type: 'put', key: k('b'), value: k('2') }])).toBe(true);
    await store.close();
  });

  it('throws what write() rejects with, and writes nothing', async () => {
    const store = await open(new FaultFileSystem());
    expect(() => store.writeNow([{ type: 'put', key: k('a'), value: 'text' as unknown as Uint8Array }])).toThrow(InvalidArgumentError);
    expect(store.get(k('a'))).toBeUndefined();
    await store.close();
    expect(() => store.writeNow([{ type: 'put', key: k('a'), value: k('1') }])).toThrow(ClosedError);
  });
});
