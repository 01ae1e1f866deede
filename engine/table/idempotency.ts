/**
 * The ClientRequestToken cache of TransactWriteItems (reference/dynamodb-facts.md §6.1).
 *
 * DynamoDB binds a token to the request that first used it: while that transaction is in flight a
 * second use gets TransactionInProgressException; for 10 minutes after it completes, the same request
 * is answered again without being applied, and a different request with the same token gets
 * IdempotentParameterMismatchException. After the window the token is free. Only transactions that
 * committed bind their token: a cancelled or failed one leaves it free, so a retry runs again.
 *
 * Requests are compared by a 64-bit fingerprint of their canonical form (fingerprintOf), so the cache
 * never holds a request's bytes (a transaction may carry 4 MB). Two different requests with one token
 * are mistaken for each other only on a fingerprint collision (about 2^-64).
 *
 * Concurrency: one thread; every method is synchronous, so a lookup and the `begin` that follows it
 * (with no await in between) cannot interleave with another request's.
 *
 * Invariants:
 * 1. A token is in at most one of `inFlight` and `completed`.
 * 2. `completed` is in completion order; every entry's window starts at its `completedAtMs`.
 * 3. `completed.size <= entriesMax` (the oldest are forgotten first).
 */
import { DynamoDBError } from '../model/errors.js';
import { assert } from '../util/assert.js';
import { hash32 } from '../util/hash.js';
import { CLIENT_REQUEST_TOKEN_WINDOW_MS, CLIENT_REQUEST_TOKENS_MAX } from '../limits.js';

/** DynamoDB's message for TransactionInProgressException [API:TransactionInProgressException]. */
export const TRANSACTION_IN_PROGRESS_MESSAGE = 'The transaction with the given request token is already in progress';
/**
 * The IdempotentParameterMismatchException message: the API reference's description of the
 * exception ([UNVERIFIED] whether the service sends exactly this text).
 */
export const IDEMPOTENT_MISMATCH_MESSAGE = 'DynamoDB rejected the request because you retried a request with a different payload but with an idempotent token that was already used.';

/** What a replay needs: the first response and, per action, the table and item size it charged. */
export interface CompletedTransaction<Result> {
  readonly fingerprint: string;
  readonly completedAtMs: number;
  readonly result: Result;
}

export type TokenLookup<Result> = { readonly kind: 'new' } | { readonly kind: 'replay'; readonly completed: CompletedTransaction<Result> };

export class IdempotencyCache<Result> {
  readonly #inFlight = new Map<string, string>();
  readonly #completed = new Map<string, CompletedTransaction<Result>>();

  constructor(
    private readonly windowMs: number = CLIENT_REQUEST_TOKEN_WINDOW_MS,
    private readonly entriesMax: number = CLIENT_REQUEST_TOKENS_MAX,
  ) {
    assert(windowMs > 0 && entriesMax >= 1, 'a token cache has a window and room for one token');
  }

  /**
   * Whether `token` is new or a replay of a completed transaction. Throws TransactionInProgressException
   * while its transaction is in flight, IdempotentParameterMismatchException for another request.
   */
  lookup(token: string, fingerprint: string, nowMs: number): TokenLookup<Result> {
    this.#expire(nowMs);
    if (this.#inFlight.has(token)) throw new DynamoDBError('TransactionInProgressException', TRANSACTION_IN_PROGRESS_MESSAGE);
    const completed = this.#completed.get(token);
    if (completed === undefined || nowMs - completed.completedAtMs >= this.windowMs) return { kind: 'new' };
    if (completed.fingerprint !== fingerprint) throw new DynamoDBError('IdempotentParameterMismatchException', IDEMPOTENT_MISMATCH_MESSAGE);
    return { kind: 'replay', completed };
  }

  /** Marks `token` in flight. Requires: lookup just answered 'new' for it. */
  begin(token: string, fingerprint: string): void {
    assert(!this.#inFlight.has(token), 'a token is begun once at a time');
    this.#completed.delete(token); // an expired binding is replaced
    this.#inFlight.set(token, fingerprint);
  }

  /** The transaction of `token` committed: bind the token to its result for the window. */
  complete(token: string, nowMs: number, result: Result): void {
    const fingerprint = this.#inFlight.get(token);
    assert(fingerprint !== undefined, 'only an in-flight token completes');
    this.#inFlight.delete(token);
    this.#completed.set(token, { fingerprint, completedAtMs: nowMs, result });
    while (this.#completed.size > this.entriesMax) this.#forgetOldest();
  }

  /** The transaction of `token` did not commit: the token is free again. */
  abandon(token: string): void {
    const removed = this.#inFlight.delete(token);
    assert(removed, 'only an in-flight token is abandoned');
  }

  /** Tokens remembered (in flight or completed), for tests. */
  get size(): number {
    return this.#inFlight.size + this.#completed.size;
  }

  #expire(nowMs: number): void {
    for (const [token, completed] of this.#completed) {
      if (nowMs - completed.completedAtMs < this.windowMs) return;
      this.#completed.delete(token);
    }
  }

  #forgetOldest(): void {
    const oldest = this.#completed.keys().next();
    assert(oldest.done !== true, 'there is an oldest token to forget');
    this.#completed.delete(oldest.value);
  }
}

/**
 * A 64-bit fingerprint of a request's canonical JSON form (object members sorted by name, binary
 * values by their bytes), so that the same request compares equal however its members are ordered.
 */
export function fingerprintOf(value: unknown): string {
  const bytes = new TextEncoder().encode(canonical(value));
  return hash32(bytes, 0x9747b28c).toString(16).padStart(8, '0') + hash32(bytes, 0x2f1d6a35).toString(16).padStart(8, '0') + ':' + bytes.length;
}

function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof Uint8Array) return `{"$binary":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"}`;
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>; // a plain request object (checked above: not an array or bytes)
    const names = Object.keys(record)
      .filter((name) => record[name] !== undefined)
      .sort();
    return '{' + names.map((name) => JSON.stringify(name) + ':' + canonical(record[name])).join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}
