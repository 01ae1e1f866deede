/**
 * Admission control for the table layer: how a data-plane operation asks the partition manager
 * (engine/partitions) whether it may run, and how it pays afterwards.
 *
 *   1. Before doing any work an operation admits on the partition its key falls in: the table's map
 *      (indexId 0) for base items and LSIs (DynamoDB charges LSI traffic to the table), a GSI's own
 *      map for GSI reads and GSI entry writes. A throttle throws — nothing has been read or written.
 *   2. Once the work is decided it charges the exact units the CapacityMeter bills (capacity.ts:
 *      the same functions, never a second formula) on the same admission ticket.
 *   3. Writes also report the size change of the partition (noteSize), so split-for-size can act.
 *
 * The manager ranges over storage-key suffixes: the storage key without its 6-byte
 * `tableId u32 | indexId u16` prefix (engine/model/FORMAT.md §2), i.e. `hash | pk | sort components`.
 * It is given the whole storage key and the prefix length, and reads the suffix in place: a view per
 * request (~60–90 ns and garbage) would be most of what accounting costs on the hot path.
 *
 * Concurrency: everything here is synchronous; an operation admits and charges with no await between
 * its decision and its charge, so the next request already sees the debit.
 */
import type { Item } from '../model/attribute-value.js';
import { DynamoDBError } from '../model/errors.js';
import type { IndexSchema, TableSchema } from '../model/schema.js';
import { isThrottle, type AccessKind, type Admission, type Throttle, type ThroughputSettings } from '../partitions/index.js';
import { indexWriteUnits, writeUnitsForItem } from './capacity.js';
import type { TableContext } from './context.js';
import { ThroughputExceededException, type CancellationReason } from './errors.js';
import type { IndexChange } from './mutation.js';
import type { IndexRuntime, Table } from './table.js';

/** `tableId u32 | indexId u16` (engine/model/FORMAT.md §2): what the partition manager's keys omit. */
export const STORAGE_KEY_PREFIX_BYTES = 6;

/** Where new on-demand tables start (facts §11.2): 12,000 read and 4,000 write units per second. */
export const ON_DEMAND_INITIAL_READ_UNITS = 12_000;
export const ON_DEMAND_INITIAL_WRITE_UNITS = 4_000;

export const TABLE_THROUGHPUT_MESSAGE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
export const INDEX_THROUGHPUT_MESSAGE =
  'The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. ' +
  'Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API.';
export const TABLE_THROTTLING_MESSAGE =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. ' +
  'If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';
export const INDEX_THROTTLING_MESSAGE =
  'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.';

/** The partition map a read of `index` is accounted on: a GSI's own; the table's for the table and its LSIs. */
export function mapIdOf(index: IndexRuntime | undefined): number {
  return index !== undefined && index.global ? index.indexId : 0;
}

/** Whether the database models capacity at all (false: every admission is skipped). */
export function modelled(context: TableContext): boolean {
  return context.partitions.mode === 'modelled';
}

// ---- settings ------------------------------------------------------------------------------------------

/** On-demand caps of a CreateTable's OnDemandThroughput (-1 or absent: none). */
export interface OnDemandCaps {
  maxReadUnitsPerSecond?: number;
  maxWriteUnitsPerSecond?: number;
}

/**
 * The throughput settings of the table (index undefined) or of one GSI. A provisioned GSI has its
 * own figures; an on-demand table or GSI starts at DynamoDB's initial on-demand level, or at its
 * previous provisioned level when that is higher (facts §11.2: a switched table keeps it).
 */
