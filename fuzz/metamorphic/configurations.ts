/**
 * The store configurations the metamorphic campaign runs every sequence under. Each changes how
 * data is laid out or when it moves (memtable size, block size, compression, bloom filters, L0
 * trigger, maintenance after every operation, restarts) but none may change what a read returns.
 *
 * The first configuration is the reference the others are compared with.
 */
import * as limits from '../../engine/limits.js';
import type { StoreOptions } from '../../engine/lsm/index.js';
import type { HistoryOptions } from '../lsm/history.js';
import { TINY_TUNING, type StoreOpener } from '../lsm/model.js';

export interface Configuration {
  name: string;
  store: Partial<StoreOptions>;
  history?: HistoryOptions;
  /** Opens the store (default Store.open); a proof-of-power test gives one configuration a broken one. */
  open?: StoreOpener;
}

/** Operations between restarts in the 'restart-every-k' configuration. */
export const RESTART_EVERY_COMMANDS = 7;

export const CONFIGURATIONS: readonly Configuration[] = [
  // Library defaults: a 16 MiB memtable, so nothing is flushed unless a command asks.
  { name: 'defaults', store: {} },
  { name: 'tiny-memtable', store: { memtableBytes: limits.MEMTABLE_BYTES_MIN } },
  { name: 'tiny-blocks', store: { ...TINY_TUNING, blockBytes: limits.BLOCK_BYTES_MIN, blockRestartInterval: 1 } },
  { name: 'compression-off', store: { ...TINY_TUNING, compression: 'none' } },
  { name: 'bloom-off', store: { ...TINY_TUNING, bloomBitsPerKey: 0 } },
  { name: 'l0-trigger-1', store: { ...TINY_TUNING, l0CompactionTriggerFiles: 1 } },
  { name: 'no-block-cache', store: { ...TINY_TUNING, blockCacheBytes: 0, autoCompaction: false } },
  { name: 'compact-every-op', store: { ...TINY_TUNING }, history: { afterEach: 'compact' } },
  { name: 'flush-every-op', store: { ...TINY_TUNING, l1BytesMax: 2048, targetFileBytes: 1024 }, history: { afterEach: 'flush' } },
  { name: 'restart-every-k', store: { ...TINY_TUNING }, history: { restartEvery: RESTART_EVERY_COMMANDS } },
];
