/**
 * End to end, tiny: runBench against each target kind — embedded (worker threads through the
 * channel), embedded-single, http against Silt's own server started in-process WITH SigV4 auth
 * (so every request's signature is verified), null (embedded and http), kv (Silt only) — each
 * returning a well-formed BenchResult; and a wrong secret is refused by the server.
 * Never timings. The threaded targets load the compiled worker, so the harness is compiled first.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCredentials } from '../../../engine/api/auth.js';
import { startServer, type SiltServer } from '../../../engine/api/server.js';
import { Database } from '../../../engine/database.js';
import { decodeHistogram } from '../../../bench/harness/histograms.js';
import { BENCH_RESULT_SCHEMA, type BenchResult } from '../../../bench/harness/result.js';
import type * as Run from '../../../bench/harness/run.js';

const root = resolve(import.meta.dirname, '../../..');
// Inside the repository, so the compiled files resolve node_modules as dist/ does.
const outDir = join(root, 'dist', `.bench-harness-test-${process.pid}`);
const ACCESS_KEY_ID = 'AKIDBENCH';
const SECRET = 'bench/secret/0123456789';
let run: typeof Run;
let database: Database;
let server: SiltServer;

function compile(): Promise<void> {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // The store's compaction worker too: a Database on disk loads it when it flushes.
  // And the null HTTP target's server process (spawned from the compiled tree beside targets.js).
  const entries = ['bench/harness/run.ts', 'bench/harness/worker.ts', 'engine/lsm/compaction/compaction-worker.ts', 'bench/http/bare-server.ts', 'bench/http/cpu-probe.ts'];
  return new Promise((done, fail) => {
    // The exit code is not checked: files other engineers are editing may not typecheck; tsc still emits.
    const child = spawn(process.execPath, [tsc, ...entries, '--outDir', outDir, '--rootDir', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022', '--types', 'node', '--skipLibCheck'], { cwd: root, stdio: 'ignore' });
    child.on('error', fail);
    child.on('exit', () => done());
  });
}

beforeAll(async () => {
  await compile();
  const compiled = join(outDir, 'bench', 'harness', 'run.js');
  expect(existsSync(compiled)).toBe(true);
  run = (await import(pathToFileURL(compiled).href)) as typeof Run;
  database = await Database.open({ sync: 'none' });
  server = await startServer({ database, port: 0, credentials: parseCredentials(JSON.stringify({ [ACCESS_KEY_ID]: SECRET })) });
}, 240_000);

afterAll(async () => {
  await server?.close();
  await database?.close();
  rmSync(outDir, { recursive: true, force: true });
});

const TINY = { durationMs: 400, warmupMs: 100, timelineIntervalMs: 100, recordCount: 300, workload: { name: 'ycsb-a', fieldCount: 3, fieldBytes: 20 } };

function checkWellFormed(result: BenchResult, kind: string, expectNoErrors = true): void {
  expect(result.schema).toBe(BENCH_RESULT_SCHEMA);
  expect(Number.isNaN(Date.parse(result.startedAt))).toBe(false);
  expect(result.environment.cores).toBeGreaterThan(0);
  expect(result.phases.length).toBeGreaterThan(0);
  for (const phase of result.phases) {
    expect(phase.target.kind).toBe(kind);
    const operations = Object.entries(phase.operations);
    expect(operations.length).toBeGreaterThan(0);
    for (const [name, operation] of operations) {
      expect(operation.count, name).toBeGreaterThan(0);
      if (expectNoErrors) expect({ name, errors: operation.errorsByName }).toEqual({ name, errors: {} });
      const { p50, p90, p99, p999, max } = operation.latency;
      expect(p50).toBeLessThanOrEqual(p90);
      expect(p90).toBeLessThanOrEqual(p99);
      expect(p99).toBeLessThanOrEqual(p999);
      expect(p999).toBeLessThanOrEqual(max);
      if (kind !== 'kv') expect(decodeHistogram(operation.histogram).totalCount).toBe(operation.count - operation.errors - operation.throttles);
    }
    if (kind !== 'kv') {
      expect(phase.timeline).toHaveLength(Math.ceil(phase.durationMs / 100));
      const timelineCount = phase.timeline.reduce((sum, point) => sum + Object.values(point.operations).reduce((s, o) => s + o.count, 0), 0);
      expect(timelineCount).toBe(operations.reduce((sum, [, o]) => sum + o.count, 0));
      expect(phase.parameters['unfinished']).toBe(0);
    }
  }
  // It must survive JSON (the reporters' input) unchanged.
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
}

describe('runBench, tiny, every target kind', () => {
  it('embedded: worker threads through the channel to a Database in this thread', async () => {
    const result = await run.runBench(run.parseBenchConfig({ ...TINY, target: { kind: 'embedded', inMemory: true }, concurrency: 8 }));
    checkWellFormed(result, 'embedded');
    expect(Object.keys(result.phases[0]!.operations).sort()).toEqual(['GetItem', 'UpdateItem']);
  });

  it('embedded-single: one thread, open loop, on disk in a temporary directory', async () => {
    const result = await run.runBench(run.parseBenchConfig({ ...TINY, target: 'embedded-single', model: 'open', ratePerSecond: 2000, workload: { name: 'ycsb-e', itemsPerPartition: 10, queryItemsMax: 10 } }));
    checkWellFormed(result, 'embedded-single');
    const phase = result.phases[0]!;
    expect(phase.correctedForCoordinatedOmission).toBe(true);
    expect(Object.keys(phase.operations).sort()).toEqual(['PutItem', 'Query']);
  });

  it('http: Silt server verifying SigV4 on every request, with read-modify-write', async () => {
    const result = await run.runBench(
      run.parseBenchConfig({ ...TINY, workload: { name: 'ycsb-f', fieldCount: 3, fieldBytes: 20 }, concurrency: 8, target: { kind: 'http', url: server.url, accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET } }),
    );
    checkWellFormed(result, 'http');
    expect(Object.keys(result.phases[0]!.operations).sort()).toEqual(['GetItem', 'ReadModifyWrite']);
    // The load phase went through the same signed client: every record is there.
    const scanned = await database.scan({ TableName: 'silt_bench', Select: 'COUNT' });
    expect(scanned.Count).toBe(TINY.recordCount);
  });

  it('http: a wrong secret is refused by the server', async () => {
    await expect(run.runBench(run.parseBenchConfig({ ...TINY, target: { kind: 'http', url: server.url, accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'wrong' } }))).rejects.toThrow(/InvalidSignatureException|signature/i);
  });

  it('null: embedded and http, with the self-check recorded', async () => {
    const embedded = await run.runBench(run.parseBenchConfig({ ...TINY, target: { kind: 'null', transport: 'embedded' }, concurrency: 16 }));
    checkWellFormed(embedded, 'null');
    const http = await run.runBench(run.parseBenchConfig({ ...TINY, target: { kind: 'null', transport: 'http' }, concurrency: 8, workers: 2 }));
    checkWellFormed(http, 'null');
    const check = await run.runSelfCheck('embedded', 1);
    expect(check).toMatchObject({ target: 'null', transport: 'embedded', workers: 1 });
    expect(check.opsPerSecond).toBeGreaterThan(0);
  });

  it('a suite: consecutive phases on the same data share one load; inserts, other data or a new target reload', async () => {
    const phase = (workload: string, extra: Record<string, unknown> = {}): Run.BenchConfig => run.parseBenchConfig({ ...TINY, workload: { name: workload, fieldCount: 3, fieldBytes: 20 }, target: 'embedded-single', ...extra });
    const result = await run.runSuite([phase('ycsb-a'), phase('ycsb-c'), phase('ycsb-d'), phase('ycsb-b'), phase('ycsb-b', { recordCount: 200 }), phase('durable-write', { recordCount: 200 })]);
    expect(result.phases.map((p) => p.parameters['load'])).toEqual(['fresh', 'reused from the previous phase', 'reused from the previous phase', 'fresh', 'fresh', 'fresh']);
    expect(result.phases.map((p) => p.parameters['sync'])).toEqual(['none', 'none', 'none', 'none', 'none', 'always']);
    for (const p of result.phases) checkWellFormed({ ...result, phases: [p] }, 'embedded-single');
  });

  it('on disk, the load runs unsynced and unthrottled, then the phase reopens with its own sync and capacity', async () => {
    const result = await run.runBench(run.parseBenchConfig({ ...TINY, target: { kind: 'embedded-single', sync: 'always', capacity: 'modelled' } }));
    // With the capacity model on, a fast machine can outrun the on-demand table's first 4,000 write
    // units a second: throttles are then counted (DynamoDB would throttle too), errors never.
    checkWellFormed(result, 'embedded-single', false);
    const phase = result.phases[0]!;
    for (const operation of Object.values(phase.operations)) {
      expect(operation.errors).toBe(0);
      for (const name of Object.keys(operation.errorsByName)) expect(['ThrottlingException', 'ProvisionedThroughputExceededException']).toContain(name);
    }
    expect(phase.parameters).toMatchObject({ sync: 'always', capacity: 'modelled', storage: 'disk', load: 'fresh' });
    expect(phase.target.description).toMatch(/sync always, capacity modelled/);
  });

  it('secrets stay out of the result: the http target’s secret and token, and their flags in argv', async () => {
    const result = await run.runSuite(
      [run.parseBenchConfig({ ...TINY, concurrency: 4, target: { kind: 'http', url: server.url, accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET } })],
      { argv: ['--endpoint-url', server.url, '--secret-key', SECRET, `--session-token=${SECRET}`, '--access-key', ACCESS_KEY_ID] },
    );
    checkWellFormed(result, 'http');
    const text = JSON.stringify(result);
    expect(text).not.toContain(SECRET);
    expect(text).toContain(ACCESS_KEY_ID);
    expect(result.environment.argv).toEqual(['--endpoint-url', server.url, '--secret-key', '(redacted)', '--session-token=(redacted)', '--access-key', ACCESS_KEY_ID]);
  });

  it('extra self-checks: the http one against the raw null server in its own process', async () => {
    const result = await run.runSuite([run.parseBenchConfig({ ...TINY, target: { kind: 'embedded-single', inMemory: true } })], { selfChecks: ['http'] });
    expect(result.selfCheck).toHaveLength(1);
    expect(result.selfCheck[0]).toMatchObject({ target: 'null', transport: 'http', workers: 2 });
    expect(result.selfCheck[0]!.opsPerSecond).toBeGreaterThan(0);
  });

  it('kv: the raw store through db-bench, mapped into phases', async () => {
    const result = await run.runBench(run.parseBenchConfig({ target: { kind: 'kv', engines: ['silt'], benchmarks: ['fillrandom', 'readrandom'] }, recordCount: 2000 }));
    checkWellFormed(result, 'kv');
    expect(Object.keys(result.phases[0]!.operations)).toEqual(expect.arrayContaining(['fillrandom:batched', 'readrandom:sync']));
  });
});
