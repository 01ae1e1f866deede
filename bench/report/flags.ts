/**
 * `silt bench`'s run flags turned into the JSON phase configuration that the load generator
 * validates (bench/harness/config.ts `parseBenchConfig`): flags build one phase, or lay themselves
 * over every phase of a `--config` file. No flags and no file means the default suite (undefined).
 *
 * Only the shape of values is checked here (numbers, durations, exclusive flags), with RangeErrors
 * naming the flag; what the values mean (workload names, limits) is the generator's to validate.
 */

import { regionOfEndpointUrl } from '../http/endpoint.js';

/** Flags that describe a run (string-valued); `in-memory` and `self-check` are set by the CLI's booleans. */
export const RUN_FLAG_NAMES = [
  'target', 'endpoint-url', 'region', 'access-key', 'secret-key', 'session-token', 'sync', 'capacity', 'workload', 'records', 'fields', 'field-bytes',
  'distribution', 'hot-key-share', 'rate', 'concurrency', 'workers', 'duration', 'warmup', 'seed', 'name', 'interval',
] as const;
export type RunFlagName = (typeof RUN_FLAG_NAMES)[number] | 'in-memory' | 'self-check';
export type RunFlags = Partial<Record<RunFlagName, string>>;

type Json = Record<string, unknown>;
/** Environment variables (process.env, or a test's). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** 1000, 1_000, 1,000, 10k, 1.5M → an integer. */
export function parseCount(flag: string, text: string): number {
  const match = /^(\d[\d_,]*(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]!.replace(/[_,]/g, '')) * (match[2] === '' ? 1 : match[2]!.toLowerCase() === 'k' ? 1000 : 1_000_000);
  if (!Number.isSafeInteger(value)) throw new RangeError(`--${flag} must be a whole number (1000, 10_000, 10k, 1.5M), got '${text}'`);
  return value;
}

/** 10s, 500ms, 1.5m, 10 (seconds) → milliseconds. */
export function parseDurationMs(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (match === null) throw new RangeError(`--${flag} must be a duration like 10s, 500ms or 2m, got '${text}'`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000);
}

function parseFraction(flag: string, text: string): number {
  const percent = text.trim().endsWith('%');
  const value = Number(percent ? text.trim().slice(0, -1) : text);
  if (!(Number.isFinite(value) && value >= 0 && value <= (percent ? 100 : 1))) throw new RangeError(`--${flag} must be a share like 0.5 or 50%, got '${text}'`);
  return percent ? value / 100 : value;
}

function asObject(value: unknown, field: string): Json {
  if (typeof value === 'string') return { [field]: value };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { ...(value as Json) };
  return {};
}

/**
 * The AWS SDKs' environment for an http target: credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN) when neither key was given by flag or file — all three together, never mixed
 * with a given key — and the region (AWS_REGION, else AWS_DEFAULT_REGION) when none was given and
 * the URL does not name one (an AWS endpoint's own region always wins: a signature scoped to
 * another region is refused).
 */
function fromAwsEnvironment(target: Json, env: Environment): void {
  const keyId = env['AWS_ACCESS_KEY_ID'];
  const secret = env['AWS_SECRET_ACCESS_KEY'];
  if (target['accessKeyId'] === undefined && target['secretAccessKey'] === undefined && keyId && secret) {
    target['accessKeyId'] = keyId;
    target['secretAccessKey'] = secret;
    const token = env['AWS_SESSION_TOKEN'];
    if (token && target['sessionToken'] === undefined) target['sessionToken'] = token;
  }
  const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'];
  if (target['region'] === undefined && region && (typeof target['url'] !== 'string' || regionOfEndpointUrl(target['url']) === undefined)) target['region'] = region;
}

