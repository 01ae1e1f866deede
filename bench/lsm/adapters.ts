/**
 * One adapter per engine, so the workloads in workloads.ts run the same loop against Silt's Store,
 * LevelDB (classic-level) and LMDB (lmdb-js). Each adapter uses its engine the way that engine's docs
 * recommend for the operation, with binary keys and values and no per-engine tricks:
 *
 * - silt: Store with sync 'none' or 'always'; get and scan are synchronous.
 * - leveldb: classic-level with 'view' encodings; `getSync` for sync reads, `get` (thread pool) for
 *   awaited reads; one reusable iterator with `seek` + `nextv` for seeks, `nextv(1000)` for full scans;
 *   durable writes pass `{ sync: true }`.
 * - lmdb: binary keys and values; reads are synchronous; writes are lmdb-js's batched asynchronous
 *   transactions. Durable = its default commit (overlappingSync on Linux) waited on until *flushed*
 *   (`separateFlushed` and the commit promise's `flushed`), since the plain commit promise resolves
 *   before the fsync under overlappingSync. Non-durable = `noSync`.
 *
 * Caches: Silt's block cache and LevelDB's cache get the same byte budget, and Silt's memtable and
 * LevelDB's write buffer the same size (options printed in the report). LMDB has neither: it reads
 * through the OS page cache via mmap.
 *
 * Concurrency: one adapter is used by one benchmark at a time; the 64-writer mode calls `put`
 * concurrently, which every engine here supports.
 */
import { ClassicLevel } from 'classic-level';
import { open as openLmdb, type RootDatabase } from 'lmdb';
import { Store } from '../../engine/lsm/index.js';

export const ENGINE_NAMES = ['silt', 'leveldb', 'lmdb'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface EngineOpenOptions {
  /** Every write resolves only once it is on stable storage. */
  durable: boolean;
  cacheBytes: number;
  writeBufferBytes: number;
}

export interface Engine {
  readonly name: EngineName;
  /** Resolves when the engine acknowledges the write (durably when opened durable). */
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  /** One atomic batch of puts. */
  putBatch(keys: readonly Uint8Array[], values: readonly Uint8Array[]): Promise<void>;
  /** Synchronous point read. */
  getSync(key: Uint8Array): Uint8Array | undefined;
  /** The engine's awaitable point read (Silt and LMDB: the sync value; LevelDB: the async `get`). */
  getAwaitable(key: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** Positions at the first key ≥ `key` and reads up to `count` entries; returns the entries read. */
  seekRead(key: Uint8Array, count: number): number | Promise<number>;
  /** Reads every entry in key order; returns [entries, key+value bytes]. */
  scanAll(): [number, number] | Promise<[number, number]>;
  /** Brings the store to steady state before reads: everything flushed and compacted. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function openEngine(name: EngineName, dir: string, options: EngineOpenOptions): Promise<Engine> {
  switch (name) {
    case 'silt':
      return SiltEngine.open(dir, options);
    case 'leveldb':
      return LevelEngine.open(dir, options);
    case 'lmdb':
      return LmdbEngine.open(dir, options);
  }
}

class SiltEngine implements Engine {
  readonly name = 'silt';
  private constructor(readonly store: Store) {}

  static async open(dir: string, options: EngineOpenOptions): Promise<SiltEngine> {
    const store = await Store.open({
      path: dir,
      sync: options.durable ? 'always' : 'none',
      blockCacheBytes: options.cacheBytes,
      memtableBytes: options.writeBufferBytes,
    });
    return new SiltEngine(store);
  }

  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    return this.store.put(key, value);
  }

  putBatch(keys: readonly Uint8Array[], values: readonly Uint8Array[]): Promise<void> {
    const ops = new Array<{ type: 'put'; key: Uint8Array; value: Uint8Array }>(keys.length);
    for (let i = 0; i < keys.length; i++) ops[i] = { type: 'put', key: keys[i]!, value: values[i]! };
    return this.store.write(ops);
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    return this.store.get(key);
  }

  getAwaitable(key: Uint8Array): Uint8Array | undefined {
    return this.store.get(key);
  }

  seekRead(key: Uint8Array, count: number): number {
    let read = 0;
    for (const _entry of this.store.scan({ gte: key, limit: count })) read++;
    return read;
  }

  scanAll(): [number, number] {
    let entries = 0;
    let bytes = 0;
    for (const [k, v] of this.store.scan()) {
      entries++;
      bytes += k.length + v.length;
    }
    return [entries, bytes];
  }

  async settle(): Promise<void> {
    await this.store.compactUntilIdle();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

type LevelIterator = ReturnType<ClassicLevel<Uint8Array, Uint8Array>['iterator']>;

const SCAN_CHUNK_ENTRIES = 1000;
/** Spans every benchmark key: '0'-prefixed digits and the '.'-suffixed missing keys. */
const RANGE_LOW = new Uint8Array([0]);
const RANGE_HIGH = new Uint8Array(32).fill(0xff);

class LevelEngine implements Engine {
  readonly name = 'leveldb';
  readonly #writeOptions: { sync: boolean };
  #seekIterator: LevelIterator | undefined;

  private constructor(
    readonly db: ClassicLevel<Uint8Array, Uint8Array>,
    durable: boolean,
  ) {
    this.#writeOptions = { sync: durable };
  }

  static async open(dir: string, options: EngineOpenOptions): Promise<LevelEngine> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      cacheSize: options.cacheBytes,
      writeBufferSize: options.writeBufferBytes,
      createIfMissing: true,
    });
    await db.open();
    return new LevelEngine(db, options.durable);
  }

  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    return this.db.put(key, value, this.#writeOptions);
  }

  putBatch(keys: readonly Uint8Array[], values: readonly Uint8Array[]): Promise<void> {
    const ops = new Array<{ type: 'put'; key: Uint8Array; value: Uint8Array }>(keys.length);
    for (let i = 0; i < keys.length; i++) ops[i] = { type: 'put', key: keys[i]!, value: values[i]! };
    return this.db.batch(ops, this.#writeOptions);
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    return this.db.getSync(key);
  }

  getAwaitable(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(key);
  }

  async seekRead(key: Uint8Array, count: number): Promise<number> {
    // db_bench reuses one iterator for every seek; creating one per seek would measure creation.
    this.#seekIterator ??= this.db.iterator();
    this.#seekIterator.seek(key);
    const entries = await this.#seekIterator.nextv(count);
    return entries.length;
  }

  async scanAll(): Promise<[number, number]> {
    let entries = 0;
    let bytes = 0;
    const iterator = this.db.iterator();
    try {
      for (;;) {
        const chunk = await iterator.nextv(SCAN_CHUNK_ENTRIES);
        if (chunk.length === 0) break;
        entries += chunk.length;
        for (const [k, v] of chunk) bytes += k.length + v.length;
      }
    } finally {
      await iterator.close();
    }
    return [entries, bytes];
  }

  async settle(): Promise<void> {
    await this.#closeSeekIterator();
    await this.db.compactRange(RANGE_LOW, RANGE_HIGH);
  }

  async #closeSeekIterator(): Promise<void> {
    const iterator = this.#seekIterator;
    this.#seekIterator = undefined;
    if (iterator !== undefined) await iterator.close();
  }

  async close(): Promise<void> {
    await this.#closeSeekIterator();
    await this.db.close();
  }
}

