/**
 * Query on the wire: the items of one partition (of a table or an index), paged.
 * Served by Database#query; the codec converts binary at the positions declared here.
 */
import { ITEM, struct } from '../codec.js';
import type { Operation } from './operation.js';
import { CONDITIONS, ITEMS } from './shapes.js';

export const query: Operation = {
  name: 'Query',
  method: 'query',
  input: struct({ ExclusiveStartKey: ITEM, ExpressionAttributeValues: ITEM, KeyConditions: CONDITIONS, QueryFilter: CONDITIONS }),
  output: struct({ Items: ITEMS, LastEvaluatedKey: ITEM }),
};
