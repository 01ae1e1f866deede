#!/usr/bin/env node
/**
 * The `silt` command line: `silt serve` runs the DynamoDB-compatible HTTP server over a data
 * directory (or in memory), `silt healthcheck` probes a running one, `silt partitions <table>` prints
 * a running server's partitions of a table (GET /silt/partitions/<table>), `--help`, `--version`.
 * Flag names follow DynamoDB Local (`-port`, `-inMemory`, `-dbPath`, `-sharedDb`) and dynalite
 * (`--port`, `--host`, `--path`, `--createTableMs`, `--verbose`) where they have one.
 *
 * Exit codes: 0 success (and a clean shutdown on SIGTERM/SIGINT), 1 a runtime failure (port in
 * use, unreadable file, database locked, unhealthy server), 2 a usage error (bad flag or value).
 *
 * `main(argv, io)` does the work and returns the exit code, so tests call it directly; the module
 * runs it only when executed as the `silt` bin or `node dist/engine/cli.js`. With no arguments it
 * prints help — except under `npm start` (npm_lifecycle_event=start), where it serves the default
 * data directory, so `npm start` works with the package's start script as it is.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Database } from './database.js';
import type { SyncMode } from './lsm/options.js';
import { SystemClock } from './util/clock.js';
import { NodeFileSystem } from './vfs/node.js';
import { parseCredentials, type Credentials } from './api/auth.js';
import { createLogger, isLogLevel, LOG_LEVELS, type LogLevel, type LogSink } from './api/logger.js';
import { servedOperations } from './api/pipeline.js';
import { DEFAULT_HOST, DEFAULT_PORT, PARTITIONS_PATH, startServer } from './api/server.js';
import { formatPartitions, type PartitionsDescription } from './table/describe-partitions.js';
import { runIfEntryPoint } from './cli-entry.js';

export interface CliIo {
  stdout: LogSink;
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const DEFAULT_DATA_PATH = 'data/db';
const HEALTHCHECK_TIMEOUT_MS_DEFAULT = 2000;

/** A usage error: printed with a pointer to --help, exit code 2. */
class UsageError extends Error {}

const MAIN_HELP = `silt — an embeddable DynamoDB-compatible database

Usage:
  silt serve [options]        run the DynamoDB HTTP API (default http://127.0.0.1:8000)
  silt healthcheck [options]  exit 0 when a server answers healthy
  silt fuzz [options]         property-based fuzzing; failures shrink to regression tests (silt fuzz --help)
  silt bench [options]        benchmark Silt or any DynamoDB endpoint; compare runs (silt bench --help)
  silt partitions <table> [--endpoint-url URL]  a running server's partitions of a table
  silt --help | silt <command> --help
  silt --version

Examples:
  silt serve                                  # data in ./data/db, port 8000
  silt serve --in-memory --port 4567          # throwaway database
  silt serve --path /var/lib/silt --host 0.0.0.0 --auth /etc/silt/credentials.json
  silt serve -inMemory -port 8000             # DynamoDB Local's flag spellings work too
  aws dynamodb list-tables --endpoint-url http://127.0.0.1:8000
  silt healthcheck --port 8000 && echo up
  silt fuzz crash --time 60s                  # a minute of crash-safety fuzzing; failures become regression tests
`;

