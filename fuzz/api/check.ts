/**
 * Oracle checks for the fuzz campaigns (fuzz code runs under the CLI, not only vitest, so it cannot
 * use `expect`). A failed check throws CheckFailure, which the campaign reports as the failure's
 * message; any other exception is reported the same way, as a bug found.
 *
 * Values are compared by their JSON text, so the caller normalises first (canonical items, sorted
 * sets): a mismatch message then shows both sides exactly as compared.
 */

export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
}

export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new CheckFailure(message());
}

/** `actual` and `expected` have the same JSON text. */
export function checkSame(actual: unknown, expected: unknown, what: string): void {
  const actualText = JSON.stringify(actual);
  const expectedText = JSON.stringify(expected);
  if (actualText !== expectedText) throw new CheckFailure(`${what}: expected ${expectedText}, got ${actualText}`);
}

/** The outcome of a promise as a value: the fuzz oracles compare failures as well as results. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export function outcomeOf<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: unknown): Outcome<T> => ({ ok: false, error }),
  );
}

/** The error a promise must reject with, by DynamoDB exception name. */
export async function expectRejection(promise: Promise<unknown>, name: string, what: string): Promise<Record<string, unknown>> {
  const outcome = await outcomeOf(promise);
  if (outcome.ok) throw new CheckFailure(`${what}: expected ${name}, got success ${JSON.stringify(outcome.value, bytesAsHex)}`);
  const error = outcome.error as { name?: unknown; message?: unknown };
  if (error.name !== name) throw new CheckFailure(`${what}: expected ${name}, got ${String(error.name)}: ${String(error.message)}`);
  return outcome.error as Record<string, unknown>;
}

/** A JSON.stringify replacer that shows bytes as hex (for messages). */
export function bytesAsHex(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? `0x${Buffer.from(value).toString('hex')}` : value;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
