import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { item as itemArbitrary } from '../../model/arbitraries.js';
import { validateItem } from '../../../engine/model/validate.js';
import {
  validateDeleteItemRequest,
  validateGetItemRequest,
  validatePutItemRequest,
  validateUpdateItemRequest,
} from '../../../engine/table/request-validation.js';
import { EMPTY_VALUE_MESSAGE, MULTIPLE_TYPES_MESSAGE } from '../../../engine/model/validate.js';
import { ITEM_SIZE_MESSAGE } from '../../../engine/model/item-size.js';
import { constraint, constraints, serialization, validation } from './helpers.js';

const INVALID = 'One or more parameter values were invalid: ';
const NAME_RULE = 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+';
const KEY = { id: { S: 'a' } };

describe('PutItem', () => {
  const put = (request: Record<string, unknown>) => () => validatePutItemRequest(request);

  it('accepts and normalises a request', () => {
    const request = validatePutItemRequest({
      TableName: 'Music',
      Item: { id: { S: 'a' }, n: { N: '1e2' } },
      ReturnValues: 'ALL_OLD',
      ReturnConsumedCapacity: 'TOTAL',
      ConditionExpression: 'attribute_not_exists(id)',
      Unknown: 1,
    });
    expect(request).toStrictEqual({
      ReturnConsumedCapacity: 'TOTAL',
      TableName: 'Music',
      Item: { id: { S: 'a' }, n: { N: '100' } },
      ReturnValues: 'ALL_OLD',
      ConditionExpression: 'attribute_not_exists(id)',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing everything', {}, constraints(constraint(null, 'tableName', 'Member must not be null'), constraint(null, 'item', 'Member must not be null'))],
    [
      'short table name and bad enums, in spec order',
      { TableName: 'ab', Item: KEY, ReturnConsumedCapacity: 'ALL', ReturnValues: 'SOME', ReturnItemCollectionMetrics: 'X' },
      constraints(
        constraint('ALL', 'returnConsumedCapacity', 'Member must satisfy enum value set: [INDEXES, TOTAL, NONE]'),
        constraint('ab', 'tableName', 'Member must have length greater than or equal to 3'),
        constraint('SOME', 'returnValues', 'Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]'),
        constraint('X', 'returnItemCollectionMetrics', 'Member must satisfy enum value set: [SIZE, NONE]'),
      ),
    ],
    [
      'a table name breaking pattern and length',
      { TableName: 'a!', Item: KEY },
      constraints(constraint('a!', 'tableName', NAME_RULE), constraint('a!', 'tableName', 'Member must have length greater than or equal to 3')),
    ],
    [
      'an over-long table name',
      { TableName: 'a'.repeat(256), Item: KEY },
      constraints(constraint('a'.repeat(256), 'tableName', 'Member must have length less than or equal to 255')),
    ],
    [
      'a bad ConditionalOperator and ComparisonOperator',
      { TableName: 'abc', Item: KEY, ConditionalOperator: 'XOR', Expected: { a: { ComparisonOperator: 'LIKE' } } },
      constraints(
        constraint('XOR', 'conditionalOperator', 'Member must satisfy enum value set: [OR, AND]'),
        constraint(
          'LIKE',
          'expected.a.member.comparisonOperator',
          'Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]',
        ),
      ),
    ],
    [
      'a bad ReturnValuesOnConditionCheckFailure',
      { TableName: 'abc', Item: KEY, ReturnValuesOnConditionCheckFailure: 'ALL_NEW' },
      constraints(constraint('ALL_NEW', 'returnValuesOnConditionCheckFailure', 'Member must satisfy enum value set: [ALL_OLD, NONE]')),
    ],
    [
      'mixing Expected with ConditionExpression (before the item values)',
      { TableName: 'abc', Item: { a: {} }, Expected: { a: { Exists: false } }, ConditionExpression: 'a = :a' },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}',
    ],
    [
      'names without an expression',
      { TableName: 'abc', Item: KEY, ExpressionAttributeNames: { '#a': 'a' } },
      'ExpressionAttributeNames can only be specified when using expressions',
    ],
    [
      'values without an expression',
      { TableName: 'abc', Item: KEY, ExpressionAttributeValues: { ':a': { S: 'a' } } },
      'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null',
    ],
    ['an empty attribute value', { TableName: 'abc', Item: { a: {} } }, EMPTY_VALUE_MESSAGE],
    ['two types in one value', { TableName: 'abc', Item: { a: { S: 'x', N: '1' } } }, MULTIPLE_TYPES_MESSAGE],
    ['a bad number', { TableName: 'abc', Item: { a: { N: 'abc' } } }, 'The parameter cannot be converted to a numeric value: abc'],
    ['ReturnValues other than ALL_OLD/NONE', { TableName: 'abc', Item: KEY, ReturnValues: 'ALL_NEW' }, 'ReturnValues can only be ALL_OLD or NONE'],
    ['an item over 400 KB', { TableName: 'abc', Item: { id: { S: 'a'.repeat(400 * 1024) } } }, ITEM_SIZE_MESSAGE],
    [
      'ReturnValues before the item size',
      { TableName: 'abc', Item: { id: { S: 'a'.repeat(400 * 1024) } }, ReturnValues: 'UPDATED_NEW' },
      'ReturnValues can only be ALL_OLD or NONE',
    ],
    [
      'the item size before Expected',
      { TableName: 'abc', Item: { id: { S: 'a'.repeat(400 * 1024) } }, Expected: { a: {} } },
      ITEM_SIZE_MESSAGE,
    ],
    [
      'Expected Value with Exists false',
      { TableName: 'abc', Item: KEY, Expected: { a: { Exists: false, Value: { S: 'x' } } } },
      `${INVALID}Value cannot be used when Exists is false for Attribute: a`,
    ],
    [
      'Expected without Value',
      { TableName: 'abc', Item: KEY, Expected: { a: {} } },
      `${INVALID}Value must be provided when Exists is null for Attribute: a`,
    ],
    [
      'Expected with a wrong argument count',
      { TableName: 'abc', Item: KEY, Expected: { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }] } } },
      `${INVALID}Invalid number of argument(s) for the BETWEEN ComparisonOperator`,
    ],
    [
      'an invalid value inside Expected',
      { TableName: 'abc', Item: KEY, Expected: { a: { Value: { NULL: false } } } },
      `${INVALID}Null attribute value types must have the value of true`,
    ],
  ])('%s', (_name, request, message) => {
    validation(put(request), message);
  });

  it('a bad item value waits until the constraints and the mixing rule have passed', () => {
    validation(put({ TableName: 'a', Item: { a: {} } }), constraints(constraint('a', 'tableName', 'Member must have length greater than or equal to 3')));
  });

  it('a wrong JSON type anywhere is a SerializationException first', () => {
    serialization(put({ TableName: 'a', Item: [] }), 'Start of list found where not expected');
    serialization(put({ TableName: 'abc', Item: KEY, ReturnValues: 1 }), 'class java.lang.Short can not be converted to an String');
  });

  it('an invalid ExpressionAttributeValues value is left for ExpressionContext to report', () => {
    const request = validatePutItemRequest({
      TableName: 'abc',
      Item: KEY,
      ConditionExpression: 'a = :a',
      ExpressionAttributeValues: { ':a': { N: 'x' }, ':b': { N: '01' } },
    });
    expect(request.ExpressionAttributeValues).toStrictEqual({ ':a': { N: 'x' }, ':b': { N: '1' } });
  });

  it('property: any valid item is accepted and normalised exactly as the model normalises it', () => {
    fc.assert(
      fc.property(itemArbitrary, (item) => {
        const request = validatePutItemRequest({ TableName: 'abc', Item: item, ReturnConsumedCapacity: 'NONE' });
        expect(request.Item).toStrictEqual(validateItem(item));
        expect(request.TableName).toBe('abc');
      }),
    );
  });

  it('the 400 KB bound is inclusive', () => {
    expect(() => validatePutItemRequest({ TableName: 'abc', Item: { id: { S: 'a'.repeat(400 * 1024 - 2) } } })).not.toThrow();
  });
});

