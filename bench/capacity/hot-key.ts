/**
 * The hot-key capacity bench (issue 6): two skewed write workloads on a provisioned table, run in
 * simulated time (ManualClock) through the embedded Database under four configurations —
 *
 *   unlimited     capacity 'unlimited': no model at all (the baseline: nothing is ever throttled)
 *   provisioned   per-partition token buckets, burst and ceilings only (adaptive and split off)
 *   adaptive      + adaptive capacity (a hot partition borrows the table's unused capacity)
 *   split         + split-on-heat (a partition near its ceiling for a sustained window splits)
 *
 * — and reporting per simulated interval the throttle rate (throttled attempts ÷ attempts) and the
 * p99 latency of requests, where a client retries a throttle the way the AWS SDKs do (exponential
 * backoff from 50 ms with full jitter, at most 10 attempts: facts §11.4) and a request's latency is
 * the simulated time from its arrival to its success (service time is taken as 0: only waiting on
 * capacity is measured). Workloads:
 *
 *   one-hot-partition  4 partitions of 300 WCU (1,200 WCU, 8,000 RCU); 600 WCU/s go to 200 keys of
 *                      one partition and 100 WCU/s to the rest: the hot partition needs twice its
 *                      share, the table has room (adaptive capacity's case). 600 s.
 *   zipfian            4 partitions of 900 WCU (3,600 WCU, 1,000 RCU); 3,000 WCU/s over 100 keys with
 *                      Zipf exponent 0.99: the partition holding the hottest keys needs more than
 *                      its 1,000 WCU ceiling, which no allocation can lift (split-on-heat's case). 300 s.
 *
 *   npm run bench:capacity                          # both workloads, every configuration
 *   npm run bench:capacity -- --workloads zipfian --seconds 120
 *   npm run bench:capacity -- --png docs/capacity-hot-key.png
 *   npm run bench:capacity -- --overhead-only       # only the hot-path cost (bench/capacity/overhead.ts)
 *
 * After the workloads it runs the overhead bench (modelled vs unlimited GetItem/PutItem throughput in
 * the same run; --no-overhead skips it).
 *
 * Writes data/bench/capacity-hot-key.json and data/bench/capacity-hot-key.svg (hand-written SVG,
 * bench/report/svg.ts); --png also rasterises the SVG with @resvg/resvg-js.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Resvg } from '@resvg/resvg-js';
import type * as sdk from '@aws-sdk/client-dynamodb';
import { Database } from '../../engine/database.js';
import type { PartitionOptions } from '../../engine/partitions/index.js';
import { partitionKeyHash } from '../../engine/model/storage-key.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { escapeXml, FONT_FAMILY, lineChart, seriesColor, SVG_NAMESPACE } from '../report/svg.js';
import { isEntryPoint } from '../../engine/cli-entry.js';
import { runScript, UsageError } from '../script.js';
import { main as overheadMain } from './overhead.js';

const TABLE = 'HotKey';
const START_MS = 1_700_000_000_000;
const INTERVAL_S = 10;
const BACKOFF_BASE_MS = 50;
const BACKOFF_MAX_MS = 20_000;
const ATTEMPTS_MAX = 10;
const OUT_DIR = 'data/bench';
/** Scenario items are large so that few requests carry the load (each costs its size in KB). */
const ITEM_BYTES = 20_000;

type Config = 'unlimited' | 'provisioned' | 'adaptive' | 'split';
const CONFIGS: readonly Config[] = ['unlimited', 'provisioned', 'adaptive', 'split'];
type WorkloadName = 'one-hot-partition' | 'zipfian';
const WORKLOADS: readonly WorkloadName[] = ['one-hot-partition', 'zipfian'];
const USAGE = `usage: npm run bench:capacity -- [flags]  (or: node dist/bench/capacity/hot-key.js [flags])

  --workloads a,b   any of ${WORKLOADS.join(', ')} (default: both)
  --configs a,b     any of ${CONFIGS.join(', ')} (default: all)
  --seconds N       simulated seconds per workload, at least ${INTERVAL_S} (default: each workload's own)
  --seed N          seed of the key draws and retry jitter (default 1)
  --out DIR         where the JSON and SVG reports go (default ${OUT_DIR})
  --png PATH        also rasterise the plot to this PNG
  --no-overhead     skip the overhead bench that follows the workloads
  --overhead-only   run only the overhead bench (bench/capacity/overhead.ts)
  --help
`;

