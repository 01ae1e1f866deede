/**
 * Time, injected. The engine never reads the system clock directly: it asks its Clock, so tests and
 * fuzzers can drive minutes of behaviour in milliseconds with a ManualClock.
 */
import { processCoarseClock, type CoarseClock } from './coarse-clock.js';

export interface Clock {
  /** Milliseconds since the Unix epoch (may be fractional for a manual clock). */
  now(): number;
  /** Resolves after `ms` of this clock's time. A manual clock resolves when advanced past it. */
  sleep(ms: number): Promise<void>;
  /**
   * Optional: now(), as of up to about a millisecond ago (more on a saturated machine), for far less
   * than now() costs: for per-request bookkeeping that tolerates the lag (the capacity model). A
   * clock without it is read with now().
   */
  coarseNow?(): number;
}

/** `clock`'s coarseNow when it has one, else its now(): a function to call on a hot path. */
export function coarseReader(clock: Clock): () => number {
  return clock.coarseNow !== undefined ? () => clock.coarseNow!() : () => clock.now();
}

/** The real clock: the only place in the engine that reads system time. */
export class SystemClock implements Clock {
  #coarse: CoarseClock | undefined;

  now(): number {
    return Date.now();
  }
  /** The process's CoarseClock (coarse-clock.ts), whose ticker starts on the first call. */
  coarseNow(): number {
    return (this.#coarse ??= processCoarseClock()).now();
  }
  /**
   * The timer is unref'd: background loops (TTL sweeps, capacity refills) sleep through it, and a
   * sleeping background loop must not keep a process alive that has nothing else to do.
   */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      setTimeout(resolve, ms).unref();
    });
  }
}

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#sleepers.push({ wakeAt: this.#now + ms, resolve });
    });
  }

  /** Moves time forward and wakes every sleeper whose time has come, in wake order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance needs a non-negative duration, got ${ms}`);
    this.#now += ms;
    const due = this.#sleepers.filter((s) => s.wakeAt <= this.#now).sort((a, b) => a.wakeAt - b.wakeAt);
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAt > this.#now);
    for (const sleeper of due) sleeper.resolve();
  }

  set(ms: number): void {
    this.advance(Math.max(0, ms - this.#now));
  }
}
