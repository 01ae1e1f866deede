/**
 * `npm run bench:micro`: runs every tinybench micro-benchmark in this folder (files named
 * `*.bench.ts`, each exporting `run(): Promise<void>`), or only those whose name contains one of the
 * command-line arguments: `npm run bench:micro -- memtable sstable`.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface MicroBench {
  run(): Promise<void>;
}

function isMicroBench(module: unknown): module is MicroBench {
  return typeof module === 'object' && module !== null && typeof (module as { run?: unknown }).run === 'function';
}

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const filters = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((name) => name.endsWith('.bench.js'))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort();
  if (files.length === 0) throw new Error(`no micro-benchmarks match ${filters.join(', ')}`);
  for (const file of files) {
    console.log(`\n## ${file.replace(/\.bench\.js$/, '')}\n`);
    const module: unknown = await import(pathToFileURL(`${here}/${file}`).href);
    if (!isMicroBench(module)) throw new Error(`${file} does not export run()`);
    await module.run();
  }
}

await main();
