/**
 * The regression writer (fuzz/regressions.ts): file names, a source that round-trips its replay
 * (including awkward JSON), type-checks against the campaign contract, and — run by a real vitest —
 * passes when the replay passes and fails when it fails.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignFailure } from '../../fuzz/campaign.js';
import { lsmCampaign } from '../../fuzz/lsm/campaign.js';
import { readRegression, regressionFileName, regressionSource, replayHash, writeRegression } from '../../fuzz/regressions.js';

const ROOT = resolve(import.meta.dirname, '../..');

function failure(replay: unknown, campaign = 'fake'): CampaignFailure {
  return { campaign, seed: 77, message: 'step 3: model */ says "a", store says nothing\nsecond line', script: 'put "a" v1x3\nreopen\nget "a" */', replay };
}

// A scratch directory inside the repository (vitest must resolve 'vitest' from it), outside every
// test include pattern, removed afterwards.
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(ROOT, '.fuzz-regressions-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('regression files', () => {
  it('are named <campaign>-<seed>-<hash of the replay>.test.ts', () => {
    const name = regressionFileName(failure({ a: 1 }));
    expect(name).toBe(`fake-77-${replayHash({ a: 1 })}.test.ts`);
    expect(name).toMatch(/^fake-77-[0-9a-f]{8}\.test\.ts$/);
    expect(replayHash({ a: 1 })).not.toBe(replayHash({ a: 2 }));
  });

  it('round-trip the replay, even with __proto__ keys, control characters and comment ends', () => {
    for (const replay of [{ commands: [{ kind: 'put', key: 'a\u0000\u00ff' }] }, { __proto__: 1, x: '*/' }, [1, 'two', null], 'just a string']) {
      const value = typeof replay === 'object' && replay !== null && !Array.isArray(replay) ? JSON.parse(JSON.stringify(replay)) : replay;
      const text = regressionSource(failure(value));
      expect(readRegression(text)).toEqual({ campaign: 'fake', replay: value });
    }
    const proto = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const parsed = readRegression(regressionSource(failure(proto))).replay as Record<string, unknown>;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('type-check against the campaign contract', async () => {
    const registry = join(scratch, 'typecheck-registry.ts');
    await writeFile(
      registry,
      `import type { Campaign } from '${join(ROOT, 'fuzz/campaign.js')}';\nexport declare function campaignNamed(name: string): Campaign;\n`,
    );
    const file = join(scratch, 'typecheck.test.ts');
    await writeFile(file, regressionSource(failure(JSON.parse('{"commands":[{"kind":"flush"}],"__proto__":2}')), './typecheck-registry.js'));
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const program = ts.createProgram([file], { ...config!.options, noEmit: true });
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('pass under vitest when the replay passes and fail while it fails', async () => {
    // A stand-in registry: its campaign fails exactly the replays marked bad.
    await writeFile(
      join(scratch, 'registry.ts'),
      `export function campaignNamed(name: string) {
  return { replay: async (replay: unknown) => ({ campaign: name, seed: 0, runs: 1, elapsedMs: 0, counts: {},
    failure: (replay as { bad: boolean }).bad ? { campaign: name, seed: 0, message: 'still broken', script: 's', replay } : null }) };
}
`,
    );
    const regressions = join(scratch, 'regressions');
    const good = await writeRegression(failure({ bad: false }), regressions, join(scratch, 'registry.ts'));
    const bad = await writeRegression(failure({ bad: true }), regressions, join(scratch, 'registry.ts'));
    expect(await readFile(good, 'utf8')).toContain("from '../registry.js'");
    const config = join(scratch, 'vitest.config.ts');
    await writeFile(config, `export default { test: { include: ['${scratch}/regressions/*.test.ts'], pool: 'forks' } };\n`);
    const run = promisify(execFile);
    const outcome = await run(join(ROOT, 'node_modules/.bin/vitest'), ['run', '--config', config, '--root', ROOT], { cwd: ROOT, env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' } }).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: (error.stdout + error.stderr).replace(/\x1b\[[0-9;]*m/g, '') }),
    );
    expect(outcome.code, outcome.output).toBe(1);
    expect(outcome.output).toMatch(/Tests\s+1 failed \| 1 passed/);
    expect(outcome.output).toContain('still broken');
  });

  it('replay a real campaign case through the registry', async () => {
    const value = { autoCompaction: false, commands: [{ kind: 'put', key: 'a', value: { tag: 1, size: 3 } }, { kind: 'reopen' }, { kind: 'get', key: 'a' }] };
    const text = regressionSource(failure(value, 'lsm'));
    const recorded = readRegression(text);
    expect(recorded.campaign).toBe('lsm');
    expect((await lsmCampaign().replay(recorded.replay)).failure).toBeNull();
  });
});
