/**
 * `silt bench` through `main()`: help, usage errors (exit 2), flags turned into phase JSON, a run
 * with a fake runner (stdout holds the table or JSON and nothing else; progress only on a TTY;
 * JSON + HTML written where asked), thresholds deciding the exit code, `compare` and `report` end
 * to end on fixture files, the `silt bench` dispatch in engine/cli.ts, and one tiny real run of the
 * load generator (embedded-single: no worker threads, so it runs from the TypeScript sources).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type BenchIo, type BenchRunner } from '../../bench/cli.js';
import type { BenchConfig } from '../../bench/harness/config.js';
import type { BenchResult } from '../../bench/harness/result.js';
import { stringifyResult, writeResultJson } from '../../bench/report/json.js';
import { formatReport } from '../../bench/report/table.js';
import { main as siltMain } from '../../engine/cli.js';
import { makeResult, plainOperation, plainResult } from './report/fixtures.js';

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'silt-bench-cli-'));
  directories.push(directory);
  return directory;
}

interface Captured {
  io: BenchIo;
  stdout(): string;
  stderr(): string;
}

function capture(cwd: string, tty = false, env: Record<string, string> = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text), isTTY: tty }, cwd, env },
    stdout: () => out,
    stderr: () => err,
  };
}

class ConfigError extends Error {}

/** A runner that records what it was asked to run and returns a fixture, reporting progress. */
function fakeRunner(result: BenchResult = makeResult()): { runner: () => Promise<BenchRunner>; ran: unknown[][]; selfChecks: unknown[] } {
  const ran: unknown[][] = [];
  const selfChecks: unknown[] = [];
  const runner: BenchRunner = {
    defaultSuite: () => [{ name: 'default suite marker' } as unknown as BenchConfig],
    defaultSuiteSelfChecks: () => ['embedded', 'http'],
    parseConfig: (json) => {
      if ((json as { workload?: { name?: string } }).workload?.name === 'ycsb-z') throw new ConfigError('workload.name: must be one of ycsb-a, …, got "ycsb-z"');
      return json as BenchConfig; // the fake passes the raw JSON through, so tests can read it
    },
    runSuite: async (configs, hooks) => {
      ran.push([...configs]);
      selfChecks.push(hooks.selfChecks);
      hooks.onProgress?.('phase 1: loading 100 records…');
      hooks.onProgress?.('phase 1: measuring…');
      return result;
    },
    isConfigError: (error) => error instanceof ConfigError,
  };
  return { runner: async () => runner, ran, selfChecks };
}

describe('help', () => {
  it('--help, help and the subcommands’ help describe flags with examples', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const run = capture('/');
      expect(await main(argv, run.io, fakeRunner().runner)).toBe(0);
      for (const text of ['Usage:', '--target', '--endpoint-url', '--workload', '--rate', '--concurrency', '--threshold', '--no-html', 'Examples:', 'silt bench compare']) {
        expect(run.stdout(), text).toContain(text);
      }
      expect(run.stderr()).toBe('');
    }
    const compare = capture('/');
    expect(await main(['compare', '--help'], compare.io)).toBe(0);
    expect(compare.stdout()).toContain('--tolerance');
    const report = capture('/');
    expect(await main(['help', 'report'], report.io)).toBe(0);
    expect(report.stdout()).toContain('--png');
  });

  it('silt bench is wired into the silt command, and silt help lists it', async () => {
    let out = '';
    const io = { stdout: { write: (text: string) => (out += text) }, stderr: { write: () => true }, env: {}, cwd: '/' };
    expect(await siltMain(['bench', '--help'], io)).toBe(0);
    expect(out).toContain('silt bench — benchmark Silt');
    out = '';
    expect(await siltMain(['help', 'bench'], io)).toBe(0);
    expect(out).toContain('silt bench — benchmark Silt');
    out = '';
    expect(await siltMain(['--help'], io)).toBe(0);
    expect(out).toContain('silt bench [options]');
  });
});

describe('usage errors exit 2 with a message on stderr', () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--rate', '1k', '--concurrency', '8'], /exclude each other/],
    [['--duration', 'forever'], /--duration must be a duration/],
    [['--records', 'many'], /--records must be a whole number/],
    [['--format', 'xml'], /--format must be 'table' or 'json'/],
    [['--threshold', 'p99<5'], /bad threshold 'p99<5': p99 needs a unit/],
    [['--html', 'x.html', '--no-html'], /exclude each other/],
    [['--workload', 'ycsb-z'], /workload.name: must be one of/],
    [['--config', 'missing.json'], /cannot read --config/],
    [['extra'], /unexpected argument 'extra'/],
    [['compare', 'a.json'], /compare takes two result files/],
    [['compare', 'a.json', 'b.json', '--tolerance', 'lots'], /--tolerance must be a percentage/],
    [['report'], /report takes one result file/],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), async () => {
      const run = capture(await temporaryDirectory());
      const fake = fakeRunner();
      expect(await main(argv, run.io, fake.runner)).toBe(2);
      expect(run.stderr()).toMatch(message);
      expect(run.stderr()).toContain('--help');
      expect(run.stdout()).toBe('');
      expect(fake.ran).toEqual([]);
    });
  }
});

