/**
 * The embedded API benchmark: PutItem, GetItem, Query (one 10-item partition, Limit 10) and
 * UpdateItem through `Database`, as an application calling Silt in process would. Each operation runs
 * serially (one awaited call at a time) and with 64 concurrent callers, with WAL sync 'none' and
 * 'always', on an in-memory database and on disk (a temporary directory, removed at the end).
 *
 *   npm run bench:api                               # every case
 *   npm run bench:api -- --num 20000 --storage memory --sync none
 *   npm run bench:api -- --profile get              # profile one operation (serial, first storage/sync)
 *
 * Throughput is operations ÷ wall time of the whole loop; latency comes from an HDR histogram of one
 * operation in `sampleEvery` (bench/lsm/histogram.ts: reading the clock costs a tenth of a GetItem).
 * For concurrent callers, latency is issue-to-resolve of each call, queueing included. A case stops
 * after `--num` operations or `--seconds`, whichever comes first (durable serial writes are slow).
 *
 * Targets (printed pass/miss): PutItem ≥ 100k/s without sync; GetItem ≥ 150k/s, and p50 ≤ 5 µs when
 * serial. For scale, dynoxide publishes 51.6k PutItem/s and a 9 µs GetItem p50. When a target is
 * missed (unless --profile off), that case is re-run under the V8 profiler and the functions with the
 * most self time are printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Database } from '../../engine/database.js';
import type { SyncMode } from '../../engine/lsm/options.js';
import { LatencyRecorder, type LatencySummary } from '../lsm/histogram.js';
import { formatSelfTime, topSelfTime, withCpuProfile } from '../lsm/profile.js';
import { isEntryPoint } from '../../engine/cli-entry.js';
import { runScript, UsageError } from '../script.js';

type Operation = 'put' | 'get' | 'query' | 'update';
type Storage = 'memory' | 'disk';
type Mode = 'serial' | 'concurrent';
const OPERATIONS: readonly Operation[] = ['put', 'get', 'query', 'update'];
const OPERATION_NAMES: Record<Operation, string> = { put: 'PutItem', get: 'GetItem', query: 'Query', update: 'UpdateItem' };
const CONCURRENT_CALLERS = 64;
const ITEMS_PER_PARTITION = 10;
const SAMPLE_EVERY = 4;
const PROFILE_TOP_FUNCTIONS = 15;
const TABLE = 'Bench';
const USAGE = `usage: npm run bench:api -- [flags]  (or: node dist/bench/api/embedded.js [flags])

  --num N           operations per case, at most (default 50000; at least ${ITEMS_PER_PARTITION})
  --seconds S       a case stops after S seconds, whichever comes first (default 3)
  --storage a,b     memory, disk or both (default memory,disk)
  --sync a,b        none, always or both (default none,always)
  --modes a,b       serial, concurrent or both (default serial,concurrent)
  --ops a,b         any of ${OPERATIONS.join(', ')} (default: all)
  --profile WHAT    auto (profile a case that misses its target), off, or an operation to profile
  --help
`;
/** About 120 bytes of item: a realistic small record. */
const PAYLOAD = 'x'.repeat(80);

interface Options {
  num: number;
  seconds: number;
  storage: Storage[];
  sync: SyncMode[];
  modes: Mode[];
  operations: Operation[];
  profile: 'auto' | 'off' | Operation;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      num: { type: 'string', default: '50000' },
      seconds: { type: 'string', default: '3' },
      storage: { type: 'string', default: 'memory,disk' },
      sync: { type: 'string', default: 'none,always' },
      modes: { type: 'string', default: 'serial,concurrent' },
      ops: { type: 'string', default: OPERATIONS.join(',') },
      profile: { type: 'string', default: 'auto' },
    },
  });
  const list = <T extends string>(text: string, allowed: readonly T[], flag: string): T[] => {
    const items = text.split(',').filter((item) => item !== '');
    for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new UsageError(`--${flag}: unknown value ${item} (one of ${allowed.join(', ')})`);
    return items as T[];
  };
  const num = Number(values.num);
  const seconds = Number(values.seconds);
  if (!(Number.isSafeInteger(num) && num >= ITEMS_PER_PARTITION)) throw new UsageError('--num must be an integer ≥ 10');
  if (!(seconds > 0)) throw new UsageError('--seconds must be positive');
  const profile = values.profile;
  if (profile !== 'auto' && profile !== 'off' && !(OPERATIONS as readonly string[]).includes(profile)) throw new UsageError('--profile: auto, off or an operation');
  return {
    num,
    seconds,
    storage: list(values.storage, ['memory', 'disk'] as const, 'storage'),
    sync: list(values.sync, ['none', 'always'] as const, 'sync'),
    modes: list(values.modes, ['serial', 'concurrent'] as const, 'modes'),
    operations: list(values.ops, OPERATIONS, 'ops'),
    profile: profile as Options['profile'],
  };
}

