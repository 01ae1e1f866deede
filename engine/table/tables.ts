/**
 * Control plane: CreateTable, DescribeTable, ListTables, DeleteTable, DescribeLimits, and the
 * clock-driven status transitions (CREATING → ACTIVE, DELETING → gone) with configurable delays
 * (immediate by default in embedded use). Transitions are applied lazily, whenever a request looks
 * at a table, from the injected clock: no timers, so a ManualClock drives them in tests.
 */
import { validateCreateTable } from '../model/schema-validate.js';
import { ValidationException } from '../model/errors.js';
import { itemSizeBytes } from '../model/item-size.js';
import { prefixEnd } from '../model/storage-key.js';
import { yieldToEventLoop } from '../util/yield.js';
import { settleIndexStatuses } from './backfill.js';
import type { TableRecord } from './catalog.js';
import { resolveTableName, type TableContext } from './context.js';
import { describeTable as render, type TableStatistics } from './describe.js';
import { resourceNotFound, tableInUse } from './errors.js';
import type { Input } from './expressions-of.js';
import type { Table } from './table.js';
import { createMaps } from './admission.js';
import { validateListTablesRequest } from './request-validation.js';
import { LIST_TABLES_LIMIT_MAX } from '../limits.js';

type Output = Record<string, unknown>;

const PURGE_BATCH_KEYS = 1000;

