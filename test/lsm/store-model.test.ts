/**
 * The Store against a sorted-map model: the `lsm` fuzz campaign (fuzz/lsm/campaign.ts) at a test
 * budget, plus fixed sequences worth keeping whatever the generator does. A failure prints the shrunk
 * command script.
 */
import { describe, expect, it } from 'vitest';
import { checkLsmCase, lsmCampaign } from '../../fuzz/lsm/campaign.js';
import type { StoreCommand } from '../../fuzz/lsm/commands.js';

describe('Store against a sorted-map model', () => {
  it('agrees on random command sequences (the lsm campaign)', async () => {
    const result = await lsmCampaign().run({ seed: 0x57023, runs: 100 });
    console.log(`store-model: ${JSON.stringify(result.counts)}`);
    expect(result.failure?.message ?? null, result.failure?.script).toBeNull();
    expect(result.counts['reachedLevel2']).toBeGreaterThan(0);
  });

  it('reads through a snapshot taken before overwrites, flushes and compaction', async () => {
    const commands: StoreCommand[] = [
      { kind: 'put', key: 'a', value: { tag: 1, size: 2000 } },
      { kind: 'put', key: '', value: { tag: 2, size: 0 } },
      { kind: 'snapshot' },
      { kind: 'delete', key: 'a' },
      { kind: 'batch', ops: [{ type: 'put', key: 'ab', value: { tag: 3, size: 700 } }, { type: 'delete', key: 'ab' }, { type: 'put', key: 'ab', value: { tag: 4, size: 5 } }] },
      { kind: 'flush' },
      { kind: 'compact' },
      { kind: 'get', key: 'a', snapshot: 0 },
      { kind: 'scan', options: { gte: '', lt: 'b' }, snapshot: 0 },
      { kind: 'scan', options: { gt: '', reverse: true, limit: 1 } },
    ];
    for (const autoCompaction of [false, true]) {
      const counts = await checkLsmCase({ autoCompaction, commands });
      expect(counts['commands']).toBe(commands.length);
    }
  });
});
