/**
 * Regressions for the bugs the http fuzz campaign (fuzz/http) found, through the embedded Database
 * (the wire passes these requests' JSON through unchanged, so the same errors reach HTTP clients):
 *
 *  1. ExpressionAttributeNames null, or with a null or non-string value: a TypeError (HTTP 500) in
 *     new ExpressionContext on GetItem, UpdateItem, DeleteItem, Query, BatchGetItem, TransactGetItems.
 *  2. BatchGetItem with a null entry in Keys: a TypeError in keyFingerprint.
 *  3. PutItem, GetItem, UpdateItem, DeleteItem and ListTables skipped their request-shape
 *     validation: wrong JSON types, bad table names and over-long attribute names were answered
 *     from the table (200, ResourceNotFound, ConditionalCheckFailed) instead of rejected first.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../engine/database.js';
import { DynamoDBError } from '../../engine/model/errors.js';
import { ManualClock } from '../../engine/util/clock.js';

const TABLE = 'items';
const KEY = { pk: { S: 'p' } };
const EMPTY_NAME = 'ExpressionAttributeNames contains invalid value: Empty attribute name for key #a';
const NAME_TOO_LARGE = '1 validation error detected: Attribute name is too large, must be less than 65536 bytes';

let db: Database;

beforeAll(async () => {
  db = await Database.open({ clock: new ManualClock(1_700_000_000_000), capacity: 'unlimited' });
  await db.createTable({
    TableName: TABLE,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await db.putItem({ TableName: TABLE, Item: { ...KEY, a: { S: 'x' } } });
});

/** The DynamoDB error `call` rejects with, as {name, message}; fails on success or any other error. */
async function errorOf(call: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a DynamoDB error').toBeInstanceOf(DynamoDBError);
  const error = caught as DynamoDBError;
  return { name: error.name, message: error.message };
}

// The SDK input types forbid these shapes; the wire does not.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const raw = (input: Record<string, unknown>): any => input;

describe('1. ExpressionAttributeNames null or with a non-string value', () => {
  it('null map: absent, so the placeholder is undefined (GetItem, UpdateItem, DeleteItem)', async () => {
    const undefinedName = (kind: string) => ({ name: 'ValidationException', message: `Invalid ${kind}: An expression attribute name used in the document path is not defined; attribute name: #a` });
    expect(await errorOf(() => db.getItem(raw({ TableName: TABLE, Key: KEY, ProjectionExpression: '#a', ExpressionAttributeNames: null })))).toStrictEqual(undefinedName('ProjectionExpression'));
    expect(await errorOf(() => db.updateItem(raw({ TableName: TABLE, Key: KEY, UpdateExpression: 'SET #a = :v', ExpressionAttributeNames: null, ExpressionAttributeValues: { ':v': { S: 'y' } } })))).toStrictEqual(undefinedName('UpdateExpression'));
    expect(await errorOf(() => db.deleteItem(raw({ TableName: TABLE, Key: KEY, ConditionExpression: 'attribute_exists(#a)', ExpressionAttributeNames: null })))).toStrictEqual(undefinedName('ConditionExpression'));
    expect(await errorOf(() => db.query(raw({ TableName: TABLE, KeyConditionExpression: '#a = :v', ExpressionAttributeNames: null, ExpressionAttributeValues: { ':v': { S: 'p' } } })))).toStrictEqual(undefinedName('KeyConditionExpression'));
  });

  it('a null value is an empty attribute name, on every operation that takes the map', async () => {
    const empty = { name: 'ValidationException', message: EMPTY_NAME };
    const names = { '#a': null };
    expect(await errorOf(() => db.getItem(raw({ TableName: TABLE, Key: KEY, ProjectionExpression: '#a', ExpressionAttributeNames: names })))).toStrictEqual(empty);
    expect(await errorOf(() => db.updateItem(raw({ TableName: TABLE, Key: KEY, UpdateExpression: 'SET #a = :v', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':v': { S: 'y' } } })))).toStrictEqual(empty);
    expect(await errorOf(() => db.deleteItem(raw({ TableName: TABLE, Key: KEY, ConditionExpression: 'attribute_exists(#a)', ExpressionAttributeNames: names })))).toStrictEqual(empty);
    expect(await errorOf(() => db.query(raw({ TableName: TABLE, KeyConditionExpression: '#a = :v', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':v': { S: 'p' } } })))).toStrictEqual(empty);
    expect(await errorOf(() => db.batchGetItem(raw({ RequestItems: { [TABLE]: { Keys: [KEY], ProjectionExpression: '#a', ExpressionAttributeNames: names } } })))).toStrictEqual(empty);
    expect(await errorOf(() => db.transactGetItems(raw({ TransactItems: [{ Get: { TableName: TABLE, Key: KEY, ProjectionExpression: '#a', ExpressionAttributeNames: names } }] })))).toStrictEqual(empty);
  });

  it('a non-string value is a SerializationException, as for any member of the wrong JSON type', async () => {
    expect(await errorOf(() => db.deleteItem(raw({ TableName: TABLE, Key: KEY, ConditionExpression: 'attribute_exists(#a)', ExpressionAttributeNames: { '#a': ['x'] } })))).toStrictEqual({
      name: 'SerializationException',
      message: 'Start of list found where not expected',
    });
    expect(await errorOf(() => db.getItem(raw({ TableName: TABLE, Key: KEY, ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 5 } })))).toStrictEqual({
      name: 'SerializationException',
      message: 'class java.lang.Short can not be converted to an String',
    });
    // The item is untouched.
    expect((await db.getItem({ TableName: TABLE, Key: KEY })).Item).toStrictEqual({ ...KEY, a: { S: 'x' } });
  });
});

