/**
 * Conformance: ConsumedCapacity numbers (reference §11.1, §4.4, §5, §6.1). Reads cost
 * ceil(size / 4 KB) units × 0.5 (eventually consistent) / 1 (strongly consistent) / 2 (transactional);
 * writes ceil(size / 1 KB) × 1 (× 2 in transactions). Query and Scan sum the sizes before rounding;
 * batch reads round per item. Items are built to exact sizes with `itemOfSize`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestTable,
  itemOfSize,
  n,
  putItems,
  requireCapabilities,
  s,
  type ApiInput,
  type ConsumedCapacity,
  type GetHarness,
} from './harness.js';

const KB = 1024;

export function registerCapacity(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let table = '';
  let range = '';
  let counter = 0;

  beforeAll(async () => {
    if (!getHarness().capabilities.consumedCapacity) return;
    table = await createTestTable(getHarness(), { prefix: 'cap' });
    range = await createTestTable(getHarness(), { prefix: 'cap-r', sortKeyType: 'S' });
  });

  const key = (): string => {
    counter += 1;
    return `cap-${counter}`;
  };
  /** Writes an item of exactly `sizeBytes` and returns its key. */
  const seed = async (sizeBytes: number): Promise<{ pk: { S: string } }> => {
    const pk = key();
    await api().putItem({ TableName: table, Item: itemOfSize(pk, sizeBytes) });
    return { pk: { S: pk } };
  };
  const units = (capacity: ConsumedCapacity | undefined): number | undefined => capacity?.CapacityUnits;
  const getUnits = async (input: ApiInput) => units((await api().getItem({ TableName: table, ReturnConsumedCapacity: 'TOTAL', ...input })).ConsumedCapacity);

  describe('reads', () => {
    it('GetItem: 0.5 eventually consistent, 1 strongly consistent, for an item up to 4 KB', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const k = await seed(KB);
      const out = await api().getItem({ TableName: table, Key: k, ReturnConsumedCapacity: 'TOTAL' });
      expect(out.ConsumedCapacity).toMatchObject({ TableName: table, CapacityUnits: 0.5 });
      expect(await getUnits({ Key: k, ConsistentRead: true })).toBe(1);
    });

    it('GetItem rounds up to 4 KB units', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const exact = await seed(4 * KB);
      const over = await seed(4 * KB + 1);
      const ten = await seed(10 * KB);
      expect(await getUnits({ Key: exact, ConsistentRead: true })).toBe(1);
      expect(await getUnits({ Key: over, ConsistentRead: true })).toBe(2);
      expect(await getUnits({ Key: over })).toBe(1);
      expect(await getUnits({ Key: ten, ConsistentRead: true })).toBe(3);
    });

    it('GetItem of a missing item still costs the minimum', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      expect(await getUnits({ Key: { pk: s('cap-missing') } })).toBe(0.5);
      expect(await getUnits({ Key: { pk: s('cap-missing') }, ConsistentRead: true })).toBe(1);
    });

    it('a projection does not reduce the charge', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const k = await seed(5 * KB);
      expect(await getUnits({ Key: k, ConsistentRead: true, ProjectionExpression: 'pk' })).toBe(2);
    });

    it('returns no ConsumedCapacity with NONE or without the parameter', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const k = await seed(100);
      expect((await api().getItem({ TableName: table, Key: k })).ConsumedCapacity).toBeUndefined();
      expect((await api().getItem({ TableName: table, Key: k, ReturnConsumedCapacity: 'NONE' })).ConsumedCapacity).toBeUndefined();
    });

    it('INDEXES adds a Table entry', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const k = await seed(100);
      const out = await api().getItem({ TableName: table, Key: k, ConsistentRead: true, ReturnConsumedCapacity: 'INDEXES' });
      expect(out.ConsumedCapacity).toMatchObject({ TableName: table, CapacityUnits: 1, Table: { CapacityUnits: 1 } });
    });

    it('Query sums item sizes before rounding', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const pk = key();
      await putItems(api(), range, ['a', 'b', 'c'].map((sk) => itemOfSize(pk, 1500, { sk: s(sk) })));
      const input = { TableName: range, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s(pk) }, ReturnConsumedCapacity: 'TOTAL' };
      // 3 × 1500 B = 4500 B → 2 units of 4 KB (per-item rounding would give 3).
      expect(units((await api().query(input)).ConsumedCapacity)).toBe(1);
      expect(units((await api().query({ ...input, ConsistentRead: true })).ConsumedCapacity)).toBe(2);
    });

    it('Query charges for items read, not items returned by the filter or Select COUNT', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const pk = key();
      await putItems(api(), range, ['a', 'b', 'c'].map((sk) => itemOfSize(pk, 1500, { sk: s(sk) })));
      const input = { TableName: range, KeyConditionExpression: 'pk = :p', ReturnConsumedCapacity: 'TOTAL', ConsistentRead: true };
      const filtered = await api().query({ ...input, FilterExpression: 'attribute_not_exists(#d)', ExpressionAttributeNames: { '#d': 'data' }, ExpressionAttributeValues: { ':p': s(pk) } });
      expect(filtered.Count).toBe(0);
      expect(units(filtered.ConsumedCapacity)).toBe(2);
      expect(units((await api().query({ ...input, Select: 'COUNT', ExpressionAttributeValues: { ':p': s(pk) } })).ConsumedCapacity)).toBe(2);
    });

    it('an empty Query costs the minimum', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const out = await api().query({
        TableName: range, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('cap-nobody') }, ReturnConsumedCapacity: 'TOTAL',
      });
      expect(units(out.ConsumedCapacity)).toBe(0.5);
    });

    it('Scan sums the sizes of the items it reads', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const scanned = await createTestTable(getHarness(), { prefix: 'cap-scan' });
      await putItems(api(), scanned, Array.from({ length: 10 }, (_, i) => itemOfSize(`s${i}`, 1000)));
      // 10 × 1000 B = 10,000 B → 3 units of 4 KB.
      const out = await api().scan({ TableName: scanned, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' });
      expect(out.Count).toBe(10);
      expect(units(out.ConsumedCapacity)).toBe(3);
      expect(units((await api().scan({ TableName: scanned, ReturnConsumedCapacity: 'TOTAL' })).ConsumedCapacity)).toBe(1.5);
    });
  });

  describe('writes', () => {
    const putUnits = async (sizeBytes: number, pk = key()) =>
      units((await api().putItem({ TableName: table, Item: itemOfSize(pk, sizeBytes), ReturnConsumedCapacity: 'TOTAL' })).ConsumedCapacity);

    it('PutItem costs 1 unit per started KB', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      expect(await putUnits(100)).toBe(1);
      expect(await putUnits(KB)).toBe(1);
      expect(await putUnits(KB + 1)).toBe(2);
      expect(await putUnits(3.5 * KB)).toBe(4);
    });

    it('PutItem over an existing item costs the larger of old and new', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const pk = key();
      await putUnits(3 * KB, pk);
      expect(await putUnits(500, pk)).toBe(3);
    });

    it('UpdateItem costs the larger of the item before and after', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const k = await seed(2.5 * KB);
      const out = await api().updateItem({
        TableName: table, Key: k, UpdateExpression: 'SET small = :v', ExpressionAttributeValues: { ':v': n(1) }, ReturnConsumedCapacity: 'TOTAL',
      });
      expect(units(out.ConsumedCapacity)).toBe(3);
      const created = await api().updateItem({
        TableName: table, Key: { pk: s(key()) }, UpdateExpression: 'SET small = :v', ExpressionAttributeValues: { ':v': n(1) }, ReturnConsumedCapacity: 'TOTAL',
      });
      expect(units(created.ConsumedCapacity)).toBe(1);
    });

    it('DeleteItem costs the deleted item size, and 1 for a missing item', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const k = await seed(2150);
      expect(units((await api().deleteItem({ TableName: table, Key: k, ReturnConsumedCapacity: 'TOTAL' })).ConsumedCapacity)).toBe(3);
      expect(units((await api().deleteItem({ TableName: table, Key: k, ReturnConsumedCapacity: 'TOTAL' })).ConsumedCapacity)).toBe(1);
    });
  });

  describe('batches and transactions', () => {
    const total = (list: ConsumedCapacity[] | undefined, name: string) => list?.find((entry) => entry.TableName === name)?.CapacityUnits;

    it('BatchGetItem rounds each item separately, one entry per table', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const small = await seed(1.5 * KB);
      const large = await seed(6.5 * KB);
      const out = await api().batchGetItem({ RequestItems: { [table]: { Keys: [small, large], ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' });
      expect(out.ConsumedCapacity).toHaveLength(1);
      expect(total(out.ConsumedCapacity, table)).toBe(3);
      const eventual = await api().batchGetItem({ RequestItems: { [table]: { Keys: [small, large] } }, ReturnConsumedCapacity: 'TOTAL' });
      expect(total(eventual.ConsumedCapacity, table)).toBe(1.5);
    });

    it('BatchWriteItem rounds each item separately', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const out = await api().batchWriteItem({
        RequestItems: { [table]: [{ PutRequest: { Item: itemOfSize(key(), 500) } }, { PutRequest: { Item: itemOfSize(key(), 3.5 * KB) } }] },
        ReturnConsumedCapacity: 'TOTAL',
      });
      expect(total(out.ConsumedCapacity, table)).toBe(5);
    });

    it('TransactWriteItems costs twice the write units', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity', 'transactions');
      const out = await api().transactWriteItems({
        TransactItems: [0, 1, 2].map(() => ({ Put: { TableName: table, Item: itemOfSize(key(), 500) } })),
        ReturnConsumedCapacity: 'TOTAL',
      });
      expect(total(out.ConsumedCapacity, table)).toBe(6);
    });

    it('TransactGetItems costs twice the strongly consistent read units', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity', 'transactions');
      const [k1, k2] = [await seed(KB), await seed(5 * KB)];
      const out = await api().transactGetItems({
        TransactItems: [{ Get: { TableName: table, Key: k1 } }, { Get: { TableName: table, Key: k2 } }],
        ReturnConsumedCapacity: 'TOTAL',
      });
      expect(total(out.ConsumedCapacity, table)).toBe(6);
    });
  });

  describe('global secondary indexes', () => {
    let indexed = '';
    beforeAll(async () => {
      if (!getHarness().capabilities.consumedCapacity) return;
      indexed = await createTestTable(getHarness(), {
        prefix: 'cap-gsi', sortKeyType: 'S', attributes: { g: 'S' }, globalSecondaryIndexes: [{ name: 'byG', partitionKey: 'g', projection: 'ALL' }],
      });
    });

    it('charges one index write when an item enters the index', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const out = await api().putItem({ TableName: indexed, Item: { pk: s(key()), sk: s('x'), g: s('one') }, ReturnConsumedCapacity: 'INDEXES' });
      expect(out.ConsumedCapacity).toMatchObject({ TableName: indexed, CapacityUnits: 2, Table: { CapacityUnits: 1 }, GlobalSecondaryIndexes: { byG: { CapacityUnits: 1 } } });
    });

    it('charges two index writes when the index key changes', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const pk = key();
      await api().putItem({ TableName: indexed, Item: { pk: s(pk), sk: s('x'), g: s('before') } });
      const out = await api().updateItem({
        TableName: indexed, Key: { pk: s(pk), sk: s('x') }, UpdateExpression: 'SET g = :g', ExpressionAttributeValues: { ':g': s('after') }, ReturnConsumedCapacity: 'INDEXES',
      });
      expect(out.ConsumedCapacity?.GlobalSecondaryIndexes?.byG?.CapacityUnits).toBe(2);
      expect(out.ConsumedCapacity?.CapacityUnits).toBe(3);
    });

    it('charges no index write for an item outside the index', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const out = await api().putItem({ TableName: indexed, Item: { pk: s(key()), sk: s('x') }, ReturnConsumedCapacity: 'INDEXES' });
      expect(out.ConsumedCapacity?.CapacityUnits).toBe(1);
      expect(out.ConsumedCapacity?.GlobalSecondaryIndexes?.byG?.CapacityUnits ?? 0).toBe(0);
    });

    it('charges a GSI query by index entry sizes, eventually consistent', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'consumedCapacity');
      const group = key();
      const pk = key();
      // 8 items × 2000 B = 16,000 B → 4 units of 4 KB → 2 RCU at the eventually consistent rate.
      await putItems(api(), indexed, Array.from({ length: 8 }, (_, i) => itemOfSize(pk, 2000, { sk: s(`k${i}`), g: s(group) })));
      const out = await api().query({
        TableName: indexed, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': s(group) }, ReturnConsumedCapacity: 'TOTAL',
      });
      expect(out.Count).toBe(8);
      expect(units(out.ConsumedCapacity)).toBe(2);
    });
  });
}
