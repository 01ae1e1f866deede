/**
 * Online GSI operations in the background (reference/dynamodb-facts.md §13.1): the backfill of an
 * index added by UpdateTable, and the purge of a deleted index's entries. One IndexJobs per open
 * database (per TableContext) tracks every running job; Database.open resumes the jobs the catalog
 * says are unfinished, Database.close stops and awaits them.
 *
 * Backfill. From the moment UpdateTable puts the CREATING index in the catalog, every write
 * maintains it (Table.maintainedIndexes). The backfill then walks the base table in key order, a
 * chunk at a time, and for each item reads its latest submitted state (coordinator.read) and submits
 * that state's index entry, with no await in between: the write coordinator orders the entry after
 * every earlier write of the item and before every later one, and a later write replaces or deletes
 * it as it would any entry. So a concurrent write can never leave a stale entry behind, and the index
 * ends equal to a from-scratch computation over the final items. Items whose index key attributes
 * violate the index key (wrong type, empty) are simply absent, as in DynamoDB. Re-submitting an entry
 * is harmless, so a backfill interrupted by close or a crash restarts from the beginning at open.
 *
 * Purge. A DELETING index is no longer maintained; once any backfill of it has stopped, its keys
 * are deleted directly in chunks, then the index leaves the schema and the catalog.
 *
 * Concurrency: one thread. A job re-reads the catalog at every chunk and stops when its index is no
 * longer in the state it works on (deleted, table dropped) or when close() asks. Catalog updates are
 * read-modify-write with no await between the read and catalog.put (which updates the map at once).
 * A failed job records its error in `failure`, which the Database surfaces to every later request.
 *
 * Invariants:
 * 1. At most one job runs per (table id, index id); a purge starts only after that index's backfill
 *    has finished.
 * 2. A backfill submits an entry only for the latest state of an item, read in the same turn.
 * 3. An index turns ACTIVE only after its backfill completed and its configured delay elapsed.
 */
import { INDEX_BACKFILL_CHUNK_ITEMS, INDEX_PURGE_CHUNK_KEYS } from '../limits.js';
import { ValidationException } from '../model/errors.js';
import { prefixEnd, tableIndexPrefix } from '../model/storage-key.js';
import { validateItemKeys } from '../model/validate.js';
import { assert } from '../util/assert.js';
import { ClosedError } from '../util/errors.js';
import { yieldToEventLoop } from '../util/yield.js';
import type { WriteOp } from '../lsm/write-batch.js';
import type { IndexRecord, TableRecord } from './catalog.js';
import type { TableContext } from './context.js';
import { Table, type IndexRuntime } from './table.js';

export type ThroughputHistory = TableRecord['throughputHistory'];

/**
 * IndexRecord as the online-index machinery persists it (the catalog stores records as JSON, so
 * these optional fields travel with it; every IndexRecord is one of these).
 */
export interface OnlineIndexRecord extends IndexRecord {
  /** Earliest time an index added by UpdateTable may turn ACTIVE (injected clock, ms). */
  activeAfterMs?: number;
  /** Throughput changes of a provisioned GSI (decrease limits are per index). */
  throughputHistory?: ThroughputHistory;
}

/**
 * The record with its CREATING indexes that may now be ACTIVE (backfill done, delay elapsed) made
 * ACTIVE; the same object when nothing changes. Pure; tables.ts advanceStatuses applies it.
 */
export function settleIndexStatuses(record: TableRecord, nowMs: number): TableRecord {
  let changed = false;
  const indexes = record.indexes.map((index: OnlineIndexRecord) => {
    if (index.status !== 'CREATING' || index.addedLater !== true || index.backfilling === true) return index;
    if (index.activeAfterMs !== undefined && index.activeAfterMs > nowMs) return index;
    changed = true;
    const next: OnlineIndexRecord = { ...index, status: 'ACTIVE', backfilling: false };
    delete next.activeAfterMs;
    return next;
  });
  return changed ? { ...record, indexes } : record;
}

