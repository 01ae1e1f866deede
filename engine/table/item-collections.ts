/**
 * Item collections of tables with local secondary indexes: all base items and LSI entries sharing a
 * partition-key value. DynamoDB caps a collection at 10 GB (ItemCollectionSizeLimitExceededException,
 * "Collection size exceeded."; writes that shrink a collection stay allowed) and reports its size
 * estimate through ReturnItemCollectionMetrics=SIZE as [lower, upper] GB.
 *
 * The size is the stored bytes of the collection's base items and LSI entries, read from the store
 * (O(collection); only tables with LSIs pay it, and only when a write grows an item or asks for
 * metrics).
 */
import { ITEM_COLLECTION_BYTES_MAX } from '../limits.js';
import type { Item } from '../model/attribute-value.js';
import type { KeyAttributeValue } from '../model/compare.js';
import { DynamoDBError } from '../model/errors.js';
import { prefixEnd } from '../model/storage-key.js';
import type { TableContext } from './context.js';
import type { Table } from './table.js';

const BYTES_PER_GB = 1024 * 1024 * 1024;

export function hasLocalIndexes(table: Table): boolean {
  return table.hasLocalIndexes;
}

/** Stored bytes of the item collection of `keyItem`'s partition key. */
export function itemCollectionBytes(context: TableContext, table: Table, keyItem: Item): number {
  const partitionValue = keyItem[table.schema.partitionKey.name] as KeyAttributeValue; // a validated key holds it
  let bytes = 0;
  const prefixes = [table.partitionPrefix(partitionValue)];
  for (const index of table.maintainedIndexes) if (!index.global) prefixes.push(table.partitionPrefix(partitionValue, index));
  for (const prefix of prefixes) {
    const end = prefixEnd(prefix);
    for (const [key, value] of context.store.scan(end === undefined ? { gte: prefix } : { gte: prefix, lt: end })) bytes += key.length + value.length;
  }
  return bytes;
}

/** The ItemCollectionMetrics entry DynamoDB returns for a collection of `bytes`. */
export function itemCollectionMetricsOf(table: Table, keyItem: Item, bytes: number): Record<string, unknown> {
  const name = table.schema.partitionKey.name;
  const lowerGb = Math.floor(bytes / BYTES_PER_GB);
  return { ItemCollectionKey: { [name]: keyItem[name] }, SizeEstimateRangeGB: [lowerGb, lowerGb + 1] };
}

/** Throws when a write that grows the collection by `growthBytes` would carry it past the cap. */
export function checkItemCollectionGrowth(context: TableContext, table: Table, keyItem: Item, growthBytes: number, limitBytes = ITEM_COLLECTION_BYTES_MAX): void {
  if (growthBytes <= 0 || !hasLocalIndexes(table)) return;
  if (itemCollectionBytes(context, table, keyItem) + growthBytes > limitBytes) {
    throw new DynamoDBError('ItemCollectionSizeLimitExceededException', 'Collection size exceeded.');
  }
}
