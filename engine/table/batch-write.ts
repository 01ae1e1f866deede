/**
 * BatchWriteItem (reference/dynamodb-facts.md §5.2): up to 25 PutRequest/DeleteRequest entries
 * across tables, no conditions, no returned values.
 *
 * The whole batch is validated before anything is written: an unknown table, a key that does not
 * match its schema, an item over 400 KB or the same item twice rejects every entry. Then each entry is
 * applied as its own atomic item write (base item and index entries in one store batch, via
 * itemMutation), all checked and submitted with no await in between, exactly as PutItem/DeleteItem
 * would one after another. DynamoDB promises no atomicity across the entries, so they may share a
 * store batch; they are split only to respect the store's batch bound. An entry whose item is in an
 * in-flight transaction is not written and comes back in UnprocessedItems (as a throttled or failed
 * entry does in DynamoDB) so the caller's retry loop handles it.
 *
 * Capacity: each entry is charged as its own PutItem/DeleteItem (rounded per item; deleting a missing
 * item costs 1). ItemCollectionMetrics (ReturnItemCollectionMetrics SIZE) covers tables with LSIs.
 * Each entry admits on its partition and on the GSI partitions it writes (admission.ts); a throttled
 * entry is not written and comes back in UnprocessedItems. Only when no entry at all was written and
 * one was throttled does the call fail with the throttle's exception (facts §5.2).
 */
import type { Item } from '../model/attribute-value.js';
import type { KeyAttributeValue } from '../model/compare.js';
import { ValidationException } from '../model/errors.js';
import { checkItemSize, itemSizeBytes } from '../model/item-size.js';
import { prefixEnd } from '../model/storage-key.js';
import { MULTIPLE_TYPES_MESSAGE, validateItem, validateItemKeys, validateKey } from '../model/validate.js';
import { encodedWriteBatchBytes, WRITE_BATCH_HEADER_BYTES, type WriteOp } from '../lsm/write-batch.js';
import { BATCH_WRITE_REQUESTS_MAX, WRITE_BATCH_BYTES_MAX } from '../limits.js';
import { constraintMessage, isRecord, keyIdentity, returnConsumedCapacityOf } from './batch-get.js';
import { CapacityMeter } from './capacity.js';
import type { TableContext } from './context.js';
import type { Input } from './expressions-of.js';
import { chargeWrite } from './items.js';
import { itemMutation } from './mutation.js';
import { hasLocalIndexes, itemCollectionBytes, itemCollectionMetricsOf } from './item-collections.js';
import { BATCH_WRITE_TOO_MANY_MESSAGE, DUPLICATE_KEYS_MESSAGE, validateBatchWriteItemRequest } from './request-validation.js';
import type { Table } from './table.js';
import { admitIndexWrites, admitWrite, chargeWriteTicket, isThrottled, throttleError, type Throttled } from './admission.js';

type Output = Record<string, unknown>;

/** Observed for a WriteRequest with neither or both of PutRequest and DeleteRequest (dynamodb-local). */
export const WRITE_REQUEST_SHAPE_MESSAGE = MULTIPLE_TYPES_MESSAGE;

interface Entry {
  readonly requestName: string;
  /** The WriteRequest as sent: an unprocessed entry is returned exactly so. */
  readonly request: unknown;
  readonly table: Table;
  readonly key: Uint8Array;
  /** The item to put; undefined for a delete. */
  readonly item: Item | undefined;
  readonly keyItem: Item;
}

/**
 * Resolves a request that passed validateBatchWriteItemRequest (shape, the 25-request bound, one of
 * Put/Delete, values, item sizes) against its tables: key schemas, index key types, duplicates.
 */
function prepare(context: TableContext, input: Input): Entry[] {
  const requestItems = input['RequestItems'];
  if (!isRecord(requestItems)) throw new ValidationException(constraintMessage('null', 'requestItems', 'Member must not be null'));
  if (Object.keys(requestItems).length === 0) throw new ValidationException(constraintMessage("'{}'", 'requestItems', 'Member must have length greater than or equal to 1'));
  let requestCount = 0;
  for (const [name, requests] of Object.entries(requestItems)) {
    if (!Array.isArray(requests) || requests.length === 0) {
      throw new ValidationException(`The batch write request list for a table cannot be null or empty: ${name}`);
    }
    requestCount += requests.length;
  }
  if (requestCount > BATCH_WRITE_REQUESTS_MAX) throw new ValidationException(BATCH_WRITE_TOO_MANY_MESSAGE);

  const entries: Entry[] = [];
  for (const [requestName, requests] of Object.entries(requestItems)) {
    const table = context.requireTable(requestName);
    const indexSchemas = table.maintainedIndexSchemas;
    const seen = new Set<string>();
    for (const request of requests as unknown[]) {
      const put = isRecord(request) ? request['PutRequest'] : undefined;
      const del = isRecord(request) ? request['DeleteRequest'] : undefined;
      const hasPut = put !== undefined && put !== null;
      const hasDelete = del !== undefined && del !== null;
      if (hasPut === hasDelete) throw new ValidationException(WRITE_REQUEST_SHAPE_MESSAGE);
      let item: Item | undefined;
      let keyItem: Item;
      if (hasPut) {
        item = validateItem(isRecord(put) ? put['Item'] : undefined);
        validateItemKeys(item, table.schema, indexSchemas);
        checkItemSize(item);
        keyItem = table.keyOf(item);
      } else {
        keyItem = validateKey(isRecord(del) ? del['Key'] : undefined, table.schema);
      }
      const key = table.itemKey(keyItem);
      const identity = keyIdentity(key);
      if (seen.has(identity)) throw new ValidationException(DUPLICATE_KEYS_MESSAGE);
      seen.add(identity);
      entries.push({ requestName, request, table, key, item, keyItem });
    }
  }
  return entries;
}