/** True when `item` can have an entry in `index` without violating its key rules (else it is absent). */
function indexable(table: Table, index: IndexRuntime, item: Parameters<Table['indexEntry']>[1]): boolean {
  try {
    validateItemKeys(item, table.schema, [index.schema]);
    return true;
  } catch (error) {
    // A violation only means "not in this index" (facts §13.1); anything else is a bug.
    if (error instanceof ValidationException) return false;
    throw error;
  }
}

const jobsByContext = new WeakMap<TableContext, IndexJobs>();

/** The job tracker of a database (created on first use). */
export function indexJobs(context: TableContext): IndexJobs {
  let jobs = jobsByContext.get(context);
  if (jobs === undefined) {
    jobs = new IndexJobs(context);
    jobsByContext.set(context, jobs);
  }
  return jobs;
}

/** Restarts the backfills and purges the catalog says are unfinished (Database.open calls this). */
export function resumeBackfills(context: TableContext): void {
  const jobs = indexJobs(context);
  for (const record of context.catalog.records()) {
    for (const index of record.indexes) {
      if (index.status === 'CREATING' && index.addedLater === true && index.backfilling === true) jobs.startBackfill(record.schema.tableName, index.indexId);
      else if (index.status === 'DELETING') jobs.startPurge(record.schema.tableName, index.indexId);
    }
  }
}

export class IndexJobs {
  readonly #jobs = new Map<string, Promise<void>>();
  #closing = false;
  #failure: unknown = undefined;
  #failed = false;

  constructor(private readonly context: TableContext) {}

  /** The first error a job failed with; the Database reports it to every later request. */
  get failure(): { error: unknown } | undefined {
    return this.#failed ? { error: this.#failure } : undefined;
  }

  /** Number of jobs still running (tests and close use it). */
  get running(): number {
    return this.#jobs.size;
  }

