/**
 * Scan on the wire: every item of a table or index (or one parallel segment), paged.
 * Served by Database#scan; the codec converts binary at the positions declared here.
 */
import { ITEM, struct } from '../codec.js';
import type { Operation } from './operation.js';
import { CONDITIONS, ITEMS } from './shapes.js';

export const scan: Operation = {
  name: 'Scan',
  method: 'scan',
  input: struct({ ExclusiveStartKey: ITEM, ExpressionAttributeValues: ITEM, ScanFilter: CONDITIONS }),
  output: struct({ Items: ITEMS, LastEvaluatedKey: ITEM }),
};
