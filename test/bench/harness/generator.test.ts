/**
 * The load generator's schedule, in one thread against fake targets:
 * - coordinated-omission correction: a target that stalls for X ms shows ≈ X in the open loop's
 *   p99 and max (latency from the intended start), while a closed loop shows it only in its max;
 * - the open loop records exactly the requests scheduled in the measured window (warm-up excluded);
 * - throttles and errors are counted apart, per operation and per interval, and only successes
 *   are in the histograms; the timeline adds up to the totals.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LoadGenerator, Status, type CompletionSink, type GeneratorPlan, type GeneratorReport, type Transport } from '../../../bench/harness/generator.js';
import { decodeHistogram, mergeEncoded, percentilesOf } from '../../../bench/harness/histograms.js';
import { mergeOperations, mergeTimeline } from '../../../bench/harness/merge.js';
import { OperationSource, WORKLOAD_SHAPES, type OperationCode, type WorkloadName } from '../../../bench/harness/workloads/catalog.js';

/** Answers on the next turn of the event loop, except that nothing is answered during [stallFromMs, stallToMs). */
class StallingTarget implements Transport {
  sink: CompletionSink | undefined;
  stallFromMs = Number.POSITIVE_INFINITY;
  stallToMs = Number.NEGATIVE_INFINITY;
  outcome: (index: number) => Status = () => Status.Ok;
  #sent = 0;
  #held: number[] = [];
  #releaseArmed = false;

  constructor(readonly capacity: number) {}

  send(slot: number, _op: OperationCode): void {
    const index = this.#sent++;
    setImmediate(() => this.#answer(slot, index));
  }

  flush(): void {}

  #answer(slot: number, index: number): void {
    const now = performance.now();
    if (now >= this.stallFromMs && now < this.stallToMs) {
      this.#held.push(slot, index);
      if (!this.#releaseArmed) {
        this.#releaseArmed = true;
        setTimeout(() => this.#release(), this.stallToMs - now);
      }
      return;
    }
    const status = this.outcome(index);
    this.sink!.complete(slot, status, status === Status.Ok ? undefined : status === Status.Throttle ? 'ThrottlingException' : 'ValidationException');
    this.sink!.afterCompletions(true);
  }

  #release(): void {
    // A timer may fire a hair early by performance.now(): what is still inside the stall re-arms it.
    this.#releaseArmed = false;
    const held = this.#held;
    this.#held = [];
    for (let i = 0; i < held.length; i += 2) this.#answer(held[i]!, held[i + 1]!);
  }
}

function source(name: WorkloadName = 'ycsb-a'): OperationSource {
  const shape = WORKLOAD_SHAPES[name];
  return new OperationSource({ name, fieldCount: 10, fieldBytes: 100, distribution: shape.distribution, hotKeyShare: 0.25, itemsPerPartition: 100, queryItemsMax: 100 }, 1000, 1, 0, 1);
}

function plan(overrides: Partial<GeneratorPlan>): GeneratorPlan {
  return {
    model: 'open',
    ratePerSecond: 2000,
    concurrency: 1,
    workerIndex: 0,
    workers: 1,
    startAtMs: performance.now() + 5,
    warmupMs: 100,
    durationMs: 1000,
    timelineIntervalMs: 250,
    drainTimeoutMs: 5000,
    ...overrides,
  };
}

function allLatency(report: GeneratorReport): ReturnType<typeof percentilesOf> {
  const merged = mergeEncoded(Object.values(report.operations).map((tally) => tally.histogram));
  return percentilesOf(merged);
}

const STALL_MS = 200;

