/**
 * TransactGetItems on the wire: up to 100 reads from one snapshot.
 * Served by Database#transactGetItems; the codec converts binary at the positions declared here.
 */
import { ITEM, listOf, struct } from '../codec.js';
import type { Operation } from './operation.js';

export const transactGetItems: Operation = {
  name: 'TransactGetItems',
  method: 'transactGetItems',
  input: struct({ TransactItems: listOf(struct({ Get: struct({ Key: ITEM }) })) }),
  output: struct({ Responses: listOf(struct({ Item: ITEM })) }),
};