/** lmdb-js adds `flushed` to commit promises when opened with `separateFlushed` (not in its types). */
type CommitPromise = Promise<boolean> & { flushed?: PromiseLike<unknown> };

class LmdbEngine implements Engine {
  readonly name = 'lmdb';

  private constructor(
    readonly db: RootDatabase<Uint8Array, Uint8Array>,
    readonly durable: boolean,
  ) {}

  static open(dir: string, options: EngineOpenOptions): LmdbEngine {
    const db = openLmdb<Uint8Array, Uint8Array>({
      path: dir,
      keyEncoding: 'binary',
      encoding: 'binary',
      ...(options.durable ? { separateFlushed: true } : { noSync: true }),
    });
    return new LmdbEngine(db, options.durable);
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    const commit: CommitPromise = this.db.put(key, value);
    await commit;
    if (this.durable) await this.#flushed(commit);
  }

  async putBatch(keys: readonly Uint8Array[], values: readonly Uint8Array[]): Promise<void> {
    const db = this.db;
    const commit: CommitPromise = db.batch(() => {
      for (let i = 0; i < keys.length; i++) void db.put(keys[i]!, values[i]!);
    });
    await commit;
    if (this.durable) await this.#flushed(commit);
  }

  #flushed(commit: CommitPromise): PromiseLike<unknown> {
    // Without a per-commit flush promise, fall back to the database-wide one (covers this commit too).
    return commit.flushed ?? this.db.flushed;
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    return this.db.get(key);
  }

  getAwaitable(key: Uint8Array): Uint8Array | undefined {
    return this.db.get(key);
  }

  seekRead(key: Uint8Array, count: number): number {
    let read = 0;
    for (const _entry of this.db.getRange({ start: key, limit: count })) read++;
    return read;
  }

  scanAll(): [number, number] {
    let entries = 0;
    let bytes = 0;
    for (const { key, value } of this.db.getRange()) {
      entries++;
      bytes += key.length + value.length;
    }
    return [entries, bytes];
  }

  async settle(): Promise<void> {
    await this.db.flushed;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
