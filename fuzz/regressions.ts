/**
 * Regression files: a campaign failure written as a ready-to-run vitest test under
 * fuzz/regressions/, `<campaign>-<seed>-<short hash>.test.ts`. The test looks the campaign up in the
 * registry and calls `replay(<the recorded counterexample>)`, expecting no failure: it fails until the
 * bug is fixed, then guards the fix. vitest.config.ts runs every file there on each CI run, and
 * `silt fuzz --replay <file>` replays one from the command line (readRegression).
 *
 * The counterexample is embedded as a JSON literal, between `const REPLAY: unknown = ` and
 * `; // end of replay`, so the file stays readable and machine-readable. A replay whose JSON holds a
 * "__proto__" key is embedded as JSON.parse("...") instead: in an object literal that key would set
 * the prototype rather than make a property.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { CampaignFailure } from './campaign.js';

const REPLAY_START = 'const REPLAY: unknown = ';
const REPLAY_END = '; // end of replay';
const CAMPAIGN_PATTERN = /campaignNamed\('([a-z0-9-]+)'\)/;

/** 8 hex digits of the SHA-256 of the replay JSON: tells apart failures of one seed. */
export function replayHash(replay: unknown): string {
  return createHash('sha256').update(JSON.stringify(replay)).digest('hex').slice(0, 8);
}

export function regressionFileName(failure: CampaignFailure): string {
  return `${failure.campaign}-${failure.seed}-${replayHash(failure.replay)}.test.ts`;
}

/** Text safe inside a block comment. */
function commentSafe(text: string): string {
  return text.replaceAll('*/', '* /');
}

function replayLiteral(replay: unknown): string {
  const json = JSON.stringify(replay, null, 2);
  if (json === undefined) throw new Error('a replay must be JSON-serialisable');
  return json.includes('"__proto__"') ? `JSON.parse(${JSON.stringify(JSON.stringify(replay))})` : json;
}

/**
 * The source of a regression test for `failure`. `registryImport` is the module specifier of
 * fuzz/registry.js as seen from the file (default: the file lives in fuzz/regressions/).
 */
export function regressionSource(failure: CampaignFailure, registryImport = '../registry.js'): string {
  const scriptLines = failure.script.split('\n').map((line) => ` *   ${commentSafe(line)}`);
  const messageLines = failure.message.split('\n').map((line) => ` *   ${commentSafe(line)}`);
  const title = `${failure.campaign} seed ${failure.seed} (${replayHash(failure.replay)}) replays without failure`;
  return `/**
 * Regression found by \`silt fuzz ${failure.campaign} --seed ${failure.seed}\`. It fails until the bug is
 * fixed, then guards the fix. Replay it alone with \`silt fuzz --replay <this file>\`.
 *
 * Failure:
${messageLines.join('\n')}
 *
 * Shrunk counterexample:
${scriptLines.join('\n')}
 */
import { expect, it } from 'vitest';
import { campaignNamed } from '${registryImport}';

${REPLAY_START}${replayLiteral(failure.replay)}${REPLAY_END}

it(${JSON.stringify(title)}, async () => {
  const result = await campaignNamed(${quote(failure.campaign)}).replay(REPLAY);
  expect(result.failure?.message ?? null, result.failure?.script).toBeNull();
});
`;
}

function quote(name: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`campaign names are lower-case words: '${name}'`);
  return `'${name}'`;
}

/**
 * Writes the regression test for `failure` into `directory`; resolves to its path. `registryFile`
 * is the path of fuzz/registry.ts (default: `directory`/../registry.ts).
 */
export async function writeRegression(failure: CampaignFailure, directory: string, registryFile = join(directory, '..', 'registry.ts')): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, regressionFileName(failure));
  let specifier = relative(dirname(path), registryFile).split(sep).join('/').replace(/\.ts$/, '.js');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  await writeFile(path, regressionSource(failure, specifier));
  return path;
}

/** The campaign name and recorded counterexample of a regression file's text. */
export function readRegression(text: string): { campaign: string; replay: unknown } {
  const campaign = CAMPAIGN_PATTERN.exec(text)?.[1];
  const start = text.indexOf(REPLAY_START);
  const end = text.indexOf(REPLAY_END, start);
  if (campaign === undefined || start < 0 || end < 0) throw new Error('not a silt fuzz regression file (no campaignNamed(...) or REPLAY literal)');
  const literal = text.slice(start + REPLAY_START.length, end).trim();
  const replay: unknown = literal.startsWith('JSON.parse(') ? JSON.parse(JSON.parse(literal.slice('JSON.parse('.length, -1)) as string) : JSON.parse(literal);
  return { campaign, replay };
}
