/**
 * Paging for Query and Scan: validating an ExclusiveStartKey against the table or index being read
 * (with DynamoDB's messages, in the order dynalite's actions/{query,scan}.js check them), turning it
 * into the storage key a page resumes after, and building a page's LastEvaluatedKey.
 *
 * A start key names every attribute of the read target's key: the table's key, plus for an index
 * the index key attributes the table key lacks (reference §4.1). Its storage key is the entry it was
 * built from, so a page resumes strictly after (forward) or before (reverse) it.
 *
 * Messages, by check:
 *   wrong number of attributes          Query, or Scan of an index: "The provided starting key is invalid"
 *                                       Scan of a table: "…invalid: The provided key element does not match the schema"
 *   an index key attribute missing      "The provided starting key is invalid"
 *   an index (Query: any) key attribute of the wrong type
 *                                       "The provided key element does not match the schema"
 *   the table key wrong                 "The provided starting key is invalid: " + the Key parameter's message
 *   Query: outside the key condition    "…outside query boundaries based on provided conditions" /
 *                                       "…does not match the range key predicate" /
 *                                       "The query can return at most one row and cannot be restarted"
 *   Scan: from another segment          "…invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey
 *                                        with correct Segment. TotalSegments: n Segment: i"
 *
 * Pure and synchronous.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { compareKeyValues, type KeyAttributeValue } from '../model/compare.js';
import { ValidationException } from '../model/errors.js';
import type { KeyAttribute, PrimaryKeySchema } from '../model/schema.js';
import { BASE_TABLE_INDEX_ID, encodeStorageKey, partitionKeyHash, scanSegmentOfHash } from '../model/storage-key.js';
import { KEY_MISMATCH_MESSAGE, setEntry, validateKey } from '../model/validate.js';
import { assert } from '../util/assert.js';
import type { KeyCondition } from '../expressions/index.js';
import { START_KEY_PREFIX } from './request-validation.js';
import type { IndexRuntime, Table } from './table.js';

export type ReadOperation = 'Query' | 'Scan';

export const START_KEY_INVALID_MESSAGE = 'The provided starting key is invalid';
export const START_KEY_OUTSIDE_MESSAGE = 'The provided starting key is outside query boundaries based on provided conditions';
export const START_KEY_PREDICATE_MESSAGE = 'The provided starting key does not match the range key predicate';
export const START_KEY_ONE_ROW_MESSAGE = 'The query can return at most one row and cannot be restarted';

function own(item: Item, name: string): AttributeValue | undefined {
  return Object.prototype.hasOwnProperty.call(item, name) ? item[name] : undefined;
}

function keyAttributes(schema: PrimaryKeySchema): KeyAttribute[] {
  return schema.sortKey === undefined ? [schema.partitionKey] : [schema.partitionKey, schema.sortKey];
}

/** The attributes of a start key / LastEvaluatedKey: the table key, then the index key's others. */
export function startKeyNames(table: Table, index: IndexRuntime | undefined): string[] {
  const names = [...table.keyAttributeNames];
  if (index !== undefined) {
    for (const attribute of keyAttributes(index.schema)) if (!names.includes(attribute.name)) names.push(attribute.name);
  }
  return names;
}

/**
 * Checks a (shape-validated) ExclusiveStartKey against the read target's key schema. Returns the
 * start key's attributes by name, each of its declared type.
 */
export function validateStartKey(operation: ReadOperation, table: Table, index: IndexRuntime | undefined, startKey: Item): Item {
  const names = startKeyNames(table, index);
  if (Object.keys(startKey).length !== names.length) {
    const bare = operation === 'Query' || index !== undefined;
    throw new ValidationException(bare ? START_KEY_INVALID_MESSAGE : START_KEY_PREFIX + KEY_MISMATCH_MESSAGE);
  }
  const pieces = index !== undefined ? index.schema : operation === 'Query' ? table.schema : undefined;
  if (pieces !== undefined) {
    for (const attribute of keyAttributes(pieces)) {
      const value = own(startKey, attribute.name);
      if (value === undefined) throw new ValidationException(START_KEY_INVALID_MESSAGE);
      if (!(attribute.type in value)) throw new ValidationException(KEY_MISMATCH_MESSAGE);
    }
  }
  const tableKey: Item = {};
  for (const name of table.keyAttributeNames) {
    const value = own(startKey, name);
    if (value !== undefined) setEntry(tableKey, name, value);
  }
  try {
    validateKey(tableKey, table.schema);
  } catch (error) {
    if (!(error instanceof ValidationException)) throw error;
    throw new ValidationException(START_KEY_PREFIX + error.message, { cause: error });
  }
  return startKey;
}

