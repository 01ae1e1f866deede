/**
 * The HTTP benchmark (issue 5): Silt's DynamoDB wire-protocol server against dynalite (the Node
 * reference, in memory) and a bare node:http server answering canned JSON, each in its own process
 * (bench/http/targets.ts), loaded through the same lean SigV4-signing keep-alive client
 * (bench/http/client.ts) on loopback.
 *
 *   npm run bench:http
 *   npm run bench:http -- --targets silt,bare --seconds 3
 *   npm run bench:http -- --targets silt --profile  # also profile the server process
 *   npm run bench:http -- --help
 *
 * Per target (Silt first), on a fresh server: create the table, preload every key (untimed), then
 * for PutItem and GetItem a warm-up (untimed) and a closed-loop run with `--connections` (64)
 * requests in flight — req/s, latency, server and client CPU per request — then an open-loop run of
 * each at `--rate-fraction` (½) of SILT's closed-loop rate for that operation (latency from intended
 * start times), after an untimed open-loop warm-up at that rate. Every target gets the same open-loop
 * rate, so the p99s compare. Prints the rows, the
 * ratios and the targets (bench/http/report.ts); writes a JSON report to data/bench/ (or --json).
 *
 * Bounds: each run stops after --requests or its duration; an open-loop run stops sending at 1.5×
 * its duration. Every server process is stopped at the end, on error, and on SIGINT/SIGTERM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeEnvironment, formatEnvironment, type Environment } from '../lsm/environment.js';
import { formatSelfTime, topSelfTime, type SelfTimeRow } from '../lsm/profile.js';
import { SignedClient } from './client.js';
import { runClosedLoop, runOpenLoop, type LoadResult, type Workload } from './load.js';
import { computeRatios, evaluateTargets, formatRatios, formatRows, formatTargets, makeRow, type HttpRatioRow, type HttpResultRow, type HttpTargetResult, type OperationName } from './report.js';
import { killAllTargets, startTarget, TARGET_NAMES, type CpuUsage, type ServerProcess, type TargetName } from './targets.js';
import { createTable, getWorkload, ItemSpace, preloadWorkload, putWorkload } from './workloads.js';

export interface HttpBenchOptions {
  targets: TargetName[];
  operations: OperationName[];
  connections: number;
  keys: number;
  requests: number;
  seconds: number;
  warmupSeconds: number;
  openSeconds: number;
  rateFraction: number;
  /** Open-loop rate when Silt is not among the targets (else half of Silt's maximum). */
  rate: number | null;
  client: 'raw' | 'node-http';
  auth: boolean;
  profile: boolean;
  seed: number;
  json: string | null;
}

export interface HttpBenchReport {
  schema: 'silt-http-bench/1';
  environment: Environment & { dynalite: string | null; loadAverage1mAtEnd: number };
  options: HttpBenchOptions;
  results: HttpResultRow[];
  ratios: HttpRatioRow[];
  targets: HttpTargetResult[];
  profile: { target: TargetName; operation: OperationName; totalMs: number; top: SelfTimeRow[]; file: string }[];
}

export const USAGE = `usage: npm run bench:http -- [flags]     (or: node dist/bench/http/http-bench.js [flags])

  --targets a,b         any of ${TARGET_NAMES.join(',')} (default all; Silt runs first)
  --ops a,b             put,get (default both)
  --connections N       requests in flight in the closed loop, connections in the open loop (64)
  --keys N              items preloaded, keys drawn from (20000)
  --requests N          at most this many requests per run (1000000)
  --seconds S           closed-loop run length (5)
  --warmup-seconds S    untimed warm-up before each run, in the run's own loop and rate (2)
  --open-seconds S      open-loop run length (5; 0 skips the open loop)
  --rate-fraction F     open-loop rate as a fraction of Silt's closed-loop req/s (0.5)
  --rate N              open-loop req/s when Silt is not among the targets
  --client raw|node-http  the client's transport (raw sockets by default)
  --auth                Silt verifies SigV4 fully (--auth credentials file) instead of only its form
  --profile             record a CPU profile of each server during an extra closed-loop run
  --seed N              key draws (301)
  --json PATH           write the JSON report here (default data/bench/http-bench-<time>.json)
`;

const ACCESS_KEY = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench/secret/key/0123456789' };
const REGION = 'us-east-1';
const PROFILE_TOP_FUNCTIONS = 20;
/** The preload writes every key once; bounded in time too. */
const PRELOAD_MS_MAX = 120_000;

