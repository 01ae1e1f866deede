/**
 * What capacity accounting costs on the hot path: embedded PutItem and GetItem throughput with
 * `capacity: 'modelled'` against `capacity: 'unlimited'`, in the same process and run (issue 6
 * target: the model costs at most 5%).
 *
 * Measured as bench/api/embedded.ts measures embedded operations: one awaited call at a time,
 * operations ÷ wall time of the loop, in memory with WAL sync 'none'. The two databases are measured
 * in pairs of adjacent rounds, in turn first (unlimited then modelled, then modelled then unlimited,
 * …: the round run second in a pair measured ~1% slower in an A/A run); each mode's median round is
 * reported, and the cost is the median over the pairs of 1 − modelled ÷ unlimited, so drift in the
 * machine's load hits both alike. Many short rounds (201 of 5,000 operations) give a steadier median
 * than a few long ones. `--same` runs both databases unlimited: the cost it prints is the method's
 * own noise and bias (an A/A test).
 *
 * What the databases hold: 100,000 items, loaded, flushed and compacted before anything is timed.
 * The put rounds write into a memtable too large to fill (no flush competes with the timed rounds);
 * before the get rounds both databases are flushed and compacted again, so gets read SSTs through the
 * block cache, as in a database that has run a while.
 *
 * The modelled database must admit everything, or the comparison would measure throttles: its clock
 * runs SPEEDUP times faster than real time, so its buckets refill faster than any loop here can
 * drain them, while every admit and charge still runs its whole path (buckets, per-second windows,
 * controller ticks, the top-keys sketch). SPEEDUP is 10: ~150k operations a real second are ~15k
 * a simulated second, well inside the table's 40,000 units over 54 partitions (throttles are counted
 * and printed, and must stay 0). It was 1,000, which ran the once-a-second bookkeeping (the adaptive
 * controller over every partition, window rolls) every real millisecond — a thousand times more
 * often than a real clock does, and ~10–15 ns a request that no user pays.
 *
 *   npm run bench:capacity -- --overhead-only             (or node dist/bench/capacity/overhead.js)
 *   node dist/bench/capacity/overhead.js --num 20000 --rounds 51
 *   node dist/bench/capacity/overhead.js --same            (A/A: both unlimited)
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Database } from '../../engine/database.js';
import type { Clock } from '../../engine/util/clock.js';

const TABLE = 'Overhead';
const SPEEDUP = 10;
const PAYLOAD = 'x'.repeat(80);
const KEY_SPACE = 100_000;
/** Large enough that no timed put round fills the memtable: no flush runs while rounds are timed. */
const MEMTABLE_BYTES = 1024 * 1024 * 1024;

/**
 * Real time, SPEEDUP times faster (see the header). It reads Date.now(), as the production clock
 * (SystemClock) does, so the modelled database pays what a user's pays for its one clock reading a
 * request; millisecond steps (SPEEDUP ms simulated) are fine for buckets that hold a second or more.
 */
class FastClock implements Clock {
  readonly #originMs = Date.now();

  now(): number {
    return this.#originMs + (Date.now() - this.#originMs) * SPEEDUP;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms / SPEEDUP).unref());
  }
}

type Mode = 'unlimited' | 'modelled';
type Operation = 'put' | 'get';

async function open(capacity: Mode): Promise<Database> {
  const db = await Database.open({ clock: new FastClock(), sync: 'none', ttlSweepIntervalMs: 0, capacity, memtableBytes: MEMTABLE_BYTES });
  await db.createTable({
    TableName: TABLE,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 40_000, WriteCapacityUnits: 40_000 },
  });
  return db;
}

/** Deterministic scatter of 0..n-1, so the loop does not walk keys in order. */
function scattered(i: number, n: number): number {
  return Math.floor((((i * 2654435761) % 4294967296) / 4294967296) * n);
}