function overlay(base: Json, flags: RunFlags, fromFile: boolean, env: Environment): Json {
  const phase: Json = { ...base };
  const target = asObject(phase['target'], 'kind');
  const workload = asObject(phase['workload'], 'name');
  if (flags.target !== undefined) target['kind'] = flags.target;
  if (flags['endpoint-url'] !== undefined) {
    // An endpoint means the http target unless a target was named.
    if (flags.target === undefined && target['kind'] === undefined) target['kind'] = 'http';
    target['url'] = flags['endpoint-url'];
  }
  if (flags.region !== undefined) target['region'] = flags.region;
  if (flags['access-key'] !== undefined) target['accessKeyId'] = flags['access-key'];
  if (flags['secret-key'] !== undefined) target['secretAccessKey'] = flags['secret-key'];
  if (flags['session-token'] !== undefined) target['sessionToken'] = flags['session-token'];
  if (target['kind'] === 'http') fromAwsEnvironment(target, env);
  if (flags['in-memory'] !== undefined) target['inMemory'] = true;
  if (flags.sync !== undefined) target['sync'] = flags.sync;
  if (flags.capacity !== undefined) target['capacity'] = flags.capacity;
  if (flags.workload !== undefined) workload['name'] = flags.workload;
  if (flags.fields !== undefined) workload['fieldCount'] = parseCount('fields', flags.fields);
  if (flags['field-bytes'] !== undefined) workload['fieldBytes'] = parseCount('field-bytes', flags['field-bytes']);
  if (flags.distribution !== undefined) workload['distribution'] = flags.distribution;
  if (flags['hot-key-share'] !== undefined) workload['hotKeyShare'] = parseFraction('hot-key-share', flags['hot-key-share']);
  if (flags.rate !== undefined && flags.concurrency !== undefined) {
    throw new RangeError('--rate (open loop) and --concurrency (closed loop) exclude each other: choose one');
  }
  if (flags.rate !== undefined) {
    phase['model'] = 'open';
    phase['ratePerSecond'] = parseCount('rate', flags.rate);
  }
  if (flags.concurrency !== undefined) {
    phase['model'] = 'closed';
    phase['concurrency'] = parseCount('concurrency', flags.concurrency);
  }
  if (flags.workers !== undefined) phase['workers'] = parseCount('workers', flags.workers);
  if (flags.records !== undefined) phase['recordCount'] = parseCount('records', flags.records);
  if (flags.seed !== undefined) phase['seed'] = parseCount('seed', flags.seed);
  if (flags.duration !== undefined) phase['durationMs'] = parseDurationMs('duration', flags.duration);
  if (flags.warmup !== undefined) phase['warmupMs'] = parseDurationMs('warmup', flags.warmup);
  if (flags.interval !== undefined) phase['timelineIntervalMs'] = parseDurationMs('interval', flags.interval);
  if (flags.name !== undefined) phase['name'] = flags.name;
  // A run from flags measures the generator first unless told not to; a file says for itself.
  if (flags['self-check'] === 'false') phase['selfCheck'] = false;
  else if (!fromFile) phase['selfCheck'] = true;
  if (Object.keys(target).length > 0) phase['target'] = target;
  if (Object.keys(workload).length > 0) phase['workload'] = workload;
  return phase;
}

/**
 * The phases to run as raw JSON, or undefined for the default suite. `file` is a parsed --config
 * file: one phase object, an array of them, or { phases: [...] }; `env` fills an http target's
 * credentials and region as the AWS SDKs would.
 */
export function configFromFlags(flags: RunFlags, file: unknown, env: Environment = {}): Json[] | undefined {
  const any = Object.values(flags).some((value) => value !== undefined);
  if (file === undefined) return any ? [overlay({}, flags, false, env)] : undefined;
  const list: unknown[] = Array.isArray(file) ? file : file !== null && typeof file === 'object' && Array.isArray((file as Json)['phases']) ? ((file as Json)['phases'] as unknown[]) : [file];
  if (list.length === 0) throw new RangeError('--config: the file has no phases');
  return list.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new RangeError(`--config: phase ${index} is not an object`);
    return overlay(item as Json, flags, true, env);
  });
}
