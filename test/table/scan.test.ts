import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../engine/database.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import type { KeyAttributeValue } from '../../engine/model/compare.js';
import { itemSizeBytes } from '../../engine/model/item-size.js';
import { encodeStorageKey, partitionKeyHash, scanSegmentOfHash } from '../../engine/model/storage-key.js';
import type { TableRecord } from '../../engine/table/catalog.js';
import { resolveIndex } from '../../engine/table/read-path.js';
import { Table } from '../../engine/table/table.js';
import { compareBytes } from '../../engine/util/bytes.js';
import { ManualClock } from '../../engine/util/clock.js';

type Input = Record<string, unknown>;
type Page = { Items?: Item[]; Count?: number; ScannedCount?: number; LastEvaluatedKey?: Item; ConsumedCapacity?: unknown };

const open: Database[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

async function database(): Promise<Database> {
  const db = await Database.open({ clock: new ManualClock(1_700_000_000_000), sync: 'none' });
  open.push(db);
  return db;
}

const s = (S: string): AttributeValue => ({ S });
const n = (N: string | number): AttributeValue => ({ N: String(N) });

async function put(db: Database, table: string, items: readonly Item[]): Promise<void> {
  for (const item of items) await db.putItem({ TableName: table, Item: item } as never);
}

function scan(db: Database, input: Input): Promise<Page> {
  return db.scan(input as never) as Promise<Page>;
}

async function pages(db: Database, input: Input): Promise<Page[]> {
  const out: Page[] = [];
  let start: Item | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await scan(db, start === undefined ? input : { ...input, ExclusiveStartKey: start });
    out.push(page);
    start = page.LastEvaluatedKey;
    if (start === undefined) return out;
  }
  throw new Error('paging did not end');
}

async function scanAll(db: Database, input: Input): Promise<Item[]> {
  return (await pages(db, input)).flatMap((page) => page.Items ?? []);
}

async function expectError(promise: Promise<unknown>, name: string, message: string | RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error, `expected ${name}: ${String(message)}`).toBeDefined();
  expect(error!.name).toBe(name);
  if (typeof message === 'string') expect(error!.message).toBe(message);
  else expect(error!.message).toMatch(message);
}

