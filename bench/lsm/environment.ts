/**
 * What machine and build a db-bench report came from: CPU, cores, memory, Node, the git commit, the
 * engine versions, and a measured fdatasync latency on the benchmark's file system (durable writes
 * cannot beat it, so it is the yardstick for the durable numbers).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

export interface Environment {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  node: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
  versions: Record<string, string | null>;
  fdatasyncP50Us: number;
  /** 1-minute load average when the run started: other work on the machine skews every number. */
  loadAverage1m: number;
}

const FDATASYNC_PROBES = 20;

function git(args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout, or no git: the report says "unknown" rather than failing the run.
    return null;
  }
}

/** The version in the package.json of an installed package (walking up from its entry point). */
function packageVersion(name: string): string | null {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    // Not installed: reported as unknown.
    return null;
  }
  for (let depth = 0; depth < 4; depth++) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name && typeof manifest.version === 'string') return manifest.version;
    }
    dir = dirname(dir);
  }
  return null;
}

/** Median of `FDATASYNC_PROBES` 128-byte append + fdatasync pairs in `dir`. */
export function probeFdatasyncUs(dir: string): number {
  const path = join(dir, 'fdatasync-probe');
  const fd = openSync(path, 'w');
  const record = new Uint8Array(128).fill(7);
  const samples: number[] = [];
  try {
    for (let i = 0; i < FDATASYNC_PROBES; i++) {
      const start = performance.now();
      writeSync(fd, record);
      fdatasyncSync(fd);
      samples.push((performance.now() - start) * 1000);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export function describeEnvironment(dir: string): Environment {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
    versions: { 'classic-level': packageVersion('classic-level'), lmdb: packageVersion('lmdb'), 'hdr-histogram-js': packageVersion('hdr-histogram-js') },
    fdatasyncP50Us: probeFdatasyncUs(dir),
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
}

export function formatEnvironment(env: Environment): string {
  const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const commit = env.gitCommit === null ? 'unknown' : `${env.gitCommit}${env.gitDirty ? ' (+ uncommitted changes)' : ''}`;
  const versions = Object.entries(env.versions)
    .map(([name, version]) => `${name} ${version ?? '?'}`)
    .join(', ');
  return [
    `CPU:        ${env.cpuModel} × ${env.cores} cores, ${gib(env.memoryBytes)}, load average ${env.loadAverage1m.toFixed(2)} at start`,
    `Platform:   ${env.platform}, Node ${env.node}`,
    `Commit:     ${commit}`,
    `Engines:    silt (this tree), ${versions}`,
    `fdatasync:  ${env.fdatasyncP50Us.toFixed(0)} µs median on the benchmark directory's file system`,
  ].join('\n');
}
