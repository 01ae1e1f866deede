/**
 * What Query and Scan share: resolving the index a request reads (and DynamoDB's index errors),
 * the Select rules, the checks on the paths a filter or projection names, and reading one page.
 *
 * A page (readPage) is read from one consistent view of the store: one `store.scan` iterator, read
 * synchronously to the end of the page, with every base-item fetch (`store.get`, for an LSI's
 * non-projected attributes) made inside the same synchronous run, so no write can land in between
 * (the store publishes writes only between turns of the event loop).
 *
 * Page rules (reference §4.1, §4.4, §13; dynalite db/index.js queryTable):
 *  1. Entries are evaluated in storage order until `Limit` entries were evaluated or the item sizes
 *     read reach PAGE_BYTES_MAX; the entry that crosses 1 MB is included. Both apply before the
 *     filter. ScannedCount counts evaluated entries, Count those that passed the filter.
 *  2. LastEvaluatedKey is the key of the last evaluated entry, present exactly when the page
 *     stopped on Limit or on size, even if nothing follows (as DynamoDB and dynalite do).
 *  3. Read units: the sizes of the entries read, summed and rounded up to 4 KB once (at least one
 *     unit), × 0.5 eventually consistent or × 1 strongly consistent, charged to the table or to the
 *     index read; each base item an LSI read fetches costs its own rounded read, charged to the table.
 *  4. Admission (admission.ts): the page admits on the partition of its first key (its start bound)
 *     of the map it reads (a GSI's own, else the table's) before reading anything, and charges all
 *     of its units there afterwards; a throttled page reads nothing.
 */
import type { Item } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import {
  compileCondition,
  compileProjection,
  evaluateCondition,
  project,
  translateAttributesToGet,
  translateFilter,
  type Condition,
  type ConditionalOperator,
  type DocumentPath,
  type ExpressionContext,
  type LegacyCondition,
  type Operand,
  type Projection,
} from '../expressions/index.js';
import type { KeyRange } from '../model/storage-key.js';
import { compareBytes } from '../util/bytes.js';
import { PAGE_BYTES_MAX } from '../limits.js';
import type { ScanOptions } from '../lsm/store.js';
import { assert } from '../util/assert.js';
import { CapacityMeter, readUnitsForBytes, readUnitsForItem, type ReturnConsumedCapacity } from './capacity.js';
import type { TableContext } from './context.js';
import { lastEvaluatedKey, startKeyNames } from './paging.js';
import type { IndexRuntime, Table } from './table.js';
import { admitReadOrThrow, chargeRead, mapIdOf } from './admission.js';

export type Select = 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';

export const GSI_CONSISTENT_READ_MESSAGE = 'Consistent reads are not supported on global secondary indexes';
export const SPECIFIC_ATTRIBUTES_MESSAGE = 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES';

export function unknownIndexMessage(indexName: string): string {
  return `The table does not have the specified index: ${indexName}`;
}

/**
 * The index a request names, or undefined for the table. An index being deleted is gone; a GSI still
 * being created (backfilled) cannot be read; a GSI cannot be read consistently.
 */
export function resolveIndex(table: Table, indexName: string | undefined, consistent: boolean, missingMessage?: string): IndexRuntime | undefined {
  if (indexName === undefined) return undefined;
  const index = table.index(indexName);
  if (index === undefined || index.record.status === 'DELETING') {
    throw new ValidationException(missingMessage ?? unknownIndexMessage(indexName));
  }
  if (index.global && index.record.status === 'CREATING') {
    throw new ValidationException(`Cannot read from backfilling global secondary index: ${indexName}`);
  }
  if (index.global && consistent) throw new ValidationException(GSI_CONSISTENT_READ_MESSAGE);
  return index;
}

/** Select with its defaults: SPECIFIC_ATTRIBUTES with a projection, else ALL_PROJECTED on an index. */
export function effectiveSelect(select: Select | undefined, hasProjection: boolean, hasIndex: boolean): Select {
  if (select !== undefined) return select;
  if (hasProjection) return 'SPECIFIC_ATTRIBUTES';
  return hasIndex ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES';
}

