/**
 * The `concurrency` campaign: fast-check's scheduler interleaves concurrent API calls (puts,
 * conditional updates, deletes, list_append updates, transactions, reads) with store flushes and
 * compactions, down to every file write of the write path (gated-fs.ts); each register key's
 * history must be linearizable and the list histories strictly serializable (workload.ts).
 *
 * One fast-check run = one history on a fresh in-memory Database with a 4 KB memtable (so writes
 * flush as they go). Shrinking reduces the calls and the scheduler's choices; a failure carries the
 * calls and the scheduler's release order, which `replay` re-imposes with fc.schedulerFor.
 * Partition splits are not in the mix: the partition manager (engine/partitions) is not wired into
 * the Database yet.
 */
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { Database } from '../../engine/database.js';
import { MEMTABLE_BYTES_MIN } from '../../engine/limits.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import type { Campaign, CampaignOptions, CampaignResult } from '../campaign.js';
import { errorText } from '../api/check.js';
import { GatedFileSystem } from './gated-fs.js';
import { clientOp, LIST_TABLE, opText, REGISTER_TABLE, runHistory, type ClientOp, type ConcurrencyTarget, type HistoryVerdict } from './workload.js';

export const HISTORY_OPERATIONS_MAX = 14;
const PROGRESS_INTERVAL_MS = 250;
const REPLAY_TIMEOUT_MS = 30_000;

export interface ConcurrencyCampaignOptions {
  name?: string;
  ciBudget?: { runs?: number; timeMs?: number };
  /** Wraps the target (proof of power: a database that skips per-item ordering or reads stale values). */
  wrapTarget?: (target: ConcurrencyTarget, scheduler: fc.Scheduler) => ConcurrencyTarget;
}

interface ConcurrencyReplay {
  version: 1;
  ops: ClientOp[];
  /** Scheduler task ids in release order. */
  order: number[];
}

