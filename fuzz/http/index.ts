/**
 * The `http` campaign: malformed and hostile requests against Silt's wire protocol (cases.ts,
 * mutations.ts, limits.ts, transport.ts), in-process through the RequestPipeline for volume and over
 * real keep-alive sockets for a share and for what only a socket can send. Oracle (oracle.ts): every
 * response is one of the case's outcomes with DynamoDB's error shape, never a 500 or a dropped
 * connection; the database's state hash never changes (every base is built so that no case can
 * write); the servers answer at the end.
 *
 * A run first sweeps every base, limit and body-size case once on both transports, then draws
 * batches: one fast-check run = one batch of up to BATCH_CASES_MAX cases, in-process (sequential,
 * hash after each) or over sockets (concurrent, hash after the batch). Shrinking reduces a failing
 * batch to the cases that fail. After a failure the harness is rebuilt, so shrinking starts clean.
 */
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import type { Campaign, CampaignFailure, CampaignOptions, CampaignResult } from '../campaign.js';
import { CheckFailure, errorText } from '../api/check.js';
import type { WireCase } from './cases.js';
import { HttpHarness, type HarnessOptions } from './harness.js';
import { bodySizeCases, limitCases } from './limits.js';
import { baseCases, mutationCase, mutationChoices } from './mutations.js';
import { checkResponse, outcomeOf, type WireResponse } from './oracle.js';
import { socketOnlyChoices, transportCase, transportChoices } from './transport.js';

export const BATCH_CASES_MAX = 64;
const CONNECTIONS_PER_SERVER = 16;
const PROGRESS_INTERVAL_MS = 250;

export interface Batch {
  transport: 'in-process' | 'socket';
  cases: WireCase[];
}

interface HttpReplay {
  version: 1;
  batch: Batch;
}

const ALL_BASES = baseCases();
const LIMITS = limitCases();

export function wireCases(socket: boolean): fc.Arbitrary<WireCase> {
  const choices: { weight: number; arbitrary: fc.Arbitrary<WireCase> }[] = [
    { weight: 12, arbitrary: mutationChoices.map((choice) => mutationCase(choice) ?? ALL_BASES[choice.base % ALL_BASES.length]!) },
    { weight: 5, arbitrary: transportChoices.map(transportCase) },
    { weight: 2, arbitrary: fc.constantFrom(...LIMITS) },
    { weight: 1, arbitrary: fc.constantFrom(...ALL_BASES) },
  ];
  if (socket) choices.push({ weight: 1, arbitrary: socketOnlyChoices.map(transportCase) });
  return fc.oneof(...choices);
}

export const batches: fc.Arbitrary<Batch> = fc.oneof(
  { weight: 7, arbitrary: fc.array(wireCases(false), { minLength: 1, maxLength: BATCH_CASES_MAX, size: 'max' }).map((cases): Batch => ({ transport: 'in-process', cases })) },
  { weight: 1, arbitrary: fc.array(wireCases(true), { minLength: 1, maxLength: BATCH_CASES_MAX, size: 'max' }).map((cases): Batch => ({ transport: 'socket', cases })) },
);

export interface HttpCampaignOptions extends Partial<Omit<HarnessOptions, 'connectionsPerServer'>> {
  name?: string;
  ciBudget?: { runs?: number; timeMs?: number };
  /** Skip the initial sweep of fixed cases (proof-of-power tests that target the random phase). */
  skipSweep?: boolean;
}

class Counter {
  readonly counts: Record<string, number> = { requests: 0, inProcessRequests: 0, socketRequests: 0, batches: 0, stateChecks: 0, stateHashChecks: 0 };
  add(name: string, n = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }
}

/** Runs one batch and checks it; throws CheckFailure naming the first bad case. */
async function runBatch(harness: HttpHarness, batch: Batch, counter: Counter): Promise<void> {
  counter.add('batches');
  // A second of the manual clock per batch: signatures stay fresh, TTL and capacity time moves.
  harness.clock.advance(1000);
  const verdict = (c: WireCase, response: WireResponse): void => {
    counter.add('requests');
    const result = outcomeOf(response);
    counter.add(`outcome.${'outcome' in result ? result.outcome : 'problem'}`);
    const problem = checkResponse(c, response);
    if (problem !== undefined) throw new CheckFailure(`${batch.transport} ${c.label}: ${problem}`);
  };
  const checkHash = (what: string): void => {
    counter.add('stateChecks');
    // Any change needs a store write, and a write advances the sequence: hash only when it moved.
    if (harness.lastSequence === harness.baselineSequence) return;
    counter.add('stateHashChecks');
    const hash = harness.stateHash();
    if (hash !== harness.baselineHash) throw new CheckFailure(`the database changed after ${what}`);
    counter.add('writesWithoutChange');
    harness.baselineSequence = harness.lastSequence;
  };
  if (batch.transport === 'in-process') {
    for (const c of batch.cases) {
      if (c.declaredLength !== undefined) continue;
      counter.add('inProcessRequests');
      verdict(c, await harness.inProcess(c));
      checkHash(`in-process ${c.label}`);
    }
    return;
  }
  const responses = await harness.overSockets(batch.cases);
  // The full hash after every socket batch, whatever the sequence says.
  counter.add('stateHashChecks');
  if (harness.stateHash() !== harness.baselineHash) throw new CheckFailure(`the database changed after the socket batch (${batch.cases.map((c) => c.label).join(' | ').slice(0, 500)})`);
  counter.add('socketRequests', batch.cases.length);
  batch.cases.forEach((c, i) => verdict(c, responses[i]!));
  checkHash(`the socket batch (${batch.cases.map((c) => c.label).join(' | ').slice(0, 500)})`);
  if (!(await harness.alive())) throw new CheckFailure('the server stopped answering after a socket batch');
}