describe('run', () => {
  it('no flags: the default suite; stdout is the table and nothing else; JSON and HTML in data/bench', async () => {
    const cwd = await temporaryDirectory();
    const run = capture(cwd);
    const fake = fakeRunner();
    expect(await main([], run.io, fake.runner)).toBe(0);
    expect(fake.ran).toEqual([[{ name: 'default suite marker' }]]);
    // The default suite measures the generator over both transports.
    expect(fake.selfChecks).toEqual([['embedded', 'http']]);
    expect(run.stdout()).toBe(formatReport(makeResult()));
    const stem = join(cwd, 'data/bench/2025-03-01T12-00-00Z');
    expect(run.stderr()).toBe(`wrote ${stem}.json\nwrote ${stem}.html\nHTML report: ${pathToFileURL(`${stem}.html`).href}\n`);
    expect(await readFile(`${stem}.json`, 'utf8')).toBe(stringifyResult(makeResult()));
    expect(await readFile(`${stem}.html`, 'utf8')).toContain('<!DOCTYPE html>');
  });

  it('progress goes to stderr on a TTY only, never to stdout', async () => {
    const cwd = await temporaryDirectory();
    const tty = capture(cwd, true);
    expect(await main(['--no-html'], tty.io, fakeRunner().runner)).toBe(0);
    expect(tty.stderr()).toContain('· phase 1: loading 100 records…\n');
    expect(tty.stdout()).not.toContain('loading');
    expect(tty.stdout()).toBe(formatReport(makeResult()));
    const pipe = capture(cwd, false);
    expect(await main(['--no-html'], pipe.io, fakeRunner().runner)).toBe(0);
    expect(pipe.stderr()).not.toContain('loading');
  });

  it('--format json prints the result JSON only; --json/--html/--png/--out choose the files', async () => {
    const cwd = await temporaryDirectory();
    const run = capture(cwd);
    expect(await main(['--format', 'json', '--json', 'r.json', '--html', 'r.html', '--png', 'r.png', '--workload', 'ycsb-c'], run.io, fakeRunner().runner)).toBe(0);
    expect(JSON.parse(run.stdout())).toEqual(makeResult());
    for (const file of ['r.json', 'r.html', 'r.png']) expect(existsSync(join(cwd, file)), file).toBe(true);
    const out = capture(cwd);
    expect(await main(['--out', 'reports', '--no-html', '--name', 'x'], out.io, fakeRunner().runner)).toBe(0);
    expect(existsSync(join(cwd, 'reports/2025-03-01T12-00-00Z.json'))).toBe(true);
    expect(existsSync(join(cwd, 'reports/2025-03-01T12-00-00Z.html'))).toBe(false);
  });

  it('turns flags into one phase’s JSON configuration', async () => {
    const fake = fakeRunner();
    const argv = ['--endpoint-url', 'http://127.0.0.1:8000', '--region', 'eu-west-1', '--access-key', 'AK', '--secret-key', 'SK', '--workload', 'ycsb-b', '--records', '1_000',
      '--fields', '5', '--field-bytes', '20', '--distribution', 'uniform', '--rate', '20k', '--workers', '2', '--duration', '1.5s', '--warmup', '500ms', '--seed', '7', '--no-html'];
    expect(await main(argv, capture(await temporaryDirectory()).io, fake.runner)).toBe(0);
    expect(fake.ran[0]).toEqual([
      {
        target: { kind: 'http', url: 'http://127.0.0.1:8000', region: 'eu-west-1', accessKeyId: 'AK', secretAccessKey: 'SK' },
        workload: { name: 'ycsb-b', fieldCount: 5, fieldBytes: 20, distribution: 'uniform' },
        model: 'open',
        ratePerSecond: 20_000,
        workers: 2,
        recordCount: 1000,
        seed: 7,
        durationMs: 1500,
        warmupMs: 500,
        selfCheck: true,
      },
    ]);
    const single = fakeRunner();
    expect(await main(['--target', 'embedded-single', '--in-memory', '--concurrency', '8', '--no-self-check', '--no-html'], capture(await temporaryDirectory()).io, single.runner)).toBe(0);
    expect(single.ran[0]).toEqual([{ target: { kind: 'embedded-single', inMemory: true }, model: 'closed', concurrency: 8, selfCheck: false }]);
  });

  it('--capacity and --session-token reach the target; https endpoints are taken as given', async () => {
    const embedded = fakeRunner();
    expect(await main(['--capacity', 'modelled', '--no-html'], capture(await temporaryDirectory()).io, embedded.runner)).toBe(0);
    expect(embedded.ran[0]).toEqual([{ target: { capacity: 'modelled' }, selfCheck: true }]);
    const aws = fakeRunner();
    const argv = ['--endpoint-url', 'https://dynamodb.eu-west-1.amazonaws.com', '--access-key', 'ASIA1', '--secret-key', 'S1', '--session-token', 'T1', '--no-html'];
    expect(await main(argv, capture(await temporaryDirectory()).io, aws.runner)).toBe(0);
    expect(aws.ran[0]).toEqual([{ target: { kind: 'http', url: 'https://dynamodb.eu-west-1.amazonaws.com', accessKeyId: 'ASIA1', secretAccessKey: 'S1', sessionToken: 'T1' }, selfCheck: true }]);
  });

  it('an http target takes credentials and region from the AWS environment, never mixed with given keys', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKENV', AWS_SECRET_ACCESS_KEY: 'SKENV', AWS_SESSION_TOKEN: 'TOKENV', AWS_REGION: 'ap-south-1' };
    const local = fakeRunner();
    expect(await main(['--endpoint-url', 'http://127.0.0.1:8000', '--no-html'], capture(await temporaryDirectory(), false, env).io, local.runner)).toBe(0);
    expect(local.ran[0]).toEqual([{ target: { kind: 'http', url: 'http://127.0.0.1:8000', accessKeyId: 'AKENV', secretAccessKey: 'SKENV', sessionToken: 'TOKENV', region: 'ap-south-1' }, selfCheck: true }]);
    // An AWS endpoint names its region (a signature scoped elsewhere is refused): the environment's is not used.
    const aws = fakeRunner();
    expect(await main(['--endpoint-url', 'https://dynamodb.eu-west-1.amazonaws.com', '--no-html'], capture(await temporaryDirectory(), false, env).io, aws.runner)).toBe(0);
    expect((aws.ran[0]![0] as { target: Record<string, unknown> }).target['region']).toBeUndefined();
    // Keys given by flag are used alone: no environment token is added to them.
    const given = fakeRunner();
    expect(await main(['--endpoint-url', 'http://127.0.0.1:8000', '--access-key', 'AK', '--secret-key', 'SK', '--region', 'us-west-2', '--no-html'], capture(await temporaryDirectory(), false, env).io, given.runner)).toBe(0);
    expect(given.ran[0]).toEqual([{ target: { kind: 'http', url: 'http://127.0.0.1:8000', accessKeyId: 'AK', secretAccessKey: 'SK', region: 'us-west-2' }, selfCheck: true }]);
    // Embedded targets ignore the AWS environment.
    const embedded = fakeRunner();
    expect(await main(['--workload', 'ycsb-c', '--no-html'], capture(await temporaryDirectory(), false, env).io, embedded.runner)).toBe(0);
    expect(embedded.ran[0]).toEqual([{ workload: { name: 'ycsb-c' }, selfCheck: true }]);
    expect(embedded.selfChecks).toEqual([undefined]);
  });

  it('--config: every phase of the file, with flags laid over each', async () => {
    const cwd = await temporaryDirectory();
    await writeFile(join(cwd, 'suite.json'), JSON.stringify({ phases: [{ workload: 'ycsb-a', target: 'embedded' }, { workload: { name: 'ycsb-c', fieldCount: 3 } }] }));
    const fake = fakeRunner();
    expect(await main(['--config', 'suite.json', '--duration', '2s', '--no-html'], capture(cwd).io, fake.runner)).toBe(0);
    expect(fake.ran[0]).toEqual([
      { workload: { name: 'ycsb-a' }, target: { kind: 'embedded' }, durationMs: 2000 },
      { workload: { name: 'ycsb-c', fieldCount: 3 }, durationMs: 2000 },
    ]);
  });

  it('thresholds decide the exit code and print their verdicts after the table', async () => {
    const cwd = await temporaryDirectory();
    const pass = capture(cwd);
    expect(await main(['--no-html', '--threshold', 'p99<50ms', '--threshold', 'GetItem:errors=0'], pass.io, fakeRunner().runner)).toBe(0);
    expect(pass.stdout()).toContain('## thresholds\nPASS  p99<50ms');
    const fail = capture(cwd);
    expect(await main(['--no-html', '--threshold', 'p99<50ms', '--threshold', 'errors=0'], fail.io, fakeRunner().runner)).toBe(1);
    expect(fail.stdout()).toMatch(/FAIL {2}errors=0 +durable-write 3/);
    // With --format json the verdicts go to stderr: stdout stays one JSON document.
    const json = capture(cwd);
    expect(await main(['--no-html', '--format', 'json', '--threshold', 'errors=0'], json.io, fakeRunner().runner)).toBe(1);
    expect(() => JSON.parse(json.stdout())).not.toThrow();
    expect(json.stderr()).toContain('FAIL  errors=0');
  });
});

