import { describe, expect, it } from 'vitest';
import { validateQueryRequest, validateScanRequest } from '../../../engine/table/request-validation.js';
import { EMPTY_VALUE_MESSAGE } from '../../../engine/model/validate.js';
import { constraint, constraints, serialization, validation } from './helpers.js';

const INVALID = 'One or more parameter values were invalid: ';
const KCE = { KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: 'a' } } };

describe('Query', () => {
  it('accepts and normalises', () => {
    expect(
      validateQueryRequest({ TableName: 'abc', ...KCE, Limit: 10, ScanIndexForward: false, ExclusiveStartKey: { id: { N: '1.50' } }, IndexName: 'byDate' }),
    ).toStrictEqual({
      Limit: 10,
      ExclusiveStartKey: { id: { N: '1.5' } },
      TableName: 'abc',
      IndexName: 'byDate',
      ScanIndexForward: false,
      KeyConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':id': { S: 'a' } },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'Limit 0, bad Select, bad index name, in spec order',
      { TableName: 'abc', ...KCE, Limit: 0, Select: 'SOME', IndexName: 'a$' },
      constraints(
        constraint('0', 'limit', 'Member must have value greater than or equal to 1'),
        constraint('SOME', 'select', 'Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]'),
        constraint('a$', 'indexName', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+'),
        constraint('a$', 'indexName', 'Member must have length greater than or equal to 3'),
      ),
    ],
    [
      'a KeyConditions entry without an operator',
      { TableName: 'abc', KeyConditions: { id: { AttributeValueList: [{ S: 'a' }] } } },
      constraints(constraint(null, 'keyConditions.id.member.comparisonOperator', 'Member must not be null')),
    ],
    ['no key condition at all', { TableName: 'abc' }, 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.'],
    [
      'mixing QueryFilter with FilterExpression',
      { TableName: 'abc', ...KCE, QueryFilter: { a: { ComparisonOperator: 'NULL' } }, FilterExpression: 'a = :id' },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {FilterExpression, KeyConditionExpression}',
    ],
    [
      'a QueryFilter with a wrong argument count',
      { TableName: 'abc', KeyConditions: { id: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } }, QueryFilter: { a: { ComparisonOperator: 'EQ' } } },
      `${INVALID}Invalid number of argument(s) for the EQ ComparisonOperator`,
    ],
    [
      'QueryFilter with only KeyConditionExpression',
      { TableName: 'abc', KeyConditionExpression: 'x', QueryFilter: { a: { ComparisonOperator: 'GT', AttributeValueList: [{ BOOL: true }] } } },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {KeyConditionExpression}',
    ],
    [
      'a filter value check before AttributesToGet duplicates',
      { TableName: 'abc', KeyConditions: { id: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } }, QueryFilter: { a: { ComparisonOperator: 'GT', AttributeValueList: [{ BOOL: true }] } }, AttributesToGet: ['a', 'a'] },
      `${INVALID}ComparisonOperator GT is not valid for BOOL AttributeValue type`,
    ],
    [
      'AttributesToGet duplicates',
      { TableName: 'abc', KeyConditions: { id: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } }, AttributesToGet: ['a', 'a'] },
      `${INVALID}Duplicate value in attribute name: a`,
    ],
    ['a bad ExclusiveStartKey value', { TableName: 'abc', ...KCE, ExclusiveStartKey: { id: {} } }, `The provided starting key is invalid: ${EMPTY_VALUE_MESSAGE}`],
    [
      'the start key before the missing key condition',
      { TableName: 'abc', ExclusiveStartKey: { id: { N: 'x' } } },
      'The provided starting key is invalid: The parameter cannot be converted to a numeric value: x',
    ],
    [
      'three KeyConditions',
      {
        TableName: 'abc',
        KeyConditions: {
          a: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] },
          b: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] },
          c: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] },
        },
      },
      'Conditions can be of length 1 or 2 only',
    ],
    [
      'a KeyConditions BETWEEN with reversed bounds',
      { TableName: 'abc', KeyConditions: { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '2' }, { N: '1' }] } } },
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound',
    ],
    ['Select ALL_ATTRIBUTES with a projection', { TableName: 'abc', ...KCE, Select: 'ALL_ATTRIBUTES', ProjectionExpression: 'a' }, 'Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES'],
    [
      'Select ALL_PROJECTED_ATTRIBUTES with AttributesToGet',
      { TableName: 'abc', KeyConditions: { id: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } }, Select: 'ALL_PROJECTED_ATTRIBUTES', AttributesToGet: ['a'] },
      'Cannot specify the AttributesToGet when choosing to get ALL_PROJECTED_ATTRIBUTES',
    ],
    ['Select COUNT with a projection', { TableName: 'abc', ...KCE, Select: 'COUNT', ProjectionExpression: 'a' }, 'Cannot specify the ProjectionExpression when choosing to get only the Count'],
    ['ALL_PROJECTED_ATTRIBUTES on the table', { TableName: 'abc', ...KCE, Select: 'ALL_PROJECTED_ATTRIBUTES' }, 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName'],
  ])('%s', (_name, request, message) => {
    validation(() => validateQueryRequest(request), message);
  });

  it('KeyConditions may accompany expressions other than KeyConditionExpression', () => {
    expect(() =>
      validateQueryRequest({ TableName: 'abc', KeyConditions: { id: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } }, FilterExpression: 'b = :b', ExpressionAttributeValues: { ':b': { S: 'x' } } }),
    ).not.toThrow();
  });

  it('Limit must be an integer on the wire', () => {
    serialization(() => validateQueryRequest({ TableName: 'abc', ...KCE, Limit: '5' }), 'class java.lang.String can not be converted to an Integer');
  });
});

