/**
 * Consumed capacity, exactly as DynamoDB charges and reports it (reference/dynamodb-facts.md §4.4,
 * §5, §6.1, §11.1, §13):
 *
 *   read of one item      ceil(size / 4 KB), at least 1, × 0.5 eventually consistent | × 1 strongly
 *                         consistent | × 2 in a transaction (a missing item still costs the minimum)
 *   Query / Scan page     the sizes of every item read (before filter and projection) summed, then
 *                         rounded up to 4 KB, at least one 4 KB unit, × 0.5 | × 1
 *   write of one item     ceil(size / 1 KB), at least 1, × 2 in a transaction
 *   index entry           0, 1 or 2 writes, each rounded from its own projected size (indexWriteUnits)
 *
 * CapacityMeter accumulates one request's units per table and per index and renders DynamoDB's
 * ConsumedCapacity shape for ReturnConsumedCapacity TOTAL or INDEXES. The real service reports
 * ReadCapacityUnits / WriteCapacityUnits beside CapacityUnits at each level that consumed that kind
 * (observed 2021 for TransactWriteItems INDEXES, 2026 for TransactGetItems INDEXES; for TOTAL the
 * same top-level members are assumed: [UNVERIFIED]). In INDEXES mode `Table` is always present
 * (zero when only an index was read); index maps appear only when an index consumed units.
 *
 * Units are multiples of 0.5, so every sum here is exact in binary floating point.
 * Concurrency: a meter belongs to one request; all functions are pure and synchronous.
 */
import { assert } from '../util/assert.js';
import { READ_UNIT_BYTES, WRITE_UNIT_BYTES } from '../limits.js';

export type ReturnConsumedCapacity = 'INDEXES' | 'TOTAL' | 'NONE';

/** DynamoDB's Capacity shape (one table or one index). */
export interface Capacity {
  CapacityUnits: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** DynamoDB's ConsumedCapacity shape. */
export interface ConsumedCapacity {
  TableName: string;
  CapacityUnits: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: Capacity;
  LocalSecondaryIndexes?: Record<string, Capacity>;
  GlobalSecondaryIndexes?: Record<string, Capacity>;
}

export interface IndexRef {
  name: string;
  global: boolean;
}

function checkSize(sizeBytes: number): void {
  assert(Number.isSafeInteger(sizeBytes) && sizeBytes >= 0, 'a size is a non-negative integer');
}

/** One item read by GetItem, BatchGetItem or TransactGetItems (size 0 for a missing item). */
export function readUnitsForItem(sizeBytes: number, consistent: boolean, transactional = false): number {
  checkSize(sizeBytes);
  const blocks = Math.max(1, Math.ceil(sizeBytes / READ_UNIT_BYTES));
  if (transactional) return blocks * 2;
  return consistent ? blocks : blocks * 0.5;
}

/** One Query or Scan page: the total size of the items read, rounded once. */
export function readUnitsForBytes(totalBytes: number, consistent: boolean): number {
  return readUnitsForItem(totalBytes, consistent, false);
}

/** One item written (put, update, delete, or a failed conditional write) at `sizeBytes`. */
export function writeUnitsForItem(sizeBytes: number, transactional = false): number {
  checkSize(sizeBytes);
  const units = Math.max(1, Math.ceil(sizeBytes / WRITE_UNIT_BYTES));
  return transactional ? units * 2 : units;
}

/**
 * What a base-table write costs on one secondary index. `oldIndexEntryBytes` / `newIndexEntryBytes`
 * are the projected entry sizes before and after (undefined: the item is not in the index then).
 *   absent → absent                      0
 *   absent → present                     1 put, from the new entry
 *   present → absent                     1 delete, from the old entry
 *   present → present, key changed       2: delete the old entry + put the new one, each rounded alone
 *   present → present, same key          1 update, from the larger entry (as a table write is
 *                                        charged the larger of old and new), or 0 when the caller
 *                                        says the projected entry did not change at all
 */
export function indexWriteUnits(
  oldIndexEntryBytes: number | undefined,
  newIndexEntryBytes: number | undefined,
  indexKeyChanged: boolean,
  entryChanged = true,
): number {
  if (oldIndexEntryBytes === undefined && newIndexEntryBytes === undefined) return 0;
  if (oldIndexEntryBytes === undefined) return writeUnitsForItem(newIndexEntryBytes!);
  if (newIndexEntryBytes === undefined) return writeUnitsForItem(oldIndexEntryBytes);
  if (indexKeyChanged) return writeUnitsForItem(oldIndexEntryBytes) + writeUnitsForItem(newIndexEntryBytes);
  if (!entryChanged) return 0;
  return writeUnitsForItem(Math.max(oldIndexEntryBytes, newIndexEntryBytes));
}

/** Read and write units of one table or index; `undefined` members were never charged. */
interface Tally {
  read: number | undefined;
  write: number | undefined;
}

interface TableTally {
  table: Tally;
  total: Tally;
  lsis: Map<string, Tally> | undefined;
  gsis: Map<string, Tally> | undefined;
}

function newTally(): Tally {
  return { read: undefined, write: undefined };
}

function add(tally: Tally, kind: 'read' | 'write', units: number): void {
  tally[kind] = (tally[kind] ?? 0) + units;
}

function render(tally: Tally): Capacity {
  const capacity: Capacity = { CapacityUnits: (tally.read ?? 0) + (tally.write ?? 0) };
  if (tally.read !== undefined) capacity.ReadCapacityUnits = tally.read;
  if (tally.write !== undefined) capacity.WriteCapacityUnits = tally.write;
  return capacity;
}

function renderMap(tallies: Map<string, Tally>): Record<string, Capacity> {
  const out: Record<string, Capacity> = {};
  for (const [name, tally] of tallies) out[name] = render(tally);
  return out;
}

const UNUSED_TALLIES = new Map<string, TableTally>();

/**
 * One request's consumed capacity. Tables are reported in the order they were first charged.
 * With mode NONE the meter still counts (callers charge admission from `totalUnits`) but renders
 * nothing.
 */
export class CapacityMeter {
  /** Per-table tallies; a shared empty map, never written, in mode NONE (charge returns first). */
  private readonly tables: Map<string, TableTally>;
  private total = 0;

