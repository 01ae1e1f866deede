/**
 * UpdateItem on the wire: edits one item (UpdateExpression or legacy AttributeUpdates).
 * Served by Database#updateItem; the codec converts binary at the positions declared here.
 */
import { ITEM, struct } from '../codec.js';
import type { Operation } from './operation.js';
import { ATTRIBUTE_UPDATES, EXPECTED, ITEM_COLLECTION_METRICS } from './shapes.js';

export const updateItem: Operation = {
  name: 'UpdateItem',
  method: 'updateItem',
  input: struct({ Key: ITEM, AttributeUpdates: ATTRIBUTE_UPDATES, Expected: EXPECTED, ExpressionAttributeValues: ITEM }),
  output: struct({ Attributes: ITEM, ItemCollectionMetrics: ITEM_COLLECTION_METRICS }),
};
