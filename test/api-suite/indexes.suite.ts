/**
 * Conformance: secondary indexes — GSI and LSI queries, KEYS_ONLY/INCLUDE/ALL projections, sparse
 * indexes, index maintenance on put/update/delete, index key type errors, online GSI creation with
 * backfill and GSI deletion through UpdateTable, index validation at CreateTable (reference §13).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  column,
  createTestTable,
  expectDynamoError,
  n,
  putItems,
  queryAll,
  requireCapabilities,
  s,
  scanAll,
  testTableInput,
  uniqueTableName,
  waitFor,
  type ApiInput,
  type GetHarness,
  type Item,
} from './harness.js';

const INVALID = 'One or more parameter values were invalid: ';

export function registerIndexes(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let counter = 0;

  /** A table with three GSIs: byCity (city/age, ALL), byEmail (email, KEYS_ONLY), byTeam (team, INCLUDE name). */
  const gsiTable = () => createTestTable(getHarness(), {
    prefix: 'gsi',
    sortKeyType: 'N',
    attributes: { city: 'S', age: 'N', email: 'S', team: 'S' },
    globalSecondaryIndexes: [
      { name: 'byCity', partitionKey: 'city', sortKey: 'age', projection: 'ALL' },
      { name: 'byEmail', partitionKey: 'email', projection: 'KEYS_ONLY' },
      { name: 'byTeam', partitionKey: 'team', projection: { include: ['name'] } },
    ],
  });
  const person = (city: string | undefined, age: number, extra: Item = {}): Item => {
    counter += 1;
    return { pk: s(`person-${counter}`), sk: n(0), age: n(age), ...(city === undefined ? {} : { city: s(city) }), ...extra };
  };
  const byCity = (table: string, city: string, extra: ApiInput = {}) =>
    api().query({ TableName: table, IndexName: 'byCity', KeyConditionExpression: 'city = :c', ExpressionAttributeValues: { ':c': s(city) }, ...extra });

  describe('global secondary indexes', () => {
    let table = '';
    let people: Item[] = [];

    beforeAll(async () => {
      table = await gsiTable();
      people = [
        person('Paris', 40, { name: s('Ana'), team: s('red'), email: s('ana@x') }),
        person('Paris', 25, { name: s('Bo'), team: s('red') }),
        person('Lima', 33, { name: s('Cy'), email: s('cy@x') }),
        person(undefined, 50, { name: s('Di'), team: s('blue') }),
        person('Paris', 31, { name: s('Ed') }),
      ];
      await putItems(api(), table, people);
    });

    it('describes each GSI: name, key schema, projection, ACTIVE status and ARN', async () => {
      const description = (await api().describeTable({ TableName: table })).Table!;
      const indexes = description.GlobalSecondaryIndexes ?? [];
      expect(indexes.map((index) => index.IndexName).sort()).toEqual(['byCity', 'byEmail', 'byTeam']);
      const city = indexes.find((index) => index.IndexName === 'byCity')!;
      expect(city.KeySchema).toEqual([{ AttributeName: 'city', KeyType: 'HASH' }, { AttributeName: 'age', KeyType: 'RANGE' }]);
      expect(city.Projection).toEqual({ ProjectionType: 'ALL' });
      expect(city.IndexStatus).toBe('ACTIVE');
      expect(city.IndexArn).toBe(`${description.TableArn}/index/byCity`);
      const team = indexes.find((index) => index.IndexName === 'byTeam')!;
      expect(team.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['name'] });
    });

    it('queries a GSI in index sort-key order', async () => {
      const out = await byCity(table, 'Paris');
      expect(column(out.Items!, 'name')).toEqual(['Bo', 'Ed', 'Ana']);
      expect(out.Items![0]).toEqual(people[1]);
    });

    it('supports sort-key conditions and descending order on a GSI', async () => {
      const out = await api().query({
        TableName: table, IndexName: 'byCity', KeyConditionExpression: 'city = :c AND age > :a', ExpressionAttributeValues: { ':c': s('Paris'), ':a': n(30) }, ScanIndexForward: false,
      });
      expect(column(out.Items!, 'name')).toEqual(['Ana', 'Ed']);
    });

    it('pages a GSI query; LastEvaluatedKey holds index and table keys', async () => {
      const pages = await allPages((i) => api().query(i), {
        TableName: table, IndexName: 'byCity', KeyConditionExpression: 'city = :c', ExpressionAttributeValues: { ':c': s('Paris') }, Limit: 1,
      });
      const first = pages[0]!.LastEvaluatedKey!;
      expect(Object.keys(first).sort()).toEqual(['age', 'city', 'pk', 'sk']);
      expect(column(pages.flatMap((page) => page.Items!), 'name')).toEqual(['Bo', 'Ed', 'Ana']);
    });

    it('is sparse: items without the index key are not in the index', async () => {
      const items = await scanAll(api(), { TableName: table, IndexName: 'byCity' });
      expect(column(items, 'name').sort()).toEqual(['Ana', 'Bo', 'Cy', 'Ed']);
      const emails = await scanAll(api(), { TableName: table, IndexName: 'byEmail' });
      expect(emails).toHaveLength(2);
    });

    it('KEYS_ONLY returns table and index keys only', async () => {
      const out = await api().query({ TableName: table, IndexName: 'byEmail', KeyConditionExpression: 'email = :e', ExpressionAttributeValues: { ':e': s('ana@x') } });
      expect(out.Items).toEqual([{ pk: people[0]!.pk, sk: n(0), email: s('ana@x') }]);
    });

    it('INCLUDE returns keys plus the included attributes', async () => {
      const out = await api().query({ TableName: table, IndexName: 'byTeam', KeyConditionExpression: 'team = :t', ExpressionAttributeValues: { ':t': s('blue') } });
      expect(out.Items).toEqual([{ pk: people[3]!.pk, sk: n(0), team: s('blue'), name: s('Di') }]);
    });

    it('lets GSI keys repeat across items', async () => {
      const twins = [person('Oslo', 20, { name: s('T1') }), person('Oslo', 20, { name: s('T2') })];
      await putItems(api(), table, twins);
      const out = await byCity(table, 'Oslo');
      expect(column(out.Items!, 'name').sort()).toEqual(['T1', 'T2']);
    });

    it('rejects Select ALL_ATTRIBUTES on a GSI whose projection is not ALL', async () => {
      await expectDynamoError(api().query({
        TableName: table, IndexName: 'byEmail', KeyConditionExpression: 'email = :e', ExpressionAttributeValues: { ':e': s('x') }, Select: 'ALL_ATTRIBUTES',
      }), 'ValidationException', `${INVALID}Select type ALL_ATTRIBUTES is not supported for global secondary index byEmail because its projection type is not ALL`);
    });

    it('rejects ConsistentRead on a GSI', async () => {
      await expectDynamoError(byCity(table, 'Paris', { ConsistentRead: true }), 'ValidationException', 'Consistent reads are not supported on global secondary indexes');
      await expectDynamoError(api().scan({ TableName: table, IndexName: 'byCity', ConsistentRead: true }), 'ValidationException',
        'Consistent reads are not supported on global secondary indexes');
    });

    it('rejects an index ExclusiveStartKey without the table key', async () => {
      await expectDynamoError(byCity(table, 'Paris', { ExclusiveStartKey: { city: s('Paris'), age: n(25) } }), 'ValidationException', /^The provided starting key is invalid/);
    });

    it('rejects a query on a missing index', async () => {
      await expectDynamoError(api().query({ TableName: table, IndexName: 'nope', KeyConditionExpression: 'city = :c', ExpressionAttributeValues: { ':c': s('x') } }),
        'ValidationException', 'The table does not have the specified index: nope');
    });
  });

  describe('index maintenance', () => {
    let table = '';
    beforeAll(async () => {
      table = await gsiTable();
    });

    it('moves an item between index partitions when its index key changes', async () => {
      const item = person('Rome', 30);
      await api().putItem({ TableName: table, Item: item });
      await api().updateItem({ TableName: table, Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'SET city = :c', ExpressionAttributeValues: { ':c': s('Milan') } });
      expect((await queryAll(api(), { TableName: table, IndexName: 'byCity', KeyConditionExpression: 'city = :c', ExpressionAttributeValues: { ':c': s('Rome') } }))).toEqual([]);
      expect((await byCity(table, 'Milan')).Items).toEqual([{ ...item, city: s('Milan') }]);
    });

    it('reflects non-key attribute updates in an ALL projection', async () => {
      const item = person('Bonn', 30, { note: s('old') });
      await api().putItem({ TableName: table, Item: item });
      await api().updateItem({ TableName: table, Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'SET note = :v', ExpressionAttributeValues: { ':v': s('new') } });
      expect((await byCity(table, 'Bonn')).Items).toEqual([{ ...item, note: s('new') }]);
    });

    it('removes the entry when the index key attribute is removed', async () => {
      const item = person('Kyiv', 30);
      await api().putItem({ TableName: table, Item: item });
      await api().updateItem({ TableName: table, Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'REMOVE city' });
      expect((await byCity(table, 'Kyiv')).Items).toEqual([]);
    });

    it('removes the entry when the item is deleted', async () => {
      const item = person('Graz', 30);
      await api().putItem({ TableName: table, Item: item });
      await api().deleteItem({ TableName: table, Key: { pk: item.pk, sk: item.sk } });
      expect((await byCity(table, 'Graz')).Items).toEqual([]);
    });

    it('replaces the entry when a put replaces the item', async () => {
      const item = person('Riga', 30);
      await api().putItem({ TableName: table, Item: item });
      await api().putItem({ TableName: table, Item: { ...item, city: s('Oulu'), age: n(31) } });
      expect((await byCity(table, 'Riga')).Items).toEqual([]);
      expect(column((await byCity(table, 'Oulu')).Items!, 'age')).toEqual(['31']);
    });

    it('leaves the index untouched by a failed conditional write', async () => {
      const item = person('Bern', 30);
      await api().putItem({ TableName: table, Item: item });
      await expectDynamoError(api().putItem({ TableName: table, Item: { ...item, city: s('Basel') }, ConditionExpression: 'attribute_not_exists(pk)' }), 'ConditionalCheckFailedException');
      expect((await byCity(table, 'Basel')).Items).toEqual([]);
      expect((await byCity(table, 'Bern')).Items).toHaveLength(1);
    });

    it('rejects an index key of the wrong type on put', async () => {
      const item = person(undefined, 30, { city: n(5) });
      await expectDynamoError(api().putItem({ TableName: table, Item: item }), 'ValidationException',
        `${INVALID}Type mismatch for Index Key city Expected: S Actual: N IndexName: byCity`);
    });

    it('rejects an update that gives an index key the wrong type', async () => {
      const item = person('Nice', 30);
      await api().putItem({ TableName: table, Item: item });
      await expectDynamoError(api().updateItem({ TableName: table, Key: { pk: item.pk, sk: item.sk }, UpdateExpression: 'SET age = :v', ExpressionAttributeValues: { ':v': s('old') } }),
        'ValidationException');
      expect(column((await byCity(table, 'Nice')).Items!, 'age')).toEqual(['30']);
    });

    it('rejects an empty string index key', async () => {
      await expectDynamoError(api().putItem({ TableName: table, Item: person('', 30) }), 'ValidationException');
    });
  });

  describe('local secondary indexes', () => {
    let table = '';
    beforeAll(async () => {
      if (!getHarness().capabilities.localSecondaryIndexes) return;
      table = await createTestTable(getHarness(), {
        prefix: 'lsi',
        sortKeyType: 'S',
        attributes: { rank: 'N', posted: 'S' },
        localSecondaryIndexes: [
          { name: 'byRank', sortKey: 'rank', projection: 'ALL' },
          { name: 'byPosted', sortKey: 'posted', projection: 'KEYS_ONLY' },
        ],
      });
      await putItems(api(), table, [
        { pk: s('u'), sk: s('a'), rank: n(3), posted: s('2024-03'), body: s('A') },
        { pk: s('u'), sk: s('b'), rank: n(1), posted: s('2024-01'), body: s('B') },
        { pk: s('u'), sk: s('c'), rank: n(2), body: s('C') },
        { pk: s('v'), sk: s('a'), rank: n(0) },
      ]);
    });

    const byRank = (extra: ApiInput = {}) =>
      api().query({ TableName: table, IndexName: 'byRank', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('u') }, ...extra });

    it('describes each LSI', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'localSecondaryIndexes');
      const lsis = (await api().describeTable({ TableName: table })).Table!.LocalSecondaryIndexes ?? [];
      expect(lsis.map((index) => index.IndexName).sort()).toEqual(['byPosted', 'byRank']);
      const rank = lsis.find((index) => index.IndexName === 'byRank')!;
      expect(rank.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'rank', KeyType: 'RANGE' }]);
    });

    it('queries in LSI sort-key order within one partition', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'localSecondaryIndexes');
      expect(column((await byRank()).Items!, 'sk')).toEqual(['b', 'c', 'a']);
    });

    it('allows ConsistentRead on an LSI', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'localSecondaryIndexes');
      expect((await byRank({ ConsistentRead: true })).Count).toBe(3);
    });

    it('is sparse on the LSI sort key', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'localSecondaryIndexes');
      const out = await api().query({ TableName: table, IndexName: 'byPosted', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('u') } });
      expect(out.Items).toEqual([
        { pk: s('u'), sk: s('b'), posted: s('2024-01') },
        { pk: s('u'), sk: s('a'), posted: s('2024-03') },
      ]);
    });

    it('fetches non-projected attributes from the table with Select ALL_ATTRIBUTES', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'localSecondaryIndexes');
      const out = await api().query({
        TableName: table, IndexName: 'byPosted', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('u') }, Select: 'ALL_ATTRIBUTES',
      });
      expect(column(out.Items!, 'body')).toEqual(['B', 'A']);
    });

    it('rejects an LSI on a table without a sort key', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'localSecondaryIndexes');
      const input = testTableInput(uniqueTableName(), { attributes: { rank: 'N' }, localSecondaryIndexes: [{ name: 'byRank', sortKey: 'rank' }] });
      await expectDynamoError(api().createTable(input), 'ValidationException',
        `${INVALID}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`);
    });

    it('rejects more than 5 LSIs', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'localSecondaryIndexes');
      const attributes = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`r${i}`, 'N' as const]));
      const input = testTableInput(uniqueTableName(), {
        sortKeyType: 'S', attributes, localSecondaryIndexes: Array.from({ length: 6 }, (_, i) => ({ name: `lsi${i}`, sortKey: `r${i}` })),
      });
      await expectDynamoError(api().createTable(input), 'ValidationException', `${INVALID}Number of LocalSecondaryIndexes exceeds per-table limit of 5`);
    });

    it('rejects an LSI whose hash key differs from the table', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'localSecondaryIndexes');
      const input = testTableInput(uniqueTableName(), { sortKeyType: 'S', attributes: { other: 'S', rank: 'N' } });
      input.LocalSecondaryIndexes = [{
        IndexName: 'bad', Projection: { ProjectionType: 'ALL' },
        KeySchema: [{ AttributeName: 'other', KeyType: 'HASH' }, { AttributeName: 'rank', KeyType: 'RANGE' }],
      }];
      await expectDynamoError(api().createTable(input), 'ValidationException',
        `${INVALID}Index KeySchema does not have the same leading hash key as table KeySchema for index: bad. index hash key: other, table hash key: pk`);
    });
  });

  describe('index validation at CreateTable', () => {
    it('rejects duplicate index names', async () => {
      const input = testTableInput(uniqueTableName(), {
        attributes: { a: 'S', b: 'S' },
        globalSecondaryIndexes: [{ name: 'dup', partitionKey: 'a' }, { name: 'dup', partitionKey: 'b' }],
      });
      await expectDynamoError(api().createTable(input), 'ValidationException', `${INVALID}Duplicate index name: dup`);
    });

    it('rejects a GSI key missing from AttributeDefinitions', async () => {
      const input = testTableInput(uniqueTableName(), { globalSecondaryIndexes: [{ name: 'gIdx', partitionKey: 'undefinedAttr' }] });
      await expectDynamoError(api().createTable(input), 'ValidationException', /^One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions/);
    });

    it('rejects more than 20 GSIs', async () => {
      const attributes = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`g${i}`, 'S' as const]));
      const input = testTableInput(uniqueTableName(), { attributes, globalSecondaryIndexes: Array.from({ length: 21 }, (_, i) => ({ name: `gsi${i}`, partitionKey: `g${i}` })) });
      await expectDynamoError(api().createTable(input), 'ValidationException');
    });

    it('rejects NonKeyAttributes on a projection that is not INCLUDE', async () => {
      const input = testTableInput(uniqueTableName(), { attributes: { a: 'S' } });
      input.GlobalSecondaryIndexes = [{ IndexName: 'gIdx', KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL', NonKeyAttributes: ['x'] } }];
      await expectDynamoError(api().createTable(input), 'ValidationException');
    });
  });

  describe('online GSI changes (UpdateTable)', () => {
    it('creates a GSI that becomes ACTIVE with existing items backfilled', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'gsiBackfill');
      const table = await createTestTable(getHarness(), { prefix: 'gsi-add', sortKeyType: 'N' });
      await putItems(api(), table, [
        { pk: s('a'), sk: n(1), color: s('red') },
        { pk: s('b'), sk: n(1), color: s('red') },
        { pk: s('c'), sk: n(1), color: s('blue') },
        { pk: s('d'), sk: n(1), color: n(7) },
        { pk: s('e'), sk: n(1) },
      ]);
      const out = await api().updateTable({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'color', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byColor', KeySchema: [{ AttributeName: 'color', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      });
      const created = out.TableDescription?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'byColor');
      expect(['CREATING', 'ACTIVE']).toContain(created?.IndexStatus);
      await waitFor(getHarness(), 'byColor to become ACTIVE', async () => {
        const index = (await api().describeTable({ TableName: table })).Table!.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'byColor');
        return index?.IndexStatus === 'ACTIVE';
      });
      const red = await queryAll(api(), { TableName: table, IndexName: 'byColor', KeyConditionExpression: 'color = :c', ExpressionAttributeValues: { ':c': s('red') } });
      expect(column(red, 'pk').sort()).toEqual(['a', 'b']);
      // The item whose color is a number violates the index key type: it is skipped, not an error.
      expect(await scanAll(api(), { TableName: table, IndexName: 'byColor' })).toHaveLength(3);
    });

    it('maintains a new GSI for writes after creation', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'gsiBackfill');
      const table = await createTestTable(getHarness(), { prefix: 'gsi-add2' });
      await api().updateTable({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
      });
      await waitFor(getHarness(), 'byG to become ACTIVE', async () =>
        (await api().describeTable({ TableName: table })).Table!.GlobalSecondaryIndexes?.[0]?.IndexStatus === 'ACTIVE');
      await api().putItem({ TableName: table, Item: { pk: s('new'), g: s('x'), other: s('y') } });
      const out = await api().query({ TableName: table, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': s('x') } });
      expect(out.Items).toEqual([{ pk: s('new'), g: s('x') }]);
    });

    it('deletes a GSI', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'gsiBackfill');
      const table = await gsiTable();
      await api().updateTable({ TableName: table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byEmail' } }] });
      await waitFor(getHarness(), 'byEmail to disappear', async () => {
        const indexes = (await api().describeTable({ TableName: table })).Table!.GlobalSecondaryIndexes ?? [];
        return !indexes.some((index) => index.IndexName === 'byEmail');
      });
      await expectDynamoError(api().query({ TableName: table, IndexName: 'byEmail', KeyConditionExpression: 'email = :e', ExpressionAttributeValues: { ':e': s('x') } }),
        'ValidationException');
      expect((await byCity(table, 'nowhere')).Items).toEqual([]);
    });

    it('rejects creating a GSI whose name exists', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'gsiBackfill');
      const table = await gsiTable();
      await expectDynamoError(api().updateTable({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'city', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byCity', KeySchema: [{ AttributeName: 'city', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      }), 'ValidationException');
    });

    it('rejects deleting a GSI that does not exist', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'gsiBackfill');
      const table = await createTestTable(getHarness(), { prefix: 'gsi-del' });
      let failure: unknown;
      try {
        await api().updateTable({ TableName: table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'ghost' } }] });
      } catch (error) {
        failure = error;
      }
      expect(['ResourceNotFoundException', 'ValidationException']).toContain((failure as Error | undefined)?.name);
    });
  });
}
