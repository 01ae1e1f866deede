/**
 * resolveOptions: the defaults, derived defaults (L0 thresholds, l1BytesMax), and every rejection,
 * each an InvalidArgumentError.
 */
import { describe, expect, it } from 'vitest';
import * as limits from '../../engine/limits.js';
import { resolveOptions, type StoreOptions } from '../../engine/lsm/options.js';
import { InvalidArgumentError } from '../../engine/util/errors.js';
import { memoryEnv } from '../../engine/vfs/env.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';

/** Casts an intentionally ill-typed options object: the point is to see the runtime check. */
const bad = (options: Record<string, unknown>): StoreOptions => ({ path: '/db', ...options }) as unknown as StoreOptions;

describe('resolveOptions defaults', () => {
  it('fills every option from engine/limits.ts', () => {
    const resolved = resolveOptions({ path: '/db', inMemory: true });
    expect(resolved).toMatchObject({
      path: '/db',
      sync: 'always',
      writeAheadLog: true,
      flushOnClose: true,
      createIfMissing: true,
      salvage: false,
      memtableBytes: limits.MEMTABLE_BYTES_DEFAULT,
      blockBytes: limits.BLOCK_BYTES_DEFAULT,
      blockRestartInterval: limits.BLOCK_RESTART_INTERVAL_DEFAULT,
      bloomBitsPerKey: limits.BLOOM_BITS_PER_KEY_DEFAULT,
      compression: 'lz4',
      blockCacheBytes: limits.BLOCK_CACHE_BYTES_DEFAULT,
      l0CompactionTriggerFiles: limits.L0_COMPACTION_TRIGGER_FILES_DEFAULT,
      l0SlowdownFiles: limits.L0_SLOWDOWN_FILES_DEFAULT,
      l0StopFiles: limits.L0_STOP_FILES_DEFAULT,
      levelSizeRatio: limits.LEVEL_SIZE_RATIO_DEFAULT,
      l1BytesMax: limits.L1_BYTES_MAX_DEFAULT,
      targetFileBytes: limits.TARGET_FILE_BYTES_DEFAULT,
      autoCompaction: true,
      compactionThreads: limits.COMPACTION_THREADS_DEFAULT,
    });
    expect(resolved.env.fs).toBeInstanceOf(MemoryFileSystem);
  });

  it('keeps a given env over inMemory and passes explicit values through', () => {
    const env = memoryEnv();
    const resolved = resolveOptions({
      path: 'x',
      env,
      inMemory: true,
      sync: 'none',
      compression: 'none',
      createIfMissing: false,
      salvage: true,
      autoCompaction: false,
      memtableBytes: limits.MEMTABLE_BYTES_MIN,
      blockCacheBytes: 0,
      bloomBitsPerKey: 0,
    });
    expect(resolved.env).toBe(env);
    expect(resolved).toMatchObject({ sync: 'none', compression: 'none', createIfMissing: false, salvage: true, autoCompaction: false, blockCacheBytes: 0, bloomBitsPerKey: 0 });
  });

  it('derives L0 thresholds above a large trigger, and l1BytesMax from a large targetFileBytes', () => {
    const resolved = resolveOptions({ path: '/db', inMemory: true, l0CompactionTriggerFiles: 40, targetFileBytes: 128 * 1024 * 1024 });
    expect(resolved.l0SlowdownFiles).toBe(41);
    expect(resolved.l0StopFiles).toBe(42);
    expect(resolved.l1BytesMax).toBe(128 * 1024 * 1024);
  });
});

describe('resolveOptions rejections', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['path missing', { path: undefined }],
    ['path empty', { path: '' }],
    ['path not a string', { path: 7 }],
    ['sync unknown', { sync: 'sometimes' }],
    ['compression unknown', { compression: 'zstd' }],
    ['memtableBytes below the minimum', { memtableBytes: limits.MEMTABLE_BYTES_MIN - 1 }],
    ['memtableBytes fractional', { memtableBytes: 10_000.5 }],
    ['memtableBytes NaN', { memtableBytes: Number.NaN }],
    ['memtableBytes a string', { memtableBytes: '65536' }],
    ['blockBytes below the minimum', { blockBytes: limits.BLOCK_BYTES_MIN - 1 }],
    ['blockBytes above 16 MiB', { blockBytes: (1 << 24) + 1 }],
    ['blockRestartInterval zero', { blockRestartInterval: 0 }],
    ['blockRestartInterval too large', { blockRestartInterval: (1 << 16) + 1 }],
    ['bloomBitsPerKey negative', { bloomBitsPerKey: -1 }],
    ['bloomBitsPerKey above the maximum', { bloomBitsPerKey: limits.BLOOM_BITS_PER_KEY_MAX + 1 }],
    ['blockCacheBytes negative', { blockCacheBytes: -1 }],
    ['blockCacheBytes infinite', { blockCacheBytes: Number.POSITIVE_INFINITY }],
    ['l0CompactionTriggerFiles zero', { l0CompactionTriggerFiles: 0 }],
    ['l0SlowdownFiles below 2', { l0SlowdownFiles: 1 }],
    ['l0StopFiles below 3', { l0StopFiles: 2 }],
    ['l0 thresholds out of order', { l0CompactionTriggerFiles: 4, l0SlowdownFiles: 4, l0StopFiles: 10 }],
    ['l0 slowdown not below stop', { l0CompactionTriggerFiles: 2, l0SlowdownFiles: 6, l0StopFiles: 6 }],
    ['levelSizeRatio below 2', { levelSizeRatio: 1 }],
    ['levelSizeRatio above 1000', { levelSizeRatio: 1001 }],
    ['targetFileBytes below 1 KiB', { targetFileBytes: 1023 }],
    ['l1BytesMax below targetFileBytes', { targetFileBytes: 4096, l1BytesMax: 4095 }],
    ['createIfMissing not a boolean', { createIfMissing: 'no' }],
    ['salvage not a boolean', { salvage: 1 }],
    ['autoCompaction not a boolean', { autoCompaction: 'false' }],
    ['compactionThreads negative', { compactionThreads: -1 }],
    ['compactionThreads above the bound', { compactionThreads: limits.COMPACTION_THREADS_MAX + 1 }],
    ['compactionThreads fractional', { compactionThreads: 1.5 }],
    ['inMemory not a boolean', { inMemory: 'yes' }],
    ['writeAheadLog not a boolean', { writeAheadLog: 'false' }],
    ['flushOnClose not a boolean', { flushOnClose: 'false' }],
  ];
  for (const [name, options] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => resolveOptions(bad({ inMemory: true, ...options }))).toThrow(InvalidArgumentError);
    });
  }

  it('rejects a non-object', () => {
    expect(() => resolveOptions(null as unknown as StoreOptions)).toThrow(InvalidArgumentError);
    expect(() => resolveOptions('/db' as unknown as StoreOptions)).toThrow(InvalidArgumentError);
  });

  it('rejects an env without a file system, clock and randomness', () => {
    expect(() => resolveOptions(bad({ env: {} }))).toThrow(InvalidArgumentError);
    expect(() => resolveOptions(bad({ env: 'memory' }))).toThrow(InvalidArgumentError);
  });
});
