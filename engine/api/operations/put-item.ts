/**
 * PutItem on the wire: writes one item, optionally conditionally.
 * Served by Database#putItem; the codec converts binary at the positions declared here.
 */
import { ITEM, struct } from '../codec.js';
import type { Operation } from './operation.js';
import { EXPECTED, ITEM_COLLECTION_METRICS } from './shapes.js';

export const putItem: Operation = {
  name: 'PutItem',
  method: 'putItem',
  input: struct({ Item: ITEM, Expected: EXPECTED, ExpressionAttributeValues: ITEM }),
  output: struct({ Attributes: ITEM, ItemCollectionMetrics: ITEM_COLLECTION_METRICS }),
};
