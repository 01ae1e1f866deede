/**
 * The load generator of one thread: issues a workload's operations to a Transport in an open or a
 * closed loop and records what comes back, per reported operation name, in HDR histograms (µs) —
 * one for the whole measured window and one per timeline interval.
 *
 *   open loop    request i of this worker is due at start + (i · workers + workerIndex) / rate
 *                (the workers interleave on one global schedule). Latency = completion − INTENDED
 *                start, so time spent queued behind a slow target counts (coordinated omission
 *                corrected, as wrk2). At most `capacity` requests are in flight; due requests wait
 *                for a slot, their latency still counting.
 *   closed loop  `concurrency` requests always in flight; each completion issues the next.
 *                Latency = completion − send.
 *
 * A phase is [startAt, startAt + warmup) untimed, then [measureStart, measureEnd) measured: a request
 * is recorded when its (intended or actual) start falls in the measured window. No request starts at
 * or after measureEnd; those in flight are awaited up to `drainTimeoutMs`, and any still out then are
 * reported as `unfinished`. Timeline intervals are by completion time.
 *
 * Concurrency: single-threaded, event-driven. A transport calls complete() once per send() and then
 * afterCompletions(); completions may arrive synchronously inside send() (the reentrancy guard turns
 * that into a loop, not recursion), and at most YIELD_EVERY_ISSUES requests are issued between two
 * macrotask turns so a target in the same thread (embedded-single) still gets its I/O callbacks.
 *
 * Invariants: 1. inFlight = sends − completions ≤ capacity. 2. every recorded request started in
 * the measured window. 3. nothing is recorded after finish.
 */
import { performance } from 'node:perf_hooks';
import type { Histogram } from 'hdr-histogram-js';
import type { LoadModel } from './result.js';
import { encodeHistogram, newLatencyHistogram, recordLatencyMs } from './histograms.js';
import { OPERATION_NAMES, REPORTED_INDEX, REPORTED_NAMES, type OperationCode, type OperationSource } from './workloads/catalog.js';

export const Status = { Ok: 0, Error: 1, Throttle: 2 } as const;
export type Status = (typeof Status)[keyof typeof Status];

/** Where requests go. */
export interface Transport {
  /** The most requests this transport can have in flight. */
  readonly capacity: number;
  /** Starts one request; the transport calls sink.complete(slot, …) exactly once for it. */
  send(slot: number, op: OperationCode, key: number, arg: number, arg2: number): void;
  /** Sends whatever send() buffered. */
  flush(): void;
}

export interface CompletionSink {
  complete(slot: number, status: Status, errorName: string | undefined): void;
  /** After a run of complete() calls; `macrotask` when called from an event (message, socket). */
  afterCompletions(macrotask: boolean): void;
}

export interface GeneratorPlan {
  model: LoadModel;
  /** Open loop: the rate of ALL workers together (req/s). */
  ratePerSecond: number | null;
  /** Closed loop: this worker's requests in flight. */
  concurrency: number;
  workerIndex: number;
  workers: number;
  /** performance.now() of this thread at which the phase (warm-up first) begins. */
  startAtMs: number;
  warmupMs: number;
  durationMs: number;
  timelineIntervalMs: number;
  drainTimeoutMs: number;
}

export interface OperationTally {
  count: number;
  errors: number;
  throttles: number;
  errorsByName: Record<string, number>;
  /** Encoded HDR histogram (µs) of the successful requests. */
  histogram: string;
}

export interface GeneratorReport {
  operations: Record<string, OperationTally>;
  /** timeline[i][operation]: the requests that completed in interval i. */
  timeline: Array<Record<string, OperationTally>>;
  issued: number;
  /** Still in flight when the drain timeout passed. */
  unfinished: number;
  /** Open loop: requests due in the window that were never sent (the generator fell behind). */
  unsent: number;
}

/** Issues between two macrotask turns at most. */
const YIELD_EVERY_ISSUES = 1024;

class Tally {
  count = 0;
  errors = 0;
  throttles = 0;
  readonly errorsByName: Record<string, number> = {};
  histogram: Histogram | undefined;

  record(status: Status, errorName: string | undefined, latencyMs: number): void {
    this.count++;
    if (status === Status.Ok) {
      this.histogram ??= newLatencyHistogram();
      recordLatencyMs(this.histogram, latencyMs);
      return;
    }
    if (status === Status.Throttle) this.throttles++;
    else this.errors++;
    const name = errorName ?? (status === Status.Throttle ? 'Throttled' : 'Error');
    this.errorsByName[name] = (this.errorsByName[name] ?? 0) + 1;
  }

