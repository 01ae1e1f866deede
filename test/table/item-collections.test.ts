import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { checkItemCollectionGrowth, itemCollectionBytes } from '../../engine/table/item-collections.js';
import type { TableContext } from '../../engine/table/context.js';

async function lsiTable(): Promise<Database> {
  const db = await Database.open({ clock: new ManualClock(1_700_000_000_000) });
  await db.createTable({
    TableName: 'Orders',
    KeySchema: [
      { AttributeName: 'customer', KeyType: 'HASH' },
      { AttributeName: 'order', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'customer', AttributeType: 'S' },
      { AttributeName: 'order', AttributeType: 'S' },
      { AttributeName: 'placed', AttributeType: 'N' },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: 'ByPlaced',
        KeySchema: [
          { AttributeName: 'customer', KeyType: 'HASH' },
          { AttributeName: 'placed', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return db;
}

function contextOf(db: Database): TableContext {
  // The test reaches the table layer to exercise the cap with a small limit (10 GB is impractical).
  return (db as unknown as { context: TableContext }).context;
}

describe('item collections', () => {
  it('returns ItemCollectionMetrics for writes on tables with LSIs when asked', async () => {
    const db = await lsiTable();
    const put = await db.putItem({
      TableName: 'Orders',
      Item: { customer: { S: 'c1' }, order: { S: 'o1' }, placed: { N: '5' } },
      ReturnItemCollectionMetrics: 'SIZE',
    });
    expect(put.ItemCollectionMetrics).toEqual({ ItemCollectionKey: { customer: { S: 'c1' } }, SizeEstimateRangeGB: [0, 1] });
    const update = await db.updateItem({
      TableName: 'Orders',
      Key: { customer: { S: 'c1' }, order: { S: 'o1' } },
      UpdateExpression: 'SET note = :n',
      ExpressionAttributeValues: { ':n': { S: 'x' } },
      ReturnItemCollectionMetrics: 'SIZE',
    });
    expect(update.ItemCollectionMetrics?.ItemCollectionKey).toEqual({ customer: { S: 'c1' } });
    const del = await db.deleteItem({ TableName: 'Orders', Key: { customer: { S: 'c1' }, order: { S: 'o1' } }, ReturnItemCollectionMetrics: 'SIZE' });
    expect(del.ItemCollectionMetrics?.SizeEstimateRangeGB).toEqual([0, 1]);
    const plain = await db.putItem({ TableName: 'Orders', Item: { customer: { S: 'c1' }, order: { S: 'o2' } } });
    expect(plain.ItemCollectionMetrics).toBeUndefined();
    await db.close();
  });

  it('refuses growth past the collection cap and still allows shrinking writes', async () => {
    const db = await lsiTable();
    const context = contextOf(db);
    const table = context.table('Orders')!;
    const key = { customer: { S: 'c1' } };
    for (let i = 0; i < 5; i++) {
      await db.putItem({ TableName: 'Orders', Item: { customer: { S: 'c1' }, order: { S: `o${i}` }, placed: { N: String(i) }, pad: { S: 'x'.repeat(100) } } });
    }
    const bytes = itemCollectionBytes(context, table, key);
    expect(bytes).toBeGreaterThan(500);
    expect(() => checkItemCollectionGrowth(context, table, key, 1, bytes)).toThrow('Collection size exceeded.');
    expect(() => checkItemCollectionGrowth(context, table, key, 0, bytes)).not.toThrow();
    expect(() => checkItemCollectionGrowth(context, table, key, -50, bytes)).not.toThrow();
    expect(() => checkItemCollectionGrowth(context, table, key, 1, bytes + 1)).not.toThrow();
    await db.close();
  });
});
