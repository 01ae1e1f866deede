/** The metamorphic campaign at a small budget, over at least 8 configurations. */
import { describe, expect, it } from 'vitest';
import { metamorphicCampaign } from '../../../fuzz/metamorphic/campaign.js';
import { CONFIGURATIONS } from '../../../fuzz/metamorphic/configurations.js';

describe('metamorphic campaign', () => {
  it('has at least 8 distinct configurations', () => {
    expect(CONFIGURATIONS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(CONFIGURATIONS.map((c) => c.name)).size).toBe(CONFIGURATIONS.length);
  });

  it('runs a small budget: every sequence under every configuration', async () => {
    const result = await metamorphicCampaign().run({ seed: 3, runs: 4 });
    expect(result.failure).toBeNull();
    expect(result.counts['sequences']).toBe(4);
    expect(result.counts['storeRuns']).toBe(4 * CONFIGURATIONS.length);
    expect(result.counts['flushes']).toBeGreaterThan(0);
  });
});
