/**
 * Query: one partition of a table or index, in sort-key order (reference §4.1, §4.2, §13).
 *
 * The key condition becomes one contiguous range of storage keys (storage-key.ts): every key of the
 * partition starts with its partition prefix P, and each sort component is self-delimiting and
 * order-preserving, so with E = P ‖ enc(v) ("the keys whose first sort component is v" are exactly
 * those starting with E, index entries included, whose table key follows):
 *   sk = v    [E, end(E))          sk < v    [P, E)           sk <= v   [P, end(E))
 *   sk > v    [end(E), end(P))     sk >= v   [E, end(P))      BETWEEN a AND b   [E(a), end(E(b)))
 *   begins_with(sk, p)   [P ‖ escaped p, end(that))            no condition      [P, end(P))
 * where end(x) = prefixEnd(x), the first key after every key starting with x. ExclusiveStartKey
 * then narrows the range to after (or, reading backwards, before) the entry it names.
 *
 * Checks, in order: request shape (request-validation.ts), Select needs a projection, table, index,
 * filter and projection compiled, start key against the key schema, key condition against the key
 * schema and its value types, start key within the condition, nested key paths in the projection,
 * filter on key attributes, Select ALL_ATTRIBUTES on a GSI, nested key paths in the filter.
 *
 * Synchronous: the page is read from one consistent view (read-path.ts).
 */
import type { AttributeValue } from '../model/attribute-value.js';
import type { KeyAttributeValue } from '../model/compare.js';
import { ValidationException } from '../model/errors.js';
import { keyValueSizeBytes } from '../model/item-size.js';
import type { KeyAttribute, PrimaryKeySchema } from '../model/schema.js';
import { encodeKeyValue } from '../model/key-codec.js';
import { prefixEnd, sortKeyPrefixRange, type KeyRange } from '../model/storage-key.js';
import {
  compileKeyCondition,
  translateKeyConditions,
  type KeyCondition,
} from '../expressions/index.js';
import { assert } from '../util/assert.js';
import type { TableContext } from './context.js';
import { contextOf } from './expressions-of.js';
import { checkStartKeyInQuery, startStorageKey, validateStartKey } from './paging.js';
import {
  compileFilterAndProjection,
  readRequestedPage,
  checkGlobalSelect,
  checkKeyPaths,
  conditionPaths,
  effectiveSelect,
  resolveIndex,
  SPECIFIC_ATTRIBUTES_MESSAGE,
  type PageOutput,
} from './read-path.js';
import { validateQueryRequest } from './request-validation.js';
import type { IndexRuntime, Table } from './table.js';

export const CONDITION_TYPE_MESSAGE = 'One or more parameter values were invalid: Condition parameter type does not match schema type';

export function query(context: TableContext, raw: unknown): PageOutput {
  const input = validateQueryRequest(raw);
  const hasProjection = input.ProjectionExpression !== undefined || input.AttributesToGet !== undefined;
  if (input.Select === 'SPECIFIC_ATTRIBUTES' && !hasProjection) {
    // The service reports this one wrapped, as a constraint violation (observed; Scan does not wrap).
    throw new ValidationException(`1 validation error detected: ${SPECIFIC_ATTRIBUTES_MESSAGE}`);
  }
  const expressions = contextOf(input as unknown as Readonly<Record<string, unknown>>);
  const { filter, projection } = compileFilterAndProjection(input, input.QueryFilter, expressions);

  const table = context.requireTable(input.TableName);
  const consistent = input.ConsistentRead === true;
  const index = resolveIndex(table, input.IndexName, consistent);
  const keySchema = table.keySchema(index);
  const startKey = input.ExclusiveStartKey === undefined ? undefined : validateStartKey('Query', table, index, input.ExclusiveStartKey);
  const keyNames = { partitionKey: keySchema.partitionKey.name, ...(keySchema.sortKey === undefined ? {} : { sortKey: keySchema.sortKey.name }) };
  const keyCondition =
    input.KeyConditionExpression !== undefined
      ? compileKeyCondition(input.KeyConditionExpression, expressions, keyNames)
      : translateKeyConditions(input.KeyConditions!, keyNames); // the validator requires one of the two
  expressions.assertAllUsed();
  checkConditionTypes(keySchema, keyCondition);
  if (startKey !== undefined) checkStartKeyInQuery(keySchema, keyCondition, startKey);

  const projectionPaths = projection ?? [];
  checkKeyPaths(table, projectionPaths);
  const filterPaths = filter === undefined ? [] : conditionPaths(filter);
  checkFilterKeys(keySchema, filterPaths, input.FilterExpression !== undefined ? 'Filter Expression' : 'QueryFilter');
  checkGlobalSelect(index, input.Select);
  checkKeyPaths(table, filterPaths);

  return readRequestedPage(context, {
    table,
    index,
    select: effectiveSelect(input.Select, hasProjection, index !== undefined),
    filter,
    filterPaths,
    projection,
    projectionPaths,
    range: keyRange(table, index, keyCondition),
    start: startKey === undefined ? undefined : startStorageKey(table, index, startKey),
    reverse: input.ScanIndexForward === false,
    limit: input.Limit,
    consistent,
    returnConsumedCapacity: input.ReturnConsumedCapacity,
  });
}

