/**
 * PutItem on the wire: writes one item, optionally conditionally.
 * Served by Database#putItem; the codec converts binary at the positions declared here. The usual
 * request (a table name and an item of strings and integers) is read in one pass from its
 * bytes to its stored item (engine/api/item-request-body.ts) and served by Database#putEncodedItem.
 */
import { ITEM, struct } from '../codec.js';
import { scanPutItemBody } from '../item-request-body.js';
import type { Operation } from './operation.js';
import { EXPECTED, ITEM_COLLECTION_METRICS } from './shapes.js';

export const putItem: Operation = {
  name: 'PutItem',
  method: 'putItem',
  input: struct({ Item: ITEM, Expected: EXPECTED, ExpressionAttributeValues: ITEM }),
  output: struct({ Attributes: ITEM, ItemCollectionMetrics: ITEM_COLLECTION_METRICS }),
  readBody: (body) => {
    const scanned = scanPutItemBody(body);
    return scanned === undefined ? undefined : (database) => database.putEncodedItem(scanned.tableName, scanned.item);
  },
};
