/**
 * TransactWriteItems and TransactGetItems: request shapes and the table-independent rules
 * (dynalite validations/transactWriteItems.js for the order; the API model for the bounds:
 * 1..100 actions, ClientRequestToken 1..36; reference/dynamodb-facts.md §6.1).
 *
 * Per action, in request order: exactly one of ConditionCheck / Put / Delete / Update (Get for
 * reads), its Key or Item values, a Put's 400 KB bound, and the expression-parameter rules of the
 * matching single-item operation (checkLegacyMix: names or values without an expression).
 * Two actions on one item need the key schema (a Put carries the whole item) and the 4 MB aggregate
 * is measured where the items are resolved: both are the caller's, with the messages exported here.
 *
 * Pure and synchronous.
 */
import type { LegacyOperation } from '../../expressions/legacy.js';
import { ValidationException } from '../../model/errors.js';
import { checkItemSize } from '../../model/item-size.js';
import { CLIENT_REQUEST_TOKEN_LENGTH_MAX, TRANSACT_ITEMS_MAX } from '../../limits.js';
import {
  attributeMap,
  checkMixing,
  checkValues,
  EXPRESSION_NAMES,
  EXPRESSION_VALUES,
  expressionValues,
  RETURN_CONSUMED_CAPACITY,
  RETURN_ITEM_COLLECTION_METRICS,
  RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
  STRING,
  struct,
  TABLE_NAME,
} from './common.js';
import { checkRequest } from './shape.js';
import type { Json, Spec } from './shape.js';
import type { TransactGetItemsInput, TransactWriteItemsInput } from './types.js';

export const INVALID_ACTION_MESSAGE = 'The action or operation requested is invalid. Verify that the action is typed correctly.';
/** [UNVERIFIED] text for an element with two actions set. */
export const MULTIPLE_ACTIONS_MESSAGE = 'TransactItems can only contain one of Check, Put, Update or Delete';
/** For the caller's check of two actions on one item. */
export const TRANSACTION_DUPLICATE_ITEM_MESSAGE = 'Transaction request cannot include multiple operations on one item';

const REQUIRED_STRING: Spec = { type: 'String', notNull: true };

function action(members: Record<string, Spec>): Spec {
  return struct({
    TableName: TABLE_NAME,
    ExpressionAttributeValues: EXPRESSION_VALUES,
    ExpressionAttributeNames: EXPRESSION_NAMES,
    ReturnValuesOnConditionCheckFailure: RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
    ...members,
  });
}

const ACTIONS = {
  Put: action({ ConditionExpression: STRING, Item: attributeMap(true) }),
  Update: action({ ConditionExpression: STRING, Key: attributeMap(true), UpdateExpression: REQUIRED_STRING }),
  Delete: action({ ConditionExpression: STRING, Key: attributeMap(true) }),
  ConditionCheck: action({ ConditionExpression: REQUIRED_STRING, Key: attributeMap(true) }),
} as const;

/** The single-item operation whose expression-parameter rules each action follows. */
const MIX_RULES: Record<keyof typeof ACTIONS, LegacyOperation> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'DeleteItem', // ConditionExpression is its only expression, as DeleteItem's
};

const TRANSACT_WRITE: Record<string, Spec> = {
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  ReturnItemCollectionMetrics: RETURN_ITEM_COLLECTION_METRICS,
  ClientRequestToken: { type: 'String', lengthMin: 1, lengthMax: CLIENT_REQUEST_TOKEN_LENGTH_MAX },
  TransactItems: { type: 'List', notNull: true, lengthMin: 1, lengthMax: TRANSACT_ITEMS_MAX, member: struct(ACTIONS) },
};

const TRANSACT_GET: Record<string, Spec> = {
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  TransactItems: {
    type: 'List',
    notNull: true,
    lengthMin: 1,
    lengthMax: TRANSACT_ITEMS_MAX,
    member: struct({
      Get: struct({ Key: attributeMap(true), TableName: TABLE_NAME, ProjectionExpression: STRING, ExpressionAttributeNames: EXPRESSION_NAMES }, true),
    }),
  },
};

export function validateTransactWriteItemsRequest(input: unknown): TransactWriteItemsInput {
  const data = checkRequest(input, TRANSACT_WRITE);
  for (const element of data['TransactItems'] as Json[]) {
    const present = (Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]).filter((name) => element[name] !== undefined);
    if (present.length === 0) throw new ValidationException(INVALID_ACTION_MESSAGE);
    if (present.length > 1) throw new ValidationException(MULTIPLE_ACTIONS_MESSAGE);
    const name = present[0]!;
    const request = element[name] as Json;
    if (name === 'Put') checkItemSize(checkValues(request['Item']));
    else checkValues(request['Key']);
    checkMixing(MIX_RULES[name], request);
    const values = expressionValues(request['ExpressionAttributeValues']);
    if (values !== undefined) request['ExpressionAttributeValues'] = values;
  }
  return data as unknown as TransactWriteItemsInput; // every member checked against TRANSACT_WRITE above
}

export function validateTransactGetItemsRequest(input: unknown): TransactGetItemsInput {
  const data = checkRequest(input, TRANSACT_GET);
  for (const element of data['TransactItems'] as Json[]) {
    const get = element['Get'] as Json;
    checkValues(get['Key']);
    checkMixing('GetItem', get);
  }
  return data as unknown as TransactGetItemsInput; // every member checked against TRANSACT_GET above
}
