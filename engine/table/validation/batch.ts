/**
 * BatchGetItem and BatchWriteItem: request shapes and the table-independent rules, in the service's
 * order (dynalite validations/{batchGetItem,batchWriteItem}.js; reference/dynamodb-facts.md §5).
 *
 * BatchGetItem, table by table in request order: legacy/expression mixing, each key's values,
 * duplicate keys (a key is all key attributes, so equal maps are the same item), the 100-key bound
 * across tables, AttributesToGet duplicates.
 * BatchWriteItem: the 25-request bound across tables, then per request exactly one of PutRequest /
 * DeleteRequest (the service reports a union with none set with its "more than one datatypes"
 * message), the values, and each item's 400 KB bound. Duplicate items in a BatchWriteItem need the
 * key schema (a put carries the whole item): the caller checks them after the table lookup, with
 * DUPLICATE_KEYS_MESSAGE. The 16 MB total cannot be exceeded by 25 valid items.
 *
 * Pure and synchronous.
 */
import { ValidationException } from '../../model/errors.js';
import { checkItemSize } from '../../model/item-size.js';
import { MULTIPLE_TYPES_MESSAGE } from '../../model/validate.js';
import { BATCH_GET_KEYS_MAX, BATCH_WRITE_REQUESTS_MAX, TABLE_NAME_LENGTH_MAX, TABLE_NAME_LENGTH_MIN } from '../../limits.js';
import {
  attributeMap,
  checkMixing,
  ATTRIBUTES_TO_GET,
  BOOLEAN,
  checkAttributesToGet,
  checkValues,
  EXPRESSION_NAMES,
  keyFingerprint,
  NAME_PATTERN,
  RETURN_CONSUMED_CAPACITY,
  RETURN_ITEM_COLLECTION_METRICS,
  STRING,
  struct,
} from './common.js';
import { checkRequest } from './shape.js';
import type { Json, Spec } from './shape.js';
import type { BatchGetItemInput, BatchWriteItemInput } from './types.js';

export const DUPLICATE_KEYS_MESSAGE = 'Provided list of item keys contains duplicates';
export const BATCH_GET_TOO_MANY_MESSAGE = 'Too many items requested for the BatchGetItem call';
export const BATCH_WRITE_TOO_MANY_MESSAGE = 'Too many items requested for the BatchWriteItem call';

const EMPTY_KEY: Readonly<Record<string, never>> = Object.freeze({});

const TABLE_KEYS = { lengthMax: TABLE_NAME_LENGTH_MAX, lengthMin: TABLE_NAME_LENGTH_MIN, regex: NAME_PATTERN, arn: true };

const BATCH_GET: Record<string, Spec> = {
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  RequestItems: {
    type: 'Map',
    notNull: true,
    lengthMin: 1,
    keys: TABLE_KEYS,
    member: struct({
      Keys: { type: 'List', notNull: true, lengthMin: 1, lengthMax: BATCH_GET_KEYS_MAX, member: attributeMap(false) },
      AttributesToGet: ATTRIBUTES_TO_GET,
      ConsistentRead: BOOLEAN,
      ProjectionExpression: STRING,
      ExpressionAttributeNames: EXPRESSION_NAMES,
    }),
  },
};

const BATCH_WRITE: Record<string, Spec> = {
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  ReturnItemCollectionMetrics: RETURN_ITEM_COLLECTION_METRICS,
  RequestItems: {
    type: 'Map',
    notNull: true,
    lengthMin: 1,
    keys: TABLE_KEYS,
    values: { lengthMax: BATCH_WRITE_REQUESTS_MAX, lengthMin: 1 },
    member: {
      type: 'List',
      member: struct({
        DeleteRequest: struct({ Key: attributeMap(true) }),
        PutRequest: struct({ Item: attributeMap(true) }),
      }),
    },
  },
};

export function validateBatchGetItemRequest(input: unknown): BatchGetItemInput {
  const data = checkRequest(input, BATCH_GET);
  const requestItems = data['RequestItems'] as Record<string, Json>;
  let keyCount = 0;
  for (const tableName of Object.keys(requestItems)) {
    const request = requestItems[tableName]!;
    checkMixing('BatchGetItem', request);
    const seen = new Set<string>();
    for (const key of request['Keys'] as unknown[]) {
      // A null element where a map belongs is an empty map (as a null value is an empty value): it
      // matches no key schema, which the caller reports once it has the table.
      const fingerprint = keyFingerprint(checkValues(key ?? EMPTY_KEY));
      if (seen.has(fingerprint)) throw new ValidationException(DUPLICATE_KEYS_MESSAGE);
      seen.add(fingerprint);
      keyCount++;
      if (keyCount > BATCH_GET_KEYS_MAX) throw new ValidationException(BATCH_GET_TOO_MANY_MESSAGE);
    }
    checkAttributesToGet(request['AttributesToGet']);
  }
  return data as unknown as BatchGetItemInput; // every member checked against BATCH_GET above
}

export function validateBatchWriteItemRequest(input: unknown): BatchWriteItemInput {
  const data = checkRequest(input, BATCH_WRITE);
  const requestItems = data['RequestItems'] as Record<string, Json[]>;
  let requestCount = 0;
  for (const tableName of Object.keys(requestItems)) requestCount += requestItems[tableName]!.length;
  // [UNVERIFIED] position: before the per-request checks (one table over 25 fails the shape phase).
  if (requestCount > BATCH_WRITE_REQUESTS_MAX) throw new ValidationException(BATCH_WRITE_TOO_MANY_MESSAGE);
  for (const tableName of Object.keys(requestItems)) {
    const requests = requestItems[tableName]!;
    // A WriteRequest is a union: none set is the service's observed case; both set is [UNVERIFIED].
    if (requests.some((request) => (request['PutRequest'] === undefined) === (request['DeleteRequest'] === undefined))) {
      throw new ValidationException(MULTIPLE_TYPES_MESSAGE);
    }
    for (const request of requests) {
      const put = request['PutRequest'] as Json | undefined;
      if (put !== undefined) {
        checkItemSize(checkValues(put['Item']));
      } else {
        checkValues((request['DeleteRequest'] as Json)['Key']);
      }
    }
  }
  return data as unknown as BatchWriteItemInput; // every member checked against BATCH_WRITE above
}