function keyValue(item: Item, attribute: KeyAttribute): KeyAttributeValue {
  return own(item, attribute.name) as KeyAttributeValue; // validateStartKey checked presence and type
}

/** The storage key of the entry a validated start key was built from. */
export function startStorageKey(table: Table, index: IndexRuntime | undefined, startKey: Item): Uint8Array {
  const tableComponents: KeyAttributeValue[] = [];
  if (table.schema.sortKey !== undefined) tableComponents.push(keyValue(startKey, table.schema.sortKey));
  if (index === undefined) {
    return encodeStorageKey(table.tableId, BASE_TABLE_INDEX_ID, keyValue(startKey, table.schema.partitionKey), tableComponents);
  }
  const components: KeyAttributeValue[] = [];
  if (index.schema.sortKey !== undefined) components.push(keyValue(startKey, index.schema.sortKey));
  components.push(keyValue(startKey, table.schema.partitionKey), ...tableComponents);
  return encodeStorageKey(table.tableId, index.indexId, keyValue(startKey, index.schema.partitionKey), components);
}

/** Whether a key value satisfies a Query's sort-key condition (values of the key's type). */
export function sortConditionHolds(condition: NonNullable<KeyCondition['sortKey']>, value: KeyAttributeValue): boolean {
  switch (condition.op) {
    case 'between':
      return (
        compareKeyValues(value, condition.lower as KeyAttributeValue) >= 0 && compareKeyValues(value, condition.upper as KeyAttributeValue) <= 0
      );
    case 'beginsWith':
      return beginsWith(value, condition.prefix);
    default: {
      const order = compareKeyValues(value, condition.value as KeyAttributeValue);
      switch (condition.op) {
        case '=':
          return order === 0;
        case '<':
          return order < 0;
        case '<=':
          return order <= 0;
        case '>':
          return order > 0;
        case '>=':
          return order >= 0;
      }
    }
  }
}

function beginsWith(value: KeyAttributeValue, prefix: AttributeValue): boolean {
  if ('S' in value && 'S' in prefix) return value.S.startsWith(prefix.S);
  if ('B' in value && 'B' in prefix) {
    if (prefix.B.length > value.B.length) return false;
    for (let i = 0; i < prefix.B.length; i++) if (value.B[i] !== prefix.B[i]) return false;
    return true;
  }
  return false;
}

/** Query: the start key must lie within the key condition (dynalite's checks and messages). */
export function checkStartKeyInQuery(keySchema: PrimaryKeySchema, condition: KeyCondition, startKey: Item): void {
  const samePartition =
    compareKeyValues(keyValue(startKey, keySchema.partitionKey), condition.partitionKey.value as KeyAttributeValue) === 0;
  if (keySchema.sortKey === undefined || condition.sortKey === undefined) {
    if (!samePartition) throw new ValidationException(START_KEY_OUTSIDE_MESSAGE);
    return;
  }
  if (!sortConditionHolds(condition.sortKey, keyValue(startKey, keySchema.sortKey))) throw new ValidationException(START_KEY_PREDICATE_MESSAGE);
  if (!samePartition) throw new ValidationException(START_KEY_ONE_ROW_MESSAGE);
}

/** Scan: a start key must come from the segment being scanned. */
export function checkStartKeyInSegment(
  table: Table,
  index: IndexRuntime | undefined,
  startKey: Item,
  segment: number,
  totalSegments: number,
): void {
  if (totalSegments <= 1) return;
  const partitionKey = keyValue(startKey, (index?.schema ?? table.schema).partitionKey);
  if (scanSegmentOfHash(partitionKeyHash(partitionKey), totalSegments) === segment) return;
  throw new ValidationException(
    `${START_KEY_PREFIX}Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ${totalSegments} Segment: ${segment}`,
  );
}

/** The LastEvaluatedKey of a page whose last evaluated entry (item or index entry) is `entry`. */
export function lastEvaluatedKey(names: readonly string[], entry: Item): Item {
  const key: Item = {};
  for (const name of names) {
    const value = own(entry, name);
    assert(value !== undefined, 'every entry holds its table and index key');
    setEntry(key, name, value);
  }
  return key;
}
