import { describe, expect, it } from 'vitest';
import { OnDemandTracker } from '../../engine/partitions/on-demand.js';

/** Drives `perSecond` requests of one unit in each of `seconds` seconds; returns admitted per second. */
function drive(tracker: OnDemandTracker, startMs: number, seconds: number, perSecond: number): number[] {
  const admitted: number[] = [];
  for (let s = 0; s < seconds; s++) {
    const now = startMs + s * 1000;
    tracker.roll(now);
    let count = 0;
    for (let i = 0; i < perSecond; i++) {
      if (tracker.verdict() !== 'admit') continue;
      tracker.add(1);
      count++;
    }
    admitted.push(count);
  }
  return admitted;
}

describe('OnDemandTracker', () => {
  it('a new table serves its initial rate at once (12,000 reads / 4,000 writes), throttles beyond', () => {
    const tracker = new OnDemandTracker(4000, 60_000, undefined, 0);
    expect(drive(tracker, 0, 3, 3000)).toEqual([3000, 3000, 3000]);
    const tracker2 = new OnDemandTracker(4000, 60_000, undefined, 0);
    expect(drive(tracker2, 0, 3, 6000)).toEqual([4000, 4000, 4000]);
  });

  it('serves 2x the previous peak instantly, throttles beyond, and grows after the scale window', () => {
    const tracker = new OnDemandTracker(4000, 10_000, undefined, 0);
    // Sustain 3,000/s (above the 2,000 peak) for the scale window: the peak becomes 3,000.
    drive(tracker, 0, 11, 3000);
    tracker.roll(11_000);
    expect(tracker.peakPerSecond).toBe(3000);
    expect(tracker.allowancePerSecond).toBe(6000);
    // 2x instantly...
    expect(drive(tracker, 11_000, 1, 6000)).toEqual([6000]);
    // ...beyond that throttled while it scales (admitted stays at the allowance)...
    const climbing = drive(tracker, 12_000, 9, 9000);
    expect(climbing.every((n) => n === 6000)).toBe(true);
    expect(tracker.peakPerSecond).toBe(3000);
    // ...until 10 s (the window) at 6,000 make that the peak: 9,000 fit.
    tracker.roll(21_000);
    expect(tracker.peakPerSecond).toBe(6000);
    expect(drive(tracker, 21_000, 2, 9000)).toEqual([9000, 9000]);
  });

  it('an idle second or a second at the peak restarts the sustained run', () => {
    const tracker = new OnDemandTracker(4000, 10_000, undefined, 0);
    drive(tracker, 0, 8, 3000);
    drive(tracker, 9000, 8, 3000); // second 8 was idle
    tracker.roll(17_000);
    expect(tracker.peakPerSecond).toBe(2000);
  });

  it('enforces the OnDemandThroughput cap', () => {
    const tracker = new OnDemandTracker(12_000, 1000, 500, 0);
    tracker.roll(0);
    for (let i = 0; i < 500; i++) tracker.add(1);
    expect(tracker.verdict()).toBe('cap');
  });
});