export function settingsOf(schema: TableSchema, index?: IndexSchema, caps: OnDemandCaps = {}, previous?: ThroughputSettings): ThroughputSettings {
  if (schema.billingMode === 'PROVISIONED') {
    const throughput = index?.throughput ?? schema.throughput;
    return {
      billingMode: 'PROVISIONED',
      readUnitsPerSecond: throughput?.readCapacityUnits ?? 1,
      writeUnitsPerSecond: throughput?.writeCapacityUnits ?? 1,
    };
  }
  const settings: ThroughputSettings = {
    billingMode: 'PAY_PER_REQUEST',
    readUnitsPerSecond: Math.max(ON_DEMAND_INITIAL_READ_UNITS, previous?.readUnitsPerSecond ?? 0),
    writeUnitsPerSecond: Math.max(ON_DEMAND_INITIAL_WRITE_UNITS, previous?.writeUnitsPerSecond ?? 0),
  };
  if (caps.maxReadUnitsPerSecond !== undefined && caps.maxReadUnitsPerSecond > 0) settings.maxReadUnitsPerSecond = caps.maxReadUnitsPerSecond;
  if (caps.maxWriteUnitsPerSecond !== undefined && caps.maxWriteUnitsPerSecond > 0) settings.maxWriteUnitsPerSecond = caps.maxWriteUnitsPerSecond;
  return settings;
}

/** Creates the partition maps of a table and each of its GSIs (the LSIs share the table's); `caps` are the table's. */
export async function createMaps(context: TableContext, schema: TableSchema, tableId: number, indexIds: ReadonlyMap<string, number>, caps: OnDemandCaps = {}): Promise<void> {
  const partitions = context.partitions;
  await partitions.createMap(tableId, 0, settingsOf(schema, undefined, caps), schema.lsis.length > 0, schema.partitionKey.type);
  for (const gsi of schema.gsis) {
    const indexId = indexIds.get(gsi.name);
    // A GSI's own OnDemandThroughput is not kept in the schema: GSIs are uncapped.
    if (indexId !== undefined) await partitions.createMap(tableId, indexId, settingsOf(schema, gsi), false, gsi.partitionKey.type);
  }
}

/**
 * At open: every table and GSI has a map. A database made before the partition manager existed (or
 * one that crashed between a catalog edit and its map's creation) gets its missing maps here.
 */
export async function ensureMaps(context: TableContext): Promise<number> {
  let created = 0;
  for (const record of context.catalog.records()) {
    const present = new Set(context.partitions.describe(record.tableId).map((partition) => partition.indexId));
    const hasLsi = record.schema.lsis.length > 0;
    if (!present.has(0)) {
      await context.partitions.createMap(record.tableId, 0, settingsOf(record.schema), hasLsi, record.schema.partitionKey.type);
      created++;
    }
    for (const indexRecord of record.indexes) {
      const gsi = record.schema.gsis.find((index) => index.name === indexRecord.name);
      if (gsi === undefined || indexRecord.status === 'DELETING' || present.has(indexRecord.indexId)) continue;
      await context.partitions.createMap(record.tableId, indexRecord.indexId, settingsOf(record.schema, gsi), false, gsi.partitionKey.type);
      created++;
    }
  }
  return created;
}

// ---- throttles as DynamoDB reports them ---------------------------------------------------------------------

function resourceArn(context: TableContext, table: Table, mapId: number): string {
  const arn = context.tableArn(table.name);
  if (mapId === 0) return arn;
  const index = table.indexes.find((candidate) => candidate.indexId === mapId);
  return index === undefined ? arn : `${arn}/index/${index.schema.name}`;
}

/** The message of a throttle: a GSI short of capacity for a base-table write has its own text. */
function throttleMessage(throttle: Throttle, indexWrite: boolean): string {
  if (throttle.exception === 'ProvisionedThroughputExceededException') return indexWrite ? INDEX_THROUGHPUT_MESSAGE : TABLE_THROUGHPUT_MESSAGE;
  return indexWrite ? INDEX_THROTTLING_MESSAGE : TABLE_THROTTLING_MESSAGE;
}

/** A throttled request: where it was throttled and why (a class: admissions are opaque objects). */
export class Throttled {
  constructor(
    readonly throttle: Throttle,
    readonly table: Table,
    readonly mapId: number,
    readonly kind: AccessKind,
  ) {}
}