/** Table "Tbl": pk S, sk N; GSI "byGroup" (grp S, KEYS_ONLY); LSI "byScore" (score N, INCLUDE tag). */
async function fixture(count: number): Promise<{ db: Database; items: Item[] }> {
  const db = await database();
  await db.createTable({
    TableName: 'Tbl',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'grp', AttributeType: 'S' },
      { AttributeName: 'score', AttributeType: 'N' },
    ],
    GlobalSecondaryIndexes: [{ IndexName: 'byGroup', KeySchema: [{ AttributeName: 'grp', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    LocalSecondaryIndexes: [
      {
        IndexName: 'byScore',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'score', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['tag'] },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const items: Item[] = [];
  for (let i = 0; i < count; i++) {
    const item: Item = { pk: s(`p${i % 13}`), sk: n(i), tag: s(i % 2 === 0 ? 'even' : 'odd'), extra: n(i * 7) };
    if (i % 3 !== 0) item['grp'] = s(`g${i % 5}`); // sparse: every third item is not in the GSI
    if (i % 4 !== 0) item['score'] = n(100 - i);
    items.push(item);
  }
  await put(db, 'Tbl', items);
  return { db, items };
}

const ids = (items: readonly Item[]): number[] => items.map((item) => Number((item['sk'] as { N: string }).N));
const sorted = (values: readonly number[]): number[] => [...values].sort((x, y) => x - y);

/** Storage order of base items: partition hash, then key bytes (engine/model/storage-key.ts). */
function storageOrder(tableId: number, items: readonly Item[]): number[] {
  const keyed = items.map((item) => ({ id: Number((item['sk'] as { N: string }).N), key: encodeStorageKey(tableId, 0, item['pk'] as KeyAttributeValue, [item['sk'] as KeyAttributeValue]) }));
  return keyed.sort((x, y) => compareBytes(x.key, y.key)).map((entry) => entry.id);
}

describe('Scan: pages', () => {
  it('returns every item exactly once, in storage (partition-hash) order, for any Limit', async () => {
    const { db, items } = await fixture(60);
    const all = await scanAll(db, { TableName: 'Tbl' });
    // Every key of one table shares its id prefix, so the order does not depend on which id it got.
    expect(ids(all)).toEqual(storageOrder(1, items));
    const hashes = all.map((item) => partitionKeyHash(item['pk'] as KeyAttributeValue));
    expect(hashes).toEqual([...hashes].sort((x, y) => x - y));
    for (const limit of [1, 7, 59, 60, 61]) {
      const paged = await pages(db, { TableName: 'Tbl', Limit: limit });
      expect(ids(paged.flatMap((page) => page.Items!))).toEqual(ids(all));
      for (const page of paged.slice(0, -1)) {
        expect(page.ScannedCount).toBe(limit);
        expect(page.LastEvaluatedKey).toEqual({ pk: page.Items![limit - 1]!['pk'], sk: page.Items![limit - 1]!['sk'] });
      }
      // LastEvaluatedKey whenever Limit was reached, even at the very end.
      expect(paged.length).toBe(Math.floor(60 / limit) + 1);
    }
  });

  it('filters after Limit (keys allowed), counts, projects and selects COUNT', async () => {
    const { db } = await fixture(30);
    const page = await scan(db, { TableName: 'Tbl', Limit: 10, FilterExpression: 'sk < :max AND tag = :t', ExpressionAttributeValues: { ':max': n(10), ':t': s('even') } });
    expect(page.ScannedCount).toBe(10);
    expect(page.Count).toBe(page.Items!.length);
    expect(page.LastEvaluatedKey).toBeDefined();
    const evens = await scanAll(db, { TableName: 'Tbl', FilterExpression: 'tag = :t', ExpressionAttributeValues: { ':t': s('even') }, ProjectionExpression: 'sk' });
    expect(sorted(ids(evens))).toEqual(Array.from({ length: 15 }, (_, i) => i * 2));
    expect(evens.every((item) => Object.keys(item).join() === 'sk')).toBe(true);
    const legacy = await scanAll(db, { TableName: 'Tbl', ScanFilter: { sk: { ComparisonOperator: 'LT', AttributeValueList: [n(3)] } }, AttributesToGet: ['sk', 'pk'] });
    expect(sorted(ids(legacy))).toEqual([0, 1, 2]);
    const counted = await pages(db, { TableName: 'Tbl', Select: 'COUNT', Limit: 8, FilterExpression: 'tag = :t', ExpressionAttributeValues: { ':t': s('odd') } });
    expect(counted.every((p) => p.Items === undefined)).toBe(true);
    expect(counted.reduce((sum, p) => sum + p.Count!, 0)).toBe(15);
    expect(counted.reduce((sum, p) => sum + p.ScannedCount!, 0)).toBe(30);
  });

  it('stops at 1 MB including the crossing item, and charges the bytes read', async () => {
    const db = await database();
    await db.createTable({
      TableName: 'Big',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const payload = 'x'.repeat(100 * 1024);
    await put(db, 'Big', Array.from({ length: 14 }, (_, i) => ({ pk: s(`p${String(i).padStart(2, '0')}`), body: s(payload) })));
    const size = itemSizeBytes({ pk: s('p00'), body: s(payload) });
    const all = await pages(db, { TableName: 'Big', ReturnConsumedCapacity: 'TOTAL' });
    expect(all.map((page) => page.ScannedCount)).toEqual([11, 3]);
    expect(all[0]!.ConsumedCapacity).toEqual({ TableName: 'Big', CapacityUnits: Math.ceil((11 * size) / 4096) / 2, ReadCapacityUnits: Math.ceil((11 * size) / 4096) / 2 });
    expect(all.flatMap((page) => page.Items!).length).toBe(14);
  });
});

describe('Scan: parallel segments', () => {
  it('partitions the items exactly, each partition key in one segment, for any TotalSegments', async () => {
    const { db, items } = await fixture(80);
    for (const totalSegments of [1, 2, 3, 4, 7, 13, 100, 1_000_000]) {
      const seen: number[] = [];
      const segments = totalSegments > 100 ? [0, 1, 999_999, ...new Set(items.map((item) => scanSegmentOfHash(partitionKeyHash(item['pk'] as KeyAttributeValue), totalSegments)))] : Array.from({ length: totalSegments }, (_, i) => i);
      for (const segment of new Set(segments)) {
        const got = await scanAll(db, { TableName: 'Tbl', Segment: segment, TotalSegments: totalSegments, Limit: 6 });
        for (const item of got) {
          expect(scanSegmentOfHash(partitionKeyHash(item['pk'] as KeyAttributeValue), totalSegments)).toBe(segment);
        }
        seen.push(...ids(got));
      }
      expect(sorted(seen)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    }
    // Segment without TotalSegments is rejected, 0 included (each requires the other).
    await expect(scanAll(db, { TableName: 'Tbl', Segment: 0 })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('segments an index scan too', async () => {
    const { db, items } = await fixture(40);
    const inIndex = items.filter((item) => item['grp'] !== undefined).map((item) => Number((item['sk'] as { N: string }).N));
    const seen: number[] = [];
    for (let segment = 0; segment < 3; segment++) {
      const got = await scanAll(db, { TableName: 'Tbl', IndexName: 'byGroup', Segment: segment, TotalSegments: 3, Limit: 4 });
      for (const item of got) expect(scanSegmentOfHash(partitionKeyHash(item['grp'] as KeyAttributeValue), 3)).toBe(segment);
      seen.push(...ids(got));
    }
    expect(sorted(seen)).toEqual(sorted(inIndex));
  });

  it('rejects a start key from another segment, and the Segment/TotalSegments errors', async () => {
    const { db } = await fixture(40);
    let tried = 0;
    for (let segment = 0; segment < 4; segment++) {
      const page = await scan(db, { TableName: 'Tbl', Segment: segment, TotalSegments: 4, Limit: 1 });
      if (page.LastEvaluatedKey === undefined) continue;
      const other = (segment + 1) % 4;
      tried++;
      await expectError(
        scan(db, { TableName: 'Tbl', Segment: other, TotalSegments: 4, ExclusiveStartKey: page.LastEvaluatedKey }),
        'ValidationException',
        `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 4 Segment: ${other}`,
      );
      // The same key resumes its own segment.
      expect((await scan(db, { TableName: 'Tbl', Segment: segment, TotalSegments: 4, ExclusiveStartKey: page.LastEvaluatedKey })).Items).toBeDefined();
    }
    expect(tried).toBeGreaterThan(0);
    await expectError(
      scan(db, { TableName: 'Tbl', Segment: 5, TotalSegments: 4 }),
      'ValidationException',
      'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 4',
    );
    await expectError(
      scan(db, { TableName: 'Tbl', Segment: 1 }),
      'ValidationException',
      'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
    );
  });
});

describe('Scan: indexes and errors', () => {
  it('scans a sparse GSI (projected attributes only) and an LSI (fetching what it lacks)', async () => {
    const { db, items } = await fixture(24);
    const gsi = await scanAll(db, { TableName: 'Tbl', IndexName: 'byGroup', Limit: 5 });
    expect(sorted(ids(gsi))).toEqual(sorted(ids(items.filter((item) => item['grp'] !== undefined))));
    expect(gsi.every((item) => Object.keys(item).sort().join() === 'grp,pk,sk')).toBe(true);
    const lastPage = await scan(db, { TableName: 'Tbl', IndexName: 'byGroup', Limit: 2 });
    expect(Object.keys(lastPage.LastEvaluatedKey!).sort()).toEqual(['grp', 'pk', 'sk']);
    const lsi = await scanAll(db, { TableName: 'Tbl', IndexName: 'byScore', Select: 'ALL_ATTRIBUTES', ConsistentRead: true });
    const scored = items.filter((item) => item['score'] !== undefined);
    expect(sorted(ids(lsi))).toEqual(sorted(ids(scored)));
    expect(lsi.every((item) => item['extra'] !== undefined)).toBe(true);
    const projected = await scanAll(db, { TableName: 'Tbl', IndexName: 'byScore', FilterExpression: 'extra < :e', ExpressionAttributeValues: { ':e': n(30) } });
    expect(sorted(ids(projected))).toEqual(sorted(ids(scored.filter((item) => Number((item['extra'] as { N: string }).N) < 30))));
    expect(projected.every((item) => Object.keys(item).sort().join() === 'pk,score,sk,tag')).toBe(true);
  });

  it('reports DynamoDB errors with its messages', async () => {
    const { db } = await fixture(5);
    await expectError(scan(db, { TableName: 'Tbl', IndexName: 'nope' }), 'ValidationException', 'The table does not have the specified index: nope');
    await expectError(scan(db, { TableName: 'Tbl', IndexName: 'nope', ExclusiveStartKey: { pk: s('a'), sk: n(1) } }), 'ValidationException', 'The provided starting key is invalid');
    await expectError(scan(db, { TableName: 'Tbl', IndexName: 'byGroup', ConsistentRead: true }), 'ValidationException', 'Consistent reads are not supported on global secondary indexes');
    await expectError(
      scan(db, { TableName: 'Tbl', IndexName: 'byGroup', Select: 'ALL_ATTRIBUTES' }),
      'ValidationException',
      'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byGroup because its projection type is not ALL',
    );
    await expectError(scan(db, { TableName: 'Tbl', Select: 'SPECIFIC_ATTRIBUTES' }), 'ValidationException', 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
    await expectError(scan(db, { TableName: 'Tbl', ExclusiveStartKey: { pk: s('p1') } }), 'ValidationException', 'The provided starting key is invalid: The provided key element does not match the schema');
    await expectError(scan(db, { TableName: 'Tbl', ExclusiveStartKey: { pk: n(1), sk: n(1) } }), 'ValidationException', 'The provided starting key is invalid: The provided key element does not match the schema');
    await expectError(scan(db, { TableName: 'Tbl', IndexName: 'byGroup', ExclusiveStartKey: { pk: s('p1'), sk: n(1) } }), 'ValidationException', 'The provided starting key is invalid');
    await expectError(scan(db, { TableName: 'Tbl', IndexName: 'byGroup', ExclusiveStartKey: { pk: s('p1'), sk: n(1), other: s('x') } }), 'ValidationException', 'The provided starting key is invalid');
    await expectError(scan(db, { TableName: 'Tbl', IndexName: 'byGroup', ExclusiveStartKey: { pk: s('p1'), sk: n(1), grp: n(1) } }), 'ValidationException', 'The provided key element does not match the schema');
    await expectError(
      scan(db, { TableName: 'Tbl', FilterExpression: 'score.x = :v', ExpressionAttributeValues: { ':v': n(1) } }),
      'ValidationException',
      "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: score",
    );
    await expectError(scan(db, { TableName: 'Missing' }), 'ResourceNotFoundException', /^Requested resource not found/);
  });

  it('refuses a GSI that is still backfilling and an index being deleted', () => {
    const index = (status: string, backfilling: boolean) =>
      new Table({
        tableId: 7,
        schema: {
          tableName: 'Tbl',
          partitionKey: { name: 'pk', type: 'S' },
          gsis: [{ name: 'g', kind: 'GSI', partitionKey: { name: 'grp', type: 'S' }, projection: { type: 'ALL', nonKeyAttributes: [] } }],
          lsis: [],
        },
        indexes: [{ name: 'g', indexId: 1, status, backfilling, addedLater: true }],
      } as unknown as TableRecord); // only the members Table reads
    expect(() => resolveIndex(index('CREATING', true), 'g', false)).toThrow('Cannot read from backfilling global secondary index: g');
    expect(() => resolveIndex(index('DELETING', false), 'g', false)).toThrow('The table does not have the specified index: g');
    expect(resolveIndex(index('ACTIVE', false), 'g', false)?.schema.name).toBe('g');
    expect(resolveIndex(index('UPDATING', false), 'g', false)?.schema.name).toBe('g');
  });
});

describe('Scan property', () => {
  it('pages of any Limit and segments of any count visit every item exactly once, each segment in storage order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: -50, max: 50 })), { selector: ([pk, sk]) => `${pk}|${sk}`, maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        async (rows, limit, totalSegments) => {
          const db = await Database.open({ clock: new ManualClock(1_700_000_000_000), sync: 'none' });
          try {
            await db.createTable({
              TableName: 'Prop',
              KeySchema: [
                { AttributeName: 'pk', KeyType: 'HASH' },
                { AttributeName: 'sk', KeyType: 'RANGE' },
              ],
              AttributeDefinitions: [
                { AttributeName: 'pk', AttributeType: 'S' },
                { AttributeName: 'sk', AttributeType: 'N' },
              ],
              BillingMode: 'PAY_PER_REQUEST',
            });
            await put(db, 'Prop', rows.map(([pk, sk]) => ({ pk: s(pk), sk: n(sk) })));
            const keyOf = (item: Item) => `${(item['pk'] as { S: string }).S}|${(item['sk'] as { N: string }).N}`;
            const seen: string[] = [];
            for (let segment = 0; segment < totalSegments; segment++) {
              const got = await scanAll(db, { TableName: 'Prop', Limit: limit, Segment: segment, TotalSegments: totalSegments });
              const order = got.map((item) => encodeStorageKey(1, 0, item['pk'] as KeyAttributeValue, [item['sk'] as KeyAttributeValue]));
              for (let i = 1; i < order.length; i++) expect(compareBytes(order[i - 1]!, order[i]!)).toBeLessThan(0);
              seen.push(...got.map(keyOf));
            }
            expect(seen.sort()).toEqual(rows.map(([pk, sk]) => `${pk}|${sk}`).sort());
          } finally {
            await db.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