  encode(): OperationTally {
    const histogram = this.histogram ?? newLatencyHistogram();
    const encoded = encodeHistogram(histogram);
    histogram.destroy();
    this.histogram = undefined;
    return { count: this.count, errors: this.errors, throttles: this.throttles, errorsByName: this.errorsByName, histogram: encoded };
  }
}

export class LoadGenerator implements CompletionSink {
  readonly #plan: GeneratorPlan;
  readonly #source: OperationSource;
  #transport: Transport | undefined;
  #capacity = 0;
  readonly #measureStartMs: number;
  readonly #measureEndMs: number;
  readonly #intervalCount: number;
  readonly #totals: Tally[] = REPORTED_NAMES.map(() => new Tally());
  readonly #intervals: Array<Array<Tally | undefined>>;
  /** Per slot: start (intended or actual) time and operation. Slots are reused via #free. */
  #slotStartMs = new Float64Array(0);
  #slotOp = new Uint8Array(0);
  #free = new Int32Array(0);
  #freeCount = 0;
  #inFlight = 0;
  #issued = 0;
  #owed = 0;
  #stopped = false;
  #finished = false;
  #pumping = false;
  #streak = 0;
  #yieldScheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #endTimer: NodeJS.Timeout | undefined;
  #scheduleStepMs = 0;
  #resolve: ((report: GeneratorReport) => void) | undefined;

  constructor(plan: GeneratorPlan, source: OperationSource) {
    if (plan.model === 'open' && !(plan.ratePerSecond !== null && plan.ratePerSecond > 0)) throw new RangeError('open loop needs a positive ratePerSecond');
    if (plan.model === 'closed' && !(Number.isSafeInteger(plan.concurrency) && plan.concurrency >= 1)) throw new RangeError('closed loop needs concurrency ≥ 1');
    this.#plan = plan;
    this.#source = source;
    this.#measureStartMs = plan.startAtMs + plan.warmupMs;
    this.#measureEndMs = this.#measureStartMs + plan.durationMs;
    this.#intervalCount = Math.max(1, Math.ceil(plan.durationMs / plan.timelineIntervalMs));
    this.#intervals = Array.from({ length: this.#intervalCount }, () => REPORTED_NAMES.map(() => undefined));
  }

