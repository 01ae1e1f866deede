/**
 * Smoke test of the db-bench harness: tiny runs of the real command path (flags → runs → tables →
 * JSON) for silt and classic-level into a temporary directory, checking the report's structure —
 * every workload and mode present, numbers finite and positive, ratios computed — never timings.
 * Plus the pieces whose correctness the numbers rest on: key format, value generator, key orders,
 * the self-time ranking of a CPU profile.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../bench/lsm/args.js';
import {
  formatKeyInto,
  formatMissingKeyInto,
  KEY_BYTES,
  makeKey,
  MISSING_KEY_BYTES,
  permutedOrder,
  uniformDraws,
  ValueGenerator,
} from '../../bench/lsm/data-gen.js';
import { main, type DbBenchReport } from '../../bench/lsm/db-bench.js';
import { topSelfTime } from '../../bench/lsm/profile.js';
import { WORKLOADS, type ResultRow } from '../../bench/lsm/report.js';

const decoder = new TextDecoder();

describe('data generation', () => {
  it('formats keys as 16 zero-padded decimal digits, so byte order is numeric order', () => {
    expect(decoder.decode(makeKey(42))).toBe('0000000000000042');
    expect(decoder.decode(makeKey(0))).toBe('0000000000000000');
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 }), fc.nat({ max: 2 ** 32 }), (a, b) => {
        const ka = decoder.decode(makeKey(a));
        const kb = decoder.decode(makeKey(b));
        expect(ka).toHaveLength(KEY_BYTES);
        expect(Number(ka)).toBe(a);
        expect(Math.sign(ka < kb ? -1 : ka > kb ? 1 : 0)).toBe(Math.sign(a - b));
      }),
    );
  });

  it('makes missing keys that sort right after the key and are never a written key', () => {
    const missing = formatMissingKeyInto(7, new Uint8Array(MISSING_KEY_BYTES));
    expect(decoder.decode(missing)).toBe('0000000000000007.');
    const out = new Uint8Array(KEY_BYTES);
    expect(() => formatKeyInto(-1, out)).toThrow(RangeError);
    expect(() => formatKeyInto(1.5, out)).toThrow(RangeError);
  });

  it('generates db_bench values: 100 printable bytes, the first half repeated, same bytes for the same seed', () => {
    const a = new ValueGenerator();
    const b = new ValueGenerator();
    const distinct = new Set<string>();
    const problems: string[] = [];
    // 12,000 values pass the pool's end (10,486 pieces), so the wrap-around is covered too.
    for (let i = 0; i < 12_000; i++) {
      const value = a.next();
      const other = b.next();
      if (value.length !== 100) problems.push(`value ${i}: ${value.length} bytes`);
      for (let j = 0; j < 100; j++) {
        if (value[j] !== value[j % 50]) problems.push(`value ${i}: byte ${j} breaks the repeat`);
        if (value[j]! < 0x20 || value[j]! >= 0x7f) problems.push(`value ${i}: byte ${j} not printable`);
        if (value[j] !== other[j]) problems.push(`value ${i}: differs between generators`);
      }
      if (i < 1000) distinct.add(decoder.decode(value));
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(distinct.size).toBe(1000);
  });

  it('orders keys reproducibly: fillrandom is a permutation, draws stay in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), (count, seed) => {
        const order = permutedOrder(count, seed);
        expect([...order].sort((x, y) => x - y)).toEqual([...Array(count).keys()]);
        expect(permutedOrder(count, seed)).toEqual(order);
        const draws = uniformDraws(500, count, seed);
        expect(draws.every((d) => d < count)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('command line', () => {
  it('has the documented defaults and rejects unknown names', () => {
    const options = parseCli([]);
    expect(options.num).toBe(1_000_000);
    expect(options.engines).toEqual(['silt', 'leveldb', 'lmdb']);
    expect(options.benchmarks).toEqual([...WORKLOADS]);
    expect(parseCli(['--num', '1_000', '--engines', 'lmdb,silt']).engines).toEqual(['silt', 'lmdb']);
    expect(() => parseCli(['--engines', 'rocksdb'])).toThrow(UsageError);
    expect(() => parseCli(['--num', '0'])).toThrow(UsageError);
    expect(() => parseCli(['--profile', 'readrandom:batched'])).toThrow(UsageError);
    expect(parseCli(['--profile', 'fillrandom:batched']).profile).toEqual({ workload: 'fillrandom', mode: 'batched' });
  });
});

describe('profile ranking', () => {
  it('sums self time per function across call sites and ranks it', () => {
    const frame = (functionName: string, lineNumber: number) => ({ functionName, scriptId: '1', url: 'file:///x.js', lineNumber, columnNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', 0) },
        { id: 2, callFrame: frame('hot', 10) },
        { id: 3, callFrame: frame('hot', 10) },
        { id: 4, callFrame: frame('cold', 20) },
      ],
      startTime: 0,
      endTime: 1000,
      samples: [2, 3, 4, 2, 1],
      timeDeltas: [0, 100, 100, 100, 100],
    };
    const { rows, totalMs } = topSelfTime(profile, 2);
    expect(rows.map((r) => r.functionName)).toEqual(['hot', 'cold']);
    expect(rows[0]!.selfMs).toBeCloseTo(0.3);
    expect(rows[1]!.selfMs).toBeCloseTo(0.1);
    expect(totalMs).toBeCloseTo(0.4);
    expect(rows[0]!.selfPercent).toBeCloseTo(75);
  });
});

describe('db-bench smoke run (silt, leveldb; N = 2,000)', () => {
  let dir: string;
  let report: DbBenchReport;
  let stdout = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(os.tmpdir(), 'silt-db-bench-test-'));
    const result = await main(
      ['--num', '2000', '--engines', 'silt,leveldb', '--durable-num', '40', '--durable-concurrent-num', '200', '--dir', join(dir, 'dbs'), '--json', join(dir, 'out.json')],
      { stdout: (text) => (stdout += text), stderr: () => {}, progress: undefined, reportDir: join(dir, 'reports') },
    );
    if (result === null) throw new Error('main printed usage instead of running');
    report = result;
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const row = (workload: string, engine: string, mode: string): ResultRow | undefined =>
    report.results.find((r) => r.workload === workload && r.engine === engine && r.mode === mode);

  it('has a row for every workload, mode and engine', () => {
    const expected: [string, string[]][] = [
      ['fillseq', ['serial', 'batched', 'durable-1', 'durable-64']],
      ['fillrandom', ['serial', 'batched', 'durable-1', 'durable-64']],
      ['overwrite', ['serial', 'batched', 'durable-1', 'durable-64']],
      ['readrandom', ['sync', 'awaited']],
      ['readmissing', ['sync']],
      ['seekrandom', ['seek']],
      ['readseq', ['scan']],
    ];
    for (const [workload, modes] of expected) {
      for (const mode of modes) {
        for (const engine of ['silt', 'leveldb']) expect(row(workload, engine, mode), `${workload} ${mode} ${engine}`).toBeDefined();
      }
    }
    expect(report.results).toHaveLength(2 * expected.reduce((sum, [, modes]) => sum + modes.length, 0));
    expect(report.results.some((r) => r.engine === 'lmdb')).toBe(false);
  });

  it('reports finite, positive numbers with the counts asked for', () => {
    for (const r of report.results) {
      for (const value of [r.ops, r.elapsedMs, r.opsPerSec, r.usPerOp]) {
        expect(Number.isFinite(value) && value > 0, `${r.workload} ${r.mode} ${r.engine}`).toBe(true);
      }
      expect(r.opsPerSec * (r.usPerOp / 1e6)).toBeCloseTo(1, 6);
      if (r.workload === 'readseq') {
        expect(r.latency).toBeNull();
      } else {
        const latency = r.latency!;
        expect(latency.samples).toBeGreaterThan(0);
        for (const value of [latency.p50Us, latency.p99Us, latency.maxUs]) expect(Number.isFinite(value) && value > 0).toBe(true);
        expect(latency.p50Us).toBeLessThanOrEqual(latency.p99Us);
        expect(latency.p99Us).toBeLessThanOrEqual(latency.maxUs);
      }
    }
    expect(row('fillrandom', 'silt', 'serial')!.ops).toBe(2000);
    expect(row('fillrandom', 'silt', 'durable-1')!.ops).toBe(40);
    expect(row('readseq', 'leveldb', 'scan')!.ops).toBe(2000);
    expect(row('fillrandom', 'leveldb', 'batched')!.latency!.unit).toBe('batch');
  });

  it('computes silt/leveldb for every silt row and leaves silt/lmdb empty', () => {
    const siltRows = report.results.filter((r) => r.engine === 'silt');
    expect(report.ratios).toHaveLength(siltRows.length);
    for (const ratio of report.ratios) {
      const silt = row(ratio.workload, 'silt', ratio.mode)!;
      const level = row(ratio.workload, 'leveldb', ratio.mode)!;
      expect(ratio.siltOverLeveldb).toBeCloseTo(silt.opsPerSec / level.opsPerSec, 9);
      expect(ratio.siltOverLmdb).toBeNull();
    }
  });

  it('judges every target, n/a where lmdb was not run', () => {
    expect(report.targets.map((t) => t.id)).toEqual([
      'readrandom-vs-leveldb',
      'readrandom-vs-lmdb',
      'fillrandom-batched',
      'fillrandom-serial',
      'readseq',
      'durable-scaling',
      'durable-p99',
    ]);
    expect(report.targets.find((t) => t.id === 'readrandom-vs-lmdb')!.status).toBe('n/a');
    for (const t of report.targets.filter((t) => t.id !== 'readrandom-vs-lmdb')) expect(['pass', 'miss']).toContain(t.status);
  });

  it('prints the header, a table per workload and the targets, and writes the JSON report', () => {
    expect(stdout).toContain('# Silt db-bench');
    expect(stdout).toMatch(/fdatasync: +\d+ µs/);
    for (const workload of WORKLOADS) expect(stdout).toContain(`## ${workload}`);
    expect(stdout).toContain('silt/leveldb');
    expect(stdout).toContain('## targets (Silt)');
    const written = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as DbBenchReport;
    expect(written).toEqual(JSON.parse(JSON.stringify(report)));
    expect(readdirSync(join(dir, 'reports')).filter((name) => /^db-bench-.*\.json$/.test(name))).toHaveLength(1);
  });

  it('removes its databases', () => {
    expect(existsSync(join(dir, 'dbs'))).toBe(true);
    expect(readdirSync(join(dir, 'dbs'))).toEqual([]);
  });
});

describe('db-bench --profile', () => {
  it('profiles one Silt workload and ranks functions by self time', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'silt-db-bench-profile-'));
    try {
      let stdout = '';
      const report = await main(['--num', '2000', '--profile', 'readrandom', '--dir', dir], {
        stdout: (text) => (stdout += text),
        stderr: () => {},
        progress: undefined,
        reportDir: join(dir, 'reports'),
      });
      expect(report!.results.map((r) => `${r.engine} ${r.workload} ${r.mode}`)).toEqual(['silt readrandom sync', 'silt readrandom awaited']);
      const profile = report!.profile!;
      expect(profile.workload).toBe('readrandom');
      expect(profile.mode).toBe('sync');
      expect(profile.top.length).toBeGreaterThan(0);
      expect(profile.top.length).toBeLessThanOrEqual(20);
      expect(existsSync(profile.file)).toBe(true);
      expect(stdout).toContain('functions by self time');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
