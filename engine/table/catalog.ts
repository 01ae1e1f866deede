/**
 * The catalog: table metadata, persisted in the store under table id 0 (reserved: see
 * engine/model/FORMAT.md), and held in memory for lookups on every request.
 *
 * Layout (part of the on-disk format; never renumber):
 *   key  00 00 00 00 00 00 'T' <table name UTF-8>   → value: JSON of TableRecord (version field first)
 *   key  00 00 00 00 00 00 'N'                        → value: JSON {"nextTableId": n}
 * Table ids are never reused, so keys of a deleted table can never be mistaken for a new table's.
 *
 * Concurrency: one thread; a mutation changes the in-memory map synchronously and then writes through
 * the store, so concurrent requests see it at once; a failed write fails the whole store (read-only).
 */
import { utf8, fromUtf8 } from '../util/bytes.js';
import { CorruptionError } from '../util/errors.js';
import type { Store } from '../lsm/store.js';
import type { WriteOp } from '../lsm/write-batch.js';
import type { TableSchema } from '../model/schema.js';

export const CATALOG_FORMAT_VERSION = 1;
const CATALOG_PREFIX = new Uint8Array([0, 0, 0, 0, 0, 0]);
const TABLE_TAG = 0x54; // 'T'
const COUNTER_TAG = 0x4e; // 'N'

export type TableStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';
export type IndexStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';

export interface IndexRecord {
  name: string;
  indexId: number;
  status: IndexStatus;
  /** True while a GSI added by UpdateTable is being backfilled. */
  backfilling?: boolean;
  /** Set for GSIs added by UpdateTable (Backfilling is reported only for those). */
  addedLater?: boolean;
}

export interface TimeToLiveRecord {
  attributeName: string;
  enabled: boolean;
}

export interface TableRecord {
  version: number;
  tableId: number;
  /** DynamoDB's TableId: a UUID. */
  uuid: string;
  schema: TableSchema;
  status: TableStatus;
  /** Milliseconds since the epoch (the injected clock's). */
  createdAtMs: number;
  /** When a pending status transition completes (CREATING → ACTIVE etc.), on the injected clock. */
  statusChangeAtMs?: number;
  indexes: IndexRecord[];
  ttl?: TimeToLiveRecord;
  tags: { Key: string; Value: string }[];
  throughputHistory: { lastIncreaseMs?: number; lastDecreaseMs?: number; decreasesToday: number; decreaseDay?: number };
  nextIndexId: number;
}

function tableKey(name: string): Uint8Array {
  const nameBytes = utf8(name);
  const key = new Uint8Array(CATALOG_PREFIX.length + 1 + nameBytes.length);
  key.set(CATALOG_PREFIX);
  key[CATALOG_PREFIX.length] = TABLE_TAG;
  key.set(nameBytes, CATALOG_PREFIX.length + 1);
  return key;
}

function counterKey(): Uint8Array {
  const key = new Uint8Array(CATALOG_PREFIX.length + 1);
  key.set(CATALOG_PREFIX);
  key[CATALOG_PREFIX.length] = COUNTER_TAG;
  return key;
}

function decodeRecord(bytes: Uint8Array): TableRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(bytes));
  } catch (error) {
    throw new CorruptionError('catalog: table record is not valid JSON', { cause: error });
  }
  const record = parsed as TableRecord; // checked below for the fields the engine relies on
  if (typeof record !== 'object' || record === null || record.version !== CATALOG_FORMAT_VERSION || typeof record.tableId !== 'number') {
    throw new CorruptionError('catalog: malformed table record');
  }
  return record;
}

export class Catalog {
  readonly #tables = new Map<string, TableRecord>();
  #nextTableId = 1;
  #version = 0;

  /** Increments on every change: lets callers cache what they derive from the records. */
  get version(): number {
    return this.#version;
  }

  /** The next table id to be allocated: every id below it was allocated once. */
  get nextTableId(): number {
    return this.#nextTableId;
  }

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<Catalog> {
    const catalog = new Catalog(store);
    const counter = store.get(counterKey());
    if (counter !== undefined) {
      const parsed = JSON.parse(fromUtf8(counter)) as { nextTableId?: unknown };
      if (typeof parsed.nextTableId !== 'number') throw new CorruptionError('catalog: malformed table counter');
      catalog.#nextTableId = parsed.nextTableId;
    }
    const start = tableKey('');
    const end = new Uint8Array(start);
    end[end.length - 1] = TABLE_TAG + 1;
    for (const [, value] of store.scan({ gte: start, lt: end })) {
      const record = decodeRecord(value);
      catalog.#tables.set(record.schema.tableName, record);
    }
    return catalog;
  }

  get(name: string): TableRecord | undefined {
    return this.#tables.get(name);
  }

  names(): string[] {
    return [...this.#tables.keys()].sort();
  }

  records(): IterableIterator<TableRecord> {
    return this.#tables.values();
  }

  /** Reserves the next table id (persisted together with the table's record by `put`). */
  allocateTableId(): number {
    return this.#nextTableId++;
  }

  /** The write ops that persist `record` (and the id counter); the caller adds them to its batch. */
  putOps(record: TableRecord): WriteOp[] {
    return [
      { type: 'put', key: tableKey(record.schema.tableName), value: utf8(JSON.stringify(record)) },
      { type: 'put', key: counterKey(), value: utf8(JSON.stringify({ nextTableId: this.#nextTableId })) },
    ];
  }

  /**
   * Persists `record`. The map is updated first, synchronously, so a concurrent request already sees
   * the name taken (CreateTable twice at once must fail once); a failed write fails the store.
   */
  async put(record: TableRecord): Promise<void> {
    this.#tables.set(record.schema.tableName, record);
    this.#version++;
    await this.store.write(this.putOps(record));
  }

  async remove(name: string): Promise<void> {
    this.#tables.delete(name);
    this.#version++;
    await this.store.write([{ type: 'delete', key: tableKey(name) }]);
  }
}
