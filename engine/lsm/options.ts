/**
 * Store options: what a caller may pass to Store.open, their defaults (from engine/limits.ts), and
 * validation. Validation happens once, here, at the boundary; the rest of the store trusts the result.
 */
import * as limits from '../limits.js';
import { InvalidArgumentError } from '../util/errors.js';
import { memoryEnv, nodeEnv, type Env } from '../vfs/env.js';

export type SyncMode = 'always' | 'none';
export type CompressionKind = 'lz4' | 'none';

export interface StoreOptions {
  /** Directory of the store. Created when missing (unless createIfMissing is false). */
  path: string;
  /** 'always' (default): a write resolves only after its WAL batch is fdatasync'ed. 'none': after the OS has it. */
  sync?: SyncMode;
  /**
   * Log writes ahead (default true). false: a write goes to the memtable only, and `sync` has
   * nothing to do. A crash then loses every write not yet flushed to a table; a clean close flushes
   * first, so it loses nothing. For a store whose files cannot outlive its process (the Database's
   * own in-memory file system), where no log could ever be replayed (RocksDB's disableWAL).
   */
  writeAheadLog?: boolean;
  /**
   * Without a WAL: whether close() flushes the memtables first (default true), so that a clean close
   * loses nothing. false drops them: for a store whose files die with it anyway (the Database's own
   * in-memory file system), where that flush is work no one can use (RocksDB's
   * avoid_flush_during_shutdown). With a WAL, close never flushes: the log holds the writes.
   */
  flushOnClose?: boolean;
  /** File system, clock and randomness. Default: the real ones (`nodeEnv()`), or memory when `inMemory`. */
  env?: Env;
  /** Shorthand for `env: memoryEnv()`. */
  inMemory?: boolean;
  createIfMissing?: boolean;
  /** Recover past mid-log corruption, keeping the state before it (point-in-time), instead of refusing to open. */
  salvage?: boolean;
  memtableBytes?: number;
  blockBytes?: number;
  blockRestartInterval?: number;
  bloomBitsPerKey?: number;
  compression?: CompressionKind;
  blockCacheBytes?: number;
  l0CompactionTriggerFiles?: number;
  l0SlowdownFiles?: number;
  l0StopFiles?: number;
  levelSizeRatio?: number;
  l1BytesMax?: number;
  targetFileBytes?: number;
  /**
   * Run compactions automatically (default true). When false they run only on compactUntilIdle();
   * full memtables are still flushed to L0, and writes never stall on L0's file count.
   */
  autoCompaction?: boolean;
  /** The manifest is rewritten as a fresh snapshot once it grows past this (default MANIFEST_BYTES_MAX). */
  manifestBytesMax?: number;
  /**
   * Worker threads for compactions and flushes (default 1; 0 = all on the main thread). A worker
   * merges table bytes the main thread read (or an immutable memtable's image, memtable-image.ts) and builds the tables; the
   * main thread writes them. Jobs reading less than COMPACTION_WORKER_INPUT_BYTES_MIN stay on the
   * main thread, a flush does when no worker is idle, and everything does when the store runs from
   * TypeScript sources (the worker needs the compiled build).
   */
  compactionThreads?: number;
}

export interface ResolvedOptions {
  readonly path: string;
  readonly sync: SyncMode;
  readonly writeAheadLog: boolean;
  readonly flushOnClose: boolean;
  readonly env: Env;
  readonly createIfMissing: boolean;
  readonly salvage: boolean;
  readonly memtableBytes: number;
  readonly blockBytes: number;
  readonly blockRestartInterval: number;
  readonly bloomBitsPerKey: number;
  readonly compression: CompressionKind;
  readonly blockCacheBytes: number;
  readonly l0CompactionTriggerFiles: number;
  readonly l0SlowdownFiles: number;
  readonly l0StopFiles: number;
  readonly levelSizeRatio: number;
  readonly l1BytesMax: number;
  readonly targetFileBytes: number;
  readonly autoCompaction: boolean;
  readonly manifestBytesMax: number;
  readonly compactionThreads: number;
}

function integer(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`option ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new InvalidArgumentError(`option ${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  return value;
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  // A string such as 'false' is truthy: accepting it would silently mean the opposite.
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`option ${name} must be a boolean, got ${String(value)}`);
  return value;
}