/** ProvisionedThroughputExceededException or ThrottlingException, with ThrottlingReasons. */
export function throttleError(context: TableContext, throttled: Throttled): DynamoDBError {
  const { throttle, table, mapId, kind } = throttled;
  return new ThroughputExceededException(throttle.exception, throttleMessage(throttle, mapId !== 0 && kind === 'write'), [
    { reason: throttle.reason, resource: resourceArn(context, table, mapId) },
  ]);
}

/** The CancellationReason of a throttled transaction item. */
export function throttleCancellation(throttled: Throttled): CancellationReason {
  const { throttle, mapId, kind } = throttled;
  return {
    Code: throttle.exception === 'ProvisionedThroughputExceededException' ? 'ProvisionedThroughputExceeded' : 'ThrottlingError',
    Message: throttleMessage(throttle, mapId !== 0 && kind === 'write'),
  };
}

// ---- reads ------------------------------------------------------------------------------------------------------

/** A read's admission; `undefined` when capacity is not modelled. */
export type ReadTicket = Admission | undefined;

/** Admits a read at `storageKey` of `table` (map `mapId`), or returns where it was throttled. */
export function admitRead(context: TableContext, table: Table, mapId: number, storageKey: Uint8Array): ReadTicket | Throttled {
  if (!modelled(context)) return undefined;
  const result = context.partitions.admit(table.tableId, mapId, 'read', storageKey, STORAGE_KEY_PREFIX_BYTES);
  return isThrottle(result) ? new Throttled(result, table, mapId, 'read') : result;
}

export function isThrottled(value: ReadTicket | WriteTicket | Throttled): value is Throttled {
  return value instanceof Throttled;
}

/** Admits a read or throws the throttle (admitRead inlined: no Throttled unless throttled). */
export function admitReadOrThrow(context: TableContext, table: Table, mapId: number, storageKey: Uint8Array): ReadTicket {
  const partitions = context.partitions;
  if (partitions.mode !== 'modelled') return undefined;
  const result = partitions.admit(table.tableId, mapId, 'read', storageKey, STORAGE_KEY_PREFIX_BYTES);
  if (isThrottle(result)) throw throttleError(context, new Throttled(result, table, mapId, 'read'));
  return result;
}

/** Charges `units` read units on an admitted read. */
export function chargeRead(context: TableContext, table: Table, mapId: number, ticket: ReadTicket, units: number, storageKey: Uint8Array): void {
  if (ticket === undefined || units === 0) return;
  context.partitions.charge(table.tableId, mapId, ticket, 'read', units, storageKey, STORAGE_KEY_PREFIX_BYTES);
}

/**
 * Admits a read of `units` at `storageKey` and charges them, or throws the throttle: for a read that
 * has already read (GetItem), so admission and charge touch the partition's state once.
 */
export function admitAndChargeReadOrThrow(context: TableContext, table: Table, mapId: number, storageKey: Uint8Array, units: number): void {
  const partitions = context.partitions;
  if (partitions.mode !== 'modelled') return;
  const throttle = partitions.admitAndCharge(table.tableId, mapId, 'read', storageKey, STORAGE_KEY_PREFIX_BYTES, units);
  if (throttle !== undefined) throw throttleError(context, new Throttled(throttle, table, mapId, 'read'));
}

// ---- writes -----------------------------------------------------------------------------------------------------

/** One GSI entry key a write touches, admitted on that GSI's map. */
interface IndexAdmission {
  readonly mapId: number;
  readonly key: Uint8Array;
  readonly admission: Admission;
}

/** A write's admissions: the base item's, and one per GSI entry key it writes. */
export interface WriteTicket {
  readonly base: Admission;
  indexes: readonly IndexAdmission[];
}

/** The `indexes` of a ticket that admitted no GSI entry: shared, so a write without GSIs allocates no array. */
const NO_INDEX_ADMISSIONS: readonly IndexAdmission[] = Object.freeze([]);