  /** Runs the phase against `transport`; resolves once every request is back (or the drain timed out). */
  run(transport: Transport): Promise<GeneratorReport> {
    const plan = this.#plan;
    this.#transport = transport;
    this.#capacity = plan.model === 'closed' ? Math.min(plan.concurrency, transport.capacity) : transport.capacity;
    if (!(this.#capacity >= 1)) throw new RangeError('transport capacity must be ≥ 1');
    this.#slotStartMs = new Float64Array(this.#capacity);
    this.#slotOp = new Uint8Array(this.#capacity);
    this.#free = new Int32Array(this.#capacity);
    for (let i = 0; i < this.#capacity; i++) this.#free[i] = this.#capacity - 1 - i;
    this.#freeCount = this.#capacity;
    if (plan.model === 'open') this.#scheduleStepMs = 1000 / plan.ratePerSecond!;
    return new Promise((resolve) => {
      this.#resolve = resolve;
      const waitMs = Math.max(0, plan.startAtMs - performance.now());
      this.#timer = setTimeout(() => this.#begin(), waitMs);
    });
  }

  #begin(): void {
    this.#timer = undefined;
    if (this.#plan.model === 'closed') this.#owed = this.#capacity;
    // Ends the phase even when nothing comes back (a target that never answers). A closed loop stops
    // issuing at the window's end; an open loop stops itself once its schedule passes the end (a
    // timer firing a little late must not drop requests due just before it), so its backstop is
    // the drain timeout after the end.
    const open = this.#plan.model === 'open';
    this.#endTimer = setTimeout(
      () => {
        this.#endTimer = undefined;
        if (open) {
          this.#finish();
          return;
        }
        this.#stop();
        this.#finishIfDone();
      },
      Math.max(0, this.#measureEndMs + (open ? this.#plan.drainTimeoutMs : 0) - performance.now()),
    );
    this.#tick();
  }

  /** The intended start of this worker's next open-loop request. */
  #nextIntendedMs(): number {
    const plan = this.#plan;
    return plan.startAtMs + (this.#issued * plan.workers + plan.workerIndex) * this.#scheduleStepMs;
  }

  #tick(): void {
    this.#timer = undefined;
    this.#streak = 0;
    this.#pump();
  }

  /** Open loop: wake when the next request is due (when no slot is free, a completion pumps instead). */
  #armTimer(): void {
    if (this.#plan.model !== 'open' || this.#stopped || this.#finished || this.#timer !== undefined || this.#freeCount === 0) return;
    const waitMs = Math.max(0, this.#nextIntendedMs() - performance.now());
    this.#timer = setTimeout(() => this.#tick(), waitMs);
  }

  /** Issues what is due (open) or owed (closed), as far as slots allow; then flushes. */
  #pump(): void {
    if (this.#pumping || this.#finished) return;
    this.#pumping = true;
    const transport = this.#transport!;
    const open = this.#plan.model === 'open';
    let nowMs = performance.now();
    while (!this.#stopped && this.#freeCount > 0) {
      if (this.#streak >= YIELD_EVERY_ISSUES) {
        this.#yieldThenPump();
        break;
      }
      let startMs: number;
      if (open) {
        startMs = this.#nextIntendedMs();
        if (startMs >= this.#measureEndMs || nowMs > this.#measureEndMs + this.#plan.drainTimeoutMs) {
          this.#stop();
          break;
        }
        if (startMs > nowMs) {
          nowMs = performance.now();
          if (startMs > nowMs) break;
        }
      } else {
        if (this.#owed === 0) break;
        nowMs = performance.now();
        if (nowMs >= this.#measureEndMs) {
          this.#stop();
          break;
        }
        this.#owed--;
        startMs = nowMs;
      }
      const slot = this.#free[--this.#freeCount]!;
      const source = this.#source;
      source.next();
      this.#slotStartMs[slot] = startMs;
      this.#slotOp[slot] = source.op;
      this.#issued++;
      this.#inFlight++;
      this.#streak++;
      transport.send(slot, source.op, source.key, source.arg, source.arg2);
    }
    transport.flush();
    this.#pumping = false;
    this.#armTimer();
    this.#finishIfDone();
  }

  #yieldThenPump(): void {
    if (this.#yieldScheduled) return;
    this.#yieldScheduled = true;
    setImmediate(() => {
      this.#yieldScheduled = false;
      this.#streak = 0;
      this.#pump();
    });
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#drainTimer = setTimeout(() => this.#finish(), this.#plan.drainTimeoutMs);
  }

  complete(slot: number, status: Status, errorName: string | undefined): void {
    if (this.#finished) return;
    const nowMs = performance.now();
    const startMs = this.#slotStartMs[slot]!;
    const nameIndex = REPORTED_INDEX[this.#slotOp[slot]!]!;
    this.#free[this.#freeCount++] = slot;
    this.#inFlight--;
    if (this.#plan.model === 'closed') this.#owed++;
    if (startMs < this.#measureStartMs || startMs >= this.#measureEndMs) return;
    const latencyMs = nowMs - startMs;
    this.#totals[nameIndex]!.record(status, errorName, latencyMs);
    let interval = Math.floor((nowMs - this.#measureStartMs) / this.#plan.timelineIntervalMs);
    if (interval >= this.#intervalCount) interval = this.#intervalCount - 1;
    const row = this.#intervals[interval]!;
    (row[nameIndex] ??= new Tally()).record(status, errorName, latencyMs);
  }

  afterCompletions(macrotask: boolean): void {
    if (macrotask) this.#streak = 0;
    if (this.#stopped) this.#finishIfDone();
    else this.#pump();
  }

  #finishIfDone(): void {
    if (this.#stopped && this.#inFlight === 0) this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    if (this.#endTimer !== undefined) clearTimeout(this.#endTimer);
    const plan = this.#plan;
    let unsent = 0;
    if (plan.model === 'open') {
      // Requests of this worker due in [startAt, measureEnd): i · workers + workerIndex < phase / step.
      const due = Math.max(0, Math.ceil(((plan.durationMs + plan.warmupMs) / this.#scheduleStepMs - plan.workerIndex) / plan.workers));
      unsent = Math.max(0, due - this.#issued);
    }
    const operations: Record<string, OperationTally> = {};
    this.#totals.forEach((tally, i) => {
      if (tally.count > 0) operations[REPORTED_NAMES[i]!] = tally.encode();
    });
    const timeline = this.#intervals.map((row) => {
      const point: Record<string, OperationTally> = {};
      row.forEach((tally, i) => {
        if (tally !== undefined) point[REPORTED_NAMES[i]!] = tally.encode();
      });
      return point;
    });
    this.#resolve!({ operations, timeline, issued: this.#issued, unfinished: this.#inFlight, unsent });
  }
}

/** The reported name of an operation code (for transports' error messages). */
export function operationName(op: OperationCode): string {
  return OPERATION_NAMES[op]!;
}