describe('coordinated omission', () => {
  it('an open loop shows a stall of X ms in its p99 and max; a closed loop only in its max', async () => {
    const run = async (model: 'open' | 'closed'): Promise<GeneratorReport> => {
      const p = plan({ model, concurrency: 4 });
      const target = new StallingTarget(4);
      const measureStartMs = p.startAtMs + p.warmupMs;
      target.stallFromMs = measureStartMs + 300;
      target.stallToMs = target.stallFromMs + STALL_MS;
      const generator = new LoadGenerator(p, source());
      target.sink = generator;
      return generator.run(target);
    };
    const open = allLatency(await run('open'));
    const closed = allLatency(await run('closed'));
    const stallUs = STALL_MS * 1000;
    expect(open.max).toBeGreaterThanOrEqual(0.9 * stallUs);
    expect(open.p99).toBeGreaterThanOrEqual(0.7 * stallUs);
    // ~20% of the open loop's requests were due during the stall.
    expect(open.p90).toBeGreaterThanOrEqual(0.2 * stallUs);
    // The closed loop sees the stall once per slot (less when a busy machine delays its next send).
    expect(closed.max).toBeGreaterThanOrEqual(0.5 * stallUs);
    expect(closed.p99).toBeLessThan(0.25 * stallUs);
  });
});

describe('open-loop schedule', () => {
  it('records exactly the requests scheduled in the measured window, warm-up excluded', async () => {
    const p = plan({ ratePerSecond: 1000, durationMs: 500, warmupMs: 200, workers: 2, workerIndex: 1 });
    const target = new StallingTarget(16);
    const generator = new LoadGenerator(p, source('ycsb-c'));
    target.sink = generator;
    const report = await generator.run(target);
    const count = Object.values(report.operations).reduce((sum, tally) => sum + tally.count, 0);
    // Worker 1 of 2 at 1000/s owns every other slot of 1 ms: 250 in the 500 ms window, 100 in warm-up.
    expect(count).toBe(250);
    expect(report.issued).toBe(350);
    expect(report.unsent).toBe(0);
    expect(report.unfinished).toBe(0);
  });
});

describe('errors and throttles', () => {
  it('are counted apart, per operation and interval; histograms hold the successes only', async () => {
    const p = plan({ model: 'closed', concurrency: 8, durationMs: 400, timelineIntervalMs: 100 });
    const target = new StallingTarget(8);
    target.outcome = (i) => (i % 10 === 3 ? Status.Throttle : i % 7 === 0 ? Status.Error : Status.Ok);
    const generator = new LoadGenerator(p, source('ycsb-a'));
    target.sink = generator;
    const report = await generator.run(target);
    const operations = mergeOperations([report], p.durationMs);
    expect(Object.keys(operations).sort()).toEqual(['GetItem', 'UpdateItem']);
    for (const operation of Object.values(operations)) {
      expect(operation.count).toBeGreaterThan(100);
      expect(operation.throttles).toBeGreaterThan(0);
      expect(operation.errors).toBeGreaterThan(0);
      expect(operation.errorsByName).toEqual({ ThrottlingException: operation.throttles, ValidationException: operation.errors });
      expect(decodeHistogram(operation.histogram).totalCount).toBe(operation.count - operation.errors - operation.throttles);
      expect(operation.opsPerSecond).toBeCloseTo((operation.count * 1000) / p.durationMs, 6);
    }
    const timeline = mergeTimeline([report], p.timelineIntervalMs);
    expect(timeline.map((point) => point.tMs)).toEqual([0, 100, 200, 300]);
    for (const name of ['GetItem', 'UpdateItem']) {
      const sum = (pick: (o: { count: number; errors: number; throttles: number }) => number): number => timeline.reduce((total, point) => total + pick(point.operations[name] ?? { count: 0, errors: 0, throttles: 0 }), 0);
      expect(sum((o) => o.count)).toBe(operations[name]!.count);
      expect(sum((o) => o.errors)).toBe(operations[name]!.errors);
      expect(sum((o) => o.throttles)).toBe(operations[name]!.throttles);
    }
  });

  it('a target that never answers ends the phase after the drain timeout, reporting what is unfinished', async () => {
    const silent: Transport = { capacity: 3, send: () => undefined, flush: () => undefined };
    const generator = new LoadGenerator(plan({ model: 'closed', concurrency: 3, warmupMs: 0, durationMs: 50, drainTimeoutMs: 50 }), source());
    const report = await generator.run(silent);
    expect(report.unfinished).toBe(3);
    expect(report.operations).toEqual({});
  });
});