/** Admits the base-table write of the item at `storageKey` (before reading or checking anything). */
export function admitWrite(context: TableContext, table: Table, storageKey: Uint8Array): WriteTicket | undefined | Throttled {
  if (!modelled(context)) return undefined;
  const result = context.partitions.admit(table.tableId, 0, 'write', storageKey, STORAGE_KEY_PREFIX_BYTES);
  return isThrottle(result) ? new Throttled(result, table, 0, 'write') : { base: result, indexes: NO_INDEX_ADMISSIONS };
}

/** Admits a base-table write or throws the throttle (admitWrite inlined: no Throttled unless throttled). */
export function admitWriteOrThrow(context: TableContext, table: Table, storageKey: Uint8Array): WriteTicket | undefined {
  const partitions = context.partitions;
  if (partitions.mode !== 'modelled') return undefined;
  const result = partitions.admit(table.tableId, 0, 'write', storageKey, STORAGE_KEY_PREFIX_BYTES);
  if (isThrottle(result)) throw throttleError(context, new Throttled(result, table, 0, 'write'));
  return { base: result, indexes: NO_INDEX_ADMISSIONS };
}

/**
 * Admits a base-table write whose units are known before it runs and that nothing can fail once
 * admitted (a PutItem that reads nothing: no condition, no ALL_OLD, no reported capacity, no
 * index), charges its units and notes its size in the same pass, or throws the throttle. Same
 * outcome as admitWriteOrThrow, then chargeWriteTicket with no old item.
 */
export function admitAndChargeWriteOrThrow(context: TableContext, table: Table, storageKey: Uint8Array, newSize: number): void {
  const partitions = context.partitions;
  if (partitions.mode !== 'modelled') return;
  const throttle = partitions.admitAndCharge(table.tableId, 0, 'write', storageKey, STORAGE_KEY_PREFIX_BYTES, writeUnitsForItem(newSize), newSize);
  if (throttle !== undefined) throw throttleError(context, new Throttled(throttle, table, 0, 'write'));
}

/**
 * Admits the GSI entries a decided write changes (a GSI short of write capacity throttles the
 * base-table write, facts §11.1): both the old and the new entry's partition when the index key
 * moves. Returns the throttle, or undefined with the admissions recorded on the ticket.
 */
export function admitIndexWrites(context: TableContext, table: Table, ticket: WriteTicket | undefined, changes: readonly IndexChange[]): Throttled | undefined {
  if (ticket === undefined) return undefined;
  ticket.indexes = NO_INDEX_ADMISSIONS;
  let admitted: IndexAdmission[] | undefined;
  for (const change of changes) {
    if (!change.index.global) continue;
    const mapId = change.index.indexId;
    // Old key, then new key (no array per change); the old entry's partition is admitted only when
    // the write moves or removes the entry.
    for (let k = 0; k < 2; k++) {
      const key = k === 0 ? change.oldKey : change.newKey;
      if (key === undefined || (key === change.oldKey && change.newKey !== undefined && !change.keyChanged)) continue;
      const result = context.partitions.admit(table.tableId, mapId, 'write', key, STORAGE_KEY_PREFIX_BYTES);
      if (isThrottle(result)) {
        if (admitted !== undefined) ticket.indexes = admitted;
        return new Throttled(result, table, mapId, 'write');
      }
      (admitted ??= []).push({ mapId, key, admission: result });
    }
  }
  if (admitted !== undefined) ticket.indexes = admitted;
  return undefined;
}

export function admitIndexWritesOrThrow(context: TableContext, table: Table, ticket: WriteTicket | undefined, changes: readonly IndexChange[]): void {
  if (changes.length === 0) {
    // What admitIndexWrites does with no changes, without its call.
    if (ticket !== undefined) ticket.indexes = NO_INDEX_ADMISSIONS;
    return;
  }
  const throttled = admitIndexWrites(context, table, ticket, changes);
  if (throttled !== undefined) throw throttleError(context, throttled);
}