export function parseOptions(argv: readonly string[]): HttpBenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean' },
      targets: { type: 'string', default: TARGET_NAMES.join(',') },
      ops: { type: 'string', default: 'put,get' },
      connections: { type: 'string', default: '64' },
      keys: { type: 'string', default: '20000' },
      requests: { type: 'string', default: '1000000' },
      seconds: { type: 'string', default: '5' },
      'warmup-seconds': { type: 'string', default: '2' },
      'open-seconds': { type: 'string', default: '5' },
      'rate-fraction': { type: 'string', default: '0.5' },
      rate: { type: 'string' },
      client: { type: 'string', default: 'raw' },
      auth: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      seed: { type: 'string', default: '301' },
      json: { type: 'string' },
    },
  });
  if (values.help === true) return 'help';
  const integer = (flag: string, text: string, min: number): number => {
    const n = Number(text.replace(/[_,]/g, ''));
    if (!(Number.isSafeInteger(n) && n >= min)) throw new Error(`--${flag} must be an integer ≥ ${min}, got '${text}'`);
    return n;
  };
  const positive = (flag: string, text: string, min = 0): number => {
    const n = Number(text);
    if (!(Number.isFinite(n) && n >= min)) throw new Error(`--${flag} must be a number ≥ ${min}, got '${text}'`);
    return n;
  };
  const targets = values.targets.split(',').filter((name) => name !== '');
  for (const name of targets) if (!(TARGET_NAMES as readonly string[]).includes(name)) throw new Error(`--targets: unknown target '${name}' (one of ${TARGET_NAMES.join(', ')})`);
  const operations = values.ops.split(',').filter((name) => name !== '').map((name): OperationName => {
    if (name === 'put') return 'PutItem';
    if (name === 'get') return 'GetItem';
    throw new Error(`--ops: unknown operation '${name}' (put or get)`);
  });
  if (values.client !== 'raw' && values.client !== 'node-http') throw new Error(`--client must be raw or node-http, got '${values.client}'`);
  const rateFraction = positive('rate-fraction', values['rate-fraction']);
  if (!(rateFraction > 0 && rateFraction <= 1)) throw new Error('--rate-fraction must be in (0, 1]');
  return {
    // Silt first: the open-loop rate comes from its closed-loop runs.
    targets: TARGET_NAMES.filter((name) => targets.includes(name)),
    operations: [...new Set(operations)],
    connections: integer('connections', values.connections, 1),
    keys: integer('keys', values.keys, 1),
    requests: integer('requests', values.requests, 1),
    seconds: positive('seconds', values.seconds, 0.01),
    warmupSeconds: positive('warmup-seconds', values['warmup-seconds']),
    openSeconds: positive('open-seconds', values['open-seconds']),
    rateFraction,
    rate: values.rate === undefined ? null : integer('rate', values.rate, 1),
    client: values.client,
    auth: values.auth,
    profile: values.profile,
    seed: integer('seed', values.seed, 0),
    json: values.json ?? null,
  };
}

/** The repository root: the nearest ancestor of this module with Silt's package.json (src or dist). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'silt') return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function dynaliteVersion(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('dynalite/package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    // Not installed: reported as unknown (the dynalite target would fail to start).
    return null;
  }
}

interface Io {
  stdout: (text: string) => void;
  progress: (text: string) => void;
  reportDir: string;
}

/** Runs `load` and measures the server's CPU time around it. */
async function measured(server: ServerProcess, load: () => Promise<LoadResult>): Promise<{ result: LoadResult; serverCpu: CpuUsage }> {
  const before = await server.cpuUsage();
  const result = await load();
  const after = await server.cpuUsage();
  return { result, serverCpu: { userUs: after.userUs - before.userUs, systemUs: after.systemUs - before.systemUs } };
}

