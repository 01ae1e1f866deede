/**
 * `silt fuzz` (fuzz/cli.ts): help, usage errors (exit 2), the seed printed first, results and counts,
 * a failure (exit 1, script printed, regression written) and the replay of the written file, --time
 * parsing, the progress line only on a TTY, --ci's table, and one real campaign end to end.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Campaign, CampaignOptions, CampaignResult } from '../../fuzz/campaign.js';
import { main as siltMain } from '../../engine/cli.js';
import { main, parseDuration, type FuzzIo } from '../../fuzz/cli.js';

interface Captured extends FuzzIo {
  out: string[];
  err: string[];
}

function capture(cwd: string, isTTY = false): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, cwd, stdout: { write: (text: string) => out.push(text) }, stderr: { isTTY, write: (text: string) => err.push(text) } };
}

/** A campaign that fails on any run whose seed is odd, and on a replay of { bad: true }. */
function fakeCampaign(name = 'fake'): Campaign & { calls: CampaignOptions[] } {
  const calls: CampaignOptions[] = [];
  const result = (seed: number, failing: boolean, replay: unknown): CampaignResult => ({
    campaign: name,
    seed,
    runs: 3,
    elapsedMs: 1,
    counts: { things: 3 },
    failure: failing ? { campaign: name, seed, message: 'thing 2 went wrong', script: 'put k1 v3\nflush\ncrash after op 17', replay } : null,
  });
  return {
    name,
    description: 'a fake campaign for CLI tests',
    ciBudget: { runs: 7 },
    calls,
    async run(options) {
      calls.push(options);
      options.onProgress?.({ runs: 1, elapsedMs: 1000, counts: { things: 1 } });
      return result(options.seed, options.seed % 2 === 1, { bad: true, seed: options.seed });
    },
    async replay(replay) {
      return result(0, (replay as { bad?: boolean }).bad === true, replay);
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'silt-fuzz-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('silt fuzz', () => {
  it('prints help with the campaigns and examples', async () => {
    const io = capture(dir);
    expect(await main(['--help'], io, [fakeCampaign()])).toBe(0);
    const text = io.out.join('');
    expect(text).toContain('fake');
    expect(text).toContain('Examples:');
    expect(text).toContain('--replay');
  });

  it.each([
    [['--bogus']],
    [['nope']],
    [['fake', '--runs', 'many']],
    [['fake', '--runs', '0']],
    [['fake', '--seed', '-1']],
    [['fake', '--time', 'soon']],
    [['fake', 'fake']],
    [['--ci', 'fake']],
    [['--replay', 'x.test.ts', 'fake']],
  ])('exits 2 on the usage error %j', async (argv) => {
    const io = capture(dir);
    const campaign = fakeCampaign();
    expect(await main(argv, io, [campaign])).toBe(2);
    expect(io.err.join('')).toContain("Run 'silt fuzz --help'");
    expect(campaign.calls).toEqual([]);
  });

  it('prints the seed first, then the counts, and passes the budget on', async () => {
    const io = capture(dir);
    const campaign = fakeCampaign();
    expect(await main(['fake', '--seed', '42', '--runs', '5', '--time', '2m'], io, [campaign])).toBe(0);
    expect(io.out[0]).toBe('seed: 42\n');
    expect(io.out.join('')).toMatch(/fake: 3 runs in .*things 3/);
    expect(campaign.calls[0]).toMatchObject({ seed: 42, runs: 5, timeMs: 120_000 });
  });

  it('picks a random seed when none is given, and prints it', async () => {
    const io = capture(dir);
    const campaign = fakeCampaign();
    await main(['fake'], io, [campaign]);
    const seed = Number(/^seed: (\d+)\n$/.exec(io.out[0]!)?.[1]);
    expect(campaign.calls[0]?.seed).toBe(seed);
  });

  it('writes the progress line only on a TTY', async () => {
    const plain = capture(dir, false);
    await main(['fake', '--seed', '2'], plain, [fakeCampaign()]);
    expect(plain.err.join('')).toBe('');
    const tty = capture(dir, true);
    await main(['fake', '--seed', '2'], tty, [fakeCampaign()]);
    expect(tty.err.join('')).toContain('fake: 1 runs');
  });

  it('on a failure prints the script, writes a regression file and exits 1; --replay re-runs it', async () => {
    const io = capture(dir);
    const campaign = fakeCampaign();
    expect(await main(['fake', '--seed', '3', '--regressions', 'regs'], io, [campaign])).toBe(1);
    const text = io.out.join('');
    expect(text).toContain('thing 2 went wrong');
    expect(text).toContain('crash after op 17');
    const path = /Regression test written: (.*)\n/.exec(text)?.[1];
    expect(path).toBeDefined();
    expect(path!.startsWith(join(dir, 'regs', 'fake-3-'))).toBe(true);
    expect(await readFile(path!, 'utf8')).toContain("campaignNamed('fake')");

    const replayIo = capture(dir);
    expect(await main(['--replay', path!], replayIo, [campaign])).toBe(1);
    expect(replayIo.out.join('')).toContain('FAILS: thing 2 went wrong');
    // Once "fixed" (this replay no longer fails), the same file passes.
    const fixed = { ...campaign, replay: async () => ({ campaign: 'fake', seed: 0, runs: 1, elapsedMs: 1, counts: {}, failure: null }) };
    expect(await main(['--replay', path!], capture(dir), [fixed])).toBe(0);
  });

  it('--replay of a missing or foreign file is a usage error', async () => {
    expect(await main(['--replay', 'missing.test.ts'], capture(dir), [fakeCampaign()])).toBe(2);
    const io = capture(dir);
    expect(await main(['--replay', join(import.meta.dirname, 'cli.test.ts')], io, [fakeCampaign()])).toBe(2);
  });

  it('--ci runs every campaign at its CI budget and prints the table', async () => {
    const io = capture(dir);
    const a = fakeCampaign('alpha');
    const b = fakeCampaign('beta');
    expect(await main(['--ci', '--seed', '4'], io, [a, b])).toBe(0);
    expect(a.calls[0]).toMatchObject({ seed: 4, runs: 7 });
    expect(b.calls[0]).toMatchObject({ seed: 4, runs: 7 });
    expect(io.out.join('')).toMatch(/campaign\s+runs\s+time\s+result\s+counts\nalpha\s+3 /);
  });

  it('parses durations', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5s')).toBe(1500);
    for (const bad of ['', 's', '-1s', '0s', '5d', '1e3']) expect(() => parseDuration(bad), bad).toThrow();
  });

  it('runs a real campaign end to end', async () => {
    const io = capture(dir);
    expect(await main(['lsm', '--seed', '9', '--runs', '3'], io)).toBe(0);
    expect(io.out[0]).toBe('seed: 9\n');
    expect(io.out.join('')).toMatch(/lsm: 3 runs in .*sequences 3/);
  });

  it('is wired into the silt command line as `silt fuzz`', async () => {
    const io = { ...capture(dir), env: {} };
    expect(await siltMain(['fuzz', '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('silt fuzz — property-based fuzzing');
    const usage = { ...capture(dir), env: {} };
    expect(await siltMain(['fuzz', '--runs', 'x'], usage)).toBe(2);
    const help = { ...capture(dir), env: {} };
    await siltMain(['--help'], help);
    expect(help.out.join('')).toContain('silt fuzz');
  });
});
