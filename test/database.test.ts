import { describe, expect, it, vi } from 'vitest';
import { Database } from '../engine/database.js';
import { Background } from '../engine/lsm/background.js';
import { ManualClock } from '../engine/util/clock.js';
import { SeededRandom } from '../engine/util/random.js';
import { FaultFileSystem } from '../engine/vfs/fault.js';

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

describe('Database status delays', () => {
  it('ends CREATING on time for data calls, with no control-plane call in between', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const db = await Database.open({ clock, tableStatusDelayMs: 500, ttlSweepIntervalMs: 0 });
    await db.createTable({
      TableName: 'Later',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const put = { TableName: 'Later', Item: { pk: { S: 'a' } } };
    await expect(db.putItem(put)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    clock.advance(500);
    await db.putItem(put); // no describeTable needed
    await db.deleteTable({ TableName: 'Later' });
    expect((await db.getItem({ TableName: 'Later', Key: { pk: { S: 'a' } } })).Item).toEqual({ pk: { S: 'a' } }); // DELETING still serves
    clock.advance(500);
    await expect(db.getItem({ TableName: 'Later', Key: { pk: { S: 'a' } } })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await db.close();
  });
});

describe('Database recovery of a dropped table', () => {
  it('purges data left by a crash between removing the catalog record and purging', async () => {
    const { MemoryFileSystem } = await import('../engine/vfs/memory.js');
    const { SeededRandom } = await import('../engine/util/random.js');
    const fs = new MemoryFileSystem();
    const env = { fs, clock: new ManualClock(1_700_000_000_000), random: new SeededRandom(1) };
    let db = await Database.open({ path: '/db', env, ttlSweepIntervalMs: 0 });
    await db.createTable({
      TableName: 'Gone',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    for (let i = 0; i < 20; i++) await db.putItem({ TableName: 'Gone', Item: { pk: { S: `k${i}` } } });
    // Simulate the crash window: the catalog record is gone, the data is not.
    const context = (db as unknown as { context: { catalog: { remove(name: string): Promise<void> } } }).context;
    await context.catalog.remove('Gone');
    const keysOfTable1 = (): number => [...db.store.scan({ gte: new Uint8Array([0, 0, 0, 1]), lt: new Uint8Array([0, 0, 0, 2]) })].length;
    expect(keysOfTable1()).toBe(20);
    await db.close();
    db = await Database.open({ path: '/db', env, ttlSweepIntervalMs: 0 });
    expect(keysOfTable1()).toBe(0);
    await db.close();
  });
});

describe('Database and the write-ahead log', () => {
  it('keeps none in a memory file system of its own, and one on a path or a given file system', async () => {
    const own = await Database.open();
    const given = await Database.open({ env: { fs: new FaultFileSystem(), clock: new ManualClock(0), random: new SeededRandom(1) } });
    for (const database of [own, given]) {
      await database.createTable({ TableName: 'wal', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
      await database.putItem({ TableName: 'wal', Item: { id: { S: 'a' } } });
    }
    expect(own.store.stats().counters.walBytes).toBe(0);
    expect(given.store.stats().counters.walBytes).toBeGreaterThan(0);
    await own.close();
    await given.close();
  });

  it('does not flush its own memory at close: no one could ever read the table', async () => {
    const own = await Database.open({ capacity: 'unlimited' });
    await own.createTable({ TableName: 'gone', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
    for (let i = 0; i < 100; i++) await own.putItem({ TableName: 'gone', Item: { id: { S: `item${i}` } } });
    const flushNow = vi.spyOn(Background.prototype, 'flushNow');
    try {
      await own.close();
      expect(flushNow).not.toHaveBeenCalled();
    } finally {
      flushNow.mockRestore();
    }
  });
});
