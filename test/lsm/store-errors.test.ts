/**
 * Every error path of the Store: argument validation at the public boundary (the store is unchanged
 * afterwards), use after close and after release, and I/O failures injected through FaultFileSystem
 * (WAL append/fsync, flush, table reads, compaction, damaged CURRENT/MANIFEST, missing store, lock).
 *
 * What a failed write leaves behind (documented here, checked below): a write whose WAL append
 * failed is never on disk. A write whose append succeeded but whose fsync failed is in the OS (the
 * fault fs's visible namespace), so a reopen in the same process sees it; after a power loss it may
 * or may not be there. Either way it was rejected, and every acknowledged write survives.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KEY_BYTES_MAX, STORE_VALUE_BYTES_MAX, WRITE_BATCH_OPS_MAX } from '../../engine/limits.js';
import { Store, type StoreOptions } from '../../engine/lsm/index.js';
import { ClosedError, CorruptionError, InvalidArgumentError, IOError, LockedError, NotFoundError, ReadOnlyError } from '../../engine/util/errors.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { FaultFileSystem } from '../../engine/vfs/fault.js';
import { FileData, MemoryFileSystem } from '../../engine/vfs/memory.js';
import type { Env } from '../../engine/vfs/env.js';
import type { FileSystem } from '../../engine/vfs/types.js';
import type { WriteOp } from '../../engine/lsm/write-batch.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string): Uint8Array => enc.encode(s);

function envOf(fs: FileSystem): Env {
  return { fs, clock: new ManualClock(0), random: new SeededRandom(7) };
}

const small = { memtableBytes: 4096, blockBytes: 256, targetFileBytes: 2048, l1BytesMax: 8192, blockCacheBytes: 0 } as const;

function open(fs: FileSystem, options: Partial<StoreOptions> = {}): Promise<Store> {
  return Store.open({ path: '/db', env: envOf(fs), ...small, ...options });
}

function contents(store: Store): [string, string][] {
  return [...store.scan()].map(([key, value]) => [dec.decode(key), dec.decode(value)]);
}

/** Casts an intentionally ill-typed argument: the runtime check is the point. */
function untyped<T>(value: unknown): T {
  return value as T;
}

async function seeded(fs: FileSystem, count = 20, options: Partial<StoreOptions> = {}): Promise<Store> {
  const store = await open(fs, options);
  for (let i = 0; i < count; i++) await store.put(k(`key${String(i).padStart(3, '0')}`), k(`value${i}`));
  return store;
}

