/**
 * What capacity accounting costs on the hot path: embedded PutItem and GetItem throughput with
 * `capacity: 'modelled'` against `capacity: 'unlimited'`, in the same process and run (issue 6
 * target: the model costs at most 5%).
 *
 * Measured as bench/api/embedded.ts measures embedded operations: one awaited call at a time,
 * operations ÷ wall time of the loop, in memory with WAL sync 'none'. The two databases are measured
 * in alternating rounds (unlimited, modelled, unlimited, …); each mode's median round is reported, and
 * the cost is the median over adjacent round pairs of 1 − modelled ÷ unlimited, so drift in the
 * machine's load hits both alike.
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
 *   npm run bench:capacity -- --overhead                  (or node dist/bench/capacity/overhead.js)
 *   node dist/bench/capacity/overhead.js --num 100000 --rounds 7
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Database } from '../../engine/database.js';
import type { Clock } from '../../engine/util/clock.js';

const TABLE = 'Overhead';
const SPEEDUP = 10;
const PAYLOAD = 'x'.repeat(80);
const KEY_SPACE = 100_000;

/** Real time, SPEEDUP times faster (see the header). */
class FastClock implements Clock {
  readonly #originMs = Date.now();
  readonly #startMs = performance.now();

  now(): number {
    return this.#originMs + (performance.now() - this.#startMs) * SPEEDUP;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms / SPEEDUP).unref());
  }
}

type Mode = 'unlimited' | 'modelled';
type Operation = 'put' | 'get';

async function open(mode: Mode): Promise<Database> {
  const db = await Database.open({ clock: new FastClock(), sync: 'none', ttlSweepIntervalMs: 0, capacity: mode });
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

export interface OverheadRow {
  operation: Operation;
  unlimitedOpsPerSec: number;
  modelledOpsPerSec: number;
  /** Median over adjacent round pairs of 1 − modelled / unlimited: the share of throughput the model costs. */
  cost: number;
  throttles: number;
}

export async function main(argv: readonly string[], out: (line: string) => void): Promise<OverheadRow[]> {
  const { values } = parseArgs({ args: [...argv], options: { num: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '31' } } });
  const num = Number(values.num);
  const rounds = Number(values.rounds);
  if (!(Number.isSafeInteger(num) && num > 0 && Number.isSafeInteger(rounds) && rounds > 0)) throw new Error('--num and --rounds must be positive integers');
  const dbs: Record<Mode, Database> = { unlimited: await open('unlimited'), modelled: await open('modelled') };
  const rows: OverheadRow[] = [];
  try {
    // Load every key once in both, so gets find items.
    for (const mode of ['unlimited', 'modelled'] as const) await round(dbs[mode], 'put', KEY_SPACE, 0);
    // Background flushes and compactions of the load would otherwise compete with the timed rounds.
    for (const mode of ['unlimited', 'modelled'] as const) {
      await dbs[mode].store.flush();
      await dbs[mode].store.compactUntilIdle();
    }
    out(`capacity overhead: embedded, serial, in memory, sync none; ${num} ops per round, ${rounds} rounds per mode (median)`);
    out(`${'operation'.padEnd(10)} ${'unlimited ops/s'.padStart(16)} ${'modelled ops/s'.padStart(15)} ${'cost'.padStart(7)}  round range (unlimited | modelled)`);
    for (const operation of ['put', 'get'] as const) {
      const measured: Record<Mode, number[]> = { unlimited: [], modelled: [] };
      // One untimed round each first: the JIT has compiled both paths before anything is timed.
      for (const mode of ['unlimited', 'modelled'] as const) await round(dbs[mode], operation, num, 0);
      for (let r = 0; r < rounds; r++) {
        for (const mode of ['unlimited', 'modelled'] as const) measured[mode].push(await round(dbs[mode], operation, num, (r + 1) * num));
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
