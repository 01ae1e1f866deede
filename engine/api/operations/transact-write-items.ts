/**
 * TransactWriteItems on the wire: up to 100 writes and condition checks, all or nothing.
 * Served by Database#transactWriteItems; the codec converts binary at the positions declared here.
 */
import { ITEM, listOf, mapOf, struct } from '../codec.js';
import type { Operation } from './operation.js';
import { ITEM_COLLECTION_METRICS } from './shapes.js';

/** One transaction action; every kind may carry ExpressionAttributeValues. */
const TRANSACT_WRITE_ITEM = struct({
  ConditionCheck: struct({ Key: ITEM, ExpressionAttributeValues: ITEM }),
  Put: struct({ Item: ITEM, ExpressionAttributeValues: ITEM }),
  Delete: struct({ Key: ITEM, ExpressionAttributeValues: ITEM }),
  Update: struct({ Key: ITEM, ExpressionAttributeValues: ITEM }),
});

export const transactWriteItems: Operation = {
  name: 'TransactWriteItems',
  method: 'transactWriteItems',
  input: struct({ TransactItems: listOf(TRANSACT_WRITE_ITEM) }),
  output: struct({ ItemCollectionMetrics: mapOf(listOf(ITEM_COLLECTION_METRICS)) }),
};