interface Workload {
  name: WorkloadName;
  description: string;
  read: number;
  write: number;
  seconds: number;
  /** Requests per simulated second. */
  rate: number;
  /** Chooses the partition key of the next request. */
  key: (random: SeededRandom) => string;
}

function keysInHashRange(from: number, to: number, count: number, prefix: string): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    const fraction = partitionKeyHash({ S: `${prefix}${i}` }) / 0x1_0000_0000;
    if (fraction >= from && fraction < to) keys.push(`${prefix}${i}`);
  }
  return keys;
}

function zipfSampler(n: number, exponent: number): (random: SeededRandom) => number {
  const cdf: number[] = [];
  let sum = 0;
  for (let i = 1; i <= n; i++) cdf.push((sum += 1 / i ** exponent));
  return (random) => {
    const u = random.next() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function workload(name: WorkloadName, secondsOverride: number | undefined): Workload {
  const unitsPerItem = Math.ceil(ITEM_BYTES / 1024);
  if (name === 'one-hot-partition') {
    const hot = keysInHashRange(0, 0.25, 200, 'h');
    const cold = keysInHashRange(0.25, 1, 600, 'c');
    const hotShare = 600 / 700;
    return {
      name,
      description: '600 WCU/s on one of 4 partitions of 300 WCU (table 1,200 WCU), 100 WCU/s elsewhere',
      read: 8000,
      write: 1200,
      seconds: secondsOverride ?? 600,
      rate: 700 / unitsPerItem,
      key: (random) => (random.next() < hotShare ? hot[random.int(hot.length)]! : cold[random.int(cold.length)]!),
    };
  }
  const zipf = zipfSampler(100, 0.99);
  return {
    name,
    description: '3,000 WCU/s over 100 keys, Zipf 0.99; 4 partitions of 900 WCU (table 3,600 WCU), ceiling 1,000 WCU',
    read: 1000,
    write: 3600,
    seconds: secondsOverride ?? 300,
    rate: 3000 / unitsPerItem,
    key: (random) => `z${zipf(random)}`,
  };
}

function partitionOptions(config: Config): { capacity: 'modelled' | 'unlimited'; partitions?: Omit<PartitionOptions, 'mode'> } {
  switch (config) {
    case 'unlimited':
      return { capacity: 'unlimited' };
    case 'provisioned':
      return { capacity: 'modelled', partitions: { adaptive: false, splitOnHeat: false } };
    case 'adaptive':
      return { capacity: 'modelled', partitions: { adaptive: true, splitOnHeat: false } };
    case 'split':
      return { capacity: 'modelled', partitions: { adaptive: true, splitOnHeat: true } };
  }
}

// ---- a binary heap of pending attempts, by time (then by sequence, for determinism) -------------------

interface Attempt {
  atMs: number;
  sequence: number;
  arrivalMs: number;
  attempt: number;
  key: string;
}

class AttemptQueue {
  readonly #heap: Attempt[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(item: Attempt): void {
    const heap = this.#heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): Attempt {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: Attempt, b: Attempt): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.sequence < b.sequence);
}

// ---- one run ------------------------------------------------------------------------------------------------

export interface IntervalPoint {
  /** End of the interval, simulated seconds. */
  atSeconds: number;
  attempts: number;
  throttled: number;
  throttleRate: number;
  /** p99 latency (simulated ms) of the requests that completed in the interval; null when none did. */
  p99Ms: number | null;
  gaveUp: number;
  partitions: number;
}

export interface RunResult {
  workload: WorkloadName;
  config: Config;
  intervals: IntervalPoint[];
  totals: { requests: number; attempts: number; throttled: number; throttleRate: number; gaveUp: number; p99Ms: number | null; partitions: number; splits: Record<string, number> };
  wallMs: number;
}

function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

async function run(spec: Workload, config: Config, seed: number): Promise<RunResult> {
  const started = performance.now();
  const clock = new ManualClock(START_MS);
  const db = await Database.open({ clock, sync: 'none', ttlSweepIntervalMs: 0, memtableBytes: 256 * 1024 * 1024, ...partitionOptions(config) });
  const random = new SeededRandom(seed);
  const jitter = new SeededRandom(seed + 1);
  const payload = 'x'.repeat(ITEM_BYTES - 40);
  try {
    await db.createTable({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      ProvisionedThroughput: { ReadCapacityUnits: spec.read, WriteCapacityUnits: spec.write },
    } satisfies sdk.CreateTableCommandInput);
    const queue = new AttemptQueue();
    const endMs = spec.seconds * 1000;
    const spacingMs = 1000 / spec.rate;
    let sequence = 0;
    for (let t = 0; t < endMs; t += spacingMs) queue.push({ atMs: t, sequence: sequence++, arrivalMs: t, attempt: 1, key: spec.key(random) });
    const requests = sequence;
    const intervals: IntervalPoint[] = [];
    const allLatencies: number[] = [];
    let bucket = { attempts: 0, throttled: 0, gaveUp: 0, latencies: [] as number[] };
    let intervalEndMs = INTERVAL_S * 1000;
    let totalAttempts = 0;
    let totalThrottled = 0;
    let totalGaveUp = 0;
    const flush = async (): Promise<void> => {
      bucket.latencies.sort((a, b) => a - b);
      const partitions = (await db.describePartitions(TABLE)).Partitions.length;
      intervals.push({
        atSeconds: intervalEndMs / 1000,
        attempts: bucket.attempts,
        throttled: bucket.throttled,
        throttleRate: bucket.attempts === 0 ? 0 : bucket.throttled / bucket.attempts,
        p99Ms: percentile(bucket.latencies, 0.99),
        gaveUp: bucket.gaveUp,
        partitions,
      });
      bucket = { attempts: 0, throttled: 0, gaveUp: 0, latencies: [] };
      intervalEndMs += INTERVAL_S * 1000;
    };
    while (queue.size > 0) {
      const attempt = queue.pop();
      if (attempt.atMs >= endMs) continue; // retries past the end are not run
      while (attempt.atMs >= intervalEndMs) await flush();
      clock.set(START_MS + attempt.atMs);
      bucket.attempts++;
      totalAttempts++;
      try {
        await db.putItem({ TableName: TABLE, Item: { pk: { S: attempt.key }, payload: { S: payload } } });
        const latencyMs = attempt.atMs - attempt.arrivalMs;
        bucket.latencies.push(latencyMs);
        allLatencies.push(latencyMs);
      } catch (error) {
        const name = (error as Error).name;
        if (name !== 'ProvisionedThroughputExceededException' && name !== 'ThrottlingException') throw error;
        bucket.throttled++;
        totalThrottled++;
        if (attempt.attempt >= ATTEMPTS_MAX) {
          bucket.gaveUp++;
          totalGaveUp++;
          continue;
        }
        // Full jitter: uniform in [0, min(max, base · 2^(attempt-1))].
        const backoffMs = jitter.next() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt.attempt - 1));
        queue.push({ ...attempt, atMs: attempt.atMs + backoffMs, sequence: sequence++, attempt: attempt.attempt + 1 });
      }
    }
    while (intervalEndMs <= endMs) await flush();
    allLatencies.sort((a, b) => a - b);
    const description = await db.describePartitions(TABLE);
    const splits: Record<string, number> = {};
    const seen = new Set<string>();
    for (const partition of description.Partitions) {
      for (const split of partition.splits) {
        const id = `${split.from}@${split.atMs}`;
        if (seen.has(id)) continue;
        seen.add(id);
        splits[split.cause] = (splits[split.cause] ?? 0) + 1;
      }
    }
    return {
      workload: spec.name,
      config,
      intervals,
      totals: {
        requests,
        attempts: totalAttempts,
        throttled: totalThrottled,
        throttleRate: totalAttempts === 0 ? 0 : totalThrottled / totalAttempts,
        gaveUp: totalGaveUp,
        p99Ms: percentile(allLatencies, 0.99),
        partitions: description.Partitions.length,
        splits,
      },
      wallMs: performance.now() - started,
    };
  } finally {
    await db.close();
  }
}