async function round(db: Database, operation: Operation, num: number, offset: number): Promise<number> {
  const start = performance.now();
  if (operation === 'put') {
    for (let i = 0; i < num; i++) await db.putItem({ TableName: TABLE, Item: { pk: { S: `k${scattered(offset + i, KEY_SPACE)}` }, payload: { S: PAYLOAD } } });
  } else {
    for (let i = 0; i < num; i++) await db.getItem({ TableName: TABLE, Key: { pk: { S: `k${scattered(offset + i, KEY_SPACE)}` } } });
  }
  return (num / (performance.now() - start)) * 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Flushes and compacts both databases until idle: background work would otherwise compete with the
 * timed rounds, and hit one mode's rounds more than the other's.
 */
async function settle(dbs: Record<Mode, Database>): Promise<void> {
  for (const mode of ['unlimited', 'modelled'] as const) {
    await dbs[mode].store.flush();
    await dbs[mode].store.compactUntilIdle();
  }
}

export interface OverheadRow {
  operation: Operation;
  unlimitedOpsPerSec: number;
  modelledOpsPerSec: number;
  /** Median over adjacent round pairs of 1 − modelled / unlimited: the share of throughput the model costs. */
  cost: number;
  throttles: number;
}

export async function main(argv: readonly string[], out: (line: string) => void): Promise<OverheadRow[]> {
  const { values } = parseArgs({
    args: [...argv],
    options: { num: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '201' }, same: { type: 'boolean', default: false } },
  });
  const num = Number(values.num);
  const rounds = Number(values.rounds);
  if (!(Number.isSafeInteger(num) && num > 0 && Number.isSafeInteger(rounds) && rounds > 0)) throw new Error('--num and --rounds must be positive integers');
  // --same (A/A): the "modelled" database is unlimited too, so the printed cost is the method's noise.
  const dbs: Record<Mode, Database> = { unlimited: await open('unlimited'), modelled: await open(values.same ? 'unlimited' : 'modelled') };
  const rows: OverheadRow[] = [];
  try {
    // Load every key once in both, so gets find items.
    for (const mode of ['unlimited', 'modelled'] as const) await round(dbs[mode], 'put', KEY_SPACE, 0);
    await settle(dbs);
    out(`capacity overhead: embedded, serial, in memory, sync none; ${num} ops per round, ${rounds} rounds per mode (median)${values.same ? '; A/A: both unlimited' : ''}`);
    out(`${'operation'.padEnd(10)} ${'unlimited ops/s'.padStart(16)} ${'modelled ops/s'.padStart(15)} ${'cost'.padStart(7)}  round range (unlimited | modelled)`);
    for (const operation of ['put', 'get'] as const) {
      const measured: Record<Mode, number[]> = { unlimited: [], modelled: [] };
      // The gets read what the puts left in the memtable from the SSTs, as a database that has run a
      // while does (and with nothing for the background to flush or compact while they are timed).
      if (operation === 'get') await settle(dbs);
      // One untimed round each first: the JIT has compiled both paths before anything is timed.
      for (const mode of ['unlimited', 'modelled'] as const) await round(dbs[mode], operation, num, 0);
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (['unlimited', 'modelled'] as const) : (['modelled', 'unlimited'] as const);
        for (const mode of order) measured[mode].push(await round(dbs[mode], operation, num, (r + 1) * num));
      }
      const unlimited = median(measured.unlimited);
      const modelled = median(measured.modelled);
      // Adjacent rounds ran under the same machine load: the median of their ratios is the steadier figure.
      const pairCost = median(measured.unlimited.map((u, i) => 1 - measured.modelled[i]! / u));
      const throttles = (await dbs.modelled.describePartitions(TABLE)).Partitions.reduce((sum, p) => sum + Object.values(p.throttles).reduce((a, b) => a + b, 0), 0);
      const row: OverheadRow = { operation, unlimitedOpsPerSec: unlimited, modelledOpsPerSec: modelled, cost: pairCost, throttles };
      rows.push(row);
      const list = (xs: number[]): string => `${Math.round(Math.min(...xs) / 1000)}k..${Math.round(Math.max(...xs) / 1000)}k`;
      out(
        `${(operation === 'put' ? 'PutItem' : 'GetItem').padEnd(10)} ${Math.round(unlimited).toString().padStart(16)} ${Math.round(modelled).toString().padStart(15)} ${`${(row.cost * 100).toFixed(1)}%`.padStart(7)}  ${list(measured.unlimited)} | ${list(measured.modelled)}${throttles > 0 ? `  (${throttles} throttles!)` : ''}`,
      );
    }
  } finally {
    await dbs.unlimited.close();
    await dbs.modelled.close();
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
