/**
 * The http campaign's fixture and its base requests: one well-formed request per operation, each
 * built so that NO mutation the campaign applies to it can change the database. Two kinds:
 *
 *   inert  reads of the fixture, or writes to a table that does not exist (and CreateTable of a
 *          table that does): whatever a mutation removes, nulls or retypes, the request either is
 *          rejected or still cannot write. Every mutation kind applies.
 *   live   writes to the fixture table that cannot take effect as sent (a failing condition, deletes
 *          of absent keys): only mutations that make the request malformed (wrong JSON types,
 *          unknown members, hostile strings away from table names) apply, since removing a
 *          ConditionExpression would make the write real.
 *
 * `outcome` is what the unmutated base gets: 'OK' (HTTP 200) or a DynamoDB error name (HTTP 400).
 */
import type * as sdk from '@aws-sdk/client-dynamodb';
import type { Database } from '../../engine/database.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface BaseRequest {
  name: string;
  /** X-Amz-Target operation. */
  operation: string;
  kind: 'inert' | 'live';
  body: Json;
  outcome: string;
  /** Paths (member names joined with '.') hostile strings must not replace (they could name a real table). */
  protectedPaths?: string[];
}

export const FIXTURE_TABLE = 'items';
/** A second, empty fixture table with binary partition and string sort keys (for key-size bounds). */
export const PAIRS_TABLE = 'pairs';
export const MISSING_TABLE = 'missing_table';
export const FIXTURE_ARN = `arn:aws:dynamodb:us-east-1:000000000000:table/${FIXTURE_TABLE}`;
export const MISSING_ARN = `arn:aws:dynamodb:us-east-1:000000000000:table/${MISSING_TABLE}`;
/** Partition keys of the fixture: p0..p3, each with sort keys 1..3. */
export const FIXTURE_PARTITIONS = 4;