describe('GetItem', () => {
  it('accepts and normalises', () => {
    expect(validateGetItemRequest({ TableName: 'abc', Key: { id: { N: '1.0' } }, ConsistentRead: 'true', AttributesToGet: ['a'] })).toStrictEqual({
      AttributesToGet: ['a'],
      TableName: 'abc',
      Key: { id: { N: '1' } },
      ConsistentRead: true,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no key', { TableName: 'abc' }, constraints(constraint(null, 'key', 'Member must not be null'))],
    ['empty AttributesToGet', { TableName: 'abc', Key: KEY, AttributesToGet: [] }, constraints(constraint('[]', 'attributesToGet', 'Member must have length greater than or equal to 1'))],
    [
      'mixing',
      { TableName: 'abc', Key: KEY, AttributesToGet: ['a'], ProjectionExpression: 'a' },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
    ],
    ['a bad key value', { TableName: 'abc', Key: { id: { SS: [] } } }, `${INVALID}An string set  may not be empty`],
    ['duplicate AttributesToGet', { TableName: 'abc', Key: KEY, AttributesToGet: ['a', 'b', 'a'] }, `${INVALID}Duplicate value in attribute name: a`],
  ])('%s', (_name, request, message) => {
    validation(() => validateGetItemRequest(request), message);
  });
});

describe('DeleteItem', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['no key', { TableName: 'abc' }, constraints(constraint(null, 'key', 'Member must not be null'))],
    ['ReturnValues ALL_NEW', { TableName: 'abc', Key: KEY, ReturnValues: 'ALL_NEW' }, 'ReturnValues can only be ALL_OLD or NONE'],
    ['a bad key value before ReturnValues', { TableName: 'abc', Key: { id: {} }, ReturnValues: 'ALL_NEW' }, EMPTY_VALUE_MESSAGE],
    [
      'Exists with ComparisonOperator',
      { TableName: 'abc', Key: KEY, Expected: { a: { Exists: true, ComparisonOperator: 'NULL' } } },
      `${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: a`,
    ],
  ])('%s', (_name, request, message) => {
    validation(() => validateDeleteItemRequest(request), message);
  });

  it('accepts ALL_OLD', () => {
    expect(validateDeleteItemRequest({ TableName: 'abc', Key: KEY, ReturnValues: 'ALL_OLD' }).ReturnValues).toBe('ALL_OLD');
  });
});

