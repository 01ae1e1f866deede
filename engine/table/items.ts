/**
 * PutItem, GetItem, UpdateItem and DeleteItem.
 *
 * Each write reads the item's latest submitted state, checks its condition and submits its batch
 * with no await in between (write-coordinator.ts): single-item writes are serializable. A write
 * resolves once durable. Reads (GetItem) see durable state.
 *
 * Checks, in the service's order: the request's shape and table-independent rules
 * (request-validation.ts: SerializationException, then ValidationException), the table, the key or
 * item against its schema, then the expressions.
 *
 * Capacity (admission.ts): each operation admits on its item's partition before it reads or checks
 * anything, so a throttled request changes nothing; a write admits its GSI entries once the mutation
 * is known and is charged (same units as its ConsumedCapacity) when it is decided, before the submit,
 * so concurrent requests see the debit. A failed condition still pays for the write.
 */
import type { Item } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { checkItemSize, itemSizeBytes, ITEM_SIZE_TO_UPDATE_MESSAGE } from '../model/item-size.js';
import { decodeSizedItem, itemSizeBytesAtMost, type EncodedItem, type SizedItem } from '../model/item-codec.js';
import { checkKey, validateItemKeys } from '../model/validate.js';
import { applyUpdate, evaluateCondition, project } from '../expressions/index.js';
import { CapacityMeter, readUnitsForItem, writeUnitsForItem, type ReturnConsumedCapacity } from './capacity.js';
import { READ_UNIT_BYTES } from '../limits.js';
import type { TableContext } from './context.js';
import { ConditionalCheckFailedException, transactionConflict } from './errors.js';
import { compileRequest, type Input } from './expressions-of.js';
import { itemMutation, type IndexChange } from './mutation.js';
import type { Table } from './table.js';
import { indexWriteUnits } from './capacity.js';
import { checkItemCollectionGrowth, itemCollectionBytes, itemCollectionMetricsOf } from './item-collections.js';
import { admitAndChargeReadOrThrow, admitAndChargeWriteOrThrow, admitIndexWritesOrThrow, admitWriteOrThrow, chargeFailedWrite, chargeWriteTicket } from './admission.js';
import { checkPutItemRequest, validateDeleteItemRequest, validateGetItemRequest, validateUpdateItemRequest } from './request-validation.js';

type Output = Record<string, unknown>;

function returnConsumedCapacity(input: Input): ReturnConsumedCapacity {
  const value = input['ReturnConsumedCapacity'];
  return value === 'TOTAL' || value === 'INDEXES' ? value : 'NONE';
}

