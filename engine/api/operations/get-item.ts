/**
 * GetItem on the wire: reads one item by key.
 * Served by Database#getItemStored: a found item wanted whole (and small, see
 * engine/table/items.ts) goes from its stored bytes straight to JSON (engine/api/item-json.ts);
 * anything else is getItem's output, whose binary the codec converts at the positions declared here.
 */
import type { GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { ITEM, struct } from '../codec.js';
import { answerWithStoredItem } from '../item-json.js';
import { JsonBody, type Operation } from './operation.js';

export const getItem: Operation = {
  name: 'GetItem',
  method: 'getItem',
  input: struct({ Key: ITEM }),
  output: struct({ Item: ITEM }),
  // The request as parsed: getItemStored validates it, as every Database method does.
  answer: (database, input) =>
    database.getItemStored(input as GetItemCommandInput).then(({ output, stored }) => (stored === undefined ? output : new JsonBody(answerWithStoredItem(stored, JSON.stringify(output))))),
};