describe('Scan', () => {
  it('accepts a parallel scan', () => {
    expect(validateScanRequest({ TableName: 'abc', Segment: 3, TotalSegments: 4, ConsistentRead: true })).toStrictEqual({
      Segment: 3,
      TotalSegments: 4,
      TableName: 'abc',
      ConsistentRead: true,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'segment bounds',
      { TableName: 'abc', Segment: -1, TotalSegments: 1_000_001 },
      constraints(
        constraint('-1', 'segment', 'Member must have value greater than or equal to 0'),
        constraint('1000001', 'totalSegments', 'Member must have value less than or equal to 1000000'),
      ),
    ],
    [
      'Segment over its maximum, TotalSegments 0',
      { TableName: 'abc', Segment: 1_000_000, TotalSegments: 0 },
      constraints(
        constraint('1000000', 'segment', 'Member must have value less than or equal to 999999'),
        constraint('0', 'totalSegments', 'Member must have value greater than or equal to 1'),
      ),
    ],
    ['Segment without TotalSegments', { TableName: 'abc', Segment: 1 }, 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present'],
    ['TotalSegments without Segment', { TableName: 'abc', TotalSegments: 2 }, 'The Segment parameter is required but was not present in the request when parameter TotalSegments is present'],
    [
      'Segment not below TotalSegments',
      { TableName: 'abc', Segment: 5, TotalSegments: 4 },
      'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 4',
    ],
    [
      'mixing ScanFilter with ProjectionExpression',
      { TableName: 'abc', ScanFilter: { a: { ComparisonOperator: 'NULL' } }, ProjectionExpression: 'a' },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {ProjectionExpression}',
    ],
    [
      'values with only a projection',
      { TableName: 'abc', ProjectionExpression: 'a', ExpressionAttributeValues: { ':a': { S: 'x' } } },
      'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null',
    ],
    ['AttributesToGet duplicates before the filter', { TableName: 'abc', AttributesToGet: ['a', 'a'], ScanFilter: { a: { ComparisonOperator: 'EQ' } } }, `${INVALID}Duplicate value in attribute name: a`],
    ['a ScanFilter IN without values', { TableName: 'abc', ScanFilter: { a: { ComparisonOperator: 'IN' } } }, `${INVALID}Invalid number of argument(s) for the IN ComparisonOperator`],
    ['a bad start key', { TableName: 'abc', ExclusiveStartKey: { a: { S: 'x', N: '1' } } }, 'The provided starting key is invalid: Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes'],
    ['Select COUNT with AttributesToGet', { TableName: 'abc', Select: 'COUNT', AttributesToGet: ['a'] }, 'Cannot specify the AttributesToGet when choosing to get only the Count'],
  ])('%s', (_name, request, message) => {
    validation(() => validateScanRequest(request), message);
  });

  it('a Segment of 0 alone is rejected: each of Segment and TotalSegments requires the other', () => {
    validation(
      () => validateScanRequest({ TableName: 'abc', Segment: 0 }),
      'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
    );
  });
});
