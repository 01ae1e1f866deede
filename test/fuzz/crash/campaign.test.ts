/**
 * The crash campaign at a small budget: every mode runs its share, the exhaustive enumeration is
 * complete, and each mode's replay format re-runs.
 */
import { describe, expect, it } from 'vitest';
import { crashCampaign } from '../../../fuzz/crash/campaign.js';
import { EXHAUSTIVE_ALPHABET, EXHAUSTIVE_LENGTH_MAX, exhaustiveSequences } from '../../../fuzz/crash/exhaustive.js';

describe('crash campaign', () => {
  it('runs every mode within a small budget', async () => {
    const result = await crashCampaign().run({ seed: 21, runs: 60 });
    expect(result.failure).toBeNull();
    expect(result.counts['crashPoints']).toBeGreaterThanOrEqual(30);
    expect(result.counts['exhaustiveCrashPoints']).toBe(18);
    expect(result.counts['tornTailCuts']).toBe(6);
    expect(result.counts['bitFlips']).toBe(6);
    expect(result.runs).toBeGreaterThanOrEqual(60);
  });

  it('enumerates every sequence of up to 3 operations', () => {
    const sequences = exhaustiveSequences();
    const n = EXHAUSTIVE_ALPHABET.length;
    expect(EXHAUSTIVE_LENGTH_MAX).toBe(3);
    expect(sequences.length).toBe(n + n * n + n * n * n);
    expect(new Set(sequences.map((s) => s.join(','))).size).toBe(sequences.length);
  });

  it('replays each mode', async () => {
    const campaign = crashCampaign();
    const replays = [
      { mode: 'random', case: { seed: 5, batchCount: 12, sync: 'always', crashes: [{ afterSync: true, pick: 3, recoveryPick: 7 }, { afterSync: false, pick: 40 }] } },
      { mode: 'exhaustive', case: { sequence: ['put kb-big', 'reopen', 'delete ka'], crashAfter: 9 } },
      { mode: 'torn-tail', seed: 4, cut: 2000 },
    ];
    for (const replay of replays) {
      const result = await campaign.replay(replay);
      expect(result.failure, JSON.stringify(replay)).toBeNull();
    }
    await expect(campaign.replay({ mode: 'nonsense' })).rejects.toThrow(/unknown crash replay mode/);
  });
});
