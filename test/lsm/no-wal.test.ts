/**
 * A store without a write-ahead log (writeAheadLog false): writes go to the memtable only, and
 * commit synchronously even with sync 'always'; each memtable's log stays empty past its header; a
 * clean close flushes, so a reopen finds every write; a crash loses what no table holds yet.
 */
import { describe, expect, it } from 'vitest';
import { Store, type StoreOptions } from '../../engine/lsm/index.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { FaultFileSystem } from '../../engine/vfs/fault.js';
import type { FileSystem } from '../../engine/vfs/types.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string): Uint8Array => enc.encode(s);

function open(fs: FileSystem, options: Partial<StoreOptions> = {}): Promise<Store> {
  return Store.open({ path: '/db', env: { fs, clock: new ManualClock(0), random: new SeededRandom(1) }, sync: 'always', writeAheadLog: false, memtableBytes: 8192, blockBytes: 256, targetFileBytes: 2048, l1BytesMax: 8192, ...options });
}

async function walBytes(fs: FileSystem): Promise<number[]> {
  const names = (await fs.list('/db')).filter((name) => name.endsWith('.wal'));
  return Promise.all(names.map(async (name) => (await fs.readFile(`/db/${name}`)).length));
}

describe('store without a write-ahead log', () => {
  it('writes nothing to its logs, syncs nothing per write, and a clean close keeps every write', async () => {
    const fs = new FaultFileSystem();
    const store = await open(fs);
    const emptyLog = (await walBytes(fs))[0]!;
    for (let i = 0; i < 400; i++) await store.put(k(`key${i % 50}`), k(`value${i}`));
    await store.delete(k('key0'));
    expect(store.stats().counters.walSyncs).toBe(0);
    expect(store.stats().counters.flushes).toBeGreaterThan(0);
    expect(store.stats().memtableEntries).toBeGreaterThan(0);
    for (const bytes of await walBytes(fs)) expect(bytes).toBe(emptyLog);
    await store.close();

    const reopened = await open(fs);
    expect(reopened.get(k('key0'))).toBeUndefined();
    for (let j = 1; j < 50; j++) expect(dec.decode(reopened.get(k(`key${j}`))!)).toBe(`value${350 + j}`);
    await reopened.close();
  });

  it('commits each write before submit returns (no group-commit turn), in order', async () => {
    const store = await open(new FaultFileSystem(), { memtableBytes: 1 << 20 });
    const writes = [store.put(k('a'), k('1')), store.put(k('a'), k('2')), store.write([{ type: 'delete', key: k('b') }])];
    // Visible before any await: the fast path applied each write synchronously.
    expect(dec.decode(store.get(k('a'))!)).toBe('2');
    expect(store.stats().counters.writeGroups).toBe(3);
    await Promise.all(writes);
    await store.close();
  });

  it('a crash loses the writes no table holds yet, and only those', async () => {
    const fs = new FaultFileSystem();
    const store = await open(fs, { memtableBytes: 1 << 20 });
    await store.put(k('flushed'), k('1'));
    await store.flush();
    await store.put(k('memtable only'), k('2'));
    const image = fs.crashImage('process');
    await store.close();

    const reopened = await open(image);
    expect(dec.decode(reopened.get(k('flushed'))!)).toBe('1');
    expect(reopened.get(k('memtable only'))).toBeUndefined();
    await reopened.close();
  });

  it('with flushOnClose false, a close drops what no table holds, and keeps the tables', async () => {
    const fs = new FaultFileSystem();
    const store = await open(fs, { memtableBytes: 1 << 20, flushOnClose: false });
    await store.put(k('flushed'), k('1'));
    await store.flush();
    await store.put(k('memtable only'), k('2'));
    const files = await fs.list('/db');
    await store.close();
    expect((await fs.list('/db')).filter((name) => !files.includes(name))).toEqual([]); // no table made at close

    const reopened = await open(fs);
    expect(dec.decode(reopened.get(k('flushed'))!)).toBe('1');
    expect(reopened.get(k('memtable only'))).toBeUndefined();
    await reopened.close();
  });

  it('replays the logs a store with a WAL left, then logs nothing more', async () => {
    const fs = new FaultFileSystem();
    const logged = await open(fs, { writeAheadLog: true, memtableBytes: 1 << 20 });
    await logged.put(k('logged'), k('1'));
    await logged.close(); // with a WAL, close leaves the write in the log

    const store = await open(fs, { memtableBytes: 1 << 20 });
    expect(dec.decode(store.get(k('logged'))!)).toBe('1');
    await store.put(k('unlogged'), k('2'));
    expect(store.stats().counters.walBytes).toBe(0);
    const image = fs.crashImage('process');
    await store.close();

    const reopened = await open(image, { memtableBytes: 1 << 20 });
    expect(dec.decode(reopened.get(k('logged'))!)).toBe('1');
    expect(reopened.get(k('unlogged'))).toBeUndefined();
    await reopened.close();
  });
});
