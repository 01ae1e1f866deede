/**
 * The `silt bench` command lines shown in README.md's benchmarking section and in bench/README.md's
 * "silt bench" section, run through the real CLI (`main`) with the real configuration parser — only
 * the measuring is faked (a fixture result) — so that every documented flag, value and file form is
 * one the command accepts. The JSON config example of bench/README.md is the `--config` file and is
 * validated by parseBenchSuite too. Result files an example reads are written from fixtures first.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type BenchRunner } from '../../bench/cli.js';
import { BenchConfigError, DEFAULT_SUITE, parseBenchConfig, parseBenchSuite } from '../../bench/harness/config.js';
import { writeResultJson } from '../../bench/report/json.js';
import { makeResult } from './report/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

/** The text of a markdown section: from its heading to the next heading of the same level outside code blocks. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = `${heading.split(' ')[0]!} `;
  let fenced = false;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i]!.startsWith('```')) fenced = !fenced;
    else if (!fenced && lines[i]!.startsWith(level)) return lines.slice(start, i).join('\n');
  }
  return lines.slice(start).join('\n');
}

/** `silt bench …` lines of the sh code blocks: continuations joined, comments and env assignments dropped. */
function commandLines(text: string): string[] {
  const lines: string[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block[1]!.replace(/\\\n\s*/g, ' ');
    for (const raw of joined.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').replace(/^(?:[A-Z_]+=\S+\s+)+/, '').trim();
      if (line.startsWith('silt bench') || line.startsWith('node dist/bench/cli.js')) lines.push(line);
    }
  }
  return lines;
}

/** Shell words with single quotes (all the examples use). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2]!);
}

async function readmeText(path: string, heading: string): Promise<string> {
  return section(await readFile(join(ROOT, path), 'utf8'), heading);
}

function realParserRunner(ran: unknown[]): () => Promise<BenchRunner> {
  const runner: BenchRunner = {
    defaultSuite: () => DEFAULT_SUITE,
    defaultSuiteSelfChecks: () => ['embedded', 'http'],
    parseConfig: parseBenchConfig,
    runSuite: async (configs) => {
      ran.push(configs);
      return makeResult();
    },
    isConfigError: (error) => error instanceof BenchConfigError,
  };
  return async () => runner;
}

describe('documented silt bench command lines', () => {
  const sources = [
    ['README.md', '## Benchmarking: `silt bench`'],
    ['bench/README.md', '## silt bench'],
  ] as const;

  for (const [path, heading] of sources) {
    it(`${path}: every example is accepted by the CLI`, async () => {
      const text = await readmeText(path, heading);
      const examples = commandLines(text);
      expect(examples.length).toBeGreaterThan(3);
      const cwd = await mkdtemp(join(tmpdir(), 'silt-bench-readme-'));
      directories.push(cwd);
      const suite = (await readmeText('bench/README.md', '## silt bench')).match(/```json\n([\s\S]*?)```/)![1]!;
      await writeFile(join(cwd, 'suite.json'), suite);
      for (const example of examples) {
        const argv = words(example).slice(2); // after `silt bench` / `node dist/bench/cli.js`
        if (argv[0] === 'bench') argv.shift();
        for (const file of argv.filter((word) => word.endsWith('.json') && word !== 'suite.json')) {
          await mkdir(dirname(join(cwd, file)), { recursive: true });
          await writeResultJson(join(cwd, file), makeResult());
        }
        let out = '';
        let err = '';
        const ran: unknown[] = [];
        const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, cwd, env: {} };
        const code = await main(argv, io, realParserRunner(ran));
        // 0, or 1 when a documented threshold fails on the fixture; never a usage error.
        expect({ example, code, err: code === 2 ? err : '' }).toMatchObject({ example, code: expect.any(Number), err: '' });
        expect(code === 0 || (code === 1 && /--threshold|--fail-on-regression/.test(example)), `${example}\n${err}`).toBe(true);
        expect(out.length).toBeGreaterThan(0);
      }
    });
  }

  it('the JSON config example is a valid suite', async () => {
    const suite = (await readmeText('bench/README.md', '## silt bench')).match(/```json\n([\s\S]*?)```/)![1]!;
    const configs = parseBenchSuite(JSON.parse(suite));
    expect(configs.map((config) => config.target.kind)).toEqual(['http', 'embedded']);
  });
});