describe('2. BatchGetItem with a null entry in Keys', () => {
  it('is an empty key, rejected before any table is read', async () => {
    expect(await errorOf(() => db.batchGetItem(raw({ RequestItems: { [TABLE]: { Keys: [null, KEY] } } })))).toStrictEqual({
      name: 'ValidationException',
      message: 'The provided key element does not match the schema',
    });
  });
});

describe('3. PutItem, GetItem, UpdateItem, DeleteItem and ListTables validate the request shape first', () => {
  const constraint = (value: string, path: string, text: string) => `1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: ${text}`;

  it('GetItem: a bad table name is a ValidationException, not ResourceNotFound', async () => {
    const pattern = 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+';
    expect(await errorOf(() => db.getItem({ TableName: 'a b', Key: KEY }))).toStrictEqual({ name: 'ValidationException', message: constraint('a b', 'tableName', pattern) });
    expect(await errorOf(() => db.getItem({ TableName: 'tt', Key: KEY }))).toStrictEqual({ name: 'ValidationException', message: constraint('tt', 'tableName', 'Member must have length greater than or equal to 3') });
    const long = 't'.repeat(256);
    expect(await errorOf(() => db.getItem({ TableName: long, Key: KEY }))).toStrictEqual({ name: 'ValidationException', message: constraint(long, 'tableName', 'Member must have length less than or equal to 255') });
  });

  it('wrong JSON types are SerializationExceptions, before the table or the condition', async () => {
    const serialization = (message: string) => ({ name: 'SerializationException', message });
    expect(await errorOf(() => db.putItem(raw({ TableName: TABLE, Item: { ...KEY }, ReturnValues: 5 })))).toStrictEqual(serialization('class java.lang.Short can not be converted to an String'));
    expect(await errorOf(() => db.putItem(raw({ TableName: 'missing', Item: { ...KEY }, ConditionExpression: ['x'] })))).toStrictEqual(serialization('Start of list found where not expected'));
    expect(await errorOf(() => db.getItem(raw({ TableName: TABLE, Key: KEY, ConsistentRead: {} })))).toStrictEqual(serialization('Start of structure or map found where not expected.'));
    expect(await errorOf(() => db.updateItem(raw({ TableName: TABLE, Key: KEY, UpdateExpression: 7 })))).toStrictEqual(serialization('class java.lang.Short can not be converted to an String'));
    expect(await errorOf(() => db.deleteItem(raw({ TableName: TABLE, Key: [KEY] })))).toStrictEqual(serialization('Start of list found where not expected'));
    expect(await errorOf(() => db.listTables(raw({ Limit: 'x' })))).toStrictEqual(serialization('class java.lang.String can not be converted to an Integer'));
    expect(await errorOf(() => db.listTables(raw({ ExclusiveStartTableName: 'a b' })))).toStrictEqual({
      name: 'ValidationException',
      message: constraint('a b', 'exclusiveStartTableName', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+'),
    });
  });

  it('PutItem: an attribute name over 65,535 bytes, at the top or nested, is rejected; 65,535 is accepted', async () => {
    const tooLarge = { name: 'ValidationException', message: NAME_TOO_LARGE };
    expect(await errorOf(() => db.putItem({ TableName: TABLE, Item: { pk: { S: 'n' }, ['n'.repeat(65_536)]: { S: 'v' } } }))).toStrictEqual(tooLarge);
    expect(await errorOf(() => db.putItem({ TableName: TABLE, Item: { pk: { S: 'n' }, doc: { M: { ['é'.repeat(32_768)]: { S: 'v' } } } } }))).toStrictEqual(tooLarge);
    await db.putItem({ TableName: TABLE, Item: { pk: { S: 'n' }, ['n'.repeat(65_535)]: { S: 'v' }, doc: { M: { ['é'.repeat(32_767)]: { S: 'v' } } } } });
    expect((await db.getItem({ TableName: TABLE, Key: { pk: { S: 'n' } } })).Item?.['n'.repeat(65_535)]).toStrictEqual({ S: 'v' });
  });

  it('valid requests still work, normalised as before', async () => {
    await db.putItem({ TableName: TABLE, Item: { pk: { S: 'q' }, n: { N: '1e2' } }, ReturnValues: 'ALL_OLD' });
    expect((await db.getItem({ TableName: TABLE, Key: { pk: { S: 'q' } }, ConsistentRead: true })).Item).toStrictEqual({ pk: { S: 'q' }, n: { N: '100' } });
    const updated = await db.updateItem({ TableName: TABLE, Key: { pk: { S: 'q' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'UPDATED_NEW' });
    expect(updated.Attributes).toStrictEqual({ n: { N: '101' } });
    const deleted = await db.deleteItem({ TableName: TABLE, Key: { pk: { S: 'q' } }, ReturnValues: 'ALL_OLD' });
    expect(deleted.Attributes).toStrictEqual({ pk: { S: 'q' }, n: { N: '101' } });
    expect((await db.listTables({ Limit: 1 })).TableNames).toStrictEqual([TABLE]);
  });
});
