import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoarseClock } from '../../engine/util/coarse-clock.js';
import { SystemClock } from '../../engine/util/clock.js';

const clocks: CoarseClock[] = [];
afterEach(async () => {
  await Promise.all(clocks.splice(0).map((clock) => clock.terminate()));
});

function start(parkAfterTicks?: number): CoarseClock {
  const clock = new CoarseClock(parkAfterTicks);
  clocks.push(clock);
  return clock;
}

/** Polls (vi.waitFor) until the ticker has written a time. */
async function ticking(clock: CoarseClock): Promise<void> {
  await vi.waitFor(() => {
    clock.now();
    expect(clock.ticking).toBe(true);
  }, { timeout: 10_000, interval: 2 });
}

describe('CoarseClock', () => {
  it('reads Date.now() until the ticker has run, then whole milliseconds at most a few behind it', async () => {
    const clock = start();
    const before = Date.now();
    const first = clock.now();
    expect(first).toBeGreaterThanOrEqual(before);
    await ticking(clock);
    for (let i = 0; i < 1000; i++) {
      const reading = clock.now();
      const after = Date.now();
      expect(Number.isInteger(reading)).toBe(true);
      expect(reading).toBeLessThanOrEqual(after);
      // One tick behind on an idle machine; the slack is for a loaded CI host that runs the ticker late.
      expect(after - reading).toBeLessThan(1000);
    }
  });

  it('moves on while it is read', async () => {
    const clock = start();
    await ticking(clock);
    const first = clock.now();
    await vi.waitFor(() => expect(clock.now()).toBeGreaterThan(first), { timeout: 10_000, interval: 1 });
  });

  it('parks when nobody reads it, and the next reading wakes it with the current time', async () => {
    const clock = start(5);
    await ticking(clock);
    await vi.waitFor(() => expect(clock.parked).toBe(true), { timeout: 10_000, interval: 5 });
    expect(clock.ticking).toBe(false);
    // Parked: a reading is Date.now() itself, never the time the ticker wrote before it parked.
    const before = Date.now();
    expect(clock.now()).toBeGreaterThanOrEqual(before);
    await ticking(clock);
    expect(clock.parked).toBe(false);
    expect(Date.now() - clock.now()).toBeLessThan(1000);
  });

  it('falls back to Date.now() for good once its ticker is gone', async () => {
    const clock = start();
    await ticking(clock);
    await clock.terminate();
    expect(clock.ticking).toBe(false);
    const before = Date.now();
    expect(clock.now()).toBeGreaterThanOrEqual(before);
    expect(clock.parked).toBe(false);
  });
});

describe('SystemClock.coarseNow', () => {
  it('reads the process coarse clock: within a few ms of now(), never ahead of it', () => {
    const clock = new SystemClock();
    for (let i = 0; i < 100; i++) {
      const coarse = clock.coarseNow();
      expect(coarse).toBeLessThanOrEqual(clock.now());
      expect(clock.now() - coarse).toBeLessThan(1000);
    }
  });
});
