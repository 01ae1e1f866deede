/**
 * BatchGetItem on the wire: reads up to 100 items from several tables.
 * Served by Database#batchGetItem; the codec converts binary at the positions declared here.
 */
import { mapOf, struct } from '../codec.js';
import type { Operation } from './operation.js';
import { ITEMS } from './shapes.js';

export const batchGetItem: Operation = {
  name: 'BatchGetItem',
  method: 'batchGetItem',
  input: struct({ RequestItems: mapOf(struct({ Keys: ITEMS })) }),
  output: struct({ Responses: mapOf(ITEMS), UnprocessedKeys: mapOf(struct({ Keys: ITEMS })) }),
};