function uuidFrom(context: TableContext, tableId: number): string {
  // Derived from the clock and the table id: unique per database, stable once written.
  const hex = (context.clock.now() * 4096 + tableId).toString(16).padStart(32, '0').slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * When the next status transition falls due: the earliest table statusChangeAtMs, or activation
 * time of a backfilled GSI. Cached per catalog version, so a request pays one comparison.
 */
const nextTransitionCache = new WeakMap<TableContext, { version: number; atMs: number }>();

export function nextTransitionAtMs(context: TableContext): number {
  const cached = nextTransitionCache.get(context);
  if (cached !== undefined && cached.version === context.catalog.version) return cached.atMs;
  let atMs = Number.POSITIVE_INFINITY;
  for (const record of context.catalog.records()) {
    if (record.statusChangeAtMs !== undefined) atMs = Math.min(atMs, record.statusChangeAtMs);
    for (const index of record.indexes as readonly { status: string; addedLater?: boolean; backfilling?: boolean; activeAfterMs?: number }[]) {
      if (index.status === 'CREATING' && index.addedLater === true && index.backfilling !== true) atMs = Math.min(atMs, index.activeAfterMs ?? 0);
    }
  }
  nextTransitionCache.set(context, { version: context.catalog.version, atMs });
  return atMs;
}

/** Applies due status transitions to every table (cheap: a clock read per table). */
export async function advanceStatuses(context: TableContext): Promise<void> {
  const now = context.clock.now();
  for (const name of context.catalog.names()) {
    // Re-read after every await: a record captured before one could be stale (a lost update).
    const current = context.catalog.get(name);
    if (current === undefined) continue;
    // GSIs added by UpdateTable turn ACTIVE once backfilled and their delay passed (backfill.ts).
    const record = settleIndexStatuses(current, now);
    if (record.statusChangeAtMs === undefined || record.statusChangeAtMs > now) {
      if (record !== current) await context.catalog.put(record);
      continue;
    }
    if (record.status === 'DELETING') {
      await context.catalog.remove(record.schema.tableName);
      await purgeTableData(context, record.tableId);
      continue;
    }
    // CREATING → ACTIVE brings the table's own indexes along; UPDATING → ACTIVE leaves online ones be.
    const indexes = record.indexes.map((index) => (index.status === 'CREATING' && index.addedLater !== true ? { ...index, status: 'ACTIVE' as const } : { ...index }));
    const next: TableRecord = { ...record, status: 'ACTIVE', indexes };
    delete next.statusChangeAtMs;
    await context.catalog.put(next);
  }
}

/**
 * At open: deletes the data of table ids that have no catalog record. DeleteTable removes the record
 * before it purges the data, so a crash in between leaves such keys; ids are never reused, so any key
 * under an id without a record is garbage. Costs one short scan per id ever allocated.
 */
export async function purgeOrphanedTables(context: TableContext): Promise<number> {
  const live = new Set<number>();
  for (const record of context.catalog.records()) live.add(record.tableId);
  let purged = 0;
  for (let tableId = 1; tableId < context.catalog.nextTableId; tableId++) {
    if (live.has(tableId)) continue;
    const prefix = tablePrefix(tableId);
    const end = prefixEnd(prefix);
    const probe = context.store.scan(end === undefined ? { gte: prefix, limit: 1 } : { gte: prefix, lt: end, limit: 1 });
    let found = false;
    for (const entry of probe) found = entry !== undefined;
    if (!found) continue;
    await purgeTableData(context, tableId);
    purged++;
  }
  return purged;
}

function tablePrefix(tableId: number): Uint8Array {
  return new Uint8Array([tableId >>> 24, (tableId >>> 16) & 0xff, (tableId >>> 8) & 0xff, tableId & 0xff]);
}

/** Deletes every key of a dropped table (its id is never reused, so this can run at leisure). */
export async function purgeTableData(context: TableContext, tableId: number): Promise<void> {
  const prefix = tablePrefix(tableId);
  const end = prefixEnd(prefix);
  for (;;) {
    const keys: Uint8Array[] = [];
    const scan = context.store.scan(end === undefined ? { gte: prefix, limit: PURGE_BATCH_KEYS } : { gte: prefix, lt: end, limit: PURGE_BATCH_KEYS });
    for (const [key] of scan) keys.push(key);
    if (keys.length === 0) {
      // The table's partition maps (system metadata, outside its key range) go with its data.
      await context.partitions.dropTable(tableId);
      return;
    }
    await context.store.write(keys.map((key) => ({ type: 'delete' as const, key })));
    await yieldToEventLoop();
  }
}

export async function createTable(context: TableContext, input: Input): Promise<Output> {
  const schema = validateCreateTable(input);
  await advanceStatuses(context);
  if (context.catalog.get(schema.tableName) !== undefined) throw tableInUse(`Table already exists: ${schema.tableName}`);
  const tableId = context.catalog.allocateTableId();
  const now = context.clock.now();
  const delay = context.settings.tableStatusDelayMs;
  let nextIndexId = 1;
  const indexes = [...schema.gsis, ...schema.lsis].map((index) => ({ name: index.name, indexId: nextIndexId++, status: delay > 0 ? ('CREATING' as const) : ('ACTIVE' as const) }));
  const record: TableRecord = {
    version: 1,
    tableId,
    uuid: uuidFrom(context, tableId),
    schema,
    status: delay > 0 ? 'CREATING' : 'ACTIVE',
    createdAtMs: now,
    indexes,
    tags: schema.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })),
    throughputHistory: { decreasesToday: 0 },
    nextIndexId,
  };
  if (delay > 0) record.statusChangeAtMs = now + delay;
  await context.catalog.put(record);
  const onDemand = input['OnDemandThroughput'] as { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number } | undefined; // validated with the schema
  await createMaps(
    context,
    schema,
    tableId,
    new Map(indexes.map((index) => [index.name, index.indexId])),
    {
      ...(onDemand?.MaxReadRequestUnits === undefined ? {} : { maxReadUnitsPerSecond: onDemand.MaxReadRequestUnits }),
      ...(onDemand?.MaxWriteRequestUnits === undefined ? {} : { maxWriteUnitsPerSecond: onDemand.MaxWriteRequestUnits }),
    },
  );
  return { TableDescription: render(context, record, emptyStatistics()) };
}

function emptyStatistics(): TableStatistics {
  return { itemCount: 0, sizeBytes: 0, indexes: new Map() };
}

const statisticsCache = new WeakMap<TableContext, Map<number, { sequence: number; statistics: TableStatistics }>>();

/**
 * Item count and size of the table and each index, read from the store (exact, O(items)), and cached
 * until the next write to the database: polling DescribeTable (as SDK waiters do) costs O(1) while
 * nothing changes.
 */
