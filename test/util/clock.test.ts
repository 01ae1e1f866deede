import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from '../../engine/util/clock.js';

/** Lets every settled promise's callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('ManualClock', () => {
  it('starts where told and moves only when advanced', () => {
    const clock = new ManualClock(1000);
    expect(clock.now()).toBe(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(250);
    expect(clock.now()).toBe(1250);
    clock.set(2000);
    expect(clock.now()).toBe(2000);
    clock.set(1500); // never backwards
    expect(clock.now()).toBe(2000);
    expect(new ManualClock().now()).toBe(0);
  });

  it('wakes a sleeper only once its time has come', async () => {
    const clock = new ManualClock();
    let woke = false;
    const sleeping = clock.sleep(100).then(() => {
      woke = true;
    });
    await settle();
    expect(woke).toBe(false);
    clock.advance(99);
    await settle();
    expect(woke).toBe(false);
    clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(100);
  });

  it('wakes sleepers in wake-time order, ties in call order', async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    const all = [
      clock.sleep(30).then(() => order.push('c30')),
      clock.sleep(10).then(() => order.push('a10')),
      clock.sleep(20).then(() => order.push('b20')),
      clock.sleep(10).then(() => order.push('a10-second')),
      clock.sleep(50).then(() => order.push('late')),
    ];
    clock.advance(30);
    await Promise.all(all.slice(0, 4));
    expect(order).toEqual(['a10', 'a10-second', 'b20', 'c30']);
    clock.advance(20);
    await Promise.all(all);
    expect(order.at(-1)).toBe('late');
  });

  it('measures sleeps from the time of the call', async () => {
    const clock = new ManualClock();
    clock.advance(40);
    let woke = false;
    const sleeping = clock.sleep(10).then(() => {
      woke = true;
    });
    clock.advance(9);
    await settle();
    expect(woke).toBe(false);
    clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('resolves a non-positive sleep at once', async () => {
    const clock = new ManualClock();
    await clock.sleep(0);
    await clock.sleep(-5);
    expect(clock.now()).toBe(0);
  });

  it('rejects a negative or NaN advance', () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });
});

describe('SystemClock', () => {
  it('reads a plausible wall-clock time', () => {
    const now = new SystemClock().now();
    expect(now).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });
});
