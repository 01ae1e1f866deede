import { describe, expect, it } from 'vitest';
import { validateTransactGetItemsRequest, validateTransactWriteItemsRequest } from '../../../engine/table/request-validation.js';
import { EMPTY_VALUE_MESSAGE } from '../../../engine/model/validate.js';
import { ITEM_SIZE_MESSAGE } from '../../../engine/model/item-size.js';
import { constraint, constraints, validation } from './helpers.js';

const KEY = { id: { S: 'a' } };

describe('TransactWriteItems', () => {
  it('accepts each action kind and resolves table ARNs', () => {
    const request = validateTransactWriteItemsRequest({
      ClientRequestToken: 'token-1',
      TransactItems: [
        { Put: { TableName: 'arn:aws:dynamodb:us-east-1:000000000000:table/abc', Item: { id: { N: '1.0' } } } },
        { Update: { TableName: 'abc', Key: KEY, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': { N: '1' } } } },
        { Delete: { TableName: 'abc', Key: { id: { S: 'b' } } } },
        { ConditionCheck: { TableName: 'abc', Key: { id: { S: 'c' } }, ConditionExpression: 'attribute_exists(id)' } },
      ],
    });
    expect(request.TransactItems[0]).toStrictEqual({ Put: { TableName: 'abc', Item: { id: { N: '1' } } } });
    expect(request.ClientRequestToken).toBe('token-1');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no TransactItems', {}, constraints(constraint(null, 'transactItems', 'Member must not be null'))],
    ['empty TransactItems', { TransactItems: [] }, constraints(constraint('[]', 'transactItems', 'Member must have length greater than or equal to 1'))],
    [
      'a token over 36 characters',
      { ClientRequestToken: 'x'.repeat(37), TransactItems: [{ Delete: { TableName: 'abc', Key: KEY } }] },
      constraints(constraint('x'.repeat(37), 'clientRequestToken', 'Member must have length less than or equal to 36')),
    ],
    [
      'members missing inside actions',
      { TransactItems: [{ Update: { Key: KEY } }, { ConditionCheck: { TableName: 'ab', Key: KEY } }] },
      constraints(
        constraint(null, 'transactItems.1.member.update.tableName', 'Member must not be null'),
        constraint(null, 'transactItems.1.member.update.updateExpression', 'Member must not be null'),
        constraint('ab', 'transactItems.2.member.conditionCheck.tableName', 'Member must have length greater than or equal to 3'),
        constraint(null, 'transactItems.2.member.conditionCheck.conditionExpression', 'Member must not be null'),
      ),
    ],
    [
      'a bad ReturnValuesOnConditionCheckFailure',
      { TransactItems: [{ Put: { TableName: 'abc', Item: KEY, ReturnValuesOnConditionCheckFailure: 'ALL_NEW' } }] },
      constraints(constraint('ALL_NEW', 'transactItems.1.member.put.returnValuesOnConditionCheckFailure', 'Member must satisfy enum value set: [ALL_OLD, NONE]')),
    ],
    ['an element with no action', { TransactItems: [{}] }, 'The action or operation requested is invalid. Verify that the action is typed correctly.'],
    ['an element with two actions', { TransactItems: [{ Put: { TableName: 'abc', Item: KEY }, Delete: { TableName: 'abc', Key: KEY } }] }, 'TransactItems can only contain one of Check, Put, Update or Delete'],
    ['a bad item value', { TransactItems: [{ Put: { TableName: 'abc', Item: { a: {} } } }] }, EMPTY_VALUE_MESSAGE],
    ['an item over 400 KB', { TransactItems: [{ Put: { TableName: 'abc', Item: { a: { S: 'x'.repeat(400 * 1024) } } } }] }, ITEM_SIZE_MESSAGE],
    ['a bad key value', { TransactItems: [{ Delete: { TableName: 'abc', Key: { id: { N: '' } } } }] }, 'The parameter cannot be converted to a numeric value'],
    [
      'names without an expression',
      { TransactItems: [{ Delete: { TableName: 'abc', Key: KEY, ExpressionAttributeNames: { '#a': 'a' } } }] },
      'ExpressionAttributeNames can only be specified when using expressions',
    ],
    [
      'actions are checked in order',
      { TransactItems: [{ Delete: { TableName: 'abc', Key: { id: {} } } }, {}] },
      EMPTY_VALUE_MESSAGE,
    ],
  ])('%s', (_name, request, message) => {
    validation(() => validateTransactWriteItemsRequest(request), message);
  });

  it('accepts 100 actions and refuses 101', () => {
    const actions = (count: number) => Array.from({ length: count }, (_, i) => ({ Delete: { TableName: 'abc', Key: { id: { N: String(i) } } } }));
    expect(() => validateTransactWriteItemsRequest({ TransactItems: actions(100) })).not.toThrow();
    const error = (() => {
      try {
        validateTransactWriteItemsRequest({ TransactItems: actions(101) });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('accepted');
    })();
    expect(error.message).toMatch(/^1 validation error detected: Value '\[.*\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/);
  });
});

describe('TransactGetItems', () => {
  it('accepts', () => {
    expect(validateTransactGetItemsRequest({ TransactItems: [{ Get: { TableName: 'abc', Key: KEY, ProjectionExpression: 'a' } }] })).toStrictEqual({
      TransactItems: [{ Get: { Key: KEY, TableName: 'abc', ProjectionExpression: 'a' } }],
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an element without Get', { TransactItems: [{}] }, constraints(constraint(null, 'transactItems.1.member.get', 'Member must not be null'))],
    ['a Get without key', { TransactItems: [{ Get: { TableName: 'abc' } }] }, constraints(constraint(null, 'transactItems.1.member.get.key', 'Member must not be null'))],
    ['a bad key value', { TransactItems: [{ Get: { TableName: 'abc', Key: { id: { SS: ['a', 'a'] } } } }] }, 'One or more parameter values were invalid: Input collection [a, a] contains duplicates.'],
    ['names without a projection', { TransactItems: [{ Get: { TableName: 'abc', Key: KEY, ExpressionAttributeNames: { '#a': 'a' } } }] }, 'ExpressionAttributeNames can only be specified when using expressions'],
  ])('%s', (_name, request, message) => {
    validation(() => validateTransactGetItemsRequest(request), message);
  });
});
