/**
 * fuzz/property-runner.ts: budgets (runs, time, the fallback), determinism per seed, counts that
 * leave out shrinking re-runs, and a failure that carries the shrunk value as script and replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetOf, chunkSeed, replayProperty, runProperty, type PropertySpec } from '../../fuzz/property-runner.js';

function spec(failWhen: (n: number) => boolean, seen: number[] = []): PropertySpec<number> {
  return {
    campaign: 'numbers',
    arbitrary: fc.integer({ min: 0, max: 1000 }),
    check: async (n) => {
      seen.push(n);
      if (failWhen(n)) throw new Error(`${n} is too big`);
      return { checked: 1, sum: n };
    },
    script: (n) => `check ${n}`,
  };
}

describe('runProperty', () => {
  it('stops at the runs budget and is deterministic per seed', async () => {
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    const first = await runProperty(spec(() => false, a), { seed: 5, runs: 37 }, {});
    await runProperty(spec(() => false, b), { seed: 5, runs: 37 }, {});
    await runProperty(spec(() => false, c), { seed: 6, runs: 37 }, {});
    expect(first.runs).toBe(37);
    expect(first.counts['checked']).toBe(37);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(first.failure).toBeNull();
  });

  it('uses the fallback budget when given neither runs nor time', async () => {
    expect((await runProperty(spec(() => false), { seed: 1 }, { runs: 12 })).runs).toBe(12);
    expect(budgetOf({ seed: 1, timeMs: 5 }, { runs: 12 }).runs).toBe(Number.POSITIVE_INFINITY);
  });

  it('stops near a time budget', async () => {
    const slow: PropertySpec<number> = { ...spec(() => false), check: async () => {
        const until = performance.now() + 5; // a slow case: busy for 5 ms
        while (performance.now() < until);
        return {};
      },
    };
    const start = performance.now();
    const result = await runProperty(slow, { seed: 1, timeMs: 200 }, {});
    expect(performance.now() - start).toBeLessThan(2000);
    expect(result.runs).toBeGreaterThan(0);
  });

  it('shrinks a failure, reports it as script and replay, and does not count shrinking runs', async () => {
    const result = await runProperty(spec((n) => n >= 300), { seed: 3, runs: 10_000 }, {});
    expect(result.failure).not.toBeNull();
    expect(result.failure!.replay).toBe(300);
    expect(result.failure!.script).toBe('check 300');
    expect(result.failure!.message).toContain('300 is too big');
    expect(result.counts['checked']).toBe(result.runs - 1);
    expect((await replayProperty(spec((n) => n >= 300), 300)).failure?.message).toBe('300 is too big');
    expect((await replayProperty(spec((n) => n >= 300), 299)).failure).toBeNull();
  });

  it('derives distinct chunk seeds', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => chunkSeed(42, i)));
    expect(seeds.size).toBe(1000);
  });
});
