/**
 * `npm run bench:micro`: runs every tinybench micro-benchmark in this folder (files named
 * `*.bench.ts`, each exporting `run(): Promise<void>`), or only those whose name contains one of the
 * command-line arguments: `npm run bench:micro -- memtable sstable`.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runScript, UsageError } from '../script.js';

interface MicroBench {
  run(): Promise<void>;
}

function isMicroBench(module: unknown): module is MicroBench {
  return typeof module === 'object' && module !== null && typeof (module as { run?: unknown }).run === 'function';
}

const here = dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.bench.js'))
  .map((name) => name.replace(/\.bench\.js$/, ''))
  .sort();
const USAGE = `usage: npm run bench:micro -- [NAME ...]  (or: node dist/bench/micro/index.js [NAME ...])

  Runs every micro-benchmark, or those whose name contains one of the NAMEs: ${benches.join(', ')}.
  --help
`;

async function main(filters: readonly string[], out: (line: string) => void): Promise<void> {
  const unknown = filters.find((filter) => filter.startsWith('-'));
  if (unknown !== undefined) throw new UsageError(`unknown option '${unknown}'`);
  const chosen = benches.filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)));
  if (chosen.length === 0) throw new UsageError(`no micro-benchmarks match ${filters.join(', ')}`);
  for (const name of chosen) {
    out(`\n## ${name}\n`);
    const module: unknown = await import(pathToFileURL(`${here}/${name}.bench.js`).href);
    if (!isMicroBench(module)) throw new Error(`${name}.bench.js does not export run()`);
    await module.run();
  }
}

await runScript(USAGE, main);
