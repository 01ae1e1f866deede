/** The lsm campaign at a small budget: counts, determinism per seed, and replay of a recorded case. */
import { describe, expect, it } from 'vitest';
import { lsmCampaign } from '../../../fuzz/lsm/campaign.js';
import { showCommands } from '../../../fuzz/lsm/commands.js';

describe('lsm campaign', () => {
  it('runs a small budget with counts, the same for the same seed', async () => {
    const a = await lsmCampaign().run({ seed: 11, runs: 15 });
    const b = await lsmCampaign().run({ seed: 11, runs: 15 });
    expect(a.failure).toBeNull();
    expect(a.runs).toBe(15);
    expect(a.counts['sequences']).toBe(15);
    expect(a.counts['commands']).toBeGreaterThan(15);
    expect(b.counts['commands']).toBe(a.counts['commands']);
  });

  it('replays a recorded case and prints commands readably', async () => {
    const commands = [
      { kind: 'put' as const, key: 'a\u0000', value: { tag: 3, size: 40 } },
      { kind: 'snapshot' as const },
      { kind: 'delete' as const, key: 'a\u0000' },
      { kind: 'scan' as const, options: { gte: '', reverse: true, limit: 2 }, snapshot: 0 },
      { kind: 'reopen' as const },
    ];
    expect((await lsmCampaign().replay({ autoCompaction: true, commands })).failure).toBeNull();
    expect(showCommands(commands)).toBe(
      ['  0  put "a\\u0000" v3x40', '  1  snapshot', '  2  delete "a\\u0000"', '  3  scan gte "" reverse limit 2 @snapshot 0', '  4  reopen'].join('\n'),
    );
  });
});
