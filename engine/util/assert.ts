/**
 * Assertions. A failed assertion is a bug in Silt, never a user error: it throws AssertionError,
 * which no layer converts into a client-facing error.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}

/**
 * Expensive cross-checks run only when invariants are enabled (tests and fuzzers turn them on).
 * The switch never changes the code path taken, only whether extra checks run.
 */
export const invariants = { enabled: false };
