/**
 * BatchWriteItem on the wire: puts and deletes up to 25 items in several tables.
 * Served by Database#batchWriteItem; the codec converts binary at the positions declared here.
 */
import { ITEM, listOf, mapOf, struct } from '../codec.js';
import type { Operation } from './operation.js';
import { ITEM_COLLECTION_METRICS } from './shapes.js';

/** One write request: `{PutRequest: {Item}}` or `{DeleteRequest: {Key}}`. */
const WRITE_REQUESTS = listOf(struct({ PutRequest: struct({ Item: ITEM }), DeleteRequest: struct({ Key: ITEM }) }));

export const batchWriteItem: Operation = {
  name: 'BatchWriteItem',
  method: 'batchWriteItem',
  input: struct({ RequestItems: mapOf(WRITE_REQUESTS) }),
  output: struct({ UnprocessedItems: mapOf(WRITE_REQUESTS), ItemCollectionMetrics: mapOf(listOf(ITEM_COLLECTION_METRICS)) }),
};
