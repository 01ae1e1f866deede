/**
 * The storage engine's public surface: a byte-oriented, durable, ordered key-value store.
 * Importable as `silt/lsm` (dist/engine/lsm/index.js).
 */
export { Store } from './store.js';
export type { ReadOptions, ScanOptions, StoreStats, LevelStats } from './store.js';
export type { StoreOptions, SyncMode, CompressionKind } from './options.js';
export type { WriteOp } from './write-batch.js';
export { Snapshot } from './snapshots.js';
export { UserIterator } from './iterators/user-iterator.js';
export {
  CorruptionError,
  IOError,
  InvalidArgumentError,
  ClosedError,
  ReadOnlyError,
  LockedError,
  NotFoundError,
  SiltError,
} from '../util/errors.js';
export type { ErrorCode } from '../util/errors.js';
export type { Env } from '../vfs/env.js';
export { nodeEnv, memoryEnv } from '../vfs/env.js';
export { MemoryFileSystem } from '../vfs/memory.js';
export { NodeFileSystem } from '../vfs/node.js';
export type { FileSystem, WritableFile, ReadableFile } from '../vfs/types.js';
export { ManualClock, SystemClock } from '../util/clock.js';
export type { Clock } from '../util/clock.js';
export { SeededRandom } from '../util/random.js';
export type { Random } from '../util/random.js';