// ---- output -------------------------------------------------------------------------------------------------

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function ms(value: number | null): string {
  return value === null ? '-' : value < 10 ? value.toFixed(1) : String(Math.round(value));
}

function printRun(result: RunResult, out: (line: string) => void, everySeconds: number): void {
  const t = result.totals;
  const splits = Object.entries(t.splits)
    .map(([cause, count]) => `${count} ${cause}`)
    .join(', ');
  out(`  ${result.config.padEnd(11)} throttle rate ${pct(t.throttleRate).padStart(6)}  p99 ${ms(t.p99Ms).padStart(6)} ms  gave up ${String(t.gaveUp).padStart(5)}  partitions ${t.partitions}${splits === '' ? '' : ` (splits: ${splits})`}  [${Math.round(result.wallMs)} ms wall]`);
  const shown = result.intervals.filter((interval) => interval.atSeconds % everySeconds === 0);
  out(`      t(s)  ${shown.map((interval) => String(interval.atSeconds).padStart(6)).join('')}`);
  out(`      thr%  ${shown.map((interval) => (interval.throttleRate * 100).toFixed(1).padStart(6)).join('')}`);
  out(`   p99(ms)  ${shown.map((interval) => ms(interval.p99Ms).padStart(6)).join('')}`);
}

const CHART_W = 560;
const CHART_H = 300;

