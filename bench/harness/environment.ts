/**
 * The environment header of a `silt bench` result: machine, Node, git commit (db-bench's probe,
 * bench/lsm/environment.ts, reused), the load average at the start and — filled in at the end — when
 * the run ended, and the command line.
 */
import os from 'node:os';
import { describeEnvironment } from '../lsm/environment.js';
import type { BenchEnvironment } from './result.js';

export function environmentAtStart(argv: readonly string[]): BenchEnvironment {
  const env = describeEnvironment(os.tmpdir());
  return {
    cpuModel: env.cpuModel,
    cores: env.cores,
    memoryBytes: env.memoryBytes,
    platform: env.platform,
    node: env.node,
    gitCommit: env.gitCommit,
    gitDirty: env.gitDirty,
    loadAverage1mStart: env.loadAverage1m,
    loadAverage1mEnd: env.loadAverage1m,
    argv: [...argv],
  };
}

export function finishEnvironment(env: BenchEnvironment): BenchEnvironment {
  return { ...env, loadAverage1mEnd: os.loadavg()[0] ?? 0 };
}
