import { describe, expect, it } from 'vitest';
import {
  tableNameOfResourceArn,
  validateCreateTableRequest,
  validateDeleteTableRequest,
  validateDescribeTableRequest,
  validateDescribeTimeToLiveRequest,
  validateListTablesRequest,
  validateListTagsOfResourceRequest,
  validateTagResourceRequest,
  validateUntagResourceRequest,
  validateUpdateTableRequest,
  validateUpdateTimeToLiveRequest,
} from '../../../engine/table/request-validation.js';
import { constraint, constraints, expectError, serialization, validation } from './helpers.js';

const INVALID = 'One or more parameter values were invalid: ';
const NAME_RULE = 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+';
const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/Music';

describe.each([
  ['DescribeTable', validateDescribeTableRequest],
  ['DeleteTable', validateDeleteTableRequest],
  ['DescribeTimeToLive', validateDescribeTimeToLiveRequest],
])('%s', (_operation, validate) => {
  it('requires TableName, then checks its length alone, then its pattern', () => {
    validation(() => validate({}), "The parameter 'TableName' is required but was not present in the request");
    validation(() => validate({ TableName: 'a!' }), 'TableName must be at least 3 characters long and at most 255 characters long');
    validation(() => validate({ TableName: 'abc!' }), constraints(constraint('abc!', 'tableName', NAME_RULE)));
    serialization(() => validate({ TableName: 5 }), 'class java.lang.Short can not be converted to an String');
  });

  it('accepts a name or a table ARN', () => {
    expect(validate({ TableName: 'Music' })).toStrictEqual({ TableName: 'Music' });
    expect(validate({ TableName: ARN })).toStrictEqual({ TableName: 'Music' });
  });
});

describe('CreateTable', () => {
  it('delegates to the model', () => {
    const schema = validateCreateTableRequest({
      TableName: 'Music',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(schema.tableName).toBe('Music');
    validation(() => validateCreateTableRequest({}), "The parameter 'TableName' is required but was not present in the request");
  });
});

describe('ListTables', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ Limit: 0 }, constraints(constraint('0', 'limit', 'Member must have value greater than or equal to 1'))],
    [{ Limit: 101 }, constraints(constraint('101', 'limit', 'Member must have value less than or equal to 100'))],
    [
      { ExclusiveStartTableName: 'a!', Limit: 500 },
      constraints(
        constraint('500', 'limit', 'Member must have value less than or equal to 100'),
        constraint('a!', 'exclusiveStartTableName', NAME_RULE),
        constraint('a!', 'exclusiveStartTableName', 'Member must have length greater than or equal to 3'),
      ),
    ],
  ])('%j', (request, message) => {
    validation(() => validateListTablesRequest(request), message);
  });

  it('accepts an empty request and the bounds', () => {
    expect(validateListTablesRequest({})).toStrictEqual({});
    expect(validateListTablesRequest({ Limit: 100, ExclusiveStartTableName: 'abc' })).toStrictEqual({ Limit: 100, ExclusiveStartTableName: 'abc' });
  });
});

describe('UpdateTable', () => {
  const ok = { TableName: 'abc', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } };

  it('accepts a throughput change, a GSI create, a billing mode switch', () => {
    expect(validateUpdateTableRequest(ok)).toStrictEqual(ok);
    expect(() =>
      validateUpdateTableRequest({
        TableName: 'abc',
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    ).not.toThrow();
    expect(validateUpdateTableRequest({ TableName: 'abc', BillingMode: 'PAY_PER_REQUEST' }).BillingMode).toBe('PAY_PER_REQUEST');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no TableName', { ProvisionedThroughput: {} }, "The parameter 'TableName' is required but was not present in the request"],
    [
      'throughput members',
      { TableName: 'abc', ProvisionedThroughput: { ReadCapacityUnits: 0 } },
      constraints(
        constraint(null, 'provisionedThroughput.writeCapacityUnits', 'Member must not be null'),
        constraint('0', 'provisionedThroughput.readCapacityUnits', 'Member must have value greater than or equal to 1'),
      ),
    ],
    [
      'GSI update members',
      { TableName: 'abc', GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'x', KeySchema: [{ AttributeName: 'a', KeyType: 'SORT' }] } }, { Delete: {} }] },
      constraints(
        constraint(null, 'globalSecondaryIndexUpdates.1.member.create.projection', 'Member must not be null'),
        constraint('x', 'globalSecondaryIndexUpdates.1.member.create.indexName', 'Member must have length greater than or equal to 3'),
        constraint('SORT', 'globalSecondaryIndexUpdates.1.member.create.keySchema.1.member.keyType', 'Member must satisfy enum value set: [HASH, RANGE]'),
        constraint(null, 'globalSecondaryIndexUpdates.2.member.delete.indexName', 'Member must not be null'),
      ),
    ],
    ['a bad billing mode', { TableName: 'abc', BillingMode: 'FREE' }, constraints(constraint('FREE', 'billingMode', 'Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]'))],
    ['nothing to do', { TableName: 'abc' }, 'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required'],
    ['an empty GSI update list', { TableName: 'abc', GlobalSecondaryIndexUpdates: [] }, 'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required'],
    ['throughput out of bounds', { TableName: 'abc', ProvisionedThroughput: { ReadCapacityUnits: 1e12 + 1, WriteCapacityUnits: 1 } }, 'Given value 1000000000001 for ReadCapacityUnits is out of bounds'],
    ['an empty GSI update', { TableName: 'abc', GlobalSecondaryIndexUpdates: [{}] }, `${INVALID}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`],
    [
      'two actions in one GSI update',
      { TableName: 'abc', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'abc' }, Update: { IndexName: 'abc' } }] },
      `${INVALID}Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object`,
    ],
    [
      'two updates of one index',
      { TableName: 'abc', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'idx' } }, { Update: { IndexName: 'idx' } }] },
      `${INVALID}Only one global secondary index update per index is allowed simultaneously. Index: idx`,
    ],
    [
      'index throughput out of bounds',
      { TableName: 'abc', GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'idx', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1e13 } } }] },
      'Given value 10000000000000 for WriteCapacityUnits is out of bounds for index idx',
    ],
  ])('%s', (_name, request, message) => {
    validation(() => validateUpdateTableRequest(request), message);
  });
});

