/**
 * PutItem, GetItem, UpdateItem, DeleteItem: request shapes and the table-independent rules, in the
 * service's order (dynalite validations/{putItem,getItem,updateItem,deleteItem}.js):
 *   shape phases (shape.ts) → legacy/expression mixing (checkLegacyMix) → Item/Key values →
 *   ReturnValues (Put/Delete) → item size (Put) → legacy Expected / AttributeUpdates.
 * What needs the table (key schema, index key types, expressions compiled against the key) is the
 * caller's next step; expressions are compiled after this returns, as the service does last.
 *
 * Pure and synchronous.
 */
import { translateAttributeUpdates } from '../../expressions/legacy.js';
import type { AttributeValueUpdate } from '../../expressions/legacy.js';
import { ValidationException } from '../../model/errors.js';
import { checkItemSize } from '../../model/item-size.js';
import {
  attributeMap,
  checkMixing,
  ATTRIBUTES_TO_GET,
  BOOLEAN,
  checkAttributesToGet,
  checkExpected,
  checkValues,
  CONDITIONAL_OPERATOR,
  EXPECTED,
  EXPRESSION_NAMES,
  EXPRESSION_VALUES,
  expressionValues,
  RETURN_CONSUMED_CAPACITY,
  RETURN_ITEM_COLLECTION_METRICS,
  RETURN_VALUES,
  RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
  STRING,
  struct,
  TABLE_NAME,
  VALUE,
} from './common.js';
import { checkShape, requestShape } from './fast-shape.js';
import { Deferred } from './shape.js';
import type { Json } from './shape.js';
import type { DeleteItemInput, GetItemInput, PutItemInput, UpdateItemInput } from './types.js';

// The member tables (in the service's member order) are exported for the fast-path agreement test.
export const PUT_ITEM = requestShape({
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  TableName: TABLE_NAME,
  Item: attributeMap(true),
  ConditionalOperator: CONDITIONAL_OPERATOR,
  Expected: EXPECTED,
  ReturnValues: RETURN_VALUES,
  ReturnItemCollectionMetrics: RETURN_ITEM_COLLECTION_METRICS,
  ConditionExpression: STRING,
  ExpressionAttributeValues: EXPRESSION_VALUES,
  ExpressionAttributeNames: EXPRESSION_NAMES,
  ReturnValuesOnConditionCheckFailure: RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
});

export const GET_ITEM = requestShape({
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  AttributesToGet: ATTRIBUTES_TO_GET,
  TableName: TABLE_NAME,
  Key: attributeMap(true),
  ConsistentRead: BOOLEAN,
  ProjectionExpression: STRING,
  ExpressionAttributeNames: EXPRESSION_NAMES,
});

export const DELETE_ITEM = requestShape({
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  TableName: TABLE_NAME,
  ReturnValues: RETURN_VALUES,
  ReturnItemCollectionMetrics: RETURN_ITEM_COLLECTION_METRICS,
  Key: attributeMap(true),
  ConditionalOperator: CONDITIONAL_OPERATOR,
  Expected: EXPECTED,
  ConditionExpression: STRING,
  ExpressionAttributeValues: EXPRESSION_VALUES,
  ExpressionAttributeNames: EXPRESSION_NAMES,
  ReturnValuesOnConditionCheckFailure: RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
});

export const UPDATE_ITEM = requestShape({
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  TableName: TABLE_NAME,
  ReturnItemCollectionMetrics: RETURN_ITEM_COLLECTION_METRICS,
  ReturnValues: RETURN_VALUES,
  Key: attributeMap(true),
  ConditionalOperator: CONDITIONAL_OPERATOR,
  Expected: EXPECTED,
  AttributeUpdates: {
    type: 'Map',
    member: struct({ Action: { type: 'String', enum: ['ADD', 'PUT', 'DELETE'] }, Value: VALUE }),
  },
  ConditionExpression: STRING,
  UpdateExpression: STRING,
  ExpressionAttributeValues: EXPRESSION_VALUES,
  ExpressionAttributeNames: EXPRESSION_NAMES,
  ReturnValuesOnConditionCheckFailure: RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
});

export const RETURN_VALUES_ALL_OLD_MESSAGE = 'ReturnValues can only be ALL_OLD or NONE';

function checkReturnValuesAllOld(returnValues: unknown): void {
  if (returnValues !== undefined && returnValues !== 'ALL_OLD' && returnValues !== 'NONE') {
    throw new ValidationException(RETURN_VALUES_ALL_OLD_MESSAGE);
  }
}

/** The decoded request with ExpressionAttributeValues ready for ExpressionContext. */
function finish(data: Json): Json {
  const values = expressionValues(data['ExpressionAttributeValues']);
  if (values !== undefined) data['ExpressionAttributeValues'] = values;
  return data;
}

/** A validated PutItem request and its item's size, measured by the size check (putItem bills it). */
export interface CheckedPutItem {
  readonly input: PutItemInput;
  readonly itemSizeBytes: number;
}

export function checkPutItemRequest(input: unknown): CheckedPutItem {
  const data = checkShape(input, PUT_ITEM);
  checkMixing('PutItem', data);
  const item = checkValues(data['Item']);
  checkReturnValuesAllOld(data['ReturnValues']);
  const itemSizeBytes = checkItemSize(item);
  checkExpected(data['Expected'], data['ConditionalOperator']);
  return { input: finish(data) as unknown as PutItemInput, itemSizeBytes }; // every member checked against PUT_ITEM above
}

export function validatePutItemRequest(input: unknown): PutItemInput {
  return checkPutItemRequest(input).input;
}

export function validateGetItemRequest(input: unknown): GetItemInput {
  const data = checkShape(input, GET_ITEM);
  checkMixing('GetItem', data);
  checkValues(data['Key']);
  checkAttributesToGet(data['AttributesToGet']);
  return data as unknown as GetItemInput; // every member checked against GET_ITEM above
}

export function validateDeleteItemRequest(input: unknown): DeleteItemInput {
  const data = checkShape(input, DELETE_ITEM);
  checkMixing('DeleteItem', data);
  checkValues(data['Key']);
  // [UNVERIFIED] position: the fact sheet gives DeleteItem PutItem's rule and message (§3).
  checkReturnValuesAllOld(data['ReturnValues']);
  checkExpected(data['Expected'], data['ConditionalOperator']);
  return finish(data) as unknown as DeleteItemInput; // every member checked against DELETE_ITEM above
}

export function validateUpdateItemRequest(input: unknown): UpdateItemInput {
  const data = checkShape(input, UPDATE_ITEM);
  checkMixing('UpdateItem', data);
  checkValues(data['Key']);
  const updates = data['AttributeUpdates'] as Record<string, Json> | undefined;
  if (updates !== undefined) {
    // Per attribute, as the service: its value, then the action's rules (owned by the translator).
    for (const name of Object.keys(updates)) {
      const update = updates[name]!;
      if (update['Value'] instanceof Deferred) throw update['Value'].error;
      translateAttributeUpdates({ [name]: update as AttributeValueUpdate });
    }
  }
  checkExpected(data['Expected'], data['ConditionalOperator']);
  return finish(data) as unknown as UpdateItemInput; // every member checked against UPDATE_ITEM above
}