/** Select ALL_ATTRIBUTES on a GSI that does not project everything. */
export function checkGlobalSelect(index: IndexRuntime | undefined, select: Select | undefined): void {
  if (index === undefined || !index.global || select !== 'ALL_ATTRIBUTES' || index.schema.projection.type === 'ALL') return;
  throw new ValidationException(
    `One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.schema.name} because its projection type is not ALL`,
  );
}

/** The top-level attributes an index stores, or undefined when it projects every attribute. */
export function projectedNames(table: Table, index: IndexRuntime): ReadonlySet<string> | undefined {
  const projection = index.schema.projection;
  if (projection.type === 'ALL') return undefined;
  const names = new Set(table.keyAttributeNames);
  names.add(index.schema.partitionKey.name);
  if (index.schema.sortKey !== undefined) names.add(index.schema.sortKey.name);
  if (projection.type === 'INCLUDE') for (const name of projection.nonKeyAttributes) names.add(name);
  return names;
}

function topLevelName(path: DocumentPath): string {
  const head = path.elements[0]!;
  assert(head.type === 'name', 'a document path starts with an attribute name');
  return head.name;
}

function operandPaths(operand: Operand, out: DocumentPath[]): void {
  if (operand.type === 'path') out.push(operand);
  else if (operand.type === 'size') out.push(operand.path);
}

/** Every document path a condition reads. */
export function conditionPaths(condition: Condition, out: DocumentPath[] = []): DocumentPath[] {
  switch (condition.type) {
    case 'compare':
      operandPaths(condition.left, out);
      operandPaths(condition.right, out);
      break;
    case 'between':
      operandPaths(condition.operand, out);
      operandPaths(condition.lower, out);
      operandPaths(condition.upper, out);
      break;
    case 'in':
      operandPaths(condition.operand, out);
      for (const operand of condition.list) operandPaths(operand, out);
      break;
    case 'and':
    case 'or':
      conditionPaths(condition.left, out);
      conditionPaths(condition.right, out);
      break;
    case 'not':
      conditionPaths(condition.condition, out);
      break;
    case 'attributeExists':
    case 'attributeNotExists':
      out.push(condition.path);
      break;
    case 'attributeType':
      out.push(condition.path);
      operandPaths(condition.attributeType, out);
      break;
    case 'beginsWith':
      out.push(condition.path);
      operandPaths(condition.prefix, out);
      break;
    case 'contains':
      out.push(condition.path);
      operandPaths(condition.operand, out);
      break;
  }
  return out;
}

/**
 * Key attributes are scalars: a filter or projection may not reach into one with `.` or `[]`
 * (dynalite validateKeyPaths: the table's key first, then every index's).
 */
export function checkKeyPaths(table: Table, paths: readonly DocumentPath[]): void {
  const nested = new Set<string>();
  for (const path of paths) if (path.elements.length > 1) nested.add(topLevelName(path));
  if (nested.size === 0) return;
  const prefix = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ";
  for (const name of table.keyAttributeNames) if (nested.has(name)) throw new ValidationException(`${prefix}Key: ${name}`);
  for (const index of table.indexes) {
    for (const attribute of index.schema.sortKey === undefined ? [index.schema.partitionKey] : [index.schema.partitionKey, index.schema.sortKey]) {
      if (nested.has(attribute.name)) throw new ValidationException(`${prefix}IndexKey: ${attribute.name}`);
    }
  }
}

/** Whether reading `paths` needs attributes an index does not store (undefined set: it stores all). */
export function needsUnprojected(names: ReadonlySet<string> | undefined, paths: readonly DocumentPath[]): boolean {
  if (names === undefined) return false;
  for (const path of paths) if (!names.has(topLevelName(path))) return true;
  return false;
}