function admissionFor(ticket: WriteTicket, mapId: number, key: Uint8Array): Admission | undefined {
  for (const entry of ticket.indexes) if (entry.mapId === mapId && entry.key === key) return entry.admission;
  return undefined;
}

/**
 * Charges a decided write: the base item (the larger of old and new, × 2 in a transaction), the LSI
 * entries on the table's partition, and each GSI entry on its own partition (a moved index key pays
 * its delete at the old entry's partition and its put at the new one's). Also notes the size change.
 * `transactionalIndexes` doubles index units too (a single-item write path never does; see items.ts).
 */
export function chargeWriteTicket(
  context: TableContext,
  table: Table,
  ticket: WriteTicket | undefined,
  storageKey: Uint8Array,
  oldSize: number,
  newSize: number,
  changes: readonly IndexChange[],
  transactional = false,
  transactionalIndexes = transactional,
): void {
  if (ticket === undefined) return;
  const partitions = context.partitions;
  const tableId = table.tableId;
  if (changes.length === 0) {
    // No index entries: the base charge and its size note (one call: one map and one key lookup).
    partitions.chargeAndNoteSize(tableId, 0, ticket.base, 'write', writeUnitsForItem(Math.max(oldSize, newSize), transactional), storageKey, STORAGE_KEY_PREFIX_BYTES, newSize - oldSize);
    return;
  }
  let baseUnits = writeUnitsForItem(Math.max(oldSize, newSize), transactional);
  let baseDeltaBytes = newSize - oldSize;
  for (const change of changes) {
    const factor = transactionalIndexes ? 2 : 1;
    if (!change.index.global) {
      baseUnits += indexWriteUnits(change.oldBytes, change.newBytes, change.keyChanged) * factor;
      baseDeltaBytes += (change.newBytes ?? 0) - (change.oldBytes ?? 0);
      continue;
    }
    const mapId = change.index.indexId;
    if (change.keyChanged && change.oldKey !== undefined && change.newKey !== undefined) {
      chargeEntry(context, table, ticket, mapId, change.oldKey, writeUnitsForItem(change.oldBytes!) * factor, -change.oldBytes!);
      chargeEntry(context, table, ticket, mapId, change.newKey, writeUnitsForItem(change.newBytes!) * factor, change.newBytes!);
      continue;
    }
    const key = change.newKey ?? change.oldKey;
    if (key === undefined) continue;
    const units = indexWriteUnits(change.oldBytes, change.newBytes, change.keyChanged) * factor;
    chargeEntry(context, table, ticket, mapId, key, units, (change.newBytes ?? 0) - (change.oldBytes ?? 0));
  }
  partitions.chargeAndNoteSize(tableId, 0, ticket.base, 'write', baseUnits, storageKey, STORAGE_KEY_PREFIX_BYTES, baseDeltaBytes);
}

function chargeEntry(context: TableContext, table: Table, ticket: WriteTicket, mapId: number, key: Uint8Array, units: number, deltaBytes: number): void {
  const admission = admissionFor(ticket, mapId, key);
  if (admission !== undefined && units > 0) context.partitions.charge(table.tableId, mapId, admission, 'write', units, key, STORAGE_KEY_PREFIX_BYTES);
  if (deltaBytes !== 0) context.partitions.noteSize(table.tableId, mapId, key, deltaBytes, STORAGE_KEY_PREFIX_BYTES);
}

/**
 * A conditional write whose condition failed still consumes write capacity (facts §11.1): the size
 * of the item it would have written when the item exists, else 1 unit. Only the base table pays.
 */
export function chargeFailedWrite(context: TableContext, table: Table, ticket: WriteTicket | undefined, storageKey: Uint8Array, old: Item | undefined, sizeBytes: number): void {
  if (ticket === undefined) return;
  context.partitions.charge(table.tableId, 0, ticket.base, 'write', writeUnitsForItem(old === undefined ? 0 : sizeBytes), storageKey, STORAGE_KEY_PREFIX_BYTES);
}
