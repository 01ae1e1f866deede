/**
 * Campaign `metamorphic` (after Pebble's metamorphic test): one random command sequence is run under
 * every configuration in configurations.ts, and all histories (every read result in order, plus the
 * whole state after each reopen and at the end) must be identical. It needs no model: layouts,
 * compaction schedules and restarts must simply not change what reads return.
 *
 * A run is one sequence (under all configurations). Counts: sequences, commands, store runs, and
 * flushes and compactions summed over every configuration.
 */
import fc from 'fast-check';
import type { Campaign, CampaignOptions, CampaignResult } from '../campaign.js';
import { replayProperty, runProperty, type PropertySpec } from '../property-runner.js';
import { showCommands, storeCommandsArbitrary, type StoreCommand } from '../lsm/commands.js';
import { commandHistory, diffHistories, StoreTarget } from '../lsm/history.js';
import { CONFIGURATIONS, type Configuration } from './configurations.js';

export interface MetamorphicCase {
  commands: StoreCommand[];
}

export interface MetamorphicCampaignOptions {
  name?: string;
  configurations?: readonly Configuration[];
}

const metamorphicCaseArbitrary: fc.Arbitrary<MetamorphicCase> = fc.record({ commands: storeCommandsArbitrary(60) });

async function historyUnder(configuration: Configuration, commands: readonly StoreCommand[]): Promise<{ history: string[]; flushes: number; compactions: number }> {
  const target = await StoreTarget.open(configuration.open === undefined ? { store: configuration.store } : { store: configuration.store, open: configuration.open });
  let history: string[];
  try {
    history = await commandHistory(target, commands, configuration.history);
  } catch (error) {
    throw new Error(`under '${configuration.name}': ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await target.close();
  }
  return { history, flushes: target.stats.flushes, compactions: target.stats.compactions };
}

export async function checkMetamorphicCase(value: MetamorphicCase, configurations: readonly Configuration[] = CONFIGURATIONS): Promise<Record<string, number>> {
  const [reference, ...others] = configurations;
  if (reference === undefined) throw new Error('metamorphic: no configurations');
  const counts = { sequences: 1, commands: value.commands.length, storeRuns: 1, flushes: 0, compactions: 0 };
  const expected = await historyUnder(reference, value.commands);
  counts.flushes += expected.flushes;
  counts.compactions += expected.compactions;
  for (const configuration of others) {
    const actual = await historyUnder(configuration, value.commands);
    counts.storeRuns++;
    counts.flushes += actual.flushes;
    counts.compactions += actual.compactions;
    const diff = diffHistories(expected.history, actual.history, reference.name, configuration.name);
    if (diff !== undefined) throw new Error(diff);
  }
  return counts;
}

export function metamorphicCampaign(options: MetamorphicCampaignOptions = {}): Campaign {
  const name = options.name ?? 'metamorphic';
  const configurations = options.configurations ?? CONFIGURATIONS;
  const spec: PropertySpec<MetamorphicCase> = {
    campaign: name,
    arbitrary: metamorphicCaseArbitrary,
    check: (value) => checkMetamorphicCase(value, configurations),
    script: (value) => `# under each of: ${configurations.map((c) => c.name).join(', ')}\n${showCommands(value.commands)}`,
  };
  const ciBudget = { runs: 150 };
  return {
    name,
    description: `one command sequence under ${configurations.length} store configurations; every read history must be identical`,
    ciBudget,
    run: (runOptions: CampaignOptions): Promise<CampaignResult> => runProperty(spec, runOptions, ciBudget),
    replay: (replay: unknown): Promise<CampaignResult> => replayProperty(spec, replay as MetamorphicCase), // regression files hold what run() recorded
  };
}