/** One page to read; built and checked by query.ts / scan.ts. */
export interface PagePlan {
  readonly table: Table;
  readonly index: IndexRuntime | undefined;
  /** Store bounds and direction (never a limit: `limit` below is applied here). */
  readonly bounds: Omit<ScanOptions, 'limit' | 'snapshot'>;
  readonly limit: number | undefined;
  readonly filter: Condition | undefined;
  /** Items are returned (else only counted: Select COUNT). */
  readonly returnItems: boolean;
  readonly projection: Projection | undefined;
  /** LSI only: the base item is fetched before the filter (it reads unprojected attributes)… */
  readonly fetchForFilter: boolean;
  /** …or for the items returned (Select ALL_ATTRIBUTES or a projection of unprojected attributes). */
  readonly fetchForOutput: boolean;
  readonly consistent: boolean;
  /** The attributes of LastEvaluatedKey (paging.ts startKeyNames). */
  readonly keyNames: readonly string[];
}

export type PageOutput = Record<string, unknown>;

/** Reads one page (see the header for the rules) and charges `meter`. Synchronous by design. */
export function readPage(context: TableContext, plan: PagePlan, meter: CapacityMeter): PageOutput {
  const { table, index, filter, projection, limit } = plan;
  assert(limit === undefined || (Number.isSafeInteger(limit) && limit >= 1), 'Limit is a positive integer');
  assert(index !== undefined || (!plan.fetchForFilter && !plan.fetchForOutput), 'only an index read fetches base items');
  assert(!(plan.fetchForFilter || plan.fetchForOutput) || index?.global === false, 'only an LSI fetches base items');
  const store = context.store;
  const mapId = mapIdOf(index);
  const bounds = plan.bounds;
  const firstKey = (bounds.reverse === true ? (bounds.lt ?? bounds.lte) : (bounds.gte ?? bounds.gt)) ?? table.prefix(index);
  const ticket = admitReadOrThrow(context, table, mapId, firstKey);
  // Eventually consistent reads may see a lagged view (stale-reads.ts); base-item fetches use the same one.
  const view = context.readView(plan.consistent, index?.global === true);
  const items: Item[] | undefined = plan.returnItems ? [] : undefined;
  let scannedCount = 0;
  let count = 0;
  let readBytes = 0;
  let fetchUnits = 0;
  let last: Item | undefined;
  const fetch = (entry: Item): Item => {
    const bytes = store.get(table.itemKey(entry), view);
    assert(bytes !== undefined, 'an index entry has its base item (both are written in one batch)');
    const { item, sizeBytes } = table.decodeSized(bytes);
    fetchUnits += readUnitsForItem(sizeBytes, plan.consistent);
    return item;
  };
  // Each value is decoded before the scan moves on (decoding copies binary), so none is copied out.
  const bounded: ScanOptions = limit === undefined ? { ...plan.bounds, borrowValues: true } : { ...plan.bounds, limit, borrowValues: true };
  const options: ScanOptions = view === undefined ? bounded : { ...bounded, snapshot: view.snapshot };
  for (const [, value] of store.scan(options)) {
    const { item: entry, sizeBytes } = table.decodeSized(value);
    scannedCount++;
    readBytes += sizeBytes;
    last = entry;
    const full = plan.fetchForFilter ? fetch(entry) : undefined;
    if (filter === undefined || evaluateCondition(filter, full ?? entry)) {
      count++;
      if (items !== undefined) {
        const source = plan.fetchForOutput ? (full ?? fetch(entry)) : entry;
        items.push(projection === undefined ? source : project(source, projection));
      }
    }
    if (readBytes >= PAGE_BYTES_MAX) break;
  }
  const stoppedEarly = (limit !== undefined && scannedCount >= limit) || readBytes >= PAGE_BYTES_MAX;
  const units = readUnitsForBytes(readBytes, plan.consistent);
  meter.addRead(table.name, units, index === undefined ? undefined : { name: index.schema.name, global: index.global });
  if (fetchUnits > 0) meter.addRead(table.name, fetchUnits);
  chargeRead(context, table, mapId, ticket, units + fetchUnits, firstKey);
  const output: PageOutput = {};
  if (items !== undefined) output['Items'] = items;
  output['Count'] = count;
  output['ScannedCount'] = scannedCount;
  if (stoppedEarly && last !== undefined) output['LastEvaluatedKey'] = lastEvaluatedKey(plan.keyNames, last);
  const consumed = meter.forTable(table.name);
  if (consumed !== undefined) output['ConsumedCapacity'] = consumed;
  return output;
}