  constructor(readonly mode: ReturnConsumedCapacity) {
    this.tables = mode === 'NONE' ? UNUSED_TALLIES : new Map();
  }

  /** Units charged so far across every table and index. */
  get totalUnits(): number {
    return this.total;
  }

  addRead(table: string, units: number, index?: IndexRef): void {
    this.charge(table, 'read', units, index);
  }

  addWrite(table: string, units: number, index?: IndexRef): void {
    this.charge(table, 'write', units, index);
  }

  private charge(table: string, kind: 'read' | 'write', units: number, index: IndexRef | undefined): void {
    assert(Number.isFinite(units) && units >= 0 && Number.isInteger(units * 2), 'capacity units are non-negative multiples of 0.5');
    if (this.mode === 'NONE') {
      // Nothing is rendered: only the total is kept (most requests, so no tally is built).
      this.total += units;
      return;
    }
    let tally = this.tables.get(table);
    if (tally === undefined) {
      tally = { table: newTally(), total: newTally(), lsis: undefined, gsis: undefined };
      this.tables.set(table, tally);
    }
    add(tally.total, kind, units);
    this.total += units;
    if (index === undefined) {
      add(tally.table, kind, units);
      return;
    }
    const indexes = index.global ? (tally.gsis ??= new Map()) : (tally.lsis ??= new Map());
    let indexTally = indexes.get(index.name);
    if (indexTally === undefined) {
      indexTally = newTally();
      indexes.set(index.name, indexTally);
    }
    add(indexTally, kind, units);
  }

  /** The ConsumedCapacity of a single-table operation; undefined when the request asked for NONE. */
  forTable(tableName: string): ConsumedCapacity | undefined {
    if (this.mode === 'NONE') return undefined;
    const tally = this.tables.get(tableName) ?? { table: newTally(), total: newTally(), lsis: undefined, gsis: undefined };
    const consumed: ConsumedCapacity = { TableName: tableName, ...render(tally.total) };
    if (this.mode === 'INDEXES') {
      consumed.Table = render(tally.table);
      if (tally.lsis !== undefined) consumed.LocalSecondaryIndexes = renderMap(tally.lsis);
      if (tally.gsis !== undefined) consumed.GlobalSecondaryIndexes = renderMap(tally.gsis);
    }
    return consumed;
  }

  /** The ConsumedCapacity list of a batch or transaction, one entry per table charged. */
  all(): ConsumedCapacity[] | undefined {
    if (this.mode === 'NONE') return undefined;
    const list: ConsumedCapacity[] = [];
    for (const tableName of this.tables.keys()) list.push(this.forTable(tableName)!);
    return list;
  }
}
