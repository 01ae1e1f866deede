/**
 * DeleteItem on the wire: deletes one item, optionally conditionally.
 * Served by Database#deleteItem; the codec converts binary at the positions declared here.
 */
import { ITEM, struct } from '../codec.js';
import type { Operation } from './operation.js';
import { EXPECTED, ITEM_COLLECTION_METRICS } from './shapes.js';

export const deleteItem: Operation = {
  name: 'DeleteItem',
  method: 'deleteItem',
  input: struct({ Key: ITEM, Expected: EXPECTED, ExpressionAttributeValues: ITEM }),
  output: struct({ Attributes: ITEM, ItemCollectionMetrics: ITEM_COLLECTION_METRICS }),
};
