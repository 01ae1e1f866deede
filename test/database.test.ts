import { describe, expect, it } from 'vitest';
import { Database } from '../engine/database.js';
import { ManualClock } from '../engine/util/clock.js';

async function withTable(): Promise<Database> {
  const db = await Database.open({ clock: new ManualClock(1_700_000_000_000) });
  await db.createTable({
    TableName: 'Music',
    KeySchema: [
      { AttributeName: 'Artist', KeyType: 'HASH' },
      { AttributeName: 'Song', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'Artist', AttributeType: 'S' },
      { AttributeName: 'Song', AttributeType: 'S' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return db;
}

describe('Database items', () => {
  it('puts, gets, updates and deletes with conditions and return values', async () => {
    const db = await withTable();
    const key = { Artist: { S: 'Ada' }, Song: { S: 'One' } };
    await db.putItem({ TableName: 'Music', Item: { ...key, plays: { N: '1' } } });
    expect((await db.getItem({ TableName: 'Music', Key: key })).Item).toEqual({ ...key, plays: { N: '1' } });
    const updated = await db.updateItem({
      TableName: 'Music',
      Key: key,
      UpdateExpression: 'SET plays = plays + :one',
      ConditionExpression: 'attribute_exists(plays)',
      ExpressionAttributeValues: { ':one': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
    });
    expect(updated.Attributes).toEqual({ plays: { N: '2' } });
    await expect(db.putItem({ TableName: 'Music', Item: key, ConditionExpression: 'attribute_not_exists(Artist)' })).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
    });
    const deleted = await db.deleteItem({ TableName: 'Music', Key: key, ReturnValues: 'ALL_OLD', ReturnConsumedCapacity: 'TOTAL' });
    expect(deleted.Attributes).toEqual({ ...key, plays: { N: '2' } });
    expect(deleted.ConsumedCapacity).toEqual({ TableName: 'Music', CapacityUnits: 1, WriteCapacityUnits: 1 });
    expect((await db.getItem({ TableName: 'Music', Key: key })).Item).toBeUndefined();
    await db.close();
  });

  it('serializes conditional writes to one item issued concurrently', async () => {
    const db = await withTable();
    const key = { Artist: { S: 'Ada' }, Song: { S: 'Race' } };
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, () => db.putItem({ TableName: 'Music', Item: key, ConditionExpression: 'attribute_not_exists(Artist)' })),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled').length).toBe(1);
    await db.close();
  });

  it('describes, lists and deletes tables', async () => {
    const db = await withTable();
    const description = (await db.describeTable({ TableName: 'Music' })).Table!;
    expect(description.TableStatus).toBe('ACTIVE');
    expect(description.TableArn).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/Music');
    expect((await db.listTables({})).TableNames).toEqual(['Music']);
    await expect(db.createTable({ TableName: 'Music', KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' })).rejects.toMatchObject({ name: 'ResourceInUseException' });
    await db.deleteTable({ TableName: 'Music' });
    await expect(db.describeTable({ TableName: 'Music' })).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Requested resource not found: Table: Music not found' });
    await db.close();
  });
});

describe('Database eventual consistency option', () => {
  it('serves eventually consistent reads and GSI reads from a lagged view', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const db = await Database.open({ clock, eventualReadLagMs: 1000, indexPropagationLagMs: 5000 });
    await db.createTable({
      TableName: 'Tbl',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'ByG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    clock.advance(10_000);
    await db.putItem({ TableName: 'Tbl', Item: { pk: { S: 'a' }, g: { S: 'x' }, v: { N: '1' } } });
    const eventual = { TableName: 'Tbl', Key: { pk: { S: 'a' } } };
    const gsiQuery = { TableName: 'Tbl', IndexName: 'ByG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } };
    expect((await db.getItem(eventual)).Item).toBeUndefined(); // not yet visible to eventual reads
    expect((await db.getItem({ ...eventual, ConsistentRead: true })).Item?.['v']).toEqual({ N: '1' });
    clock.advance(1000);
    expect((await db.getItem(eventual)).Item?.['v']).toEqual({ N: '1' });
    expect((await db.query(gsiQuery)).Count).toBe(0); // the index still lags
    clock.advance(4000);
    expect((await db.query(gsiQuery)).Count).toBe(1);
    await db.putItem({ TableName: 'Tbl', Item: { pk: { S: 'a' }, g: { S: 'x' }, v: { N: '2' } } });
    expect((await db.getItem(eventual)).Item?.['v']).toEqual({ N: '1' }); // stale, then fresh
    clock.advance(1000);
    expect((await db.getItem(eventual)).Item?.['v']).toEqual({ N: '2' });
    expect((await db.scan({ TableName: 'Tbl', ConsistentRead: true })).Items).toHaveLength(1);
    await db.close();
  });

  it('rejects a negative lag', async () => {
    await expect(Database.open({ eventualReadLagMs: -1 })).rejects.toMatchObject({ code: 'SILT_INVALID_ARGUMENT' });
  });
});