/** One SVG: per workload (a row), throttle rate and p99 over simulated time, one line per configuration. */
export function renderSvg(results: readonly RunResult[], workloads: readonly Workload[]): string {
  const rows = workloads.map((spec, row) => {
    const runs = results.filter((result) => result.workload === spec.name);
    const series = (value: (point: IntervalPoint) => number | null) =>
      runs.map((result, i) => ({
        name: result.config,
        color: seriesColor(CONFIGS.indexOf(result.config) >= 0 ? CONFIGS.indexOf(result.config) : i),
        points: result.intervals.map((point): [number, number] => [point.atSeconds, value(point) ?? Number.NaN]),
        ...(result.config === 'unlimited' ? { dashed: true } : {}),
      }));
    const throttle = lineChart({
      title: `${spec.name}: throttle rate`,
      subtitle: `per ${INTERVAL_S} s of simulated time`,
      widthPx: CHART_W,
      heightPx: CHART_H,
      xLabel: 'simulated seconds',
      yLabel: 'throttled attempts %',
      series: series((point) => point.throttleRate * 100),
      yDomain: [0, 100],
      formatY: (value) => `${value}%`,
    });
    const p99 = lineChart({
      title: `${spec.name}: p99 latency with SDK retries`,
      subtitle: 'SDK-style retries',
      widthPx: CHART_W,
      heightPx: CHART_H,
      xLabel: 'simulated seconds',
      yLabel: 'p99 ms',
      series: series((point) => point.p99Ms),
    });
    const y = 40 + row * (CHART_H + 40);
    return `<g transform="translate(16 ${y})">${throttle}</g><g transform="translate(${CHART_W + 32} ${y})">${p99}</g><text x="16" y="${y + CHART_H + 20}" font-size="11" fill="#666">${escapeXml(spec.description)}</text>`;
  });
  const width = 2 * CHART_W + 48;
  const height = 40 + workloads.length * (CHART_H + 40);
  return (
    `<svg xmlns="${SVG_NAMESPACE}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<text x="16" y="26" font-size="16" font-weight="600">Silt capacity model: hot keys on a provisioned table — unlimited vs provisioned partitions vs + adaptive vs + split-on-heat</text>` +
    rows.join('') +
    `</svg>`
  );
}

