/** bench/script.ts: how every bench script answers --help, a bad flag and a failure. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runScript, UsageError, type ScriptMain } from '../../bench/script.js';
import { isEntryPoint } from '../../engine/cli-entry.js';

const USAGE = 'usage: bench [flags]\n';
let stdout = '';
let stderr = '';
const argv = process.argv;

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.argv = argv;
  process.exitCode = undefined;
});

async function run(args: string[], main: ScriptMain): Promise<void> {
  process.argv = ['node', '/bench.js', ...args];
  await runScript(USAGE, main);
}

/** A main that parses one flag, as the bench scripts do. */
const strictMain: ScriptMain = async (args, out) => {
  const { values } = parseArgs({ args: [...args], options: { num: { type: 'string', default: '1' } } });
  if (!(Number(values.num) > 0)) throw new UsageError(`--num must be positive, got '${values.num}'`);
  out(`num ${values.num}`);
};

describe('runScript', () => {
  it('--help and -h print the usage and run nothing', async () => {
    for (const flag of ['--help', '-h']) {
      stdout = '';
      const main = vi.fn(strictMain);
      await run([flag], main);
      expect(stdout).toBe(USAGE);
      expect(main).not.toHaveBeenCalled();
      expect(process.exitCode).toBeUndefined();
    }
  });

  it('runs main with the arguments and its output on stdout', async () => {
    await run(['--num', '3'], strictMain);
    expect(stdout).toBe('num 3\n');
    expect(process.exitCode).toBeUndefined();
  });

  it('an unknown flag or a bad value: the message and the usage on stderr, no stack, exit 2', async () => {
    await run(['--bogus'], strictMain);
    expect(stderr).toContain("Unknown option '--bogus'");
    expect(stderr.endsWith(USAGE)).toBe(true);
    expect(stderr).not.toContain('    at ');
    expect(process.exitCode).toBe(2);

    stderr = '';
    await run(['--num=-1'], strictMain);
    expect(stderr).toBe(`--num must be positive, got '-1'\n\n${USAGE}`);
    expect(process.exitCode).toBe(2);
  });

  it('any other failure: its stack on stderr, exit 1', async () => {
    await run([], async () => {
      throw new Error('disk full');
    });
    expect(stderr).toContain('Error: disk full');
    expect(stderr).toContain('    at ');
    expect(process.exitCode).toBe(1);
  });
});

describe('isEntryPoint (engine/cli-entry.ts), which runs the bench scripts', () => {
  it('is true only for the module node was started with, by absolute or relative path, or the named bin', () => {
    process.argv = ['node', '/work/bench/x.js'];
    expect(isEntryPoint('file:///work/bench/x.js')).toBe(true);
    expect(isEntryPoint('file:///work/bench/y.js')).toBe(false);
    process.argv = ['node', 'x.js'];
    expect(isEntryPoint(pathToFileURL(resolve('x.js')).href)).toBe(true);
    process.argv = ['node', '/usr/local/bin/silt'];
    expect(isEntryPoint('file:///work/engine/cli.js', 'silt')).toBe(true);
    expect(isEntryPoint('file:///work/engine/cli.js')).toBe(false);
  });
});
