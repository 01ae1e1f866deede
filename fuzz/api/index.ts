/**
 * The `api` campaign: model-based fuzzing of the whole embedded DynamoDB API (tables, conditions,
 * updates, queries with paging, parallel scans, batches, transactions, GSIs, TTL on a manual clock)
 * against the reference model in model.ts. One fast-check run = one sequence: random schemas, a
 * short random operation sequence (ops.ts), every result checked (runner.ts), then the final
 * contents of every table and index.
 *
 * Throughput: one in-memory Database (WAL sync 'none') serves every sequence; each sequence gets
 * fresh tables and deletes them when it passes. After a failure the database is discarded and a
 * fresh one opened, so shrinking never runs on a database a failed sequence left behind.
 *
 * Modes: `api` runs short sequences (at most SHORT_SEQUENCE_OPS_MAX operations: most bugs need few
 * operations, and short sequences shrink fast); `api-long` runs sequences up to
 * LONG_SEQUENCE_OPS_MAX operations for manual runs. Deterministic per seed: fast-check derives every
 * sequence from the seed, and each sequence's behaviour does not depend on those before it.
 */
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import type { Campaign, CampaignOptions, CampaignResult } from '../campaign.js';
import { errorText } from './check.js';
import { Model, type TableSpec } from './model.js';
import { opsFor, schemas, START_MS, type Capabilities, type Op } from './ops.js';
import { capabilitiesOf, runSequence, type Api, type Coverage } from './runner.js';
import { fromReplayJson, sequenceScript, toReplayJson } from './script.js';

export const SHORT_SEQUENCE_OPS_MAX = 8;
export const LONG_SEQUENCE_OPS_MAX = 60;
/**
 * Sequences one database serves before it is replaced: the tombstones of thousands of deleted
 * tables otherwise slow its scans down (25,000 sequences: 90 s on one database, see the note).
 */
const SEQUENCES_PER_DATABASE = 1000;
/** Progress callbacks at most this often. */
const PROGRESS_INTERVAL_MS = 250;

export interface ApiCampaignOptions {
  name?: string;
  description?: string;
  sequenceOpsMax?: number;
  ciBudget?: { runs?: number; timeMs?: number };
  /** The reference model (a proof-of-power test passes one with a wrong rule). */
  createModel?: () => Model;
}

export interface Sequence {
  specs: TableSpec[];
  ops: Op[];
}

/** What a regression file stores: the sequence as plain JSON. */
interface ApiReplay {
  version: 1;
  specs: unknown;
  ops: unknown;
}

/** The shared database of a campaign run; replaced after a failure. */
class SharedDatabase {
  #db: Database | undefined;
  clock = new ManualClock(START_MS);
  #sequence = 0;

  async api(): Promise<Api> {
    this.#db ??= await Database.open({ clock: this.clock, ttlSweepIntervalMs: 0, sync: 'none' });
    // Database has every operation the Api interface names; the optional ones are feature-detected.
    return this.#db as unknown as Api;
  }