  /** Resolves when every job started so far has finished (tests use it to wait for a backfill). */
  async idle(): Promise<void> {
    while (this.#jobs.size > 0) await Promise.allSettled([...this.#jobs.values()]);
  }

  startBackfill(tableName: string, indexId: number): void {
    this.#start(tableName, indexId, () => this.#backfill(tableName, indexId));
  }

  /** Starts the purge of a DELETING index, after any backfill of it has stopped (invariant 1). */
  startPurge(tableName: string, indexId: number): void {
    const previous = this.#jobs.get(jobKey(tableName, indexId));
    this.#start(tableName, indexId, async () => {
      if (previous !== undefined) await previous; // never rejects: #start records failures
      await this.#purge(tableName, indexId);
    });
  }

  /** Stops every job at its next chunk boundary and waits for all of them. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.idle();
  }

  #start(tableName: string, indexId: number, run: () => Promise<void>): void {
    if (this.#closing) throw new ClosedError('database is closing');
    const key = jobKey(tableName, indexId);
    const job: Promise<void> = run().then(
      () => this.#finish(key, job),
      (error: unknown) => {
        if (!this.#failed) {
          this.#failed = true;
          this.#failure = error;
        }
        this.#finish(key, job);
      },
    );
    this.#jobs.set(key, job);
  }

  #finish(key: string, job: Promise<void>): void {
    if (this.#jobs.get(key) === job) this.#jobs.delete(key);
  }

  /** The live record and index for a job, or undefined when the job has nothing left to do. */
  #lookup(tableName: string, indexId: number, status: IndexRecord['status']): { record: TableRecord; index: OnlineIndexRecord } | undefined {
    const record = this.context.catalog.get(tableName);
    if (record === undefined || record.status === 'DELETING') return undefined;
    const index = record.indexes.find((candidate) => candidate.indexId === indexId);
    return index === undefined || index.status !== status ? undefined : { record, index };
  }

  async #backfill(tableName: string, indexId: number): Promise<void> {
    await yieldToEventLoop(); // start outside the UpdateTable request's turn
    const first = this.#lookup(tableName, indexId, 'CREATING');
    if (first === undefined) return;
    const tableId = first.record.tableId;
    const basePrefix = new Table(first.record).prefix();
    const end = prefixEnd(basePrefix);
    let after: Uint8Array | undefined;
    for (;;) {
      if (this.#closing) return; // resumed at the next open
      const live = this.#lookup(tableName, indexId, 'CREATING');
      if (live === undefined || live.record.tableId !== tableId) return; // index deleted or table dropped
      const table = this.context.table(tableName)!;
      const index = table.indexes.find((candidate) => candidate.indexId === indexId);
      assert(index !== undefined, 'a CREATING index has a schema');
      const range = after === undefined ? { gte: basePrefix } : { gt: after };
      const keys: Uint8Array[] = [];
      for (const [key] of this.context.store.scan(end === undefined ? { ...range, limit: INDEX_BACKFILL_CHUNK_ITEMS } : { ...range, lt: end, limit: INDEX_BACKFILL_CHUNK_ITEMS })) {
        keys.push(key);
      }
      if (keys.length === 0) break;
      after = keys[keys.length - 1];
      // Invariant 2: each entry comes from the item's latest state, read and submitted in this turn.
      const submitted: Promise<void>[] = [];
      for (const key of keys) {
        const bytes = this.context.coordinator.read(key);
        if (bytes === undefined) continue; // deleted since the scan: no entry
        const item = table.decode(bytes);
        if (!indexable(table, index, item)) continue;
        const entry = table.indexEntry(index, item);
        if (entry === undefined) continue; // sparse
        const ops: WriteOp[] = [{ type: 'put', key: entry.key, value: entry.value }];
        submitted.push(this.context.coordinator.submit(ops));
      }
      await Promise.all(submitted);
      await yieldToEventLoop();
    }
    // Done: Backfilling false, and ACTIVE at once if the configured delay has passed (invariant 3).
    const done = this.#lookup(tableName, indexId, 'CREATING');
    if (done === undefined || done.record.tableId !== tableId) return;
    const indexes = done.record.indexes.map((candidate) => (candidate.indexId === indexId ? { ...candidate, backfilling: false } : candidate));
    const next = settleIndexStatuses({ ...done.record, indexes }, this.context.clock.now());
    await this.context.catalog.put(next);
  }

  async #purge(tableName: string, indexId: number): Promise<void> {
    await yieldToEventLoop();
    const first = this.#lookup(tableName, indexId, 'DELETING');
    if (first === undefined) return;
    const tableId = first.record.tableId;
    const prefix = tableIndexPrefix(tableId, indexId);
    const end = prefixEnd(prefix);
    for (;;) {
      if (this.#closing) return; // resumed at the next open
      const live = this.#lookup(tableName, indexId, 'DELETING');
      if (live === undefined || live.record.tableId !== tableId) return;
      const keys: Uint8Array[] = [];
      for (const [key] of this.context.store.scan(end === undefined ? { gte: prefix, limit: INDEX_PURGE_CHUNK_KEYS } : { gte: prefix, lt: end, limit: INDEX_PURGE_CHUNK_KEYS })) {
        keys.push(key);
      }
      if (keys.length === 0) break;
      await this.context.store.write(keys.map((key) => ({ type: 'delete' as const, key })));
      await yieldToEventLoop();
    }
    const done = this.#lookup(tableName, indexId, 'DELETING');
    if (done === undefined || done.record.tableId !== tableId) return;
    await this.context.catalog.put(withoutIndex(done.record, done.index.name));
  }
}

function jobKey(tableName: string, indexId: number): string {
  return `${indexId}:${tableName}`;
}

/** The record without index `name`: schema, index record, and attribute definitions no key uses any more. */
export function withoutIndex(record: TableRecord, name: string): TableRecord {
  const gsis = record.schema.gsis.filter((index) => index.name !== name);
  const used = new Set<string>([record.schema.partitionKey.name]);
  if (record.schema.sortKey !== undefined) used.add(record.schema.sortKey.name);
  for (const index of [...gsis, ...record.schema.lsis]) {
    used.add(index.partitionKey.name);
    if (index.sortKey !== undefined) used.add(index.sortKey.name);
  }
  const attributeDefinitions = record.schema.attributeDefinitions.filter((definition) => used.has(definition.AttributeName));
  return {
    ...record,
    schema: { ...record.schema, gsis, attributeDefinitions },
    indexes: record.indexes.filter((index) => index.name !== name),
  };
}