describe('UpdateTimeToLive', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ TableName: 'abc' }, constraints(constraint(null, 'timeToLiveSpecification', 'Member must not be null'))],
    [
      { TableName: 'abc', TimeToLiveSpecification: {} },
      constraints(constraint(null, 'timeToLiveSpecification.attributeName', 'Member must not be null'), constraint(null, 'timeToLiveSpecification.enabled', 'Member must not be null')),
    ],
    [{ TableName: 'abc', TimeToLiveSpecification: { AttributeName: '', Enabled: true } }, 'TimeToLiveSpecification.AttributeName must be non empty'],
  ])('%j', (request, message) => {
    validation(() => validateUpdateTimeToLiveRequest(request), message);
  });

  it('accepts', () => {
    expect(validateUpdateTimeToLiveRequest({ TableName: ARN, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } })).toStrictEqual({
      TableName: 'Music',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });
});

describe('tags', () => {
  it('TagResource: ARN, then tags', () => {
    validation(() => validateTagResourceRequest({ Tags: [] }), 'Invalid TableArn');
    expectError(
      () => validateTagResourceRequest({ ResourceArn: 'Music', Tags: [] }, 'arn:aws:iam::123:user/me'),
      'AccessDeniedException',
      'User: arn:aws:iam::123:user/me is not authorized to perform: dynamodb:TagResource on resource: Music',
    );
    validation(() => validateTagResourceRequest({ ResourceArn: ARN }), "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
    validation(
      () => validateTagResourceRequest({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:stream/x', Tags: [] }),
      'Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:us-east-1:000000000000:stream/x',
    );
    validation(() => validateTagResourceRequest({ ResourceArn: ARN, Tags: [] }), 'Atleast one Tag needs to be provided as Input.');
    validation(
      () => validateTagResourceRequest({ ResourceArn: ARN, Tags: [{ Key: '', Value: 'v'.repeat(257) }] }),
      constraints(
        constraint('', 'tags.1.member.key', 'Member must have length greater than or equal to 1'),
        constraint('v'.repeat(257), 'tags.1.member.value', 'Member must have length less than or equal to 256'),
      ),
    );
    expect(validateTagResourceRequest({ ResourceArn: ARN, Tags: [{ Key: 'k', Value: '' }] }).Tags).toStrictEqual([{ Key: 'k', Value: '' }]);
  });

  it('UntagResource', () => {
    validation(() => validateUntagResourceRequest({ ResourceArn: ARN }), "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
    validation(() => validateUntagResourceRequest({ ResourceArn: ARN, TagKeys: [] }), 'Atleast one Tag Key needs to be provided as Input.');
    expect(validateUntagResourceRequest({ ResourceArn: ARN, TagKeys: ['k'] }).TagKeys).toStrictEqual(['k']);
  });

  it('ListTagsOfResource', () => {
    validation(() => validateListTagsOfResourceRequest({}), 'Invalid TableArn');
    expectError(
      () => validateListTagsOfResourceRequest({ ResourceArn: '' }),
      'AccessDeniedException',
      'User: arn:aws:iam::000000000000:user/silt is not authorized to perform: dynamodb:ListTagsOfResource on resource: *',
    );
    expect(validateListTagsOfResourceRequest({ ResourceArn: ARN, NextToken: 'n' })).toStrictEqual({ ResourceArn: ARN, NextToken: 'n' });
    expect(tableNameOfResourceArn(ARN)).toBe('Music');
  });
});