describe('UpdateItem', () => {
  it('accepts every ReturnValues', () => {
    for (const returnValues of ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']) {
      expect(validateUpdateItemRequest({ TableName: 'abc', Key: KEY, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': { S: 'x' } }, ReturnValues: returnValues }).ReturnValues).toBe(returnValues);
    }
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a bad Action',
      { TableName: 'abc', Key: KEY, AttributeUpdates: { a: { Action: 'REPLACE' } } },
      constraints(constraint('REPLACE', 'attributeUpdates.a.member.action', 'Member must satisfy enum value set: [ADD, PUT, DELETE]')),
    ],
    [
      'mixing AttributeUpdates with UpdateExpression',
      { TableName: 'abc', Key: KEY, AttributeUpdates: { a: { Action: 'DELETE' } }, UpdateExpression: 'REMOVE a' },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}',
    ],
    [
      'values without an expression that can use them',
      { TableName: 'abc', Key: KEY, ExpressionAttributeValues: { ':a': { S: 'x' } } },
      'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null',
    ],
    ['PUT without a value', { TableName: 'abc', Key: KEY, AttributeUpdates: { a: { Action: 'PUT' } } }, `${INVALID}Only DELETE action is allowed when no attribute value is specified`],
    [
      'DELETE with a scalar',
      { TableName: 'abc', Key: KEY, AttributeUpdates: { a: { Action: 'DELETE', Value: { S: 'x' } } } },
      `${INVALID}DELETE action with value is not supported for the type S`,
    ],
    ['ADD with a string', { TableName: 'abc', Key: KEY, AttributeUpdates: { a: { Action: 'ADD', Value: { S: 'x' } } } }, `${INVALID}ADD action is not supported for the type S`],
    [
      'per attribute: the first attribute\'s rule before the second\'s value',
      { TableName: 'abc', Key: KEY, AttributeUpdates: { a: { Action: 'PUT' }, b: { Value: {} } } },
      `${INVALID}Only DELETE action is allowed when no attribute value is specified`,
    ],
    ['an update value', { TableName: 'abc', Key: KEY, AttributeUpdates: { b: { Value: { NS: ['1', '1.0'] } } } }, 'Input collection contains duplicates'],
  ])('%s', (_name, request, message) => {
    validation(() => validateUpdateItemRequest(request), message);
  });
});