export function tableStatistics(context: TableContext, table: Table): TableStatistics {
  let cache = statisticsCache.get(context);
  if (cache === undefined) statisticsCache.set(context, (cache = new Map()));
  const sequence = context.store.lastSequence;
  const cached = cache.get(table.tableId);
  if (cached !== undefined && cached.sequence === sequence) return cached.statistics;
  const statistics = computeStatistics(context, table);
  cache.set(table.tableId, { sequence, statistics });
  return statistics;
}

function computeStatistics(context: TableContext, table: Table): TableStatistics {
  const count = (prefix: Uint8Array): { itemCount: number; sizeBytes: number } => {
    const end = prefixEnd(prefix);
    let itemCount = 0;
    let sizeBytes = 0;
    for (const [, value] of context.store.scan(end === undefined ? { gte: prefix } : { gte: prefix, lt: end })) {
      itemCount++;
      sizeBytes += itemSizeBytes(table.decode(value));
    }
    return { itemCount, sizeBytes };
  };
  const base = count(table.prefix());
  const indexes = new Map<string, { itemCount: number; sizeBytes: number }>();
  for (const index of table.indexes) indexes.set(index.schema.name, count(table.prefix(index)));
  return { ...base, indexes };
}

function requireName(input: Input): string {
  const name = input['TableName'];
  if (typeof name !== 'string' || name.length === 0) throw new ValidationException("The parameter 'TableName' is required but was not present in the request");
  return resolveTableName(name);
}

export async function describeTable(context: TableContext, input: Input): Promise<Output> {
  const name = requireName(input);
  await advanceStatuses(context);
  const table = context.table(name);
  if (table === undefined) throw resourceNotFound(name);
  return { Table: render(context, table.record, tableStatistics(context, table)) };
}

export async function listTables(context: TableContext, raw: unknown): Promise<Output> {
  const input = validateListTablesRequest(raw); // shape, Limit 1..100, the start name's pattern
  await advanceStatuses(context);
  const limit = input.Limit ?? LIST_TABLES_LIMIT_MAX;
  const start = input.ExclusiveStartTableName;
  const names = context.catalog.names().filter((name) => start === undefined || name > start);
  const page = names.slice(0, limit);
  const output: Output = { TableNames: page };
  if (names.length > limit) output['LastEvaluatedTableName'] = page[page.length - 1];
  return output;
}

export async function deleteTable(context: TableContext, input: Input): Promise<Output> {
  const name = requireName(input);
  await advanceStatuses(context);
  const table = context.table(name);
  if (table === undefined) throw resourceNotFound(name);
  const record = table.record;
  if (record.status === 'CREATING') throw tableInUse(`Attempt to change a resource which is still in use: Table is being created: ${name}`);
  if (record.status === 'UPDATING') throw tableInUse(`Attempt to change a resource which is still in use: Table is being updated: ${name}`);
  if (record.indexes.some((index) => index.status === 'CREATING' || index.status === 'DELETING' || index.status === 'UPDATING')) {
    throw tableInUse('Cannot delete table while indexes are being created, updated, or deleted');
  }
  if (record.schema.deletionProtectionEnabled) {
    throw new ValidationException(`Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.`);
  }
  const statistics = tableStatistics(context, table);
  const deleting: TableRecord = { ...record, status: 'DELETING', statusChangeAtMs: context.clock.now() + context.settings.tableStatusDelayMs };
  const description = render(context, deleting, statistics);
  if (context.settings.tableStatusDelayMs > 0) {
    await context.catalog.put(deleting);
  } else {
    await context.catalog.remove(name);
    await purgeTableData(context, record.tableId);
  }
  return { TableDescription: description };
}

export function describeLimits(): Output {
  return {
    AccountMaxReadCapacityUnits: 80000,
    AccountMaxWriteCapacityUnits: 80000,
    TableMaxReadCapacityUnits: 40000,
    TableMaxWriteCapacityUnits: 40000,
  };
}