function choice<T extends string>(input: Input, name: string, allowed: readonly T[], fallback: T, message: string): T {
  const value = input[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new ValidationException(message);
  return value as T;
}

function returnValuesOnFailure(input: Input): 'ALL_OLD' | 'NONE' {
  return choice(input, 'ReturnValuesOnConditionCheckFailure', ['ALL_OLD', 'NONE'], 'NONE', 'ReturnValuesOnConditionCheckFailure can only be ALL_OLD or NONE');
}

/** Charges a write of `table`'s item and its index changes. DynamoDB bills the larger of old and new. */
export function chargeWrite(meter: CapacityMeter, table: Table, oldSize: number, newSize: number, changes: readonly IndexChange[], transactional = false): void {
  meter.addWrite(table.name, writeUnitsForItem(Math.max(oldSize, newSize), transactional));
  for (const change of changes) {
    const units = indexWriteUnits(change.oldBytes, change.newBytes, change.keyChanged) * (transactional ? 2 : 1);
    if (units > 0) meter.addWrite(table.name, units, { name: change.index.schema.name, global: change.index.global });
  }
}

/**
 * ReturnItemCollectionMetrics=SIZE on a table with LSIs: the written item's collection estimate.
 * `keyItem` holds at least the item's key attributes (the written item itself will do).
 */
function withCollectionMetrics(output: Output, context: TableContext, table: Table, input: Input, keyItem: Item): Output {
  if (input['ReturnItemCollectionMetrics'] === 'SIZE' && table.hasLocalIndexes) {
    output['ItemCollectionMetrics'] = itemCollectionMetricsOf(table, keyItem, itemCollectionBytes(context, table, keyItem));
  }
  return output;
}

function withCapacity(output: Output, meter: CapacityMeter, table: Table): Output {
  const consumed = meter.forTable(table.name);
  if (consumed !== undefined) output['ConsumedCapacity'] = consumed;
  return output;
}

/** The item's latest submitted state with its size, after the in-transaction check. */
function readCurrent(context: TableContext, table: Table, key: Uint8Array): SizedItem | undefined {
  checkNotInTransaction(context, key);
  const bytes = context.coordinator.read(key);
  return bytes === undefined ? undefined : table.decodeSized(bytes);
}

function checkNotInTransaction(context: TableContext, key: Uint8Array): void {
  if (context.coordinator.inTransaction(key)) throw transactionConflict();
}

function failCondition(old: Item | undefined, onFailure: 'ALL_OLD' | 'NONE'): never {
  throw new ConditionalCheckFailedException(onFailure === 'ALL_OLD' && old !== undefined ? old : undefined);
}

export async function putItem(context: TableContext, raw: unknown): Promise<Output> {
  const checked = checkPutItemRequest(raw);
  const input = checked.input as unknown as Input; // the SDK shape, validated
  const table = context.requireTable(input['TableName']);
  const returnValues = choice(input, 'ReturnValues', ['NONE', 'ALL_OLD'], 'NONE', 'ReturnValues can only be ALL_OLD or NONE');
  const onFailure = returnValuesOnFailure(input);
  const item = input['Item'] as Item; // validated and canonical
  validateItemKeys(item, table.schema, table.maintainedIndexSchemas);
  const newSize = checked.itemSizeBytes; // the validator refused an item over the size limit
  const { condition } = compileRequest('PutItem', input);
  const meter = new CapacityMeter(returnConsumedCapacity(input));
  const key = table.itemKey(item);
  // Only a condition, ALL_OLD, reported capacity (the larger size is billed), index maintenance and
  // item collections (LSIs) need the old item: a plain put to a table without indexes never reads it.
  const needsOld = condition !== undefined || returnValues === 'ALL_OLD' || meter.mode !== 'NONE' || table.maintainedIndexes.length > 0;
  if (!needsOld && !context.coordinator.inTransaction(key)) {
    // Nothing below can fail before the write is submitted, and its units (the new size's) are
    // known: admit, charge and note the size in one pass over the partition's state.
    admitAndChargeWriteOrThrow(context, table, key, newSize);
    await context.coordinator.submit(itemMutation(table, key, undefined, item, itemSizeBytes).ops);
    return {};
  }
  const ticket = admitWriteOrThrow(context, table, key);
  let current: SizedItem | undefined;
  if (needsOld) current = readCurrent(context, table, key);
  else checkNotInTransaction(context, key);
  const old = current?.item;
  if (condition !== undefined && !evaluateCondition(condition, old)) {
    chargeFailedWrite(context, table, ticket, key, old, newSize);
    failCondition(old, onFailure);
  }
  const oldSize = current === undefined ? 0 : current.sizeBytes;
  checkItemCollectionGrowth(context, table, item, newSize - oldSize);
  const mutation = itemMutation(table, key, old, item, itemSizeBytes);
  admitIndexWritesOrThrow(context, table, ticket, mutation.indexChanges);
  chargeWriteTicket(context, table, ticket, key, oldSize, newSize, mutation.indexChanges);
  await context.coordinator.submit(mutation.ops);
  chargeWrite(meter, table, oldSize, newSize, mutation.indexChanges);
  const output: Output = {};
  if (returnValues === 'ALL_OLD' && old !== undefined) output['Attributes'] = old;
  return withCapacity(withCollectionMetrics(output, context, table, input, item), meter, table);
}

/**
 * PutItem of the request `{ TableName: tableName, Item: item }`, its item already encoded (the wire
 * layer's one-pass PutItem, engine/api/item-request-body.ts, which vouches that this request passes
 * checkPutItemRequest and that `item` holds its canonical Item's encoding and size). Same answer,
 * errors, charges and writes as putItem for that request: the plain put — a table without
 * maintained indexes, an item in no transaction — is putItem's own first path, and reads only the
 * key attributes; any other goes to putItem with the item decoded.
 */
export async function putEncodedItem(context: TableContext, tableName: string, item: EncodedItem): Promise<Output> {
  const usualPath = (): Promise<Output> => putItem(context, { TableName: tableName, Item: decodeSizedItem(item.bytes).item });
  const table = context.requireTable(tableName);
  if (table.maintainedIndexes.length > 0) return usualPath();
  // The key attributes as they are in the item: the same checks (and messages) as on the item.
  const keyItem: Item = {};
  copyAttribute(item, keyItem, table.schema.partitionKey.name);
  if (table.schema.sortKey !== undefined) copyAttribute(item, keyItem, table.schema.sortKey.name);
  validateItemKeys(keyItem, table.schema);
  const key = table.itemKey(keyItem);
  if (context.coordinator.inTransaction(key)) return usualPath();
  admitAndChargeWriteOrThrow(context, table, key, item.sizeBytes);
  await context.coordinator.submit([{ type: 'put', key, value: item.bytes }]);
  return {};
}

function copyAttribute(from: EncodedItem, to: Item, name: string): void {
  const value = from.attribute(name);
  if (value !== undefined) to[name] = value;
}

export async function deleteItem(context: TableContext, raw: unknown): Promise<Output> {
  const input = validateDeleteItemRequest(raw) as unknown as Input; // the SDK shape, validated
  const table = context.requireTable(input['TableName']);
  const returnValues = choice(input, 'ReturnValues', ['NONE', 'ALL_OLD'], 'NONE', 'ReturnValues can only be ALL_OLD or NONE');
  const onFailure = returnValuesOnFailure(input);
  const keyItem = checkKey(input['Key'] as Item, table.schema);
  const { condition } = compileRequest('DeleteItem', input);
  const meter = new CapacityMeter(returnConsumedCapacity(input));
  const key = table.itemKey(keyItem);
  const ticket = admitWriteOrThrow(context, table, key);
  const current = readCurrent(context, table, key);
  const old = current?.item;
  const oldSize = current === undefined ? 0 : current.sizeBytes;
  if (condition !== undefined && !evaluateCondition(condition, old)) {
    chargeFailedWrite(context, table, ticket, key, old, oldSize);
    failCondition(old, onFailure);
  }
  let changes: IndexChange[] = [];
  if (old !== undefined) {
    const mutation = itemMutation(table, key, old, undefined, itemSizeBytes);
    changes = mutation.indexChanges;
    admitIndexWritesOrThrow(context, table, ticket, changes);
    chargeWriteTicket(context, table, ticket, key, oldSize, 0, changes);
    await context.coordinator.submit(mutation.ops);
  } else {
    chargeWriteTicket(context, table, ticket, key, 0, 0, changes); // deleting a missing item costs 1
  }
  chargeWrite(meter, table, current === undefined ? 0 : current.sizeBytes, 0, changes);
  const output: Output = {};
  if (returnValues === 'ALL_OLD' && old !== undefined) output['Attributes'] = old;
  return withCapacity(withCollectionMetrics(output, context, table, input, keyItem), meter, table);
}

export async function updateItem(context: TableContext, raw: unknown): Promise<Output> {
  const input = validateUpdateItemRequest(raw) as unknown as Input; // the SDK shape, validated
  const table = context.requireTable(input['TableName']);
  const returnValues = choice(
    input,
    'ReturnValues',
    ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'],
    'NONE',
    'ReturnValues can only be ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW or NONE',
  );
  const onFailure = returnValuesOnFailure(input);
  const keyItem = checkKey(input['Key'] as Item, table.schema);
  const { condition, update, legacyUpdate } = compileRequest('UpdateItem', input, table.keyAttributeNames);
  const meter = new CapacityMeter(returnConsumedCapacity(input));
  const key = table.itemKey(keyItem);
  const ticket = admitWriteOrThrow(context, table, key);
  const current = readCurrent(context, table, key);
  const old = current?.item;
  if (condition !== undefined && !evaluateCondition(condition, old)) {
    chargeFailedWrite(context, table, ticket, key, old, current === undefined ? 0 : current.sizeBytes);
    failCondition(old, onFailure);
  }
  const result =
    update === undefined
      ? { item: old ?? keyItem, updatedOld: {} as Item, updatedNew: {} as Item }
      : applyUpdate(old, update, { key: keyItem, legacy: legacyUpdate });
  const item = result.item;
  validateItemKeys(item, table.schema, table.maintainedIndexSchemas);
  const newSize = checkItemSize(item, ITEM_SIZE_TO_UPDATE_MESSAGE);
  const oldSize = current === undefined ? 0 : current.sizeBytes;
  checkItemCollectionGrowth(context, table, keyItem, newSize - oldSize);
  const mutation = itemMutation(table, key, old, item, itemSizeBytes);
  admitIndexWritesOrThrow(context, table, ticket, mutation.indexChanges);
  chargeWriteTicket(context, table, ticket, key, oldSize, newSize, mutation.indexChanges);
  await context.coordinator.submit(mutation.ops);
  chargeWrite(meter, table, oldSize, newSize, mutation.indexChanges);
  const output: Output = {};
  const attributes =
    returnValues === 'ALL_OLD' ? old : returnValues === 'ALL_NEW' ? item : returnValues === 'UPDATED_OLD' ? result.updatedOld : returnValues === 'UPDATED_NEW' ? result.updatedNew : undefined;
  if (attributes !== undefined && Object.keys(attributes).length > 0) output['Attributes'] = attributes;
  return withCapacity(withCollectionMetrics(output, context, table, input, keyItem), meter, table);
}

export function getItem(context: TableContext, raw: unknown): Output {
  return readForGetItem(context, validateGetItemRequest(raw) as unknown as Input, false).output;
}

/** GetItem's answer without its Item, and the item as stored (see getItemStored). */
export interface StoredGetItem {
  output: Output;
  stored: Uint8Array | undefined;
}

/**
 * GetItem for the wire layer, which can copy a stored item to JSON without decoding it
 * (engine/api/item-json.ts): when the item is found, wanted whole (no ProjectionExpression) and
 * small enough that its one read block is known without decoding it (itemSizeBytesAtMost), the
 * answer leaves Item out and `stored` holds the item's stored bytes; otherwise `stored` is
 * undefined and the answer is getItem's. Same checks, throttles and charges as getItem.
 */
export function getItemStored(context: TableContext, raw: unknown): StoredGetItem {
  return readForGetItem(context, validateGetItemRequest(raw) as unknown as Input, true);
}

/**
 * getItemStored of the request `{ TableName: tableName, Key: key }`, which the wire layer's
 * one-pass GetItem (engine/api/item-request-body.ts) vouches passes validateGetItemRequest as it is.
 */
export function getItemStoredOfKey(context: TableContext, tableName: string, key: Item): StoredGetItem {
  return readForGetItem(context, { TableName: tableName, Key: key }, true);
}

/** GetItem of a request already validated (validateGetItemRequest). */
function readForGetItem(context: TableContext, input: Input, storedWanted: boolean): StoredGetItem {
  const table = context.requireTable(input['TableName']);
  const consistent = input['ConsistentRead'] === true;
  const keyItem = checkKey(input['Key'] as Item, table.schema);
  const { projection } = compileRequest('GetItem', input);
  const meter = new CapacityMeter(returnConsumedCapacity(input));
  const key = table.itemKey(keyItem);
  // A read changes nothing and nothing after admission can fail, so GetItem reads first, then admits
  // and charges in one pass over the partition's state (admit, read, charge touched that state twice,
  // with the read's cache misses between: ~1% of a GetItem). A throttle answers as before.
  const bytes = context.store.get(key, context.readView(consistent));
  // A small item wanted whole stays stored: its size is at most sizeAtMost, one read block whatever
  // its exact size, so it need not be decoded to be billed.
  const sizeAtMost = storedWanted && bytes !== undefined && projection === undefined ? itemSizeBytesAtMost(bytes) : Number.POSITIVE_INFINITY;
  const stored = sizeAtMost <= READ_UNIT_BYTES ? bytes : undefined;
  const found = bytes === undefined || stored !== undefined ? undefined : table.decodeSized(bytes);
  const units = readUnitsForItem(stored !== undefined ? sizeAtMost : found === undefined ? 0 : found.sizeBytes, consistent);
  admitAndChargeReadOrThrow(context, table, 0, key, units);
  meter.addRead(table.name, units);
  const output: Output = {};
  if (found !== undefined) output['Item'] = projection === undefined ? found.item : project(found.item, projection);
  return { output: withCapacity(output, meter, table), stored };
}