function script(batch: Batch): string {
  return [`transport ${batch.transport}`, ...batch.cases.map((c, i) => `${String(i + 1).padStart(3)}. ${c.sign === 'open' ? '' : `[${c.sign}] `}${c.method} ${c.headers['X-Amz-Target'] ?? '(no target)'} — ${c.label} → expect ${c.outcomes.join(' | ')}`)].join('\n');
}

export function createHttpCampaign(config: HttpCampaignOptions = {}): Campaign {
  const name = config.name ?? 'http';
  const harnessOptions: HarnessOptions = { connectionsPerServer: CONNECTIONS_PER_SERVER, ...(config.wrapDatabase === undefined ? {} : { wrapDatabase: config.wrapDatabase }), ...(config.wrapResponse === undefined ? {} : { wrapResponse: config.wrapResponse }) };
  const ciBudget = config.ciBudget ?? CI_BUDGET;

  async function run(options: CampaignOptions): Promise<CampaignResult> {
    const startedMs = performance.now();
    const counter = new Counter();
    let harness = await HttpHarness.start(harnessOptions);
    const finish = async (failure: CampaignFailure | null): Promise<CampaignResult> => {
      if (failure === null && !(await harness.alive())) failure = { campaign: name, seed: options.seed, message: 'the server is not answering at the end', script: '', replay: null };
      counter.counts['keepAliveRetries'] = (counter.counts['keepAliveRetries'] ?? 0) + harness.socketRetries;
      await harness.close();
      return { campaign: name, seed: options.seed, runs: counter.counts['batches']!, elapsedMs: performance.now() - startedMs, counts: counter.counts, failure };
    };
    // The fixed sweep: every base, limit and body-size case on both transports.
    if (config.skipSweep !== true) {
      const fixed = [...ALL_BASES, ...LIMITS, ...bodySizeCases()];
      for (const transport of ['in-process', 'socket'] as const) {
        const batch: Batch = { transport, cases: fixed };
        try {
          await runBatch(harness, batch, counter);
        } catch (error) {
          const message = errorText(error);
          const failing = fixed.find((c) => message.includes(c.label));
          const minimal: Batch = { transport, cases: failing === undefined ? fixed : [failing] };
          return finish({ campaign: name, seed: options.seed, message, script: script(minimal), replay: { version: 1, batch: minimal } satisfies HttpReplay });
        }
      }
    }
    let lastProgressMs = startedMs;
    const property = fc.asyncProperty(batches, async (batch) => {
      try {
        await runBatch(harness, batch, counter);
      } catch (error) {
        counter.add('keepAliveRetries', harness.socketRetries);
        await harness.close();
        harness = await HttpHarness.start(harnessOptions);
        throw error;
      }
      const now = performance.now();
      if (options.onProgress !== undefined && now - lastProgressMs >= PROGRESS_INTERVAL_MS) {
        lastProgressMs = now;
        options.onProgress({ runs: counter.counts['batches']!, elapsedMs: now - startedMs, counts: { ...counter.counts } });
      }
    });
    const budget: { runs?: number; timeMs?: number } = options.runs !== undefined || options.timeMs !== undefined ? options : ciBudget;
    const details = await fc.check(property, {
      seed: options.seed,
      numRuns: budget.runs ?? Number.MAX_SAFE_INTEGER,
      ...(budget.timeMs === undefined ? {} : { interruptAfterTimeLimit: budget.timeMs, markInterruptAsFailure: false }),
    });
    if (!details.failed) return finish(null);
    if (details.counterexample === null) throw new Error(`${name}: fast-check failed without a counterexample: ${errorText(details.errorInstance)}`);
    const [batch] = details.counterexample;
    return finish({
      campaign: name,
      seed: options.seed,
      message: `${errorText(details.errorInstance)} (fast-check path ${details.counterexamplePath ?? '?'}, shrunk ${details.numShrinks} times)`,
      script: script(batch),
      replay: { version: 1, batch } satisfies HttpReplay,
    });
  }

  async function replay(recorded: unknown): Promise<CampaignResult> {
    const startedMs = performance.now();
    const data = recorded as HttpReplay;
    if (data?.version !== 1) throw new Error(`${name}: unknown replay format`);
    const counter = new Counter();
    const harness = await HttpHarness.start(harnessOptions);
    let message: string | undefined;
    try {
      await runBatch(harness, data.batch, counter);
    } catch (error) {
      message = errorText(error);
    }
    await harness.close();
    return { campaign: name, seed: 0, runs: 1, elapsedMs: performance.now() - startedMs, counts: counter.counts, failure: message === undefined ? null : { campaign: name, seed: 0, message, script: script(data.batch), replay: recorded } };
  }

  return { name, description: 'malformed and hostile requests against the server: DynamoDB errors, never a 500, never a write', ciBudget, run, replay };
}

// ~30 cases a batch: 1,800 batches are ~55,000 requests, ~15% of them over sockets.
const CI_BUDGET: { runs?: number; timeMs?: number } = { runs: 1800 };

export const httpCampaign: Campaign = createHttpCampaign();
