/**
 * Assertions. A failed assertion is a bug in Silt, never a user error: it throws AssertionError,
 * which no layer converts into a client-facing error.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** A check with a fixed message. For a message built from values, see assertionFailed. */
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/**
 * Throws AssertionError: for a check whose message is built from values, written
 * `if (!ok) assertionFailed(\`… ${value}\`)`. As assert's argument a template literal is built
 * on every call, holds or not: two number-to-string conversions and a concatenation per write on
 * the hottest paths (lastSequence's setter, L0's file count), and garbage for the collector.
 */
export function assertionFailed(message: string): never {
  throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}

/**
 * Expensive cross-checks run only when invariants are enabled (tests and fuzzers turn them on).
 * The switch never changes the code path taken, only whether extra checks run.
 */
export const invariants = { enabled: false };