interface Options {
  workloads: WorkloadName[];
  configs: Config[];
  seconds: number | undefined;
  seed: number;
  png: string | undefined;
  out: string;
  overhead: boolean;
  overheadOnly: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      workloads: { type: 'string', default: WORKLOADS.join(',') },
      configs: { type: 'string', default: CONFIGS.join(',') },
      seconds: { type: 'string' },
      seed: { type: 'string', default: '1' },
      png: { type: 'string' },
      out: { type: 'string', default: OUT_DIR },
      'no-overhead': { type: 'boolean' },
      'overhead-only': { type: 'boolean' },
    },
  });
  const list = <T extends string>(text: string, allowed: readonly T[], flag: string): T[] => {
    const items = text.split(',').filter((item) => item !== '');
    for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new UsageError(`--${flag}: unknown value ${item} (one of ${allowed.join(', ')})`);
    return items as T[];
  };
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= INTERVAL_S)) throw new UsageError(`--seconds must be an integer ≥ ${INTERVAL_S}`);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got '${values.seed}'`);
  return {
    workloads: list(values.workloads, WORKLOADS, 'workloads'),
    configs: list(values.configs, CONFIGS, 'configs'),
    seconds,
    seed,
    png: values.png,
    out: values.out,
    overhead: values['no-overhead'] !== true,
    overheadOnly: values['overhead-only'] === true,
  };
}

export async function main(argv: readonly string[], out: (line: string) => void): Promise<RunResult[]> {
  const options = parseOptions(argv);
  if (options.overheadOnly) {
    await overheadMain([], out);
    return [];
  }
  const specs = options.workloads.map((name) => workload(name, options.seconds));
  const results: RunResult[] = [];
  out(`capacity hot-key bench: simulated time, ${ITEM_BYTES / 1000} KB items (${Math.ceil(ITEM_BYTES / 1024)} WCU each), seed ${options.seed}`);
  for (const spec of specs) {
    out(`\n${spec.name}: ${spec.description}; ${spec.seconds} s simulated, ${spec.rate.toFixed(1)} requests/s`);
    for (const config of options.configs) {
      const result = await run(spec, config, options.seed);
      results.push(result);
      printRun(result, out, spec.seconds >= 300 ? 60 : 30);
    }
  }
  await mkdir(options.out, { recursive: true });
  const jsonPath = join(options.out, 'capacity-hot-key.json');
  const svgPath = join(options.out, 'capacity-hot-key.svg');
  const svg = renderSvg(results, specs);
  await writeFile(jsonPath, `${JSON.stringify({ itemBytes: ITEM_BYTES, intervalSeconds: INTERVAL_S, seed: options.seed, results }, null, 2)}\n`);
  await writeFile(svgPath, svg);
  out(`\nwrote ${jsonPath} and ${svgPath}`);
  if (options.png !== undefined) {
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: 1.5 },
      background: '#ffffff',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    })
      .render()
      .asPng();
    await mkdir(dirname(options.png), { recursive: true });
    await writeFile(options.png, png);
    out(`wrote ${options.png}`);
  }
  if (options.overhead) {
    out('');
    await overheadMain([], out);
  }
  return results;
}

if (isEntryPoint(import.meta.url)) void runScript(USAGE, main);
