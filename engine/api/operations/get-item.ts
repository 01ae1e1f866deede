/**
 * GetItem on the wire: reads one item by key.
 * Served by Database#getItemStored: a found item wanted whole (and small, see
 * engine/table/items.ts) goes from its stored bytes straight to JSON (engine/api/item-json.ts);
 * anything else is getItem's output, whose binary the codec converts at the positions declared here.
 * The usual request (a table name and a key of strings and integers) is read in one pass from its
 * bytes (engine/api/item-request-body.ts) and served by Database#getItemStoredOfKey.
 */
import type { GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { ITEM, struct } from '../codec.js';
import { scanGetItemBody } from '../item-request-body.js';
import { answerWithStoredItem } from '../item-json.js';
import type { StoredGetItem } from '../../table/items.js';
import { JsonBody, type Operation } from './operation.js';

/** The answer: the stored item copied into the output's JSON, or the output as it is. */
function answered({ output, stored }: StoredGetItem): unknown {
  return stored === undefined ? output : new JsonBody(answerWithStoredItem(stored, JSON.stringify(output)));
}

export const getItem: Operation = {
  name: 'GetItem',
  method: 'getItem',
  input: struct({ Key: ITEM }),
  output: struct({ Item: ITEM }),
  // The request as parsed: getItemStored validates it, as every Database method does.
  answer: (database, input) => database.getItemStored(input as GetItemCommandInput).then(answered),
  readBody: (body) => {
    const scanned = scanGetItemBody(body);
    return scanned === undefined ? undefined : (database) => database.getItemStoredOfKey(scanned.tableName, scanned.key).then(answered);
  },
};