export async function batchWriteItem(context: TableContext, rawInput: Input): Promise<Output> {
  const input = validateBatchWriteItemRequest(rawInput) as unknown as Input; // the SDK shape, validated
  const entries = prepare(context, input);
  const meter = new CapacityMeter(returnConsumedCapacityOf(input));
  const wantMetrics = input['ReturnItemCollectionMetrics'] === 'SIZE';
  const unprocessed: Record<string, unknown[]> = {};
  const written: Entry[] = [];
  const chunks: WriteOp[][] = [];
  let chunk: WriteOp[] = [];
  let chunkBytes = WRITE_BATCH_HEADER_BYTES;
  let firstThrottle: Throttled | undefined;
  const throttled = (entry: Entry, throttle: Throttled): void => {
    firstThrottle ??= throttle;
    (unprocessed[entry.requestName] ??= []).push(entry.request);
  };
  // From here to the submits: no await, so every entry sees the writes submitted before it.
  for (const entry of entries) {
    const { table, key } = entry;
    if (context.coordinator.inTransaction(key)) {
      (unprocessed[entry.requestName] ??= []).push(entry.request);
      continue;
    }
    const ticket = admitWrite(context, table, key);
    if (isThrottled(ticket)) {
      throttled(entry, ticket);
      continue;
    }
    const oldBytes = context.coordinator.read(key);
    const old = oldBytes === undefined ? undefined : table.decode(oldBytes);
    const oldSize = old === undefined ? 0 : itemSizeBytes(old);
    if (old === undefined && entry.item === undefined) {
      written.push(entry);
      chargeWrite(meter, table, 0, 0, []); // deleting a missing item still costs one unit
      chargeWriteTicket(context, table, ticket, key, 0, 0, []);
      continue;
    }
    const mutation = itemMutation(table, key, old, entry.item, itemSizeBytes);
    const indexThrottle = admitIndexWrites(context, table, ticket, mutation.indexChanges);
    if (indexThrottle !== undefined) {
      throttled(entry, indexThrottle);
      continue;
    }
    written.push(entry);
    const newSize = entry.item === undefined ? 0 : itemSizeBytes(entry.item);
    chargeWrite(meter, table, oldSize, newSize, mutation.indexChanges);
    chargeWriteTicket(context, table, ticket, key, oldSize, newSize, mutation.indexChanges);
    const bytes = encodedWriteBatchBytes(mutation.ops) - WRITE_BATCH_HEADER_BYTES;
    if (chunk.length > 0 && chunkBytes + bytes > WRITE_BATCH_BYTES_MAX) {
      chunks.push(chunk);
      chunk = [];
      chunkBytes = WRITE_BATCH_HEADER_BYTES;
    }
    for (const op of mutation.ops) chunk.push(op);
    chunkBytes += bytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  // Nothing could be written for throughput reasons: the whole call is throttled.
  if (written.length === 0 && firstThrottle !== undefined) throw throttleError(context, firstThrottle);
  await Promise.all(chunks.map((ops) => context.coordinator.submit(ops)));

  const output: Output = { UnprocessedItems: unprocessed };
  const consumed = meter.all();
  if (consumed !== undefined) output['ConsumedCapacity'] = consumed;
  if (wantMetrics) {
    const metrics = itemCollectionMetrics(context, written);
    if (Object.keys(metrics).length > 0) output['ItemCollectionMetrics'] = metrics;
  }
  return output;
}

/** One written item: its table (under the name the request used) and its primary key. */
export interface WrittenKey {
  readonly requestName: string;
  readonly table: Table;
  readonly keyItem: Item;
}


/**
 * DynamoDB's ItemCollectionMetrics for the item collections (partition key values) that `writes`
 * touched in tables with local secondary indexes: per table, one entry per collection with its
 * estimated size in GB as [lower, upper]. The size counts the stored bytes of the collection's base
 * items and LSI entries; DynamoDB documents only that it is an estimate.
 */
export function itemCollectionMetrics(context: TableContext, writes: readonly WrittenKey[]): Record<string, Output[]> {
  const metrics: Record<string, Output[]> = {};
  const seen = new Set<string>();
  for (const { requestName, table, keyItem } of writes) {
    if (!hasLocalIndexes(table)) continue;
    const identity = keyIdentity(table.partitionPrefix(keyItem[table.schema.partitionKey.name] as KeyAttributeValue));
    if (seen.has(identity)) continue;
    seen.add(identity);
    (metrics[requestName] ??= []).push(itemCollectionMetricsOf(table, keyItem, itemCollectionBytes(context, table, keyItem)));
  }
  return metrics;
}