async function historyOn(scheduler: fc.Scheduler, ops: readonly ClientOp[], wrap: ConcurrencyCampaignOptions['wrapTarget']): Promise<HistoryVerdict & { gatedOperations: number }> {
  const fs = new GatedFileSystem(new MemoryFileSystem());
  const db = await Database.open({ env: { fs, clock: new ManualClock(1_700_000_000_000), random: new SeededRandom(1) }, memtableBytes: MEMTABLE_BYTES_MIN, ttlSweepIntervalMs: 0 });
  try {
    for (const name of [REGISTER_TABLE, LIST_TABLE]) {
      await db.createTable({ TableName: name, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' });
    }
    const base: ConcurrencyTarget = {
      putItem: (input) => db.putItem(input),
      getItem: (input) => db.getItem(input),
      updateItem: (input) => db.updateItem(input),
      deleteItem: (input) => db.deleteItem(input),
      transactWriteItems: (input) => db.transactWriteItems(input),
      transactGetItems: (input) => db.transactGetItems(input),
      flush: () => db.store.flush(),
      compact: () => db.store.compactUntilIdle(),
    };
    const target = wrap?.(base, scheduler) ?? base;
    fs.setGate((label) => scheduler.schedule(Promise.resolve(), label).then(() => undefined));
    const verdict = await runHistory(target, scheduler, ops);
    // Let background flushes and compactions through, then drain what is still waiting.
    fs.setGate(undefined);
    await scheduler.waitIdle();
    return { ...verdict, gatedOperations: fs.gatedOperations };
  } finally {
    fs.setGate(undefined);
    await scheduler.waitIdle();
    await db.close();
  }
}

function script(ops: readonly ClientOp[], schedulerReport: string): string {
  return [...ops.map(opText), 'scheduler:', schedulerReport].join('\n');
}

export function createConcurrencyCampaign(config: ConcurrencyCampaignOptions = {}): Campaign {
  const name = config.name ?? 'concurrency';
  const ciBudget = config.ciBudget ?? CI_BUDGET;

  async function run(options: CampaignOptions): Promise<CampaignResult> {
    const startedMs = performance.now();
    const counts: Record<string, number> = { histories: 0, operations: 0, registerOperations: 0, transactions: 0, conflicts: 0, gatedFileOperations: 0 };
    let lastProgressMs = startedMs;
    const property = fc.asyncProperty(fc.scheduler(), fc.array(clientOp, { minLength: 2, maxLength: HISTORY_OPERATIONS_MAX, size: 'max' }), async (scheduler, ops) => {
      const verdict = await historyOn(scheduler, ops, config.wrapTarget);
      counts['histories']!++;
      counts['operations']! += verdict.counts.operations;
      counts['registerOperations']! += verdict.counts.registerOps;
      counts['transactions']! += verdict.counts.transactions;
      counts['conflicts']! += verdict.counts.conflicts;
      counts['gatedFileOperations']! += verdict.gatedOperations;
      const now = performance.now();
      if (options.onProgress !== undefined && now - lastProgressMs >= PROGRESS_INTERVAL_MS) {
        lastProgressMs = now;
        options.onProgress({ runs: counts['histories']!, elapsedMs: now - startedMs, counts: { ...counts } });
      }
      if (verdict.problem !== undefined) throw new Error(verdict.problem);
    });
    const budget: { runs?: number; timeMs?: number } = options.runs !== undefined || options.timeMs !== undefined ? options : ciBudget;
    const details = await fc.check(property, {
      seed: options.seed,
      numRuns: budget.runs ?? Number.MAX_SAFE_INTEGER,
      ...(budget.timeMs === undefined ? {} : { interruptAfterTimeLimit: budget.timeMs, markInterruptAsFailure: false }),
    });
    const result: CampaignResult = { campaign: name, seed: options.seed, runs: counts['histories']!, elapsedMs: performance.now() - startedMs, counts, failure: null };
    if (details.failed) {
      if (details.counterexample === null) throw new Error(`${name}: fast-check failed without a counterexample: ${errorText(details.errorInstance)}`);
      const [scheduler, ops] = details.counterexample;
      const order = scheduler.report().filter((task) => task.status !== 'pending').map((task) => task.taskId);
      result.failure = {
        campaign: name,
        seed: options.seed,
        message: `${errorText(details.errorInstance)} (fast-check path ${details.counterexamplePath ?? '?'}, shrunk ${details.numShrinks} times)`,
        script: script(ops, String(scheduler)),
        replay: { version: 1, ops, order } satisfies ConcurrencyReplay,
      };
    }
    return result;
  }

  async function replay(recorded: unknown): Promise<CampaignResult> {
    const startedMs = performance.now();
    const data = recorded as ConcurrencyReplay;
    if (data?.version !== 1) throw new Error(`${name}: unknown replay format`);
    const scheduler = fc.schedulerFor(data.order);
    let message: string | undefined;
    let verdict: (HistoryVerdict & { gatedOperations: number }) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      // A recorded order that no longer fits the calls (the engine changed) would wait forever.
      const diverged = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`replay did not finish in ${REPLAY_TIMEOUT_MS} ms: the recorded scheduler order no longer fits`)), REPLAY_TIMEOUT_MS);
      });
      verdict = await Promise.race([historyOn(scheduler, data.ops, config.wrapTarget), diverged]);
      message = verdict.problem;
    } catch (error) {
      message = errorText(error);
    } finally {
      clearTimeout(timer);
    }
    return {
      campaign: name,
      seed: 0,
      runs: 1,
      elapsedMs: performance.now() - startedMs,
      counts: { histories: 1, operations: data.ops.length, gatedFileOperations: verdict?.gatedOperations ?? 0 },
      failure: message === undefined ? null : { campaign: name, seed: 0, message, script: script(data.ops, String(scheduler)), replay: recorded },
    };
  }

  return { name, description: 'scheduler-interleaved API calls, flushes and compactions: linearizable keys, strictly serializable list-append transactions', ciBudget, run, replay };
}

const CI_BUDGET: { runs?: number; timeMs?: number } = { runs: 3000 };

export const concurrencyCampaign: Campaign = createConcurrencyCampaign();