const FIXTURE_SCHEMA: sdk.CreateTableCommandInput = {
  TableName: FIXTURE_TABLE,
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'g', AttributeType: 'S' },
    { AttributeName: 'l', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
  LocalSecondaryIndexes: [{ IndexName: 'byL', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
  BillingMode: 'PAY_PER_REQUEST',
  Tags: [{ Key: 'team', Value: 'silt' }],
};

/** Creates the fixture tables: `items` with TTL on and a dozen items, and an empty `pairs`. */
export async function createFixture(db: Database): Promise<void> {
  await db.createTable(FIXTURE_SCHEMA);
  await db.createTable({
    TableName: PAIRS_TABLE,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'B' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await db.updateTimeToLive({ TableName: FIXTURE_TABLE, TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' } });
  for (let p = 0; p < FIXTURE_PARTITIONS; p++) {
    for (let s = 1; s <= 3; s++) {
      await db.putItem({
        TableName: FIXTURE_TABLE,
        Item: { pk: { S: `p${p}` }, sk: { N: String(s) }, g: { S: `g${s}` }, l: { N: String(p * 10 + s) }, a: { N: String(s) }, tags: { SS: ['x', 'y'] }, doc: { M: { lst: { L: [{ N: '1' }, { BOOL: true }, { NULL: true }] } } }, bin: { B: new Uint8Array([p, s]) } },
      });
    }
  }
}

const key = { pk: { S: 'p0' }, sk: { N: '1' } };
const absentKey = { pk: { S: 'zz' }, sk: { N: '9' } };
const richItem: Json = { pk: { S: 'p0' }, sk: { N: '1' }, a: { N: '5' }, tags: { SS: ['x', 'y'] }, nums: { NS: ['1', '2.5'] }, doc: { M: { lst: { L: [{ N: '1' }, { BOOL: true }, { NULL: true }, { S: 's' }] } } }, bin: { B: 'AAE=' }, bins: { BS: ['AAE=', 'AQ=='] } };
const failing = { ConditionExpression: 'attribute_exists(#nope) AND #a > :v', ExpressionAttributeNames: { '#nope': 'nope', '#a': 'a' }, ExpressionAttributeValues: { ':v': { N: '0' } } };

export const BASES: readonly BaseRequest[] = [
  // ---- inert ----
  {
    name: 'PutItem/missing',
    operation: 'PutItem',
    kind: 'inert',
    outcome: 'ResourceNotFoundException',
    body: { TableName: MISSING_TABLE, Item: richItem, ConditionExpression: 'attribute_not_exists(#p) AND #a <> :v', ExpressionAttributeNames: { '#p': 'pk', '#a': 'a' }, ExpressionAttributeValues: { ':v': { N: '5' } }, ReturnValues: 'ALL_OLD', ReturnConsumedCapacity: 'TOTAL', ReturnItemCollectionMetrics: 'SIZE', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
  },
  {
    name: 'UpdateItem/missing',
    operation: 'UpdateItem',
    kind: 'inert',
    outcome: 'ResourceNotFoundException',
    body: { TableName: MISSING_TABLE, Key: key, UpdateExpression: 'SET #a = :v, #l = list_append(if_not_exists(#l, :empty), :list) REMOVE c ADD d :n DELETE tags :s', ConditionExpression: '#a BETWEEN :lo AND :hi OR size(#l) < :n', ExpressionAttributeNames: { '#a': 'a', '#l': 'lst' }, ExpressionAttributeValues: { ':v': { S: 'x' }, ':empty': { L: [] }, ':list': { L: [{ N: '1' }] }, ':n': { N: '2' }, ':s': { SS: ['x'] }, ':lo': { N: '1' }, ':hi': { N: '9' } }, ReturnValues: 'UPDATED_NEW' },
  },
  {
    name: 'DeleteItem/missing',
    operation: 'DeleteItem',
    kind: 'inert',
    outcome: 'ResourceNotFoundException',
    body: { TableName: MISSING_TABLE, Key: key, ConditionExpression: 'begins_with(#b, :p) AND contains(tags, :t)', ExpressionAttributeNames: { '#b': 'b' }, ExpressionAttributeValues: { ':p': { S: 'x' }, ':t': { S: 'y' } }, ReturnValues: 'ALL_OLD' },
  },
  { name: 'GetItem', operation: 'GetItem', kind: 'inert', outcome: 'OK', body: { TableName: FIXTURE_TABLE, Key: key, ProjectionExpression: '#a, doc.lst[0], tags', ExpressionAttributeNames: { '#a': 'a' }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' } },
  {
    name: 'Query',
    operation: 'Query',
    kind: 'inert',
    outcome: 'OK',
    body: { TableName: FIXTURE_TABLE, KeyConditionExpression: '#p = :p AND sk BETWEEN :lo AND :hi', FilterExpression: 'attribute_exists(a) AND a IN (:one, :two, :three)', ProjectionExpression: 'pk, sk, a', ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':p': { S: 'p1' }, ':lo': { N: '1' }, ':hi': { N: '3' }, ':one': { N: '1' }, ':two': { N: '2' }, ':three': { N: '3' } }, Limit: 2, ScanIndexForward: false, ExclusiveStartKey: { pk: { S: 'p1' }, sk: { N: '3' } }, ConsistentRead: true, ReturnConsumedCapacity: 'INDEXES' },
  },
  { name: 'Query/index', operation: 'Query', kind: 'inert', outcome: 'OK', body: { TableName: FIXTURE_TABLE, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } }, Select: 'COUNT' } },
  { name: 'Scan', operation: 'Scan', kind: 'inert', outcome: 'OK', body: { TableName: FIXTURE_TABLE, FilterExpression: 'NOT (a < :v) AND size(tags) = :two', ExpressionAttributeValues: { ':v': { N: '2' }, ':two': { N: '2' } }, Segment: 1, TotalSegments: 3, Limit: 5, Select: 'ALL_ATTRIBUTES' } },
  { name: 'BatchGetItem', operation: 'BatchGetItem', kind: 'inert', outcome: 'OK', body: { RequestItems: { [FIXTURE_TABLE]: { Keys: [key, { pk: { S: 'p2' }, sk: { N: '2' } }], ProjectionExpression: 'pk, sk, #a', ExpressionAttributeNames: { '#a': 'a' }, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' } },
  { name: 'BatchWriteItem/missing', operation: 'BatchWriteItem', kind: 'inert', outcome: 'ResourceNotFoundException', body: { RequestItems: { [MISSING_TABLE]: [{ PutRequest: { Item: richItem } }, { DeleteRequest: { Key: { pk: { S: 'p1' }, sk: { N: '1' } } } }] }, ReturnConsumedCapacity: 'TOTAL', ReturnItemCollectionMetrics: 'SIZE' } },
  {
    name: 'TransactWriteItems/missing',
    operation: 'TransactWriteItems',
    kind: 'inert',
    outcome: 'ResourceNotFoundException',
    body: {
      TransactItems: [
        { Put: { TableName: MISSING_TABLE, Item: richItem, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Update: { TableName: MISSING_TABLE, Key: { pk: { S: 'p1' }, sk: { N: '1' } }, UpdateExpression: 'SET a = a + :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
        { Delete: { TableName: MISSING_TABLE, Key: { pk: { S: 'p2' }, sk: { N: '1' } } } },
        { ConditionCheck: { TableName: MISSING_TABLE, Key: { pk: { S: 'p3' }, sk: { N: '1' } }, ConditionExpression: 'attribute_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      ],
      ClientRequestToken: 'fuzz-token-1',
      ReturnConsumedCapacity: 'TOTAL',
    },
  },
  { name: 'TransactGetItems', operation: 'TransactGetItems', kind: 'inert', outcome: 'OK', body: { TransactItems: [{ Get: { TableName: FIXTURE_TABLE, Key: key, ProjectionExpression: 'pk, #a', ExpressionAttributeNames: { '#a': 'a' } } }, { Get: { TableName: FIXTURE_TABLE, Key: absentKey } }] } },
  { name: 'UpdateTable/missing', operation: 'UpdateTable', kind: 'inert', outcome: 'ResourceNotFoundException', body: { TableName: MISSING_TABLE, AttributeDefinitions: [{ AttributeName: 'h', AttributeType: 'S' }], GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byH', KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] } } }], BillingMode: 'PAY_PER_REQUEST' } },
  { name: 'DeleteTable/missing', operation: 'DeleteTable', kind: 'inert', outcome: 'ResourceNotFoundException', body: { TableName: MISSING_TABLE } },
  { name: 'DescribeTable', operation: 'DescribeTable', kind: 'inert', outcome: 'OK', body: { TableName: FIXTURE_TABLE } },
  { name: 'ListTables', operation: 'ListTables', kind: 'inert', outcome: 'OK', body: { Limit: 10, ExclusiveStartTableName: 'aaa' } },
  { name: 'DescribeLimits', operation: 'DescribeLimits', kind: 'inert', outcome: 'OK', body: {} },
  { name: 'UpdateTimeToLive/missing', operation: 'UpdateTimeToLive', kind: 'inert', outcome: 'ResourceNotFoundException', body: { TableName: MISSING_TABLE, TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' } } },
  { name: 'DescribeTimeToLive', operation: 'DescribeTimeToLive', kind: 'inert', outcome: 'OK', body: { TableName: FIXTURE_TABLE } },
  { name: 'TagResource/missing', operation: 'TagResource', kind: 'inert', outcome: 'ResourceNotFoundException', body: { ResourceArn: MISSING_ARN, Tags: [{ Key: 'k', Value: 'v' }] } },
  { name: 'UntagResource/missing', operation: 'UntagResource', kind: 'inert', outcome: 'ResourceNotFoundException', body: { ResourceArn: MISSING_ARN, TagKeys: ['team'] } },
  { name: 'ListTagsOfResource', operation: 'ListTagsOfResource', kind: 'inert', outcome: 'OK', body: { ResourceArn: FIXTURE_ARN } },
  // ---- live ----
  {
    name: 'CreateTable/existing',
    operation: 'CreateTable',
    kind: 'live',
    outcome: 'ResourceInUseException',
    protectedPaths: ['TableName'],
    body: FIXTURE_SCHEMA as unknown as Json,
  },
  { name: 'PutItem/live', operation: 'PutItem', kind: 'live', outcome: 'ConditionalCheckFailedException', body: { TableName: FIXTURE_TABLE, Item: richItem, ...failing, ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
  { name: 'UpdateItem/live', operation: 'UpdateItem', kind: 'live', outcome: 'ConditionalCheckFailedException', body: { TableName: FIXTURE_TABLE, Key: key, UpdateExpression: 'SET #a = :v REMOVE tags', ...failing, ReturnValues: 'ALL_NEW' } },
  { name: 'DeleteItem/live', operation: 'DeleteItem', kind: 'live', outcome: 'ConditionalCheckFailedException', body: { TableName: FIXTURE_TABLE, Key: key, ...failing } },
  { name: 'BatchWriteItem/live', operation: 'BatchWriteItem', kind: 'live', outcome: 'OK', body: { RequestItems: { [FIXTURE_TABLE]: [{ DeleteRequest: { Key: absentKey } }, { DeleteRequest: { Key: { pk: { S: 'zz' }, sk: { N: '8' } } } }] } } },
  {
    name: 'TransactWriteItems/live',
    operation: 'TransactWriteItems',
    kind: 'live',
    outcome: 'TransactionCanceledException',
    body: {
      TransactItems: [
        { Put: { TableName: FIXTURE_TABLE, Item: richItem, ...failing } },
        { Update: { TableName: FIXTURE_TABLE, Key: { pk: { S: 'p1' }, sk: { N: '1' } }, UpdateExpression: 'SET a = a + :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
        { ConditionCheck: { TableName: FIXTURE_TABLE, Key: absentKey, ConditionExpression: 'attribute_exists(pk)' } },
      ],
    },
  },
];