// ---- requests -----------------------------------------------------------------------------------------

function key(i: number): { pk: { S: string }; sk: { N: string } } {
  return { pk: { S: `user#${Math.floor(i / ITEMS_PER_PARTITION)}` }, sk: { N: String(i % ITEMS_PER_PARTITION) } };
}

/** Deterministic scatter of 0..n-1 (a multiplicative hash), so reads do not walk the keys in order. */
function scattered(i: number, n: number): number {
  return Math.floor(((i * 2654435761) % 4294967296) / 4294967296 * n);
}

type Request = (i: number) => Promise<unknown>;

function requestFor(db: Database, operation: Operation, loaded: () => number, putBase: number): Request {
  switch (operation) {
    case 'put':
      return (i) => db.putItem({ TableName: TABLE, Item: { ...key(putBase + i), n: { N: '0' }, payload: { S: PAYLOAD } } });
    case 'get':
      return (i) => db.getItem({ TableName: TABLE, Key: key(scattered(i, loaded())) });
    case 'query':
      return (i) =>
        db.query({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: `user#${scattered(i, Math.floor(loaded() / ITEMS_PER_PARTITION))}` } },
          Limit: ITEMS_PER_PARTITION,
        });
    case 'update':
      return (i) => db.updateItem({ TableName: TABLE, Key: key(scattered(i, loaded())), UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': { N: '1' } } });
  }
}

// ---- running one case -----------------------------------------------------------------------------------

interface Measured {
  ops: number;
  elapsedMs: number;
  latency: LatencySummary | undefined;
}

async function runSerial(request: Request, num: number, deadlineMs: number): Promise<Measured> {
  const recorder = new LatencyRecorder('op', SAMPLE_EVERY);
  const start = performance.now();
  let ops = 0;
  while (ops < num) {
    if ((ops & 63) === 0 && performance.now() > deadlineMs) break;
    if (ops % SAMPLE_EVERY === 0) {
      const t = performance.now();
      await request(ops);
      recorder.recordMs(performance.now() - t);
    } else {
      await request(ops);
    }
    ops++;
  }
  return { ops, elapsedMs: performance.now() - start, latency: recorder.summary() };
}

async function runConcurrent(request: Request, num: number, deadlineMs: number): Promise<Measured> {
  const recorder = new LatencyRecorder('op', SAMPLE_EVERY);
  const start = performance.now();
  let next = 0;
  let stop = false;
  const caller = async (): Promise<void> => {
    while (!stop && next < num) {
      const i = next++;
      if ((i & 63) === 0 && performance.now() > deadlineMs) stop = true;
      if (i % SAMPLE_EVERY === 0) {
        const t = performance.now();
        await request(i);
        recorder.recordMs(performance.now() - t);
      } else {
        await request(i);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_CALLERS }, caller));
  return { ops: Math.min(next, num), elapsedMs: performance.now() - start, latency: recorder.summary() };
}

interface Row {
  storage: Storage;
  sync: SyncMode;
  mode: Mode;
  operation: Operation;
  ops: number;
  opsPerSec: number;
  p50Us: number | undefined;
  p99Us: number | undefined;
  target: string;
  missed: boolean;
}

/** The targets that apply to a row, judged: '' when none applies. */
function judge(row: Omit<Row, 'target' | 'missed'>): { target: string; missed: boolean } {
  const checks: [string, boolean][] = [];
  if (row.operation === 'put' && row.sync === 'none') checks.push(['≥100k/s', row.opsPerSec >= 100_000]);
  if (row.operation === 'get') {
    checks.push(['≥150k/s', row.opsPerSec >= 150_000]);
    if (row.mode === 'serial') checks.push(['p50≤5µs', row.p50Us !== undefined && row.p50Us <= 5]);
  }
  if (checks.length === 0) return { target: '', missed: false };
  return { target: checks.map(([name, ok]) => `${name} ${ok ? 'pass' : 'MISS'}`).join(', '), missed: checks.some(([, ok]) => !ok) };
}

// ---- one database: load, then every operation and mode ---------------------------------------------------

