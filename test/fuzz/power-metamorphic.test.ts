/**
 * Proof of power for the metamorphic campaign: one configuration whose store wrapper corrupts one scan
 * result (drops an entry from the first scan that returns two or more) must be caught within the CI
 * budget, with the configuration named and a short script.
 */
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { metamorphicCampaign } from '../../fuzz/metamorphic/campaign.js';
import { CONFIGURATIONS } from '../../fuzz/metamorphic/configurations.js';
import { forwardingStore, TINY_TUNING, type StoreOpener } from '../../fuzz/lsm/model.js';

const corruptsOneScan: StoreOpener = async (options) => {
  const store = await Store.open(options);
  let corrupted = false;
  return forwardingStore(store, {
    scan: (scan) => {
      const entries = [...store.scan(scan)];
      if (!corrupted && entries.length >= 2) {
        corrupted = true;
        entries.splice(1, 1);
      }
      return entries;
    },
  });
};

describe('metamorphic campaign, proof of power', () => {
  it('catches one configuration whose scans are corrupted', async () => {
    const configurations = [...CONFIGURATIONS.slice(0, 3), { name: 'broken-scan', store: { ...TINY_TUNING }, open: corruptsOneScan }];
    const campaign = metamorphicCampaign({ name: 'metamorphic-broken-scan', configurations });
    const result = await campaign.run({ seed: 1, ...campaign.ciBudget });
    const failure = result.failure;
    expect(failure).not.toBeNull();
    console.log(`metamorphic power: caught after ${result.runs} runs in ${Math.round(result.elapsedMs)} ms:\n${failure!.message}\n${failure!.script}`);
    expect(failure!.message).toContain('broken-scan');
    expect(failure!.script.split('\n').length).toBeLessThanOrEqual(6);
    expect((await metamorphicCampaign().replay(failure!.replay)).failure).toBeNull();
  });
});