describe('Store argument validation', () => {
  it('rejects bad writes with InvalidArgumentError and leaves the store unchanged', async () => {
    const store = await seeded(new MemoryFileSystem());
    const before = contents(store);
    const sequence = store.stats().lastSequence;
    const key = k('k');
    const bigValue = new Uint8Array(STORE_VALUE_BYTES_MAX + 1);
    const maxValue = new Uint8Array(STORE_VALUE_BYTES_MAX);
    const badWrites: [string, () => Promise<void>][] = [
      ['string key', () => store.put(untyped('a'), k('v'))],
      ['null key', () => store.put(untyped(null), k('v'))],
      ['array key', () => store.put(untyped([1, 2]), k('v'))],
      ['string value', () => store.put(key, untyped('v'))],
      ['undefined value', () => store.put(key, untyped(undefined))],
      ['delete with a number key', () => store.delete(untyped(5))],
      ['oversize key', () => store.put(new Uint8Array(STORE_KEY_BYTES_MAX + 1), k('v'))],
      ['oversize delete key', () => store.delete(new Uint8Array(STORE_KEY_BYTES_MAX + 1))],
      ['oversize value', () => store.put(key, bigValue)],
      ['batch not an array', () => store.write(untyped({ type: 'put', key, value: key }))],
      ['null op', () => store.write(untyped([null]))],
      ['unknown op type', () => store.write(untyped([{ type: 'merge', key, value: key }]))],
      ['op without a type', () => store.write(untyped([{ key, value: key }]))],
      ['bad op after good ones', () => store.write([{ type: 'put', key: k('new'), value: k('v') }, untyped({ type: 'put', key: 'x', value: key })])],
      ['too many ops', () => store.write(Array.from<WriteOp>({ length: WRITE_BATCH_OPS_MAX + 1 }).fill({ type: 'delete', key }))],
      ['batch too large', () => store.write(Array.from<WriteOp>({ length: 5 }).fill({ type: 'put', key, value: maxValue }))],
    ];
    for (const [name, write] of badWrites) {
      await expect(write(), name).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(store.stats().lastSequence).toBe(sequence);
    expect(store.stats().failure).toBeUndefined();
    expect(contents(store)).toEqual(before);
    expect(store.get(k('new'))).toBeUndefined();
    await store.put(k('after'), k('ok')); // still writable
    await store.close();
  });

  it('accepts the largest key and value, and an empty batch', async () => {
    const store = await open(new MemoryFileSystem());
    await store.put(new Uint8Array(STORE_KEY_BYTES_MAX).fill(1), new Uint8Array(1000));
    await store.write([]);
    expect(store.get(new Uint8Array(STORE_KEY_BYTES_MAX).fill(1))?.length).toBe(1000);
    await store.close();
  });

  it('rejects bad reads and scans with InvalidArgumentError', async () => {
    const store = await seeded(new MemoryFileSystem());
    const before = contents(store);
    expect(() => store.get(untyped('key001'))).toThrow(InvalidArgumentError);
    expect(() => store.get(untyped(undefined))).toThrow(InvalidArgumentError);
    const badScans: [string, unknown][] = [
      ['gte and gt', { gte: k('a'), gt: k('b') }],
      ['lte and lt', { lte: k('a'), lt: k('b') }],
      ['gte a string', { gte: 'a' }],
      ['lt a number', { lt: 4 }],
      ['negative limit', { limit: -1 }],
      ['fractional limit', { limit: 1.5 }],
      ['NaN limit', { limit: Number.NaN }],
      ['string limit', { limit: '3' }],
      ['infinite limit', { limit: Number.POSITIVE_INFINITY }],
      ['null options', null],
      ['string options', 'all'],
      ['reverse not a boolean', { reverse: 'yes' }],
      ['snapshot not a snapshot', { snapshot: { sequence: 3 } }],
    ];
    for (const [name, options] of badScans) {
      expect(() => store.scan(untyped(options)), name).toThrow(InvalidArgumentError);
    }
    expect(() => store.get(k('key001'), untyped({ snapshot: 5 }))).toThrow(InvalidArgumentError);
    const other = await open(new MemoryFileSystem());
    const foreign = other.snapshot();
    expect(() => store.get(k('key001'), { snapshot: foreign })).toThrow(InvalidArgumentError);
    expect(() => store.scan({ snapshot: foreign })).toThrow(InvalidArgumentError);
    foreign.release();
    await other.close();
    // Nothing leaked: no version stays pinned, no snapshot was created.
    expect(store.stats().liveSnapshots).toBe(0);
    expect(contents(store)).toEqual(before);
    await store.close();
  });

  it('refuses a released snapshot with ClosedError', async () => {
    const store = await seeded(new MemoryFileSystem());
    const snapshot = store.snapshot();
    snapshot.release();
    expect(() => store.get(k('key001'), { snapshot })).toThrow(ClosedError);
    expect(() => store.scan({ snapshot })).toThrow(ClosedError);
    snapshot.release(); // twice is fine
    expect(store.stats().liveSnapshots).toBe(0);
    await store.close();
  });

  it('throws ClosedError for every method after close; closing twice is fine', async () => {
    const store = await seeded(new MemoryFileSystem());
    const snapshot = store.snapshot();
    const closing = store.close();
    await expect(store.put(k('a'), k('b'))).rejects.toBeInstanceOf(ClosedError); // while closing, too
    await closing;
    await store.close();
    await Promise.all([store.close(), store.close()]);
    await expect(store.put(k('a'), k('b'))).rejects.toBeInstanceOf(ClosedError);
    await expect(store.delete(k('a'))).rejects.toBeInstanceOf(ClosedError);
    await expect(store.write([{ type: 'delete', key: k('a') }])).rejects.toBeInstanceOf(ClosedError);
    await expect(store.flush()).rejects.toBeInstanceOf(ClosedError);
    await expect(store.compactUntilIdle()).rejects.toBeInstanceOf(ClosedError);
    await expect(store.verify()).rejects.toBeInstanceOf(ClosedError);
    expect(() => store.get(k('a'))).toThrow(ClosedError);
    expect(() => store.get(k('a'), { snapshot })).toThrow(ClosedError);
    expect(() => store.scan()).toThrow(ClosedError);
    expect(() => store.snapshot()).toThrow(ClosedError);
    expect(() => store.stats()).toThrow(ClosedError);
  });

  it('close waits for writes in flight and they are durable', async () => {
    const fs = new MemoryFileSystem();
    const store = await open(fs);
    const writes = Array.from({ length: 50 }, (_, i) => store.put(k(`w${i}`), k(`${i}`)));
    await store.close();
    await Promise.all(writes);
    const again = await open(fs);
    expect(contents(again).length).toBe(50);
    await again.close();
  });
});

describe('Store open errors', () => {
  it('LockedError for a second open of the same directory', async () => {
    const fs = new MemoryFileSystem();
    const store = await open(fs);
    await expect(open(fs)).rejects.toBeInstanceOf(LockedError);
    await store.put(k('still'), k('works'));
    await store.close();
  });

  it('NotFoundError with createIfMissing false on a missing or empty directory; the lock is released', async () => {
    const fs = new MemoryFileSystem();
    await expect(open(fs, { createIfMissing: false })).rejects.toBeInstanceOf(NotFoundError);
    await fs.mkdir('/db');
    await expect(open(fs, { createIfMissing: false })).rejects.toBeInstanceOf(NotFoundError);
    expect((await fs.list('/db')).filter((name) => name !== 'LOCK')).toEqual([]);
    const store = await open(fs); // not left locked
    await store.close();
    const existing = await open(fs, { createIfMissing: false });
    await existing.close();
  });

  async function closedStoreWithData(): Promise<MemoryFileSystem> {
    const fs = new MemoryFileSystem();
    const store = await seeded(fs, 200);
    await store.flush();
    for (let i = 0; i < 10; i++) await store.put(k(`late${i}`), k('x'));
    await store.flush();
    await store.put(k('wal-only'), k('y'));
    await store.close();
    return fs;
  }

  it('CorruptionError on a damaged CURRENT; salvage opens with everything', async () => {
    const fs = await closedStoreWithData();
    fs.files.set('/db/CURRENT', new FileData(k('MANIFEST-garbage\n')));
    await expect(open(fs)).rejects.toBeInstanceOf(CorruptionError);
    const salvaged = await open(fs, { salvage: true });
    expect(contents(salvaged).length).toBe(211);
    expect(dec.decode(salvaged.get(k('wal-only'))!)).toBe('y');
    await salvaged.close();
    const reopened = await open(fs); // salvage wrote a good CURRENT
    expect(contents(reopened).length).toBe(211);
    await reopened.close();
  });

  it('CorruptionError when CURRENT names a missing manifest', async () => {
    const fs = await closedStoreWithData();
    const manifest = (await fs.list('/db')).find((name) => name.startsWith('MANIFEST-'))!;
    await fs.remove(`/db/${manifest}`);
    await expect(open(fs)).rejects.toBeInstanceOf(CorruptionError);
  });

  it('CorruptionError on a damaged MANIFEST record; salvage opens', async () => {
    const fs = new MemoryFileSystem();
    const store = await seeded(fs, 100);
    await store.flush();
    await store.put(k('second'), k('flush'));
    await store.flush();
    await store.put(k('third'), k('flush'));
    await store.flush();
    await store.close();
    const manifest = (await fs.list('/db')).find((name) => name.startsWith('MANIFEST-'))!;
    const data = fs.files.get(`/db/${manifest}`)!;
    // Damage the middle of the file: an edit record with good records after it (not a torn tail).
    data.bytes[Math.floor(data.length * 0.6)]! ^= 0xff;
    await expect(open(fs)).rejects.toBeInstanceOf(CorruptionError);
    const salvaged = await open(fs, { salvage: true });
    await salvaged.put(k('writable'), k('yes'));
    expect(dec.decode(salvaged.get(k('writable'))!)).toBe('yes');
    await salvaged.close();
  });
});

describe('Store I/O failures', () => {
  for (const errno of ['EIO', 'ENOSPC'] as const) {
    it(`a failed WAL append (${errno}) rejects that write, makes the store read-only, and loses nothing acknowledged`, async () => {
      const fs = new FaultFileSystem();
      const store = await seeded(fs);
      const before = contents(store);
      fs.injectError({ kind: 'append', pathIncludes: '.wal', errno });
      const failed = await store.put(k('failed'), k('x')).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(IOError);
      expect((failed as IOError).errno).toBe(errno);
      expect(store.stats().failure).toBeDefined();
      const later = await store.put(k('later'), k('x')).catch((error: unknown) => error);
      expect(later).toBeInstanceOf(ReadOnlyError);
      expect((later as ReadOnlyError).cause).toBe(failed);
      await expect(store.flush()).rejects.toBeInstanceOf(ReadOnlyError);
      // Reads still work and see nothing of the failed write.
      expect(store.get(k('failed'))).toBeUndefined();
      expect(contents(store)).toEqual(before);
      await store.close();
      const reopened = await open(fs);
      expect(contents(reopened)).toEqual(before); // the append never happened: the write is gone
      await reopened.put(k('again'), k('ok'));
      await reopened.close();
    });

    it(`a failed WAL fsync (${errno}) rejects the whole group and every queued write`, async () => {
      const fs = new FaultFileSystem();
      const store = await seeded(fs);
      const before = contents(store);
      fs.injectError({ kind: 'sync', pathIncludes: '.wal', errno });
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.put(k(`group${i}`), k('x'))));
      expect(results.every((result) => result.status === 'rejected')).toBe(true);
      const reasons = results.map((result) => (result.status === 'rejected' ? (result.reason as unknown) : undefined));
      expect(reasons[0]).toBeInstanceOf(IOError);
      for (const reason of reasons) expect(reason instanceof IOError || reason instanceof ReadOnlyError).toBe(true);
      await expect(store.put(k('later'), k('x'))).rejects.toBeInstanceOf(ReadOnlyError);
      // Not acknowledged, so not visible in this process either (the memtable was never updated).
      expect(store.get(k('group0'))).toBeUndefined();
      expect(contents(store)).toEqual(before);
      await store.close();
      const reopened = await open(fs);
      const after = contents(reopened);
      // A prefix: all acknowledged writes, then possibly the unacknowledged group (it reached the OS).
      expect(after.filter(([key]) => !key.startsWith('group'))).toEqual(before);
      // Which unacknowledged writes came back: only group0, the one group whose append reached the
      // OS before its fsync failed (the queued writes were rejected without being appended).
      expect(after.filter(([key]) => key.startsWith('group')).map(([key]) => key)).toEqual(['group0']);
      expect(reopened.get(k('later'))).toBeUndefined();
      await reopened.close();
    });
  }

  const flushFailures: [string, { kind: 'create' | 'append' | 'sync' | 'syncDirectory'; pathIncludes: string }][] = [
    ['table create', { kind: 'create', pathIncludes: '.sst' }],
    ['table append', { kind: 'append', pathIncludes: '.sst' }],
    ['table sync', { kind: 'sync', pathIncludes: '.sst' }],
    ['directory sync', { kind: 'syncDirectory', pathIncludes: '/db' }],
    ['manifest append', { kind: 'append', pathIncludes: 'MANIFEST' }],
    ['manifest sync', { kind: 'sync', pathIncludes: 'MANIFEST' }],
  ];
  for (const [name, injection] of flushFailures) {
    it(`a failed flush (${name}) fails the store; reopen recovers every acknowledged write`, async () => {
      const fs = new FaultFileSystem();
      const store = await seeded(fs, 60, { autoCompaction: false });
      const before = contents(store);
      fs.injectError({ ...injection, errno: 'EIO' });
      const error = await store.flush().catch((caught: unknown) => caught);
      expect(error instanceof IOError || error instanceof ReadOnlyError).toBe(true);
      expect(store.stats().failure).toBeDefined();
      await expect(store.put(k('later'), k('x'))).rejects.toBeInstanceOf(ReadOnlyError);
      expect(contents(store)).toEqual(before);
      await store.close();
      fs.clearInjectedErrors();
      const reopened = await open(fs);
      expect(contents(reopened)).toEqual(before);
      await reopened.compactUntilIdle();
      expect(contents(reopened)).toEqual(before);
      await reopened.close();
    });
  }

  it('a background flush failure under load: every acknowledged write survives reopen', async () => {
    const fs = new FaultFileSystem();
    const store = await open(fs);
    fs.injectError({ kind: 'append', pathIncludes: '.sst', errno: 'ENOSPC', after: 20 });
    const acknowledged = new Map<string, string>();
    let failure: unknown;
    for (let i = 0; i < 5000 && failure === undefined; i++) {
      const key = `load${String(i % 700).padStart(4, '0')}`;
      try {
        await store.put(k(key), k(`v${i}`));
        acknowledged.set(key, `v${i}`);
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toBeInstanceOf(ReadOnlyError);
    expect(store.stats().failure).toBeDefined();
    await store.close();
    fs.clearInjectedErrors();
    const reopened = await open(fs);
    for (const [key, value] of acknowledged) expect(dec.decode(reopened.get(k(key))!)).toBe(value);
    expect(contents(reopened).length).toBe(acknowledged.size);
    await reopened.close();
  });

  it('a read EIO on a table makes that get throw IOError, never wrong data; the next read works', async () => {
    const fs = new FaultFileSystem();
    const store = await seeded(fs, 100);
    await store.flush();
    expect(store.stats().memtableEntries).toBe(0);
    fs.injectError({ kind: 'read', pathIncludes: '.sst', errno: 'EIO' });
    expect(() => store.get(k('key050'))).toThrow(IOError);
    expect(dec.decode(store.get(k('key050'))!)).toBe('value50');
    fs.injectError({ kind: 'read', pathIncludes: '.sst', errno: 'EIO' });
    expect(() => [...store.scan()]).toThrow(IOError);
    expect(contents(store).length).toBe(100);
    expect(store.stats().failure).toBeUndefined(); // a read error does not fail the store
    await store.put(k('write'), k('ok'));
    await store.close();
  });

  it('ENOSPC during compaction: read-only, nothing lost after reopen', async () => {
    const fs = new FaultFileSystem();
    const store = await open(fs, { autoCompaction: false });
    const expected = new Map<string, string>();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 80; i++) {
        const key = `c${String((i * 7 + round) % 120).padStart(3, '0')}`;
        await store.put(k(key), k(`r${round}-${i}`));
        expected.set(key, `r${round}-${i}`);
      }
      await store.flush();
    }
    await store.delete(k('c000'));
    expected.delete('c000');
    expect(store.stats().levels[0]!.files).toBeGreaterThanOrEqual(4);
    // One append per output table: the first output is written, the second fails.
    fs.injectError({ kind: 'append', pathIncludes: '.sst', errno: 'ENOSPC', after: 1 });
    await expect(store.compactUntilIdle()).rejects.toSatisfy((error: unknown) => error instanceof IOError || error instanceof ReadOnlyError);
    expect(store.stats().failure).toMatch(/ENOSPC/);
    await expect(store.put(k('x'), k('y'))).rejects.toBeInstanceOf(ReadOnlyError);
    const sorted = [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(contents(store)).toEqual(sorted);
    await store.close();
    fs.clearInjectedErrors();
    const reopened = await open(fs);
    expect(contents(reopened)).toEqual(sorted);
    await reopened.compactUntilIdle();
    expect(contents(reopened)).toEqual(sorted);
    await reopened.close();
  });
});
