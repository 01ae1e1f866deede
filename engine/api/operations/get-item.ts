/**
 * GetItem on the wire: reads one item by key.
 * Served by Database#getItem; the codec converts binary at the positions declared here.
 */
import { ITEM, struct } from '../codec.js';
import type { Operation } from './operation.js';

export const getItem: Operation = {
  name: 'GetItem',
  method: 'getItem',
  input: struct({ Key: ITEM }),
  output: struct({ Item: ITEM }),
};
