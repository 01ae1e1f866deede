/**
 * The system time, as of at most about a millisecond ago, for the price of one memory read: a
 * worker thread writes Date.now() into shared memory every millisecond, and a reading loads it.
 * Seastar's lowres_clock and Redis's cached mstime do the same for the same reason. Date.now() is a
 * runtime call in V8 (~45 ns here); the capacity model reads the time on every request, and the
 * read was a third of the model's cost (loops of embedded PutItems, 20 alternating processes per
 * variant: the model cost 7.6% of throughput reading Date.now(), 4.6% reading a ticker like this).
 *
 * Resolution is Date.now()'s (whole milliseconds). A reading lags Date.now() by up to one tick
 * (COARSE_CLOCK_TICK_MS, engine/limits.ts), more only when the ticker is not scheduled in time on a saturated machine;
 * the capacity model tolerates any lag (its buckets accrue linearly, and a reading behind the last
 * is ignored).
 *
 * Idle: the ticker parks after COARSE_CLOCK_PARK_AFTER_TICKS ticks without a reading, and the next
 * reading wakes it (that reading, and any until the ticker runs again, read Date.now() itself). So
 * an idle process is not woken a thousand times a second. The worker is unref'd: it never keeps a
 * process alive.
 *
 * Shared memory (one SharedArrayBuffer per clock; a reading touches one typed array and one line):
 *   Float64 [0]  TIME     the time in ms, written only by the ticker; NaN while parked (or before it
 *                         first runs), which sends readers to Date.now(). One location: a reader sees
 *                         its writes in order (no second location whose order could disagree).
 *   Float64 [1]  READ     set to 1 by a reading when 0, back to 0 by each tick: "someone read since".
 *                         Plain stores race harmlessly: a set lost to a tick's clear costs one idle
 *                         tick of the thousand that park the ticker.
 *   Int32   [4]  STATE    RUNNING, PARKED or WAKING (Atomics only: the slow path)
 *
 * A torn read of TIME is not possible on the 64-bit platforms Node supports (an aligned 8-byte load
 * is single-copy atomic on x64 and arm64); Atomics.load would cost ~8 ns here, and Atomics has no
 * Float64 form.
 *
 * Invariants: 1. TIME is NaN or a Date.now() value written by the ticker. 2. STATE moves RUNNING →
 *   PARKED only in the ticker (after it wrote NaN), PARKED → WAKING only in a reader, WAKING →
 *   RUNNING only in the ticker (after it wrote a time); a stopped clock's STATE stays WAKING and its
 *   TIME NaN.
 */
import { Worker } from 'node:worker_threads';
import { COARSE_CLOCK_PARK_AFTER_TICKS, COARSE_CLOCK_TICK_MS } from '../limits.js';

const TIME = 0;
const READ = 1;
const STATE = 4;
const RUNNING = 0;
const PARKED = 1;
const WAKING = 2;

/**
 * The ticker, run as a CommonJS eval worker (no file to resolve from dist/ or from the TypeScript
 * sources the tests run). `workerData` holds the shared buffer; the layout and states are the above.
 */
const TICKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { shared, parkAfterTicks } = workerData;
const hot = new Float64Array(shared, 0, 2);
const cells = new Int32Array(shared);
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
let idle = 0;
for (;;) {
  hot[${TIME}] = Date.now();
  if (hot[${READ}] === 0) idle++;
  else {
    hot[${READ}] = 0;
    idle = 0;
  }
  if (idle >= parkAfterTicks) {
    hot[${TIME}] = NaN;
    Atomics.store(cells, ${STATE}, ${PARKED});
    // A reader that saw NaN swaps PARKED for WAKING and notifies; 'not-equal' if it already did.
    Atomics.wait(cells, ${STATE}, ${PARKED});
    hot[${TIME}] = Date.now();
    Atomics.store(cells, ${STATE}, ${RUNNING});
    idle = 0;
  }
  Atomics.wait(sleepCell, 0, 0, ${COARSE_CLOCK_TICK_MS});
}
`;

export class CoarseClock {
  /** TIME and READ. */
  readonly #hot: Float64Array;
  /** STATE. */
  readonly #cells: Int32Array;
  #worker: Worker | undefined;

  /** `parkAfterTicks`: idle ticks before the ticker parks (tests make it short). */
  constructor(parkAfterTicks = COARSE_CLOCK_PARK_AFTER_TICKS) {
    const shared = new SharedArrayBuffer(24);
    this.#hot = new Float64Array(shared, 0, 2);
    this.#cells = new Int32Array(shared);
    this.#hot[TIME] = Number.NaN; // until the first tick
    Atomics.store(this.#cells, STATE, RUNNING);
    const worker = new Worker(TICKER_SOURCE, { eval: true, workerData: { shared, parkAfterTicks } });
    worker.unref();
    // The ticker has no way to fail but being terminated; if it ever stops, readings fall back to
    // Date.now() for good rather than freeze at its last time.
    worker.on('error', () => this.#stop());
    worker.on('exit', () => this.#stop());
    this.#worker = worker;
  }

  /** Milliseconds since the epoch, as of the last tick (Date.now() while the ticker is not running). */
  now(): number {
    const hot = this.#hot;
    const time = hot[TIME]!;
    if (time === time) {
      // Tell the ticker someone reads, only when it has cleared the flag: one store a tick, not a request.
      if (hot[READ] === 0) hot[READ] = 1;
      return time;
    }
    return this.#wake();
  }

  #wake(): number {
    if (this.#worker !== undefined && Atomics.compareExchange(this.#cells, STATE, PARKED, WAKING) === PARKED) {
      Atomics.notify(this.#cells, STATE);
    }
    return Date.now();
  }

  #stop(): void {
    this.#worker = undefined;
    Atomics.store(this.#cells, STATE, WAKING);
    this.#hot[TIME] = Number.NaN;
  }

  /** Whether readings come from the ticker now (not before its first tick, nor while it is parked). */
  get ticking(): boolean {
    return !Number.isNaN(this.#hot[TIME]!);
  }

  /** Whether the ticker is parked (for tests). */
  get parked(): boolean {
    return Atomics.load(this.#cells, STATE) === PARKED;
  }

  /** Stops the ticker for good; later readings read Date.now() (for tests). */
  async terminate(): Promise<void> {
    const worker = this.#worker;
    this.#stop();
    if (worker !== undefined) await worker.terminate();
  }
}

let shared: CoarseClock | undefined;

/** The process's coarse clock, started on first use. */
export function processCoarseClock(): CoarseClock {
  shared ??= new CoarseClock();
  return shared;
}
