/**
 * Every `silt fuzz` campaign, by name: what the CLI (fuzz/cli.ts), the CI budget pass
 * (test/fuzz/ci-budget.test.ts) and the regression files (fuzz/regressions/*.test.ts) look up.
 *
 * Order is the order `silt fuzz all` and `--ci` run them. Names are unique (asserted below) and are
 * part of the regression files' contract: a renamed campaign orphans its regressions.
 *
 * To add a campaign: import it and append it to CAMPAIGNS (one line each).
 */
import type { Campaign } from './campaign.js';
import { crashCampaign } from './crash/campaign.js';
import { lsmCampaign } from './lsm/campaign.js';
import { metamorphicCampaign } from './metamorphic/campaign.js';
import { apiCampaign } from './api/index.js';
import { httpCampaign } from './http/index.js';
import { concurrencyCampaign } from './concurrency/index.js';

export const CAMPAIGNS: readonly Campaign[] = [
  lsmCampaign(),
  metamorphicCampaign(),
  crashCampaign(),
  apiCampaign,
  httpCampaign,
  concurrencyCampaign,
];

/** The campaign called `name`, or undefined. */
export function findCampaign(name: string): Campaign | undefined {
  return CAMPAIGNS.find((campaign) => campaign.name === name);
}

/** The campaign called `name`; throws when none is registered (a regression file naming a removed campaign). */
export function campaignNamed(name: string): Campaign {
  const campaign = findCampaign(name);
  if (campaign === undefined) {
    throw new Error(`no fuzz campaign named '${name}' (registered: ${CAMPAIGNS.map((c) => c.name).join(', ')})`);
  }
  return campaign;
}

{
  const names = new Set<string>();
  for (const campaign of CAMPAIGNS) {
    if (names.has(campaign.name)) throw new Error(`two fuzz campaigns are named '${campaign.name}'`);
    names.add(campaign.name);
  }
}