const SERVE_HELP = `silt serve — run the DynamoDB HTTP API

Options:
  --port <n>              TCP port (default ${DEFAULT_PORT}; 0 picks a free port)      [-port]
  --host <address>        interface to listen on (default ${DEFAULT_HOST})
  --path <dir>            data directory (default ${DEFAULT_DATA_PATH}, relative to the working directory) [-dbPath]
  --in-memory             keep everything in memory; nothing is written         [-inMemory]
  --tls-cert <file>       serve HTTPS with this PEM certificate (needs --tls-key)
  --tls-key <file>        PEM private key for --tls-cert
  --auth <file>           verify SigV4 signatures against a credentials file:
                            { "<access key id>": "<secret access key>", ... }
                          (without it any well-formed Authorization header is accepted)
  --region <name>         region named in the health answer (default us-east-1)
  --sync <always|none>    fsync the write-ahead log per write (default always)
  --capacity <modelled|unlimited>  DynamoDB's capacity model — per-partition token buckets, burst,
                          adaptive capacity, splits, throttling (default modelled); unlimited never
                          throttles (as DynamoDB Local and dynalite)
  --table-status-delay-ms <n>  how long tables stay CREATING/DELETING (default 0) [--createTableMs, --deleteTableMs]
  --index-status-delay-ms <n>  how long new GSIs stay CREATING (default 0)        [--updateTableMs]
  --log-level <level>     ${LOG_LEVELS.join('|')} (default info)                  [--verbose, --debug = debug]
  --shared-db             accepted for DynamoDB Local compatibility: Silt always has one database [-sharedDb]
  -h, --help              this help

Logs go to stdout: JSON objects, one per line, when stdout is not a terminal; short lines otherwise.
SIGTERM or SIGINT stops accepting connections, finishes in-flight requests and closes the database.

Examples:
  silt serve --in-memory --port 0
  silt serve --path ./data/db --log-level debug
  silt serve --tls-cert cert.pem --tls-key key.pem --port 8443
`;

const HEALTHCHECK_HELP = `silt healthcheck — probe a running server (GET /); exit 0 when it answers healthy, 1 otherwise

Options:
  --port <n>          port (default ${DEFAULT_PORT})      [-port]
  --host <address>    host (default ${DEFAULT_HOST})
  --tls               use HTTPS (the certificate is not verified: the probe is local)
  --timeout-ms <n>    give up after this long (default ${HEALTHCHECK_TIMEOUT_MS_DEFAULT})
  -h, --help          this help

Example:
  silt healthcheck --port 8000 || exit 1
`;

const PARTITIONS_HELP = `silt partitions — print the partitions of a table on a running server

Usage:
  silt partitions <table> [--endpoint-url URL] [--json]

Options:
  --endpoint-url <url>  the server (default http://${DEFAULT_HOST}:${DEFAULT_PORT})
  --json                print the JSON of GET /silt/partitions/<table> as it is
  -h, --help            this help

One row per partition of the table and of each GSI: its key range (as partition-hash bounds), the
allocated and consumed read/write units per second, the burst balances, throttles by reason, the
splits that made it, and its hottest partition keys.
`;

/** DynamoDB Local's single-dash long flags, rewritten before parsing. */
const SINGLE_DASH_ALIASES: Readonly<Record<string, string>> = {
  '-port': '--port',
  '-inMemory': '--in-memory',
  '-dbPath': '--path',
  '-sharedDb': '--shared-db',
  '-help': '--help',
};

function normalizeArgs(args: readonly string[]): string[] {
  return args.map((arg) => (Object.hasOwn(SINGLE_DASH_ALIASES, arg) ? SINGLE_DASH_ALIASES[arg]! : arg));
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: normalizeArgs(args), options, strict: true, allowPositionals: false });
  } catch (error) {
    // parseArgs's messages name the flag ("Unknown option '--x'"); pass them on as usage errors.
    throw new UsageError((error as Error).message);
  }
}

function integerFlag(name: string, text: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max) throw new UsageError(`--${name} must be an integer from 0 to ${max}, got '${text}'`);
  return Number(text);
}

const SERVE_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  path: { type: 'string' },
  'in-memory': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  auth: { type: 'string' },
  region: { type: 'string' },
  sync: { type: 'string' },
  capacity: { type: 'string' },
  'table-status-delay-ms': { type: 'string' },
  createTableMs: { type: 'string' },
  deleteTableMs: { type: 'string' },
  'index-status-delay-ms': { type: 'string' },
  updateTableMs: { type: 'string' },
  'log-level': { type: 'string' },
  verbose: { type: 'boolean' },
  debug: { type: 'boolean' },
  'shared-db': { type: 'boolean' },
  ssl: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface ServeConfig {
  port: number;
  host: string;
  /** Absolute data directory; undefined in memory. */
  path: string | undefined;
  tls: { certPath: string; keyPath: string } | undefined;
  authPath: string | undefined;
  region: string;
  sync: SyncMode;
  capacity: 'modelled' | 'unlimited';
  tableStatusDelayMs: number;
  indexStatusDelayMs: number;
  logLevel: LogLevel;
}

