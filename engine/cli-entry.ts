/**
 * How each command-line module (engine/cli.ts, bench/cli.ts, fuzz/cli.ts) runs when it is executed
 * rather than imported: `main(argv)` resolves to the exit code; an unexpected rejection prints its
 * stack under the command's name and exits 1. Tests import the modules and call `main` themselves.
 */
import { basename, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Whether the module at `moduleUrl` is the script node was started with (or the `silt` bin, through npm's link). */
export function isEntryPoint(moduleUrl: string, binName?: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  return pathToFileURL(resolvePath(script)).href === moduleUrl || (binName !== undefined && basename(script) === binName);
}

/** Runs `main` with the process's arguments when the module is the entry point; sets the exit code. */
export function runIfEntryPoint(moduleUrl: string, command: string, main: (argv: string[]) => Promise<number>, binName?: string): void {
  if (!isEntryPoint(moduleUrl, binName)) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${command}: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
