/**
 * How a bench script runs as a command (`node dist/bench/<dir>/<script>.js …`): `--help` or `-h`
 * prints its usage; a usage error (a flag node:util's parseArgs refuses, or a UsageError thrown
 * while checking values) prints the message and the usage and exits 2; any other failure prints its
 * stack and exits 1. (Whether a module is the one node was started with: engine/cli-entry.ts's
 * isEntryPoint.)
 */
/** A bad flag or flag value: the user gets the message and the usage, not a stack. */
export class UsageError extends Error {}

export type ScriptMain = (argv: readonly string[], out: (line: string) => void) => Promise<unknown>;

function isUsageError(error: unknown): error is Error {
  if (error instanceof UsageError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** Runs `main` on the process's arguments, as the header describes; settles when it is done (never rejects). */
export function runScript(usage: string, main: ScriptMain): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return Promise.resolve();
  }
  return main(argv, (line) => process.stdout.write(`${line}\n`)).then(() => undefined, (error: unknown) => {
    if (isUsageError(error)) {
      process.stderr.write(`${error.message}\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
