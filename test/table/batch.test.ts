import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { decodeItem } from '../../engine/model/item-codec.js';
import { prefixEnd } from '../../engine/model/storage-key.js';
import type { TableContext } from '../../engine/table/context.js';

const KB = 1024;
type AttributeMap = Record<string, { S: string } | { N: string }>;

async function open(): Promise<Database> {
  // The 16 MB test reads 19 MB in one instant of a frozen clock (past DynamoDB's partition ceilings): capacity is not under test.
  const db = await Database.open({ clock: new ManualClock(1_700_000_000_000), capacity: 'unlimited' });
  await db.createTable({
    TableName: 'Users',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await db.createTable({
    TableName: 'Orders',
    KeySchema: [
      { AttributeName: 'customer', KeyType: 'HASH' },
      { AttributeName: 'order', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'customer', AttributeType: 'S' },
      { AttributeName: 'order', AttributeType: 'S' },
      { AttributeName: 'status', AttributeType: 'S' },
      { AttributeName: 'placed', AttributeType: 'N' },
    ],
    GlobalSecondaryIndexes: [{ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    LocalSecondaryIndexes: [
      {
        IndexName: 'byPlaced',
        KeySchema: [
          { AttributeName: 'customer', KeyType: 'HASH' },
          { AttributeName: 'placed', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return db;
}

function user(id: string, extra: AttributeMap = {}): AttributeMap {
  return { id: { S: id }, ...extra };
}

/** An item of exactly `bytes` bytes (DynamoDB's size: names plus values). */
function sizedUser(id: string, bytes: number): AttributeMap {
  const overhead = 'id'.length + id.length + 'pad'.length;
  return user(id, { pad: { S: 'x'.repeat(bytes - overhead) } });
}

/** The decoded entries of one index of a table, read straight from the store. */
function indexEntries(db: Database, tableName: string, indexName: string): Record<string, unknown>[] {
  const context = (db as unknown as { context: TableContext }).context; // test-only peek at the runtime table
  const table = context.table(tableName)!;
  const prefix = table.prefix(table.index(indexName)!);
  const end = prefixEnd(prefix)!;
  return [...db.store.scan({ gte: prefix, lt: end })].map(([, value]) => decodeItem(value));
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('BatchGetItem', () => {
  it('reads keys from several tables with per-table projection; missing keys are omitted', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Users', Item: user('a', { name: { S: 'Ada' }, age: { N: '36' } }) });
    await db.putItem({ TableName: 'Users', Item: user('b', { name: { S: 'Bob' } }) });
    await db.putItem({ TableName: 'Orders', Item: { customer: { S: 'a' }, order: { S: '1' }, total: { N: '9' } } });
    const out = await db.batchGetItem({
      RequestItems: {
        Users: { Keys: [{ id: { S: 'a' } }, { id: { S: 'zz' } }, { id: { S: 'b' } }], ProjectionExpression: '#n', ExpressionAttributeNames: { '#n': 'name' } },
        Orders: { Keys: [{ customer: { S: 'a' }, order: { S: '1' } }], ConsistentRead: true },
      },
    });
    expect(out.UnprocessedKeys).toEqual({});
    expect(out.Responses!['Users']).toHaveLength(2);
    expect(out.Responses!['Users']).toEqual(expect.arrayContaining([{ name: { S: 'Ada' } }, { name: { S: 'Bob' } }]));
    expect(out.Responses!['Orders']).toEqual([{ customer: { S: 'a' }, order: { S: '1' }, total: { N: '9' } }]);
    expect(out.ConsumedCapacity).toBeUndefined();
    await db.close();
  });

  it('allows 100 keys across tables and rejects 101', async () => {
    const db = await open();
    const keys = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: { S: `k${from + i}` } }));
    const orderKeys = [{ customer: { S: 'c' }, order: { S: '1' } }];
    const ok = await db.batchGetItem({ RequestItems: { Users: { Keys: keys(99) }, Orders: { Keys: orderKeys } } });
    expect(ok.Responses).toEqual({ Users: [], Orders: [] });
    const error = await rejection(db.batchGetItem({ RequestItems: { Users: { Keys: keys(100) }, Orders: { Keys: orderKeys } } }));
    expect(error).toMatchObject({ name: 'ValidationException', message: 'Too many items requested for the BatchGetItem call' });
    await db.close();
  });

  it('rejects duplicate keys in one table, accepts the same key in two tables, and equal numbers spelled differently are duplicates', async () => {
    const db = await open();
    await db.createTable({
      TableName: 'Numbers',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const duplicate = await rejection(db.batchGetItem({ RequestItems: { Users: { Keys: [{ id: { S: 'a' } }, { id: { S: 'a' } }] } } }));
    expect(duplicate).toMatchObject({ name: 'ValidationException', message: 'Provided list of item keys contains duplicates' });
    const spelled = await rejection(db.batchGetItem({ RequestItems: { Numbers: { Keys: [{ id: { N: '1' } }, { id: { N: '1.0' } }] } } }));
    expect(spelled).toMatchObject({ name: 'ValidationException', message: 'Provided list of item keys contains duplicates' });
    await expect(db.batchGetItem({ RequestItems: { Users: { Keys: [{ id: { S: 'a' } }] }, Numbers: { Keys: [{ id: { N: '1' } }] } } })).resolves.toBeDefined();
    await db.close();
  });

  it('rejects an unknown table and a key that does not match the schema', async () => {
    const db = await open();
    expect(await rejection(db.batchGetItem({ RequestItems: { Users: { Keys: [{ id: { S: 'a' } }] }, Nope: { Keys: [{ id: { S: 'a' } }] } } }))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await rejection(db.batchGetItem({ RequestItems: { Users: { Keys: [{ id: { N: '1' } }] } } }))).toMatchObject({
      name: 'ValidationException',
      message: 'The provided key element does not match the schema',
    });
    await db.close();
  });

  it('stops at 16 MB and returns the rest in UnprocessedKeys, shaped like the request', async () => {
    const db = await open();
    const itemBytes = 390 * KB;
    const count = 50; // 50 × 390 KB = 19.0 MB
    for (let i = 0; i < count; i++) await db.putItem({ TableName: 'Users', Item: sizedUser(`big${String(i).padStart(2, '0')}`, itemBytes) });
    const keys = Array.from({ length: count }, (_, i) => ({ id: { S: `big${String(i).padStart(2, '0')}` } }));
    const request = { Keys: keys, ProjectionExpression: 'id', ConsistentRead: true };
    const first = await db.batchGetItem({ RequestItems: { Users: request }, ReturnConsumedCapacity: 'TOTAL' });
    const returned = first.Responses!['Users']!.length;
    expect(returned).toBe(Math.floor((16 * 1024 * KB) / itemBytes)); // 42
    const rest = first.UnprocessedKeys!['Users']!;
    expect(rest).toEqual({ Keys: keys.slice(returned), ProjectionExpression: 'id', ConsistentRead: true });
    // Only processed keys are charged: 390 KB → 98 units each, strongly consistent.
    expect(first.ConsumedCapacity).toEqual([{ TableName: 'Users', CapacityUnits: returned * 98, ReadCapacityUnits: returned * 98 }]);
    const second = await db.batchGetItem({ RequestItems: first.UnprocessedKeys! });
    expect(second.UnprocessedKeys).toEqual({});
    const all = [...first.Responses!['Users']!, ...second.Responses!['Users']!].map((item) => (item['id'] as { S: string }).S).sort();
    expect(all).toEqual(keys.map((k) => k.id.S));
    await db.close();
  });

  it('charges each item rounded to 4 KB separately, a missing item the minimum, one entry per table', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Users', Item: sizedUser('small', 1.5 * KB) });
    await db.putItem({ TableName: 'Users', Item: sizedUser('large', 6.5 * KB) });
    const strongly = await db.batchGetItem({
      RequestItems: { Users: { Keys: [{ id: { S: 'small' } }, { id: { S: 'large' } }], ConsistentRead: true }, Orders: { Keys: [{ customer: { S: 'x' }, order: { S: 'y' } }] } },
      ReturnConsumedCapacity: 'TOTAL',
    });
    // 1.5 KB + 6.5 KB = 1 + 2 (not 8 KB → 2); the missing order costs 0.5 eventually consistent.
    expect(strongly.ConsumedCapacity).toEqual([
      { TableName: 'Users', CapacityUnits: 3, ReadCapacityUnits: 3 },
      { TableName: 'Orders', CapacityUnits: 0.5, ReadCapacityUnits: 0.5 },
    ]);
    const eventually = await db.batchGetItem({ RequestItems: { Users: { Keys: [{ id: { S: 'small' } }, { id: { S: 'large' } }] } }, ReturnConsumedCapacity: 'INDEXES' });
    expect(eventually.ConsumedCapacity).toEqual([{ TableName: 'Users', CapacityUnits: 1.5, ReadCapacityUnits: 1.5, Table: { CapacityUnits: 1.5, ReadCapacityUnits: 1.5 } }]);
    await db.close();
  });
});

describe('BatchWriteItem', () => {
  it('puts and deletes across tables and reports UnprocessedItems {}', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Users', Item: user('gone') });
    const out = await db.batchWriteItem({
      RequestItems: {
        Users: [{ PutRequest: { Item: user('a', { n: { N: '1' } }) } }, { DeleteRequest: { Key: { id: { S: 'gone' } } } }],
        Orders: [{ PutRequest: { Item: { customer: { S: 'a' }, order: { S: '1' } } } }],
      },
    });
    expect(out).toEqual({ UnprocessedItems: {} });
    expect((await db.getItem({ TableName: 'Users', Key: { id: { S: 'a' } } })).Item).toEqual(user('a', { n: { N: '1' } }));
    expect((await db.getItem({ TableName: 'Users', Key: { id: { S: 'gone' } } })).Item).toBeUndefined();
    expect((await db.getItem({ TableName: 'Orders', Key: { customer: { S: 'a' }, order: { S: '1' } } })).Item).toBeDefined();
    await db.close();
  });

  it('allows 25 requests and rejects 26 across tables', async () => {
    const db = await open();
    const puts = (n: number) => Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: user(`u${i}`) } }));
    await expect(db.batchWriteItem({ RequestItems: { Users: puts(25) } })).resolves.toEqual({ UnprocessedItems: {} });
    const error = await rejection(db.batchWriteItem({ RequestItems: { Users: puts(20), Orders: Array.from({ length: 6 }, (_, i) => ({ PutRequest: { Item: { customer: { S: 'c' }, order: { S: `${i}` } } } })) } }));
    expect(error).toMatchObject({ name: 'ValidationException', message: 'Too many items requested for the BatchWriteItem call' });
    expect((await db.getItem({ TableName: 'Orders', Key: { customer: { S: 'c' }, order: { S: '0' } } })).Item).toBeUndefined();
    await db.close();
  });

  it('rejects the whole batch, writing nothing, for duplicates, a bad key, an unknown table or an oversized item', async () => {
    const db = await open();
    const first = { PutRequest: { Item: user('first') } };
    const cases: [unknown, string, string | undefined][] = [
      [{ Users: [first, { PutRequest: { Item: user('d') } }, { DeleteRequest: { Key: { id: { S: 'd' } } } }] }, 'ValidationException', 'Provided list of item keys contains duplicates'],
      [{ Users: [first, { PutRequest: { Item: user('d') } }, { PutRequest: { Item: user('d', { x: { N: '1' } }) } }] }, 'ValidationException', 'Provided list of item keys contains duplicates'],
      [{ Users: [first, { DeleteRequest: { Key: { id: { N: '1' } } } }] }, 'ValidationException', 'The provided key element does not match the schema'],
      [{ Users: [first, { PutRequest: { Item: { name: { S: 'no key' } } } }] }, 'ValidationException', 'One or more parameter values were invalid: Missing the key id in the item'],
      [{ Users: [first], Nope: [{ PutRequest: { Item: user('x') } }] }, 'ResourceNotFoundException', undefined],
      [{ Users: [first, { PutRequest: { Item: sizedUser('huge', 400 * KB + 1) } }] }, 'ValidationException', 'Item size has exceeded the maximum allowed size'],
      [{ Orders: [{ PutRequest: { Item: { customer: { S: 'c' }, order: { S: '1' }, status: { N: '1' } } } }], Users: [first] }, 'ValidationException', undefined],
    ];
    for (const [requestItems, name, message] of cases) {
      const error = await rejection(db.batchWriteItem({ RequestItems: requestItems as never }));
      expect(error.name).toBe(name);
      if (message !== undefined) expect(error.message).toBe(message);
      expect((await db.getItem({ TableName: 'Users', Key: { id: { S: 'first' } } })).Item).toBeUndefined();
    }
    // The same key in two different tables is not a duplicate.
    await expect(db.batchWriteItem({ RequestItems: { Users: [{ PutRequest: { Item: user('same') } }], Orders: [{ PutRequest: { Item: { customer: { S: 'same' }, order: { S: 'same' } } } }] } })).resolves.toBeDefined();
    await db.close();
  });

  it('rejects a WriteRequest with neither or both of PutRequest and DeleteRequest', async () => {
    const db = await open();
    for (const request of [{}, { PutRequest: { Item: user('a') }, DeleteRequest: { Key: { id: { S: 'a' } } } }]) {
      const error = await rejection(db.batchWriteItem({ RequestItems: { Users: [request] } }));
      expect(error.name).toBe('ValidationException');
    }
    expect((await db.getItem({ TableName: 'Users', Key: { id: { S: 'a' } } })).Item).toBeUndefined();
    await db.close();
  });

  it('charges each entry rounded per item, 1 unit for deleting a missing item', async () => {
    const db = await open();
    const out = await db.batchWriteItem({
      RequestItems: { Users: [{ PutRequest: { Item: sizedUser('p500', 500) } }, { PutRequest: { Item: sizedUser('p3500', 3.5 * KB) } }, { DeleteRequest: { Key: { id: { S: 'missing' } } } }] },
      ReturnConsumedCapacity: 'TOTAL',
    });
    // 500 B → 1, 3.5 KB → 4 (5 in all, not 4 KB → 4), missing delete → 1.
    expect(out.ConsumedCapacity).toEqual([{ TableName: 'Users', CapacityUnits: 6, WriteCapacityUnits: 6 }]);
    // Overwriting charges the larger of old and new.
    const overwrite = await db.batchWriteItem({ RequestItems: { Users: [{ PutRequest: { Item: user('p3500') } }] }, ReturnConsumedCapacity: 'TOTAL' });
    expect(overwrite.ConsumedCapacity).toEqual([{ TableName: 'Users', CapacityUnits: 4, WriteCapacityUnits: 4 }]);
    await db.close();
  });

  it('maintains global and local secondary indexes and charges them under INDEXES', async () => {
    const db = await open();
    const order = (id: string, status: string, placed: string) => ({ customer: { S: 'c1' }, order: { S: id }, status: { S: status }, placed: { N: placed } });
    const out = await db.batchWriteItem({
      RequestItems: { Orders: [{ PutRequest: { Item: order('1', 'open', '10') } }, { PutRequest: { Item: order('2', 'open', '20') } }] },
      ReturnConsumedCapacity: 'INDEXES',
    });
    expect(out.ConsumedCapacity).toEqual([
      {
        TableName: 'Orders',
        CapacityUnits: 6,
        WriteCapacityUnits: 6,
        Table: { CapacityUnits: 2, WriteCapacityUnits: 2 },
        GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 2, WriteCapacityUnits: 2 } },
        LocalSecondaryIndexes: { byPlaced: { CapacityUnits: 2, WriteCapacityUnits: 2 } },
      },
    ]);
    expect(indexEntries(db, 'Orders', 'byStatus').map((e) => e['order'])).toEqual([{ S: '1' }, { S: '2' }]);
    expect(indexEntries(db, 'Orders', 'byPlaced')).toHaveLength(2);
    // Replacing item 1 with a new status moves its GSI entry; deleting item 2 removes its entries.
    await db.batchWriteItem({ RequestItems: { Orders: [{ PutRequest: { Item: order('1', 'shipped', '10') } }, { DeleteRequest: { Key: { customer: { S: 'c1' }, order: { S: '2' } } } }] } });
    expect(indexEntries(db, 'Orders', 'byStatus')).toEqual([order('1', 'shipped', '10')]);
    expect(indexEntries(db, 'Orders', 'byPlaced')).toEqual([{ customer: { S: 'c1' }, order: { S: '1' }, placed: { N: '10' } }]);
    await db.close();
  });

  it('returns ItemCollectionMetrics for tables with local secondary indexes only', async () => {
    const db = await open();
    const out = await db.batchWriteItem({
      RequestItems: {
        Orders: [{ PutRequest: { Item: { customer: { S: 'c1' }, order: { S: '1' } } } }, { PutRequest: { Item: { customer: { S: 'c1' }, order: { S: '2' } } } }],
        Users: [{ PutRequest: { Item: user('u') } }],
      },
      ReturnItemCollectionMetrics: 'SIZE',
    });
    expect(out.ItemCollectionMetrics).toEqual({ Orders: [{ ItemCollectionKey: { customer: { S: 'c1' } }, SizeEstimateRangeGB: [0, 1] }] });
    const none = await db.batchWriteItem({ RequestItems: { Orders: [{ PutRequest: { Item: { customer: { S: 'c2' }, order: { S: '1' } } } }] } });
    expect(none.ItemCollectionMetrics).toBeUndefined();
    await db.close();
  });

  it('leaves an item of an in-flight transaction in UnprocessedItems and writes the others', async () => {
    const db = await open();
    const transaction = db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Users', Item: user('locked', { by: { S: 'transaction' } }) } }] });
    const batch = db.batchWriteItem({ RequestItems: { Users: [{ PutRequest: { Item: user('locked', { by: { S: 'batch' } }) } }, { PutRequest: { Item: user('free') } }] } });
    await transaction;
    const out = await batch;
    expect(out.UnprocessedItems).toEqual({ Users: [{ PutRequest: { Item: user('locked', { by: { S: 'batch' } }) } }] });
    expect((await db.getItem({ TableName: 'Users', Key: { id: { S: 'locked' } } })).Item).toEqual(user('locked', { by: { S: 'transaction' } }));
    expect((await db.getItem({ TableName: 'Users', Key: { id: { S: 'free' } } })).Item).toEqual(user('free'));
    // Retrying the unprocessed entries once the transaction is done succeeds.
    await expect(db.batchWriteItem({ RequestItems: out.UnprocessedItems! })).resolves.toEqual({ UnprocessedItems: {} });
    await db.close();
  });

  it('is serializable per item with concurrent conditional single-item writes', async () => {
    const db = await open();
    // A conditional PutItem issued right after the batch sees the batch's write (submitted first).
    const batch = db.batchWriteItem({ RequestItems: { Users: [{ PutRequest: { Item: user('race') } }] } });
    const put = db.putItem({ TableName: 'Users', Item: user('race', { late: { S: 'yes' } }), ConditionExpression: 'attribute_not_exists(id)' });
    await batch;
    expect(await rejection(put)).toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect((await db.getItem({ TableName: 'Users', Key: { id: { S: 'race' } } })).Item).toEqual(user('race'));
    await db.close();
  });
});
