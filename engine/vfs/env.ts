/**
 * The injected environment: everything nondeterministic the engine uses. Production passes
 * `nodeEnv()`; tests and fuzzers pass memory or fault file systems, a ManualClock and a SeededRandom.
 */
import { SystemClock, type Clock } from '../util/clock.js';
import { systemRandom, type Random } from '../util/random.js';
import { MemoryFileSystem } from './memory.js';
import { NodeFileSystem } from './node.js';
import type { FileSystem } from './types.js';

export interface Env {
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly random: Random;
}

export function nodeEnv(): Env {
  return { fs: new NodeFileSystem(), clock: new SystemClock(), random: systemRandom() };
}

export function memoryEnv(): Env {
  return { fs: new MemoryFileSystem(), clock: new SystemClock(), random: systemRandom() };
}
