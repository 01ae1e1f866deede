/**
 * The TTL sweeper: deletes expired items (ttl.ts isExpired) of every table with TTL enabled, as
 * DynamoDB's background scanner does (reference/dynamodb-facts.md §7): a normal delete that also
 * removes the item's index entries, charged to no one (no capacity is metered here).
 *
 * It runs every `intervalMs` of the injected clock in one tracked loop (started by the Database,
 * stopped and awaited by close), and on demand through `sweep()` (Database.runTimeToLiveSweep).
 *
 * Each step scans up to TIME_TO_LIVE_SWEEP_CHUNK_ITEMS base items. For an item that looks expired,
 * it re-reads the latest submitted state (coordinator.read), re-checks expiry on it and submits the
 * delete with no await in between — a condition-style delete, so a concurrent write that extends or
 * removes the TTL attribute is never undone. Items in an ongoing transaction are left for the next
 * sweep. The step's deletes are awaited, then the loop yields.
 *
 * Concurrency: one thread; sweeps are serialized (a second sweep waits for the running one). A
 * failed sweep records its error in `failure`, which the Database reports to every later request.
 *
 * Invariants:
 * 1. An item is deleted only if its latest state, read in the same turn as the delete's submit, is
 *    expired at that moment's clock.
 * 2. Deletes use the table runtime current at submit time, so every maintained index loses the entry.
 */
import { TIME_TO_LIVE_SWEEP_CHUNK_ITEMS, TIME_TO_LIVE_SWEEP_WAKE_MS } from '../limits.js';
import { itemSizeBytes } from '../model/item-size.js';
import { prefixEnd } from '../model/storage-key.js';
import { yieldToEventLoop } from '../util/yield.js';
import type { TableContext } from './context.js';
import { itemMutation } from './mutation.js';
import { isExpired, timeToLiveAttribute } from './ttl.js';

export class TimeToLiveSweeper {
  #sweeping: Promise<number> = Promise.resolve(0);
  #loop: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  #failed = false;
  #failure: unknown = undefined;

  constructor(
    private readonly context: TableContext,
    private readonly intervalMs: number,
  ) {}

  /** The error a background sweep failed with, if any. */
  get failure(): { error: unknown } | undefined {
    return this.#failed ? { error: this.#failure } : undefined;
  }

  /** Starts the periodic loop (no-op when the interval is 0). */
  start(): void {
    if (this.intervalMs <= 0 || this.#loop !== undefined) return;
    this.#loop = this.#run().catch((error: unknown) => {
      this.#failed = true;
      this.#failure = error;
    });
  }

  /** Stops the loop and waits for it and any sweep in progress. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    await this.#sweeping.catch(() => 0); // a sweep's error already went to its caller (or to `failure`)
  }

  /** One full sweep over every TTL-enabled table; resolves with the number of items deleted. */
  sweep(): Promise<{ deleted: number }> {
    // Serialized after the previous sweep, whose error (if any) already went to its own caller.
    const run = this.#sweeping.catch(() => 0).then(() => this.#sweepAll());
    this.#sweeping = run;
    return run.then((deleted) => ({ deleted }));
  }

  async #run(): Promise<void> {
    const clock = this.context.clock;
    let dueMs = clock.now() + this.intervalMs;
    while (!this.#stopping) {
      const stopped = new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      // Sleep in slices: a clock timer cannot be cancelled, and a pending one keeps a process alive
      // after close(); a slice bounds that to TIME_TO_LIVE_SWEEP_WAKE_MS. A manual clock advanced past
      // the deadline wakes the first slice, which then finds the sweep due.
      await Promise.race([clock.sleep(Math.min(TIME_TO_LIVE_SWEEP_WAKE_MS, dueMs - clock.now())), stopped]);
      this.#wake = undefined;
      if (this.#stopping) return;
      if (clock.now() < dueMs) continue;
      await this.sweep();
      dueMs = clock.now() + this.intervalMs;
    }
  }

  async #sweepAll(): Promise<number> {
    let deleted = 0;
    for (const name of this.context.catalog.names()) {
      if (this.#stopping) break;
      deleted += await this.#sweepTable(name);
    }
    return deleted;
  }

  async #sweepTable(name: string): Promise<number> {
    const first = this.context.table(name);
    if (first === undefined || timeToLiveAttribute(first.record) === undefined) return 0;
    const tableId = first.tableId;
    const prefix = first.prefix();
    const end = prefixEnd(prefix);
    let after: Uint8Array | undefined;
    let deleted = 0;
    for (;;) {
      if (this.#stopping) return deleted;
      const table = this.context.table(name);
      if (table === undefined || table.tableId !== tableId || table.record.status === 'DELETING') return deleted;
      const attribute = timeToLiveAttribute(table.record);
      if (attribute === undefined) return deleted; // disabled meanwhile
      const range = after === undefined ? { gte: prefix } : { gt: after };
      const now = this.context.clock.now();
      const pending: Promise<void>[] = [];
      let scanned = 0;
      for (const [key, value] of this.context.store.scan(end === undefined ? { ...range, limit: TIME_TO_LIVE_SWEEP_CHUNK_ITEMS } : { ...range, lt: end, limit: TIME_TO_LIVE_SWEEP_CHUNK_ITEMS })) {
        scanned++;
        after = key;
        if (!isExpired(table.decode(value), attribute, now)) continue;
        // Invariant 1: re-check on the latest state and submit in the same turn.
        if (this.context.coordinator.inTransaction(key)) continue;
        const latest = this.context.coordinator.read(key);
        if (latest === undefined) continue;
        const item = table.decode(latest);
        if (!isExpired(item, attribute, now)) continue;
        pending.push(this.context.coordinator.submit(itemMutation(table, key, item, undefined, itemSizeBytes).ops));
        deleted++;
      }
      await Promise.all(pending);
      if (scanned < TIME_TO_LIVE_SWEEP_CHUNK_ITEMS) return deleted;
      await yieldToEventLoop();
    }
  }
}
