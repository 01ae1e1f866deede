import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { ClosedError, InvalidArgumentError, LockedError } from '../../engine/util/errors.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import type { Env } from '../../engine/vfs/env.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../engine/vfs/node.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string): Uint8Array => enc.encode(s);
const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : dec.decode(b));

function memEnv(fs = new MemoryFileSystem()): Env {
  return { fs, clock: new ManualClock(0), random: new SeededRandom(1) };
}

const small = { memtableBytes: 4096, blockBytes: 256, targetFileBytes: 2048, l1BytesMax: 8192 } as const;

function scanAll(store: Store, options: Parameters<Store['scan']>[0] = {}): [string, string][] {
  return [...store.scan(options)].map(([key, value]) => [dec.decode(key), dec.decode(value)]);
}

describe('Store', () => {
  it('puts, gets, deletes and overwrites', async () => {
    const store = await Store.open({ path: '/db', env: memEnv() });
    await store.put(k('a'), k('1'));
    await store.put(k('b'), k('2'));
    expect(text(store.get(k('a')))).toBe('1');
    await store.put(k('a'), k('3'));
    expect(text(store.get(k('a')))).toBe('3');
    await store.delete(k('b'));
    expect(store.get(k('b'))).toBeUndefined();
    expect(store.get(k('missing'))).toBeUndefined();
    expect(await store.get(k('a'))).toEqual(k('3')); // awaitable too
    await store.close();
  });

  it('returns copies the caller may mutate', async () => {
    const store = await Store.open({ path: '/db', env: memEnv() });
    const value = k('value');
    await store.put(k('x'), value);
    value[0] = 0;
    const read = store.get(k('x'))!;
    expect(text(read)).toBe('value');
    read[0] = 0;
    expect(text(store.get(k('x')))).toBe('value');
    await store.close();
  });

  it('applies a batch atomically and in order', async () => {
    const store = await Store.open({ path: '/db', env: memEnv() });
    await store.write([
      { type: 'put', key: k('a'), value: k('1') },
      { type: 'delete', key: k('a') },
      { type: 'put', key: k('b'), value: k('2') },
    ]);
    expect(store.get(k('a'))).toBeUndefined();
    expect(text(store.get(k('b')))).toBe('2');
    await store.close();
  });

  it('scans in order with bounds, reverse and limit across memtable, L0 and deeper levels', async () => {
    const store = await Store.open({ path: '/db', env: memEnv(), ...small });
    const expected = new Map<string, string>();
    for (let i = 0; i < 600; i++) {
      const key = `key${String((i * 37) % 500).padStart(4, '0')}`;
      expected.set(key, `v${i}`);
      await store.put(k(key), k(`v${i}`));
      if (i % 97 === 0) await store.delete(k(`key${String(i % 500).padStart(4, '0')}`)).then(() => expected.delete(`key${String(i % 500).padStart(4, '0')}`));
      if (i === 300) await store.compactUntilIdle();
    }
    const sorted = [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    expect(scanAll(store)).toEqual(sorted);
    expect(scanAll(store, { reverse: true })).toEqual([...sorted].reverse());
    const inRange = sorted.filter(([key]) => key >= 'key0100' && key < 'key0200');
    expect(scanAll(store, { gte: k('key0100'), lt: k('key0200') })).toEqual(inRange);
    expect(scanAll(store, { gte: k('key0100'), lt: k('key0200'), reverse: true, limit: 5 })).toEqual([...inRange].reverse().slice(0, 5));
    for (const [key, value] of sorted) expect(text(store.get(k(key)))).toBe(value);
    const stats = store.stats();
    expect(stats.levels.some((level) => level.level > 0 && level.files > 0)).toBe(true);
    await store.close();
  });

  it('reads through a snapshot see the state when it was taken', async () => {
    const store = await Store.open({ path: '/db', env: memEnv(), ...small });
    await store.put(k('a'), k('old'));
    const snapshot = store.snapshot();
    await store.put(k('a'), k('new'));
    await store.delete(k('a'));
    for (let i = 0; i < 300; i++) await store.put(k(`filler${i}`), new Uint8Array(50));
    await store.compactUntilIdle();
    expect(store.get(k('a'))).toBeUndefined();
    expect(text(store.get(k('a'), { snapshot }))).toBe('old');
    expect(scanAll(store, { snapshot, lte: k('a') })).toEqual([['a', 'old']]);
    snapshot.release();
    expect(() => store.get(k('a'), { snapshot })).toThrow(ClosedError);
    await store.close();
  });

  it('survives reopen: WAL replay, then tables', async () => {
    const fs = new MemoryFileSystem();
    let store = await Store.open({ path: '/db', env: memEnv(fs), ...small });
    for (let i = 0; i < 200; i++) await store.put(k(`k${i}`), k(`v${i}`));
    await store.delete(k('k5'));
    await store.close();
    store = await Store.open({ path: '/db', env: memEnv(fs), ...small });
    expect(text(store.get(k('k7')))).toBe('v7');
    expect(store.get(k('k5'))).toBeUndefined();
    await store.put(k('k7'), k('again'));
    await store.compactUntilIdle();
    await store.close();
    store = await Store.open({ path: '/db', env: memEnv(fs), ...small });
    expect(text(store.get(k('k7')))).toBe('again');
    expect(scanAll(store).length).toBe(199);
    await store.close();
  });

  it('deletes obsolete files after flush and compaction', async () => {
    const fs = new MemoryFileSystem();
    const store = await Store.open({ path: '/db', env: memEnv(fs), ...small });
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 100; i++) await store.put(k(`k${i}`), k(`round${round}`));
      await store.compactUntilIdle();
    }
    const names = await fs.list('/db');
    const stats = store.stats();
    const liveTables = stats.levels.reduce((sum, level) => sum + level.files, 0);
    expect(names.filter((n) => n.endsWith('.sst')).length).toBe(liveTables);
    expect(names.filter((n) => n.endsWith('.wal')).length).toBe(1);
    expect(names.filter((n) => n.startsWith('MANIFEST-')).length).toBe(1);
    await store.close();
  });

  it('groups concurrent durable writes into fewer syncs', async () => {
    const store = await Store.open({ path: '/db', env: memEnv(), sync: 'always' });
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.put(k(`c${i}`), k('v'))));
    const { counters } = store.stats();
    expect(counters.writeBatches).toBe(64);
    expect(counters.writeGroups).toBeLessThan(64);
    expect(counters.walSyncs).toBe(counters.writeGroups);
    await store.close();
  });

  it('validates arguments at the boundary', async () => {
    const store = await Store.open({ path: '/db', env: memEnv() });
    await expect(store.put('a' as unknown as Uint8Array, k('v'))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.write([{ type: 'nope', key: k('a') } as unknown as { type: 'delete'; key: Uint8Array }])).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => store.scan({ gte: k('a'), gt: k('b') })).toThrow(InvalidArgumentError);
    expect(() => store.scan({ limit: -1 })).toThrow(InvalidArgumentError);
    await expect(Store.open({ path: '' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(Store.open({ path: '/x', env: memEnv(), memtableBytes: 1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await store.close();
    await expect(store.put(k('a'), k('b'))).rejects.toBeInstanceOf(ClosedError);
    expect(() => store.get(k('a'))).toThrow(ClosedError);
  });

  it('locks its directory against a second open', async () => {
    const fs = new MemoryFileSystem();
    const store = await Store.open({ path: '/db', env: memEnv(fs) });
    await expect(Store.open({ path: '/db', env: memEnv(fs) })).rejects.toBeInstanceOf(LockedError);
    await store.close();
    const again = await Store.open({ path: '/db', env: memEnv(fs) });
    await again.close();
  });

  it('works on the real file system', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silt-store-'));
    try {
      const env: Env = { fs: new NodeFileSystem(), clock: new ManualClock(0), random: new SeededRandom(3) };
      let store = await Store.open({ path: dir, env, ...small });
      for (let i = 0; i < 500; i++) await store.put(k(`n${i}`), k(`v${i}`));
      await store.compactUntilIdle();
      await store.close();
      store = await Store.open({ path: dir, env, ...small });
      expect(text(store.get(k('n499')))).toBe('v499');
      expect(scanAll(store).length).toBe(500);
      await store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Store.verify', () => {
  it('checks every live table and reports damage as corruption', async () => {
    const fs = new MemoryFileSystem();
    const store = await Store.open({ path: '/db', env: memEnv(fs), ...small });
    for (let i = 0; i < 300; i++) await store.put(k(`v${i}`), k(`value${i}`));
    await store.compactUntilIdle();
    const result = await store.verify();
    expect(result.entries).toBe(300);
    expect(result.tables).toBeGreaterThan(0);
    const table = (await fs.list('/db')).find((name) => name.endsWith('.sst'))!;
    const data = fs.files.get(`/db/${table}`)!;
    data.bytes[10] = data.bytes[10]! ^ 0x04; // inside the first data block
    await expect(store.verify()).rejects.toMatchObject({ code: 'SILT_CORRUPTION' });
    await store.close();
  });
});

describe('Store manifest rotation while running', () => {
  it('rotates the manifest past manifestBytesMax and recovers the same state', async () => {
    const fs = new MemoryFileSystem();
    let store = await Store.open({ path: '/db', env: memEnv(fs), ...small, manifestBytesMax: 1024 });
    const manifests = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      await store.put(k(`m${i % 150}`), k(`v${i}`));
      if (i % 40 === 39) await store.compactUntilIdle();
      for (const name of await fs.list('/db')) if (name.startsWith('MANIFEST-')) manifests.add(name);
    }
    expect(manifests.size).toBeGreaterThan(2); // rotated several times, not only at open
    const before = scanAll(store);
    await store.close();
    store = await Store.open({ path: '/db', env: memEnv(fs), ...small, manifestBytesMax: 1024 });
    expect(scanAll(store)).toEqual(before);
    expect((await fs.list('/db')).filter((n) => n.startsWith('MANIFEST-')).length).toBe(1);
    await store.close();
  });
});
