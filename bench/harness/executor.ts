/**
 * Runs generated operations (catalog.ts codes) against a Silt Database in the thread that owns it —
 * or against nothing at all (the null target, which answers at once) — and reports each outcome as a
 * Status. Used by the embedded target's channel server (channel.ts) and, with DirectTransport, by
 * the single-thread target.
 *
 * Throttles are told apart from errors by DynamoDB's exception names (THROTTLE_NAMES).
 * Concurrency: one executor per Database, in its thread; operations interleave at the Database's awaits.
 */
import type { Database } from '../../engine/database.js';
import { Status, type CompletionSink, type Transport } from './generator.js';
import { OperationCode } from './workloads/catalog.js';
import type { RequestFactory } from './workloads/requests.js';

/** DynamoDB's throttling exceptions: counted as throttles, not errors. */
export const THROTTLE_NAMES: ReadonlySet<string> = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

export type Done = (status: Status, errorName: string | undefined) => void;

export function classifyError(error: unknown): { status: Status; name: string } {
  const name = error instanceof Error ? error.name : typeof error;
  return { status: THROTTLE_NAMES.has(name) ? Status.Throttle : Status.Error, name };
}

/** A batch answer with Unprocessed* left over is a throttle (DynamoDB's way of saying "slow down"). */
export function unprocessedCount(output: { UnprocessedItems?: Record<string, unknown[]>; UnprocessedKeys?: Record<string, { Keys?: unknown[] }> }): number {
  let count = 0;
  for (const requests of Object.values(output.UnprocessedItems ?? {})) count += requests.length;
  for (const keys of Object.values(output.UnprocessedKeys ?? {})) count += keys.Keys?.length ?? 0;
  return count;
}

export class Executor {
  constructor(
    /** undefined: the null target. */
    readonly database: Database | undefined,
    readonly requests: RequestFactory | undefined,
  ) {}

  run(op: OperationCode, key: number, arg: number, arg2: number, done: Done): void {
    const db = this.database;
    if (db === undefined) {
      done(Status.Ok, undefined);
      return;
    }
    const requests = this.requests!;
    const fail = (error: unknown): void => {
      const { status, name } = classifyError(error);
      done(status, name);
    };
    const ok = (): void => done(Status.Ok, undefined);
    switch (op) {
      case OperationCode.Get:
        db.getItem(requests.getItem(key)).then(ok, fail);
        return;
      case OperationCode.Update:
        db.updateItem(requests.updateItem(key, arg)).then(ok, fail);
        return;
      case OperationCode.Insert:
      case OperationCode.Put:
        db.putItem(requests.putItem(key)).then(ok, fail);
        return;
      case OperationCode.Query:
        db.query(requests.query(key, arg, arg2)).then(ok, fail);
        return;
      case OperationCode.ReadModifyWrite:
        db.getItem(requests.getItem(key))
          .then(() => db.updateItem(requests.updateItem(key, arg)))
          .then(ok, fail);
        return;
    }
  }
}

/** No thread hop: requests run on the executor in the generator's own thread (embedded-single). */
export class DirectTransport implements Transport {
  readonly capacity: number;
  #sink: CompletionSink | undefined;

  constructor(
    readonly executor: Executor,
    capacity: number,
  ) {
    this.capacity = capacity;
  }

  bind(sink: CompletionSink): this {
    this.#sink = sink;
    return this;
  }

  send(slot: number, op: OperationCode, key: number, arg: number, arg2: number): void {
    const sink = this.#sink!;
    this.executor.run(op, key, arg, arg2, (status, name) => {
      sink.complete(slot, status, name);
      sink.afterCompletions(false);
    });
  }

  flush(): void {}
}
