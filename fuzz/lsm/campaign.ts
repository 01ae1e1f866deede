/**
 * Campaign `lsm`: the Store against a sorted-map model. A case is a random command sequence (puts,
 * deletes, batches with duplicate keys, group-committed concurrent batches, gets and bounded scans,
 * reads through snapshots, flushes, compactions, reopens) run with background compaction on or off;
 * the store's history (every read result, plus the whole state after each reopen and at the end)
 * must equal the model's. One case in ten is a long write-heavy sequence that reaches deeper levels.
 *
 * A run is one sequence. Counts: sequences, commands, flushes, compactions, sequences that reached
 * L2 or deeper. `lsmCampaign({ open })` runs the same campaign on another store opener (the
 * proof-of-power tests pass a broken one).
 */
import fc from 'fast-check';
import type { Campaign, CampaignOptions, CampaignResult } from '../campaign.js';
import { replayProperty, runProperty, type PropertySpec } from '../property-runner.js';
import { showCommands, storeCommandsArbitrary, type StoreCommand } from './commands.js';
import { commandHistory, diffHistories, ModelTarget, StoreTarget } from './history.js';
import type { StoreOpener } from './model.js';

export interface LsmCase {
  autoCompaction: boolean;
  commands: StoreCommand[];
}

export interface LsmCampaignOptions {
  name?: string;
  open?: StoreOpener;
}

const lsmCaseArbitrary: fc.Arbitrary<LsmCase> = fc.record({
  autoCompaction: fc.boolean(),
  commands: fc.oneof(
    { weight: 9, arbitrary: storeCommandsArbitrary(80) },
    { weight: 1, arbitrary: storeCommandsArbitrary(300, 150) },
  ),
});

/** Runs one case; throws naming the first history difference. */
export async function checkLsmCase(value: LsmCase, open?: StoreOpener): Promise<Record<string, number>> {
  const expected = await commandHistory(new ModelTarget(), value.commands);
  const target = await StoreTarget.open(open === undefined ? { store: { autoCompaction: value.autoCompaction } } : { store: { autoCompaction: value.autoCompaction }, open });
  let actual: string[];
  try {
    actual = await commandHistory(target, value.commands);
  } finally {
    await target.close();
  }
  const diff = diffHistories(expected, actual, 'model', 'store');
  if (diff !== undefined) throw new Error(diff);
  return {
    sequences: 1,
    commands: value.commands.length,
    flushes: target.stats.flushes,
    compactions: target.stats.compactions,
    reachedLevel2: target.stats.deepestLevel >= 2 ? 1 : 0,
  };
}

export function lsmCampaign(options: LsmCampaignOptions = {}): Campaign {
  const name = options.name ?? 'lsm';
  const spec: PropertySpec<LsmCase> = {
    campaign: name,
    arbitrary: lsmCaseArbitrary,
    check: (value) => checkLsmCase(value, options.open),
    script: (value) => `# background compaction ${value.autoCompaction ? 'on' : 'off'}\n${showCommands(value.commands)}`,
  };
  const ciBudget = { runs: 1000 };
  return {
    name,
    description: 'the Store against a sorted-map model: writes, batches, snapshots, scans, flush, compaction, reopen',
    ciBudget,
    run: (runOptions: CampaignOptions): Promise<CampaignResult> => runProperty(spec, runOptions, ciBudget),
    replay: (replay: unknown): Promise<CampaignResult> => replayProperty(spec, replay as LsmCase), // regression files hold what run() recorded
  };
}
