/**
 * The CI fuzz pass: every registered campaign (fuzz/registry.ts) at its ciBudget, with a fixed seed
 * so CI is repeatable (SILT_FUZZ_SEED overrides it). Prints each campaign's counts and wall time; a
 * failure prints the shrunk script (run `silt fuzz <campaign> --seed <seed>` to get its regression
 * file). Budgets the issue sets: at least 2,000 crash points.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CampaignResult } from '../../fuzz/campaign.js';
import { CAMPAIGNS } from '../../fuzz/registry.js';

const SEED = Number(process.env['SILT_FUZZ_SEED'] ?? 0x5117);
const CAMPAIGN_TIMEOUT_MS = 10 * 60_000;
const CRASH_POINTS_MIN = 2000;

const results: CampaignResult[] = [];

afterAll(() => {
  const lines = results.map((r) => `  ${r.campaign.padEnd(12)} ${String(r.runs).padStart(7)} runs ${(r.elapsedMs / 1000).toFixed(1).padStart(6)}s  ${JSON.stringify(r.counts)}`);
  const total = results.reduce((sum, r) => sum + r.elapsedMs, 0);
  console.log(`fuzz CI pass, seed ${SEED}:\n${lines.join('\n')}\n  total ${(total / 1000).toFixed(1)}s`);
});

describe(`fuzz campaigns at their CI budgets (seed ${SEED})`, () => {
  it('registers the storage campaigns', () => {
    const names = CAMPAIGNS.map((campaign) => campaign.name);
    expect(names).toEqual(expect.arrayContaining(['lsm', 'metamorphic', 'crash']));
  });

  for (const campaign of CAMPAIGNS) {
    it(
      campaign.name,
      async () => {
        const result = await campaign.run({ seed: SEED, ...campaign.ciBudget });
        results.push(result);
        expect(result.failure?.message ?? null, result.failure?.script).toBeNull();
        expect(result.runs).toBeGreaterThan(0);
        if (campaign.name === 'crash') expect(result.counts['crashPoints']).toBeGreaterThanOrEqual(CRASH_POINTS_MIN);
      },
      CAMPAIGN_TIMEOUT_MS,
    );
  }
});