/** Parses and validates `silt serve`'s flags; undefined when --help was asked for. */
export function parseServeArgs(args: readonly string[], cwd: string): ServeConfig | undefined {
  const { values } = parse(args, SERVE_OPTIONS);
  if (values.help === true) return undefined;
  if (values.ssl === true) throw new UsageError('--ssl (dynalite) needs a certificate here: use --tls-cert <file> --tls-key <file>');
  if (values['in-memory'] === true && values.path !== undefined) throw new UsageError('--in-memory and --path are exclusive: choose one');
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const host = values.host ?? DEFAULT_HOST;
  if (host === '') throw new UsageError('--host must not be empty');
  const sync = values.sync ?? 'always';
  if (sync !== 'always' && sync !== 'none') throw new UsageError(`--sync must be 'always' or 'none', got '${sync}'`);
  const capacity = values.capacity ?? 'modelled';
  if (capacity !== 'modelled' && capacity !== 'unlimited') throw new UsageError(`--capacity must be 'modelled' or 'unlimited', got '${capacity}'`);
  let logLevel: LogLevel = values.verbose === true || values.debug === true ? 'debug' : 'info';
  if (values['log-level'] !== undefined) {
    if (!isLogLevel(values['log-level'])) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${values['log-level']}'`);
    logLevel = values['log-level'];
  }
  const region = values.region ?? 'us-east-1';
  if (!/^[a-z0-9-]+$/i.test(region)) throw new UsageError(`--region must be a region name like us-east-1, got '${region}'`);
  const tableDelays = [values['table-status-delay-ms'], values.createTableMs, values.deleteTableMs].filter((v) => v !== undefined);
  return {
    port: integerFlag('port', values.port, DEFAULT_PORT, 65535),
    host,
    path: values['in-memory'] === true ? undefined : resolvePath(cwd, values.path ?? DEFAULT_DATA_PATH),
    tls: values['tls-cert'] === undefined ? undefined : { certPath: resolvePath(cwd, values['tls-cert']), keyPath: resolvePath(cwd, values['tls-key']!) },
    authPath: values.auth === undefined ? undefined : resolvePath(cwd, values.auth),
    region,
    sync,
    capacity,
    // Silt has one status delay for creating and deleting: the longest one asked for.
    tableStatusDelayMs: Math.max(0, ...tableDelays.map((v) => integerFlag('table-status-delay-ms', v, 0))),
    indexStatusDelayMs: integerFlag('index-status-delay-ms', values['index-status-delay-ms'] ?? values.updateTableMs, 0),
    logLevel,
  };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return Buffer.from(await new NodeFileSystem().readFile(path)).toString('utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function serve(config: ServeConfig, io: CliIo): Promise<number> {
  const clock = new SystemClock();
  const logger = createLogger({ level: config.logLevel, sink: io.stdout, clock });
  let credentials: Credentials | undefined;
  let tls: { cert: string; key: string } | undefined;
  try {
    if (config.authPath !== undefined) credentials = parseCredentials(await readText(config.authPath, 'credentials file'));
    if (config.tls !== undefined) {
      tls = { cert: await readText(config.tls.certPath, 'TLS certificate'), key: await readText(config.tls.keyPath, 'TLS key') };
    }
  } catch (error) {
    io.stderr.write(`silt: ${(error as Error).message}\n`);
    return EXIT_FAILURE;
  }
  let database: Database;
  try {
    database = await Database.open({
      ...(config.path === undefined ? {} : { path: config.path }),
      clock,
      sync: config.sync,
      capacity: config.capacity,
      region: config.region,
      tableStatusDelayMs: config.tableStatusDelayMs,
      indexStatusDelayMs: config.indexStatusDelayMs,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const hint = code === 'SILT_LOCKED' ? ' (another process has this data directory open)' : '';
    io.stderr.write(`silt: cannot open the database at ${config.path ?? '(memory)'}${hint}: ${(error as Error).message}\n`);
    return EXIT_FAILURE;
  }
  let server;
  try {
    server = await startServer({
      database,
      port: config.port,
      host: config.host,
      region: config.region,
      logger,
      clock,
      ...(tls === undefined ? {} : { tls }),
      ...(credentials === undefined ? {} : { credentials }),
    });
  } catch (error) {
    await database.close();
    const code = (error as { code?: unknown }).code;
    const hint = code === 'EADDRINUSE' ? ` (port ${config.port} is in use: choose another with --port)` : '';
    io.stderr.write(`silt: cannot listen on ${config.host}:${config.port}${hint}: ${(error as Error).message}\n`);
    return EXIT_FAILURE;
  }
  logger.info('listening', {
    url: server.url,
    port: server.port,
    data: config.path ?? 'in memory',
    auth: credentials === undefined ? 'any well-formed signature' : `SigV4 verified (${credentials.size} keys)`,
    operations: servedOperations(database).length,
  });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info('shutting down', { signal, inFlight: server.inFlight });
  // A second signal while draining means "now".
  const force = (): void => {
    logger.warn('forced exit');
    process.exit(EXIT_FAILURE);
  };
  process.once('SIGTERM', force);
  process.once('SIGINT', force);
  let code = EXIT_OK;
  try {
    await server.close();
  } catch (error) {
    logger.error('server close failed', { error });
    code = EXIT_FAILURE;
  }
  try {
    await database.close();
  } catch (error) {
    logger.error('database close failed', { error });
    code = EXIT_FAILURE;
  }
  process.off('SIGTERM', force);
  process.off('SIGINT', force);
  logger.info('stopped');
  return code;
}

const HEALTHCHECK_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  tls: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function healthcheck(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, HEALTHCHECK_OPTIONS);
  if (values.help === true) {
    io.stdout.write(HEALTHCHECK_HELP);
    return EXIT_OK;
  }
  const port = integerFlag('port', values.port, DEFAULT_PORT, 65535);
  const timeoutMs = integerFlag('timeout-ms', values['timeout-ms'], HEALTHCHECK_TIMEOUT_MS_DEFAULT);
  let host = values.host ?? DEFAULT_HOST;
  // A server bound to every interface is probed on loopback.
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  const result = await probe(values.tls === true, host, port, timeoutMs);
  if (result.ok) {
    io.stdout.write(`${result.detail}\n`);
    return EXIT_OK;
  }
  io.stderr.write(`silt: unhealthy: ${result.detail}\n`);
  return EXIT_FAILURE;
}

function probe(tls: boolean, host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const request = (tls ? https : http).request(
      { host, port, method: 'GET', path: '/', timeout: timeoutMs, agent: false, ...(tls ? { rejectUnauthorized: false } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const ok = response.statusCode === 200 && body.startsWith('healthy:');
          resolve({ ok, detail: ok ? body.trim() : `HTTP ${response.statusCode ?? '?'} ${body.slice(0, 200)}` });
        });
        response.on('error', (error) => resolve({ ok: false, detail: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ ok: false, detail: `${host}:${port}: ${error.message}` }));
    request.end();
  });
}

const PARTITIONS_OPTIONS = {
  'endpoint-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function partitions(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: PARTITIONS_OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(PARTITIONS_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('silt partitions needs exactly one table name');
  const endpoint = values['endpoint-url'] ?? `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
  let url: URL;
  try {
    url = new URL(`${PARTITIONS_PATH}${encodeURIComponent(positionals[0]!)}`, endpoint);
  } catch (error) {
    throw new UsageError(`--endpoint-url must be a URL, got '${endpoint}': ${(error as Error).message}`);
  }
  const answer = await fetchText(url);
  if (answer.error !== undefined) {
    io.stderr.write(`silt: ${url.host}: ${answer.error}\n`);
    return EXIT_FAILURE;
  }
  if (answer.statusCode !== 200) {
    let message = answer.body.slice(0, 500);
    try {
      const body = JSON.parse(answer.body) as { message?: unknown; __type?: unknown };
      if (typeof body.message === 'string') message = `${String(body.__type ?? '').split('#').pop()}: ${body.message}`;
    } catch (error) {
      // Not JSON (not a Silt server?): the raw text is shown.
      if (!(error instanceof SyntaxError)) throw error;
    }
    io.stderr.write(`silt: HTTP ${answer.statusCode}: ${message}\n`);
    return EXIT_FAILURE;
  }
  if (values.json === true) {
    io.stdout.write(`${answer.body}\n`);
    return EXIT_OK;
  }
  io.stdout.write(formatPartitions(JSON.parse(answer.body) as PartitionsDescription));
  return EXIT_OK;
}

function fetchText(url: URL): Promise<{ statusCode: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'GET', timeout: HEALTHCHECK_TIMEOUT_MS_DEFAULT * 5, agent: false, ...(url.protocol === 'https:' ? { rejectUnauthorized: false } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => resolve({ statusCode: 0, body: '', error: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('no answer in time')));
    request.on('error', (error) => resolve({ statusCode: 0, body: '', error: error.message }));
    request.end();
  });
}

/** The package's version, from the package.json above this module (source or dist). */
export async function packageVersion(): Promise<string> {
  const fs = new NodeFileSystem();
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = `${dir}/package.json`;
    if (await fs.exists(candidate)) {
      const json = JSON.parse(Buffer.from(await fs.readFile(candidate)).toString('utf8')) as { name?: unknown; version?: unknown };
      if (json.name === 'silt' && typeof json.version === 'string') return json.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        if (io.env['npm_lifecycle_event'] === 'start') return await runServe([], io);
        io.stdout.write(MAIN_HELP);
        return EXIT_OK;
      case '-h':
      case '--help':
      case '-help':
        io.stdout.write(MAIN_HELP);
        return EXIT_OK;
      case 'help':
        if (rest[0] === 'bench') return await runBench(['--help'], io);
        io.stdout.write(rest[0] === 'serve' ? SERVE_HELP : rest[0] === 'healthcheck' ? HEALTHCHECK_HELP : rest[0] === 'partitions' ? PARTITIONS_HELP : MAIN_HELP);
        return EXIT_OK;
      case '-v':
      case '--version':
      case '-version':
        io.stdout.write(`${await packageVersion()}\n`);
        return EXIT_OK;
      case 'bench':
        return await runBench(rest, io);
      case 'serve':
        return await runServe(rest, io);
      case 'healthcheck':
        return await healthcheck(rest, io);
      case 'fuzz': {
        // Loaded only when asked for: the campaigns pull in fast-check and the reference models.
        const fuzz = await import('../fuzz/cli.js');
        return await fuzz.main(rest, io);
      }
      case 'partitions':
        return await partitions(rest, io);
      default:
        // DynamoDB Local style invocations (`silt -inMemory -port 8000`) mean serve.
        if (Object.hasOwn(SINGLE_DASH_ALIASES, command) || command.startsWith('--')) return await runServe(argv, io);
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const topic = command === 'serve' || command === 'healthcheck' || command === 'partitions' ? ` ${command}` : '';
      io.stderr.write(`silt: ${error.message}\nRun 'silt${topic} --help' for usage.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** `silt bench …`: imported on demand, so `silt serve` never loads the benchmark code. */
async function runBench(args: readonly string[], io: CliIo): Promise<number> {
  const bench = await import('../bench/cli.js');
  return bench.main(args, io);
}

async function runServe(args: readonly string[], io: CliIo): Promise<number> {
  const config = parseServeArgs(args, io.cwd);
  if (config === undefined) {
    io.stdout.write(SERVE_HELP);
    return EXIT_OK;
  }
  return serve(config, io);
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

runIfEntryPoint(import.meta.url, 'silt', (argv) => main(argv), 'silt');