export async function main(argv: readonly string[], io: Io): Promise<HttpBenchReport | undefined> {
  const options = parseOptions(argv);
  if (options === 'help') {
    io.stdout(USAGE);
    return undefined;
  }
  const environment = { ...describeEnvironment(os.tmpdir()), dynalite: dynaliteVersion(), loadAverage1mAtEnd: 0 };
  io.stdout(`${formatEnvironment(environment)}\nServers:    ${options.targets.join(', ')} (dynalite ${environment.dynalite ?? '?'}), each its own process; client: ${options.client}, ${options.connections} connections, SigV4${options.auth ? ' verified by Silt' : ''}\n\n`);

  const space = new ItemSpace(options.keys, options.seed);
  const workloads: Record<OperationName, Workload> = { PutItem: putWorkload(space), GetItem: getWorkload(space) };
  const rows: HttpResultRow[] = [];
  const profiles: HttpBenchReport['profile'] = [];
  const openRates = new Map<OperationName, number>();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const closedLimits = { requests: options.requests, durationMs: options.seconds * 1000 };

  for (const name of options.targets) {
    io.progress(`${name}: starting`);
    const server = await startTarget(name, options.auth ? { auth: ACCESS_KEY } : {});
    let client: SignedClient | undefined;
    try {
      client = await SignedClient.connect({ url: server.url, credentials: ACCESS_KEY, region: REGION, connections: options.connections, transport: options.client });
      await createTable(client);
      io.progress(`${name}: preloading ${options.keys} items`);
      const preload = await runClosedLoop(client, preloadWorkload(space), { requests: options.keys, durationMs: PRELOAD_MS_MAX });
      if (preload.errors > 0) throw new Error(`${name}: preload failed: ${preload.firstError ?? ''}`);

      for (const operation of options.operations) {
        const workload = workloads[operation];
        if (options.warmupSeconds > 0) await runClosedLoop(client, workload, { requests: options.requests, durationMs: options.warmupSeconds * 1000 });
        io.progress(`${name}: ${operation} closed loop`);
        const { result, serverCpu } = await measured(server, () => runClosedLoop(client!, workload, closedLimits));
        rows.push(makeRow(name, operation, 'closed', options.connections, result, serverCpu));
        if (name === 'silt') openRates.set(operation, Math.max(1, Math.round(result.requestsPerSec * options.rateFraction)));
        if (options.profile) {
          io.progress(`${name}: ${operation} profiled run`);
          await server.startProfile();
          await runClosedLoop(client, workload, closedLimits);
          const profile = await server.stopProfile();
          await mkdir(io.reportDir, { recursive: true });
          const file = join(io.reportDir, `http-bench-${stamp}-${name}-${operation}.cpuprofile`);
          await writeFile(file, JSON.stringify(profile));
          const { rows: top, totalMs } = topSelfTime(profile, PROFILE_TOP_FUNCTIONS);
          profiles.push({ target: name, operation, totalMs, top, file });
        }
      }
      if (options.openSeconds > 0) {
        for (const operation of options.operations) {
          const rate = openRates.get(operation) ?? options.rate;
          if (rate === null) continue;
          io.progress(`${name}: ${operation} open loop at ${rate}/s`);
          // The steady state at this rate, not the switch from the previous run (its compactions, a cold cache).
          if (options.warmupSeconds > 0) await runOpenLoop(client!, workloads[operation], { ratePerSec: rate, durationMs: options.warmupSeconds * 1000 });
          const { result, serverCpu } = await measured(server, () => runOpenLoop(client!, workloads[operation], { ratePerSec: rate, durationMs: options.openSeconds * 1000 }));
          rows.push(makeRow(name, operation, 'open', options.connections, result, serverCpu));
        }
      }
    } finally {
      client?.close();
      await server.stop();
    }
  }

  environment.loadAverage1mAtEnd = os.loadavg()[0] ?? 0;
  const ratios = computeRatios(rows, options.operations);
  const targets = evaluateTargets(rows, options.operations);
  io.stdout(`${formatRows(rows)}\n\n${formatRatios(ratios)}\n\nTargets (load average ${environment.loadAverage1m.toFixed(2)} at start, ${environment.loadAverage1mAtEnd.toFixed(2)} at end):\n${formatTargets(targets)}\n`);
  for (const profile of profiles) io.stdout(`\n${profile.target} server, ${profile.operation} (closed loop), ${formatSelfTime(profile.top, profile.totalMs)}\nprofile: ${profile.file}\n`);

  const report: HttpBenchReport = { schema: 'silt-http-bench/1', environment, options, results: rows, ratios, targets, profile: profiles };
  let reportFile = options.json;
  if (reportFile === null) {
    await mkdir(io.reportDir, { recursive: true });
    reportFile = join(io.reportDir, `http-bench-${stamp}.json`);
  }
  await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  io.stdout(`\nJSON report: ${reportFile}\n`);
  return report;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllTargets();
      process.exit(130);
    });
  }
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    progress: (text) => process.stderr.write(`${text}\n`),
    reportDir: join(repoRoot(), 'data', 'bench'),
  }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`http-bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      killAllTargets();
      process.exit(1);
    },
  );
}