function hasType(value: AttributeValue, attribute: KeyAttribute): boolean {
  return attribute.type in value;
}

/**
 * Key condition values must have the key attributes' declared types; key values may not be empty.
 * (An operand no key could match, as a number in begins_with, was rejected when compiling.)
 */
function checkConditionTypes(keySchema: PrimaryKeySchema, condition: KeyCondition): void {
  const partition = condition.partitionKey.value;
  if (!hasType(partition, keySchema.partitionKey)) throw new ValidationException(CONDITION_TYPE_MESSAGE);
  checkNotEmpty(keySchema.partitionKey, partition);
  const sort = condition.sortKey;
  if (sort === undefined) return;
  const attribute = keySchema.sortKey;
  assert(attribute !== undefined, 'a sort-key condition names the sort key');
  const values = sort.op === 'between' ? [sort.lower, sort.upper] : sort.op === 'beginsWith' ? [sort.prefix] : [sort.value];
  for (const value of values) if (!hasType(value, attribute)) throw new ValidationException(CONDITION_TYPE_MESSAGE);
  if (sort.op === 'beginsWith' && attribute.type === 'N') {
    throw new ValidationException(
      'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    );
  }
  if (sort.op !== 'beginsWith') for (const value of values) checkNotEmpty(attribute, value);
}

function checkNotEmpty(attribute: KeyAttribute, value: AttributeValue): void {
  if (attribute.type === 'N' || keyValueSizeBytes(value as KeyAttributeValue) > 0) return;
  const what = attribute.type === 'B' ? 'binary' : 'string';
  throw new ValidationException(
    `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${what} value. Key: ${attribute.name}`,
  );
}

/** A Query's filter may not read the key attributes of the table or index it reads. */
function checkFilterKeys(keySchema: PrimaryKeySchema, paths: ReturnType<typeof conditionPaths>, parameter: string): void {
  if (paths.length === 0) return;
  const heads = new Set(paths.map((path) => (path.elements[0]!.type === 'name' ? path.elements[0]!.name : '')));
  for (const attribute of keySchema.sortKey === undefined ? [keySchema.partitionKey] : [keySchema.partitionKey, keySchema.sortKey]) {
    if (heads.has(attribute.name)) {
      throw new ValidationException(`${parameter} can only contain non-primary key attributes: Primary key attribute: ${attribute.name}`);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function after(prefix: Uint8Array): Uint8Array {
  const end = prefixEnd(prefix);
  assert(end !== undefined, 'a storage key prefix is never all 0xFF (its table id and hash precede)');
  return end;
}

/** The storage-key range of a key condition (see the table in the header). */
export function keyRange(table: Table, index: IndexRuntime | undefined, condition: KeyCondition): KeyRange {
  const partitionKey = condition.partitionKey.value as KeyAttributeValue; // checkConditionTypes checked the type
  const partition = table.partitionPrefix(partitionKey, index);
  const sort = condition.sortKey;
  if (sort === undefined) return { start: partition, end: after(partition) };
  const at = (value: AttributeValue): Uint8Array => concat(partition, encodeKeyValue(value as KeyAttributeValue));
  switch (sort.op) {
    case '=': {
      const exact = at(sort.value);
      return { start: exact, end: after(exact) };
    }
    case '<':
      return { start: partition, end: at(sort.value) };
    case '<=':
      return { start: partition, end: after(at(sort.value)) };
    case '>':
      return { start: after(at(sort.value)), end: after(partition) };
    case '>=':
      return { start: at(sort.value), end: after(partition) };
    case 'between':
      return { start: at(sort.lower), end: after(at(sort.upper)) };
    case 'beginsWith':
      return sortKeyPrefixRange(table.tableId, index?.indexId ?? 0, partitionKey, sort.prefix as { S: string } | { B: Uint8Array });
  }
}