function environment(env: Env | undefined, inMemory: boolean): Env {
  if (env === undefined) return inMemory ? memoryEnv() : nodeEnv();
  if (env === null || typeof env !== 'object' || typeof env.fs !== 'object' || typeof env.clock !== 'object' || typeof env.random !== 'object') {
    throw new InvalidArgumentError('option env must be an Env: { fs, clock, random }');
  }
  return env;
}

export function resolveOptions(options: StoreOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('Store.open needs an options object');
  if (typeof options.path !== 'string' || options.path.length === 0) {
    throw new InvalidArgumentError('option path must be a non-empty string');
  }
  const l0CompactionTriggerFiles = integer('l0CompactionTriggerFiles', options.l0CompactionTriggerFiles, limits.L0_COMPACTION_TRIGGER_FILES_DEFAULT, 1, 1000);
  const l0SlowdownFiles = integer('l0SlowdownFiles', options.l0SlowdownFiles, Math.max(limits.L0_SLOWDOWN_FILES_DEFAULT, l0CompactionTriggerFiles + 1), 2, 1000);
  const l0StopFiles = integer('l0StopFiles', options.l0StopFiles, Math.max(limits.L0_STOP_FILES_DEFAULT, l0SlowdownFiles + 1), 3, 1000);
  if (!(l0CompactionTriggerFiles < l0SlowdownFiles && l0SlowdownFiles < l0StopFiles)) {
    throw new InvalidArgumentError('options must satisfy l0CompactionTriggerFiles < l0SlowdownFiles < l0StopFiles');
  }
  const targetFileBytes = integer('targetFileBytes', options.targetFileBytes, limits.TARGET_FILE_BYTES_DEFAULT, 1024);
  const l1BytesMax = integer('l1BytesMax', options.l1BytesMax, Math.max(limits.L1_BYTES_MAX_DEFAULT, targetFileBytes), targetFileBytes);
  return {
    path: options.path,
    sync: oneOf('sync', options.sync, ['always', 'none'], 'always'),
    writeAheadLog: flag('writeAheadLog', options.writeAheadLog, true),
    flushOnClose: flag('flushOnClose', options.flushOnClose, true),
    env: environment(options.env, flag('inMemory', options.inMemory, false)),
    createIfMissing: flag('createIfMissing', options.createIfMissing, true),
    salvage: flag('salvage', options.salvage, false),
    memtableBytes: integer('memtableBytes', options.memtableBytes, limits.MEMTABLE_BYTES_DEFAULT, limits.MEMTABLE_BYTES_MIN),
    blockBytes: integer('blockBytes', options.blockBytes, limits.BLOCK_BYTES_DEFAULT, limits.BLOCK_BYTES_MIN, 1 << 24),
    blockRestartInterval: integer('blockRestartInterval', options.blockRestartInterval, limits.BLOCK_RESTART_INTERVAL_DEFAULT, 1, 1 << 16),
    bloomBitsPerKey: integer('bloomBitsPerKey', options.bloomBitsPerKey, limits.BLOOM_BITS_PER_KEY_DEFAULT, 0, limits.BLOOM_BITS_PER_KEY_MAX),
    compression: oneOf('compression', options.compression, ['lz4', 'none'], 'lz4'),
    blockCacheBytes: integer('blockCacheBytes', options.blockCacheBytes, limits.BLOCK_CACHE_BYTES_DEFAULT, 0),
    l0CompactionTriggerFiles,
    l0SlowdownFiles,
    l0StopFiles,
    levelSizeRatio: integer('levelSizeRatio', options.levelSizeRatio, limits.LEVEL_SIZE_RATIO_DEFAULT, 2, 1000),
    l1BytesMax,
    targetFileBytes,
    autoCompaction: flag('autoCompaction', options.autoCompaction, true),
    manifestBytesMax: integer('manifestBytesMax', options.manifestBytesMax, limits.MANIFEST_BYTES_MAX, 1024),
    compactionThreads: integer('compactionThreads', options.compactionThreads, limits.COMPACTION_THREADS_DEFAULT, 0, limits.COMPACTION_THREADS_MAX),
  };
}