describe('compare and report on files', () => {
  async function files(): Promise<{ cwd: string; a: string; b: string }> {
    const cwd = await temporaryDirectory();
    const op = (opsPerSecond: number, p99: number) => plainOperation({ opsPerSecond, p50: 100, p90: 200, p99, p999: 2 * p99, max: 4 * p99 });
    await writeResultJson(join(cwd, 'a.json'), plainResult({ 'ycsb-a': { GetItem: op(10_000, 1000) } }, '2025-03-01T00:00:00.000Z'));
    await writeResultJson(join(cwd, 'b.json'), plainResult({ 'ycsb-a': { GetItem: op(12_000, 1500) } }, '2025-03-02T00:00:00.000Z'));
    return { cwd, a: 'a.json', b: 'b.json' };
  }

  it('compare prints the deltas; thresholds judge b; --fail-on-regression fails on marks', async () => {
    const { cwd, a, b } = await files();
    const run = capture(cwd);
    expect(await main(['compare', a, b], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/GetItem +ops\/s +10,000 +12,000 +\+2000 +\+20\.0% +▲ better/);
    expect(run.stdout()).toMatch(/p99 ms +1\.00 +1\.50 +\+0\.500 +\+50\.0% +▼ regression/);
    expect(run.stderr()).toBe('');
    expect(await main(['compare', a, b, '--fail-on-regression'], capture(cwd).io)).toBe(1);
    expect(await main(['compare', a, b, '--tolerance', '60%', '--fail-on-regression'], capture(cwd).io)).toBe(0);
    const judged = capture(cwd);
    expect(await main(['compare', a, b, '--threshold', 'p99<1ms'], judged.io)).toBe(1);
    expect(judged.stdout()).toContain('FAIL  p99<1ms  ycsb-a/GetItem 1.50 ms');
    const json = capture(cwd);
    expect(await main(['compare', a, b, '--format', 'json'], json.io)).toBe(0);
    expect((JSON.parse(json.stdout()) as { regressions: number }).regressions).toBe(2);
  });

  it('compare refuses files that are not results', async () => {
    const { cwd, a } = await files();
    await writeFile(join(cwd, 'other.json'), '{"schema":"silt-db-bench/1"}');
    const run = capture(cwd);
    expect(await main(['compare', a, 'other.json'], run.io)).toBe(2);
    expect(run.stderr()).toContain('not a silt-bench/1 result');
  });

  it('report re-renders a saved result: table, HTML, PNG', async () => {
    const cwd = await temporaryDirectory();
    await writeResultJson(join(cwd, 'r.json'), makeResult());
    const run = capture(cwd);
    expect(await main(['report', 'r.json', '--html', 'r.html', '--png', 'r.png', '--phase', 'durable-write'], run.io)).toBe(0);
    expect(run.stdout()).toBe(formatReport(makeResult()));
    expect(existsSync(join(cwd, 'r.html')) && existsSync(join(cwd, 'r.png'))).toBe(true);
    const bad = capture(cwd);
    expect(await main(['report', 'r.json', '--phase', 'nope'], bad.io)).toBe(2);
    expect(bad.stderr()).toContain("no phase named 'nope'");
  });
});

describe('a real run', () => {
  it('embedded-single, tiny: a well-formed table on stdout and the files written', async () => {
    const cwd = await temporaryDirectory();
    const run = capture(cwd);
    const argv = ['--target', 'embedded-single', '--in-memory', '--workload', 'ycsb-c', '--records', '200', '--concurrency', '4', '--duration', '300ms', '--warmup', '0s', '--no-self-check', '--threshold', 'errors=0'];
    expect(await main(argv, run.io)).toBe(0);
    expect(run.stdout()).toMatch(/^# silt bench — /);
    expect(run.stdout()).toMatch(/\nGetItem +[\d,]+ +[\d,]+ +\d/);
    expect(run.stdout()).toContain('PASS  errors=0');
    const written = run.stderr().trim().split('\n');
    expect(written).toHaveLength(3);
    for (const line of written.slice(0, 2)) expect(existsSync(line.replace(/^wrote /, ''))).toBe(true);
    expect(written[2]).toMatch(/^HTML report: file:\/\/.*\.html$/);
  });
});