/** A request's FilterExpression (or legacy QueryFilter/ScanFilter) and ProjectionExpression (or AttributesToGet). */
export function compileFilterAndProjection(
  input: {
    readonly FilterExpression?: string | undefined;
    readonly ProjectionExpression?: string | undefined;
    readonly AttributesToGet?: string[] | undefined;
    readonly ConditionalOperator?: ConditionalOperator | undefined;
  },
  legacyFilter: Record<string, LegacyCondition> | undefined,
  expressions: ExpressionContext,
): { filter: Condition | undefined; projection: Projection | undefined } {
  const filter =
    input.FilterExpression !== undefined
      ? compileCondition(input.FilterExpression, 'FilterExpression', expressions)
      : legacyFilter !== undefined
        ? translateFilter(legacyFilter, input.ConditionalOperator)
        : undefined;
  const projection =
    input.ProjectionExpression !== undefined
      ? compileProjection(input.ProjectionExpression, expressions)
      : input.AttributesToGet !== undefined
        ? translateAttributesToGet(input.AttributesToGet)
        : undefined;
  return { filter, projection };
}

/** What a Query or Scan has settled before reading: where, how much, what to keep and return. */
export interface PageRequest {
  readonly table: Table;
  readonly index: IndexRuntime | undefined;
  readonly select: Select;
  readonly filter: Condition | undefined;
  readonly filterPaths: readonly DocumentPath[];
  readonly projection: Projection | undefined;
  readonly projectionPaths: readonly DocumentPath[];
  /** The key range of the whole read (a partition slice, a segment, or the table). */
  readonly range: KeyRange;
  /** ExclusiveStartKey as a storage key: the page resumes just past it. */
  readonly start: Uint8Array | undefined;
  readonly reverse: boolean;
  readonly limit: number | undefined;
  readonly consistent: boolean;
  readonly returnConsumedCapacity: ReturnConsumedCapacity | undefined;
}

/**
 * Turns a settled request into a PagePlan (LSI fetch decisions, store bounds resuming after the start
 * key in either direction) and reads the page.
 */
export function readRequestedPage(context: TableContext, request: PageRequest): PageOutput {
  const { table, index, select, range, start, reverse } = request;
  const stored = index === undefined ? undefined : projectedNames(table, index);
  const local = index !== undefined && !index.global;
  const fetchForFilter = local && needsUnprojected(stored, request.filterPaths);
  const fetchForOutput =
    local && ((select === 'ALL_ATTRIBUTES' && stored !== undefined) || (select === 'SPECIFIC_ATTRIBUTES' && needsUnprojected(stored, request.projectionPaths)));
  const bounds: { gte?: Uint8Array; gt?: Uint8Array; lt?: Uint8Array; reverse?: boolean } = reverse ? { reverse } : {};
  if (start !== undefined && !reverse && compareBytes(start, range.start) >= 0) bounds.gt = start;
  else bounds.gte = range.start;
  if (start !== undefined && reverse && (range.end === undefined || compareBytes(start, range.end) < 0)) bounds.lt = start;
  else if (range.end !== undefined) bounds.lt = range.end;
  return readPage(
    context,
    {
      table,
      index,
      bounds,
      limit: request.limit,
      filter: request.filter,
      returnItems: select !== 'COUNT',
      projection: select === 'SPECIFIC_ATTRIBUTES' ? request.projection : undefined,
      fetchForFilter,
      fetchForOutput,
      consistent: request.consistent,
      keyNames: startKeyNames(table, index),
    },
    new CapacityMeter(request.returnConsumedCapacity ?? 'NONE'),
  );
}