async function openDatabase(storage: Storage, sync: SyncMode, dir: string): Promise<Database> {
  // Raw speed: no capacity model (its hot-path cost is bench/capacity/overhead.ts's measurement; at
  // 100k+ puts/s an on-demand table would rightly throttle, as DynamoDB starts at 4,000 WCU/s).
  const db = await Database.open({ sync, capacity: 'unlimited', ...(storage === 'disk' ? { path: join(dir, `db-${sync}`) } : {}) });
  await db.createTable({
    TableName: TABLE,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return db;
}

/** Loads items 0..n-1 with 64 callers and no timing: the data reads and updates work on. */
async function preload(db: Database, from: number, to: number): Promise<void> {
  let next = from;
  const caller = async (): Promise<void> => {
    while (next < to) {
      const i = next++;
      await db.putItem({ TableName: TABLE, Item: { ...key(i), n: { N: '0' }, payload: { S: PAYLOAD } } });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_CALLERS }, caller));
}

async function runDatabase(options: Options, storage: Storage, sync: SyncMode, dir: string, rows: Row[], out: (line: string) => void): Promise<void> {
  const db = await openDatabase(storage, sync, dir);
  try {
    // Items 0..written-1 exist: puts always write the next fresh keys (inserts, never overwrites).
    let written = 0;
    const measure = async (operation: Operation, mode: Mode): Promise<Measured> => {
      const run = mode === 'serial' ? runSerial : runConcurrent;
      const measured = await run(requestFor(db, operation, () => written, written), options.num, performance.now() + options.seconds * 1000);
      if (operation === 'put') written += measured.ops;
      return measured;
    };
    for (const operation of options.operations) {
      for (const mode of options.modes) {
        if (operation !== 'put' && written < options.num) {
          // Reads and updates need data to work on; puts (if run first) loaded some already.
          await preload(db, written, options.num);
          written = options.num;
        }
        const measured = await measure(operation, mode);
        const base = {
          storage,
          sync,
          mode,
          operation,
          ops: measured.ops,
          opsPerSec: (measured.ops / measured.elapsedMs) * 1000,
          p50Us: measured.latency?.p50Us,
          p99Us: measured.latency?.p99Us,
        };
        const row: Row = { ...base, ...judge(base) };
        rows.push(row);
        out(formatRow(row));
        const profileThis = options.profile === operation ? mode === 'serial' : options.profile === 'auto' && row.missed;
        if (profileThis) {
          const { profile } = await withCpuProfile(() => measure(operation, mode));
          const { rows: top, totalMs } = topSelfTime(profile, PROFILE_TOP_FUNCTIONS);
          out(`\nprofile of ${OPERATION_NAMES[operation]} ${mode} (${storage}, sync ${sync}):\n${formatSelfTime(top, totalMs)}\n`);
        }
      }
    }
  } finally {
    await db.close();
  }
}

// ---- output -------------------------------------------------------------------------------------------------

const HEADER = `${'storage'.padEnd(7)} ${'sync'.padEnd(6)} ${'mode'.padEnd(10)} ${'operation'.padEnd(10)} ${'ops'.padStart(7)} ${'ops/s'.padStart(9)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)}  target`;

function formatRow(row: Row): string {
  const us = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1)).padStart(8);
  return `${row.storage.padEnd(7)} ${row.sync.padEnd(6)} ${row.mode.padEnd(10)} ${OPERATION_NAMES[row.operation].padEnd(10)} ${String(row.ops).padStart(7)} ${Math.round(row.opsPerSec).toString().padStart(9)} ${us(row.p50Us)} ${us(row.p99Us)}  ${row.target}`;
}

function load(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
}

export async function main(argv: readonly string[], out: (line: string) => void): Promise<Row[]> {
  const options = parseOptions(argv);
  out(`embedded API bench: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, load average ${load()} (1, 5, 15 min)`);
  out(`--num ${options.num} --seconds ${options.seconds}; ${CONCURRENT_CALLERS} concurrent callers; latency sampled 1 in ${SAMPLE_EVERY}\n`);
  out(HEADER);
  const dir = await mkdtemp(join(os.tmpdir(), 'silt-bench-api-'));
  const rows: Row[] = [];
  try {
    for (const storage of options.storage) {
      for (const sync of options.sync) await runDatabase(options, storage, sync, dir, rows, out);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const missed = rows.filter((row) => row.missed).length;
  const judged = rows.filter((row) => row.target !== '').length;
  out(`\ntargets: ${judged - missed} of ${judged} judged rows pass (dynoxide: 51.6k PutItem/s, GetItem p50 9 µs); load average at the end ${load()}`);
  return rows;
}

if (isEntryPoint(import.meta.url)) void runScript(USAGE, main);