  /** A fresh table-name prefix per sequence; every SEQUENCES_PER_DATABASE sequences, a fresh database. */
  async prefix(): Promise<string> {
    if (this.#sequence > 0 && this.#sequence % SEQUENCES_PER_DATABASE === 0) await this.discard();
    return `s${this.#sequence++}_`;
  }

  async discard(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    this.clock = new ManualClock(START_MS);
    // A failed sequence may have left the database failed too: its close error is not the finding.
    await db?.close().catch(() => undefined);
  }
}

export function sequencesArbitrary(capabilities: Capabilities, sequenceOpsMax: number): fc.Arbitrary<Sequence> {
  return schemas.chain((specs) => opsFor(specs, capabilities, sequenceOpsMax).map((ops) => ({ specs, ops })));
}

export function createApiCampaign(config: ApiCampaignOptions = {}): Campaign {
  const name = config.name ?? 'api';
  const sequenceOpsMax = config.sequenceOpsMax ?? SHORT_SEQUENCE_OPS_MAX;
  const createModel = config.createModel ?? (() => new Model());

  async function capabilities(): Promise<Capabilities> {
    const probe = await Database.open({ clock: new ManualClock(START_MS), ttlSweepIntervalMs: 0 });
    try {
      return capabilitiesOf(probe as unknown as Api);
    } finally {
      await probe.close();
    }
  }

  async function run(options: CampaignOptions): Promise<CampaignResult> {
    const startedMs = performance.now();
    const shared = new SharedDatabase();
    const caps = await capabilities();
    const coverage: Coverage = new Map();
    let sequences = 0;
    let commands = 0;
    let lastProgressMs = startedMs;
    const property = fc.asyncProperty(sequencesArbitrary(caps, sequenceOpsMax), async (sequence) => {
      sequences++;
      commands += sequence.ops.length;
      try {
        const prefix = await shared.prefix();
        await runSequence(await shared.api(), shared.clock, caps, createModel(), coverage, prefix, sequence);
      } catch (error) {
        await shared.discard();
        throw error;
      }
      const now = performance.now();
      if (options.onProgress !== undefined && now - lastProgressMs >= PROGRESS_INTERVAL_MS) {
        lastProgressMs = now;
        options.onProgress({ runs: sequences, elapsedMs: now - startedMs, counts: { sequences, commands } });
      }
    });
    const budget: { runs?: number; timeMs?: number } = options.runs !== undefined || options.timeMs !== undefined ? options : config.ciBudget ?? CI_BUDGET;
    const details = await fc.check(property, {
      seed: options.seed,
      numRuns: budget.runs ?? Number.MAX_SAFE_INTEGER,
      ...(budget.timeMs === undefined ? {} : { interruptAfterTimeLimit: budget.timeMs, markInterruptAsFailure: false }),
    });
    await shared.discard();
    const counts: Record<string, number> = { sequences, commands };
    for (const [what, n] of [...coverage].sort()) counts[`op.${what}`] = n;
    const result: CampaignResult = { campaign: name, seed: options.seed, runs: sequences, elapsedMs: performance.now() - startedMs, counts, failure: null };
    if (details.failed && details.counterexample !== null) {
      const [sequence] = details.counterexample;
      result.failure = {
        campaign: name,
        seed: options.seed,
        message: `${errorText(details.errorInstance)} (fast-check path ${details.counterexamplePath ?? '?'}, shrunk ${details.numShrinks} times)`,
        script: sequenceScript(sequence.specs, sequence.ops),
        replay: { version: 1, specs: toReplayJson(sequence.specs), ops: toReplayJson(sequence.ops) } satisfies ApiReplay,
      };
    } else if (details.failed) {
      throw new Error(`${name}: fast-check failed without a counterexample: ${errorText(details.errorInstance)}`);
    }
    return result;
  }

  async function replay(recorded: unknown): Promise<CampaignResult> {
    const startedMs = performance.now();
    const data = recorded as ApiReplay;
    if (data?.version !== 1) throw new Error(`${name}: unknown replay format ${JSON.stringify(recorded)?.slice(0, 80)}`);
    const sequence: Sequence = { specs: fromReplayJson<TableSpec[]>(data.specs), ops: fromReplayJson<Op[]>(data.ops) };
    const shared = new SharedDatabase();
    const caps = await capabilities();
    const coverage: Coverage = new Map();
    let message: string | undefined;
    try {
      const prefix = await shared.prefix();
      await runSequence(await shared.api(), shared.clock, caps, createModel(), coverage, prefix, sequence);
    } catch (error) {
      message = errorText(error);
    }
    await shared.discard();
    return {
      campaign: name,
      seed: 0,
      runs: 1,
      elapsedMs: performance.now() - startedMs,
      counts: { sequences: 1, commands: sequence.ops.length },
      failure: message === undefined ? null : { campaign: name, seed: 0, message, script: sequenceScript(sequence.specs, sequence.ops), replay: recorded },
    };
  }

  return {
    name,
    description: config.description ?? `model-based: random DynamoDB API sequences (≤ ${sequenceOpsMax} operations) vs a reference model`,
    ciBudget: config.ciBudget ?? CI_BUDGET,
    run,
    replay,
  };
}

const CI_BUDGET: { runs?: number; timeMs?: number } = { runs: 25_000 };

/** Short sequences: the CI campaign. */
export const apiCampaign: Campaign = createApiCampaign();

/** Long sequences for manual runs (`silt fuzz api-long --time 10m`). */
export const apiLongCampaign: Campaign = createApiCampaign({
  name: 'api-long',
  sequenceOpsMax: LONG_SEQUENCE_OPS_MAX,
  description: `model-based: long DynamoDB API sequences (≤ ${LONG_SEQUENCE_OPS_MAX} operations) vs a reference model (manual runs)`,
  ciBudget: { runs: 500 },
});
