import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../engine/database.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { compareKeyValues, type KeyAttributeValue } from '../../engine/model/compare.js';
import { itemSizeBytes } from '../../engine/model/item-size.js';
import { ManualClock } from '../../engine/util/clock.js';
import { keyValueOf } from '../model/arbitraries.js';

type Input = Record<string, unknown>;
type Page = { Items?: Item[]; Count?: number; ScannedCount?: number; LastEvaluatedKey?: Item; ConsumedCapacity?: unknown };

const open: Database[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

async function database(): Promise<Database> {
  // Paging tests read MBs in one instant of a frozen clock (past DynamoDB's partition ceilings): capacity is not under test.
  const db = await Database.open({ clock: new ManualClock(1_700_000_000_000), sync: 'none', capacity: 'unlimited' });
  open.push(db);
  return db;
}

const s = (S: string): AttributeValue => ({ S });
const n = (N: string | number): AttributeValue => ({ N: String(N) });
const b = (...bytes: number[]): AttributeValue => ({ B: new Uint8Array(bytes) });

interface TableSpec {
  sortType?: 'S' | 'N' | 'B';
  gsis?: { name: string; pk: string; pkType: 'S' | 'N' | 'B'; sk?: string; skType?: 'S' | 'N' | 'B'; projection: Input }[];
  lsis?: { name: string; sk: string; skType: 'S' | 'N' | 'B'; projection: Input }[];
}

async function createTable(db: Database, name: string, spec: TableSpec = {}): Promise<void> {
  const definitions = new Map<string, string>([['pk', 'S']]);
  const keySchema = [{ AttributeName: 'pk', KeyType: 'HASH' }];
  if (spec.sortType !== undefined) {
    definitions.set('sk', spec.sortType);
    keySchema.push({ AttributeName: 'sk', KeyType: 'RANGE' });
  }
  const input: Input = { TableName: name, KeySchema: keySchema, BillingMode: 'PAY_PER_REQUEST' };
  if (spec.gsis !== undefined) {
    input['GlobalSecondaryIndexes'] = spec.gsis.map((gsi) => {
      definitions.set(gsi.pk, gsi.pkType);
      const schema = [{ AttributeName: gsi.pk, KeyType: 'HASH' }];
      if (gsi.sk !== undefined) {
        definitions.set(gsi.sk, gsi.skType!);
        schema.push({ AttributeName: gsi.sk, KeyType: 'RANGE' });
      }
      return { IndexName: gsi.name, KeySchema: schema, Projection: gsi.projection };
    });
  }
  if (spec.lsis !== undefined) {
    input['LocalSecondaryIndexes'] = spec.lsis.map((lsi) => {
      definitions.set(lsi.sk, lsi.skType);
      return {
        IndexName: lsi.name,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: lsi.sk, KeyType: 'RANGE' },
        ],
        Projection: lsi.projection,
      };
    });
  }
  input['AttributeDefinitions'] = [...definitions].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
  await db.createTable(input as never);
}

async function put(db: Database, table: string, items: readonly Item[]): Promise<void> {
  for (const item of items) await db.putItem({ TableName: table, Item: item } as never);
}

function query(db: Database, input: Input): Promise<Page> {
  return db.query(input as never) as Promise<Page>;
}

/** Every page of a query, following LastEvaluatedKey. */
async function pages(db: Database, input: Input): Promise<Page[]> {
  const out: Page[] = [];
  let start: Item | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await query(db, start === undefined ? input : { ...input, ExclusiveStartKey: start });
    out.push(page);
    start = page.LastEvaluatedKey;
    if (start === undefined) return out;
  }
  throw new Error('paging did not end');
}

async function queryAll(db: Database, input: Input): Promise<Item[]> {
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

const byPartition = (table: string, pk: string, extra: Input = {}, values: Record<string, AttributeValue> = {}): Input => {
  const { KeyConditionExpression: suffix, ...rest } = extra;
  return {
    TableName: table,
    KeyConditionExpression: `pk = :p${typeof suffix === 'string' ? suffix : ''}`,
    ExpressionAttributeValues: { ':p': s(pk), ...values },
    ...rest,
  };
};

const sortColumn = (items: readonly Item[]): string[] =>
  items.map((item) => {
    const value = item['sk']!;
    if ('S' in value) return value.S;
    if ('N' in value) return value.N;
    if ('B' in value) return Array.from(value.B).join('.');
    throw new Error('unexpected sort key');
  });

describe('Query: order and paging', () => {
  const NUMBERS = ['-1000', '-10.5', '-10', '-1.5', '-0.001', '0', '0.001', '1', '1.5', '2', '10', '10.5', '100', '1E+20'];

  it('returns a partition in numeric order (negatives, decimals) forward and backward, page by page', async () => {
    const db = await database();
    await createTable(db, 'Tbl', { sortType: 'N' });
    await put(db, 'Tbl', [...NUMBERS].reverse().map((sk) => ({ pk: s('p'), sk: n(sk) })));
    await put(db, 'Tbl', [{ pk: s('q'), sk: n(5) }]);
    const expected = ['-1000', '-10.5', '-10', '-1.5', '-0.001', '0', '0.001', '1', '1.5', '2', '10', '10.5', '100', '100000000000000000000'];
    for (const limit of [undefined, 1, 2, 3, 13, 14, 15]) {
      const base = byPartition('Tbl', 'p', limit === undefined ? {} : { Limit: limit });
      expect(sortColumn(await queryAll(db, base))).toEqual(expected);
      expect(sortColumn(await queryAll(db, { ...base, ScanIndexForward: false }))).toEqual([...expected].reverse());
    }
  });

  it('orders string sort keys by UTF-8 bytes and binary sort keys as unsigned bytes', async () => {
    const db = await database();
    await createTable(db, 'StrT', { sortType: 'S' });
    await createTable(db, 'BinT', { sortType: 'B' });
    const strings = ['z', 'a', 'A', '\u00bf', 'aa', 'a\u0000', 'B', '\u{1F600}', '\uFFFD', '\uE000'];
    await put(db, 'StrT', strings.map((sk) => ({ pk: s('p'), sk: s(sk) })));
    const utf8Order = [...strings].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
    // U+FFFD sorts before U+1F600 in UTF-8 but after it in UTF-16 code units.
    expect(utf8Order.indexOf('\uFFFD')).toBeLessThan(utf8Order.indexOf('\u{1F600}'));
    expect(sortColumn(await queryAll(db, byPartition('StrT', 'p', { Limit: 3 })))).toEqual(utf8Order);
    const binaries = [[0xff], [0x80], [0x7f], [0x00], [0x00, 0x01], [0x00, 0x00], [0x7f, 0xff]];
    await put(db, 'BinT', binaries.map((bytes) => ({ pk: s('p'), sk: b(...bytes) })));
    expect(sortColumn(await queryAll(db, byPartition('BinT', 'p', { Limit: 2 })))).toEqual(['0', '0.0', '0.1', '127', '127.255', '128', '255']);
    expect(sortColumn(await queryAll(db, byPartition('BinT', 'p', { Limit: 2, ScanIndexForward: false })))).toEqual(
      ['0', '0.0', '0.1', '127', '127.255', '128', '255'].reverse(),
    );
  });

  it('queries a table without a sort key', async () => {
    const db = await database();
    await createTable(db, 'Hash');
    await put(db, 'Hash', [{ pk: s('a'), v: n(1) }, { pk: s('b'), v: n(2) }]);
    const page = await query(db, byPartition('Hash', 'b'));
    expect(page).toEqual({ Items: [{ pk: s('b'), v: n(2) }], Count: 1, ScannedCount: 1 });
    const limited = await query(db, byPartition('Hash', 'b', { Limit: 1 }));
    expect(limited.LastEvaluatedKey).toEqual({ pk: s('b') });
    const next = await query(db, { ...byPartition('Hash', 'b', { Limit: 1 }), ExclusiveStartKey: limited.LastEvaluatedKey });
    expect(next).toEqual({ Items: [], Count: 0, ScannedCount: 0 });
  });

  it('supports every sort-key comparator with exact boundaries', async () => {
    const db = await database();
    await createTable(db, 'Tbl', { sortType: 'N' });
    await put(db, 'Tbl', NUMBERS.map((sk) => ({ pk: s('p'), sk: n(sk) })));
    const cases: [string, Record<string, AttributeValue>, string[]][] = [
      [' AND sk = :a', { ':a': n('-10.50') }, ['-10.5']],
      [' AND sk = :a', { ':a': n(3) }, []],
      [' AND sk < :a', { ':a': n(-1.5) }, ['-1000', '-10.5', '-10']],
      [' AND sk <= :a', { ':a': n(-1.5) }, ['-1000', '-10.5', '-10', '-1.5']],
      [' AND sk > :a', { ':a': n(10) }, ['10.5', '100', '100000000000000000000']],
      [' AND sk >= :a', { ':a': n(10) }, ['10', '10.5', '100', '100000000000000000000']],
      [' AND sk BETWEEN :a AND :b', { ':a': n(-1.5), ':b': n(1) }, ['-1.5', '-0.001', '0', '0.001', '1']],
      [' AND sk BETWEEN :a AND :b', { ':a': n(2), ':b': n(2) }, ['2']],
    ];
    for (const [condition, values, expected] of cases) {
      expect(sortColumn(await queryAll(db, byPartition('Tbl', 'p', { KeyConditionExpression: condition }, values)))).toEqual(expected);
      expect(sortColumn(await queryAll(db, byPartition('Tbl', 'p', { KeyConditionExpression: condition, ScanIndexForward: false, Limit: 2 }, values)))).toEqual(
        [...expected].reverse(),
      );
    }
  });

  it('supports begins_with on string and binary sort keys, and legacy KeyConditions', async () => {
    const db = await database();
    await createTable(db, 'StrT', { sortType: 'S' });
    await createTable(db, 'BinT', { sortType: 'B' });
    await put(db, 'StrT', ['order#1', 'order#2', 'orders', 'order', 'invoice#1', 'order#\u0000'].map((sk) => ({ pk: s('p'), sk: s(sk) })));
    await put(db, 'BinT', [[1], [1, 0], [1, 0xff], [1, 0xff, 0], [2], [0, 1]].map((bytes) => ({ pk: s('p'), sk: b(...bytes) })));
    const values = { ':x': s('order#') };
    expect(sortColumn(await queryAll(db, byPartition('StrT', 'p', { KeyConditionExpression: ' AND begins_with(sk, :x)' }, values)))).toEqual([
      'order#\u0000',
      'order#1',
      'order#2',
    ]);
    expect(sortColumn(await queryAll(db, byPartition('BinT', 'p', { KeyConditionExpression: ' AND begins_with(sk, :x)' }, { ':x': b(1, 0xff) })))).toEqual([
      '1.255',
      '1.255.0',
    ]);
    const legacy = await queryAll(db, {
      TableName: 'StrT',
      KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [s('p')] }, sk: { ComparisonOperator: 'GT', AttributeValueList: [s('order#1')] } },
    });
    expect(sortColumn(legacy)).toEqual(['order#2', 'orders']);
  });

  it('returns LastEvaluatedKey when Limit is reached exactly at the end (dynalite), then an empty page', async () => {
    const db = await database();
    await createTable(db, 'Tbl', { sortType: 'N' });
    await put(db, 'Tbl', [1, 2, 3].map((i) => ({ pk: s('p'), sk: n(i) })));
    const first = await query(db, byPartition('Tbl', 'p', { Limit: 3 }));
    expect(first.Count).toBe(3);
    expect(first.LastEvaluatedKey).toEqual({ pk: s('p'), sk: n(3) });
    const second = await query(db, { ...byPartition('Tbl', 'p', { Limit: 3 }), ExclusiveStartKey: first.LastEvaluatedKey });
    expect(second).toEqual({ Items: [], Count: 0, ScannedCount: 0 });
    expect((await query(db, byPartition('Tbl', 'p', { Limit: 4 }))).LastEvaluatedKey).toBeUndefined();
    expect((await query(db, byPartition('Tbl', 'p'))).LastEvaluatedKey).toBeUndefined();
  });

  it('stops a page at 1 MB of items read, including the item that crosses it', async () => {
    const db = await database();
    await createTable(db, 'Tbl', { sortType: 'N' });
    const payload = 'x'.repeat(100 * 1024);
    await put(db, 'Tbl', Array.from({ length: 25 }, (_, i) => ({ pk: s('p'), sk: n(i), body: s(payload) })));
    const size = itemSizeBytes({ pk: s('p'), sk: n(10), body: s(payload) });
    const perPage = Math.ceil((1024 * 1024) / size); // 11: ten items are just under 1 MB
    expect(perPage).toBe(11);
    const all = await pages(db, byPartition('Tbl', 'p'));
    expect(all.map((page) => page.ScannedCount)).toEqual([11, 11, 3]);
    expect(all[0]!.LastEvaluatedKey).toEqual({ pk: s('p'), sk: n(10) });
    expect(all.flatMap((page) => sortColumn(page.Items!))).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    // The 1 MB is counted before the filter, and with Limit the smaller bound wins.
    const filtered = await query(db, byPartition('Tbl', 'p', { FilterExpression: 'attribute_not_exists(body)' }));
    expect(filtered).toMatchObject({ Items: [], Count: 0, ScannedCount: 11, LastEvaluatedKey: { pk: s('p'), sk: n(10) } });
    expect((await query(db, byPartition('Tbl', 'p', { Limit: 4 }))).ScannedCount).toBe(4);
    const backwards = await query(db, byPartition('Tbl', 'p', { ScanIndexForward: false, Select: 'COUNT' }));
    expect(backwards).toEqual({ Count: 11, ScannedCount: 11, LastEvaluatedKey: { pk: s('p'), sk: n(14) } });
  });

  it('ends a page on exactly 1 MB (16 items of 64 KB), with LastEvaluatedKey', async () => {
    const db = await database();
    await createTable(db, 'Tbl', { sortType: 'N' });
    const items = Array.from({ length: 20 }, (_, i) => {
      const pad = 64 * 1024 - itemSizeBytes({ pk: s('p'), sk: n(i), body: s('') });
      return { pk: s('p'), sk: n(i), body: s('y'.repeat(pad)) };
    });
    expect(items.every((item) => itemSizeBytes(item) === 64 * 1024)).toBe(true);
    await put(db, 'Tbl', items);
    const all = await pages(db, byPartition('Tbl', 'p', { ReturnConsumedCapacity: 'TOTAL' }));
    expect(all.map((page) => page.ScannedCount)).toEqual([16, 4]);
    expect(all[0]!.LastEvaluatedKey).toEqual({ pk: s('p'), sk: n(15) });
    expect(all[0]!.ConsumedCapacity).toEqual({ TableName: 'Tbl', CapacityUnits: 128, ReadCapacityUnits: 128 });
  });
});

describe('Query: filters, Select and projections', () => {
  const PARTITION_P = { pk: { ComparisonOperator: 'EQ', AttributeValueList: [s('p')] } };
  async function fixture(): Promise<Database> {
    const db = await database();
    await createTable(db, 'Tbl', { sortType: 'N' });
    await put(db, 'Tbl', Array.from({ length: 10 }, (_, i) => ({ pk: s('p'), sk: n(i), tag: s(i % 3 === 0 ? 'x' : 'y'), m: { M: { a: n(i), b: n(-i) } } })));
    return db;
  }

  it('applies Limit before the filter and counts Count after, ScannedCount before', async () => {
    const db = await fixture();
    const page = await query(db, byPartition('Tbl', 'p', { Limit: 4, FilterExpression: 'tag = :t' }, { ':t': s('x') }));
    expect(sortColumn(page.Items!)).toEqual(['0', '3']);
    expect(page).toMatchObject({ Count: 2, ScannedCount: 4, LastEvaluatedKey: { pk: s('p'), sk: n(3) } });
    const empty = await query(db, byPartition('Tbl', 'p', { Limit: 2, FilterExpression: 'tag = :t' }, { ':t': s('none') }));
    expect(empty).toEqual({ Items: [], Count: 0, ScannedCount: 2, LastEvaluatedKey: { pk: s('p'), sk: n(1) } });
    const legacy = await queryAll(db, { TableName: 'Tbl', KeyConditions: PARTITION_P, QueryFilter: { tag: { ComparisonOperator: 'EQ', AttributeValueList: [s('x')] } } });
    expect(sortColumn(legacy)).toEqual(['0', '3', '6', '9']);
  });

  it('Select COUNT returns no Items; projections keep the named paths', async () => {
    const db = await fixture();
    expect(await query(db, byPartition('Tbl', 'p', { Select: 'COUNT', FilterExpression: 'tag = :t' }, { ':t': s('x') }))).toEqual({ Count: 4, ScannedCount: 10 });
    const projected = await query(db, byPartition('Tbl', 'p', { ProjectionExpression: 'm.b, tag', Limit: 2 }));
    expect(projected.Items).toEqual([
      { tag: s('x'), m: { M: { b: n(0) } } },
      { tag: s('y'), m: { M: { b: n(-1) } } },
    ]);
    expect(projected.LastEvaluatedKey).toEqual({ pk: s('p'), sk: n(1) }); // built from the item read, not the projection
    const legacy = await query(db, { TableName: 'Tbl', KeyConditions: PARTITION_P, AttributesToGet: ['sk'], Select: 'SPECIFIC_ATTRIBUTES', Limit: 1 });
    expect(legacy.Items).toEqual([{ sk: n(0) }]);
  });

  it('rejects what DynamoDB rejects, with its messages', async () => {
    const db = await fixture();
    await expectError(
      query(db, byPartition('Tbl', 'p', { FilterExpression: 'sk > :z' }, { ':z': n(0) })),
      'ValidationException',
      'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk',
    );
    await expectError(
      query(db, byPartition('Tbl', 'p', { FilterExpression: 'attribute_exists(pk)' })),
      'ValidationException',
      'Filter Expression can only contain non-primary key attributes: Primary key attribute: pk',
    );
    await expectError(
      query(db, { TableName: 'Tbl', KeyConditions: PARTITION_P, QueryFilter: { sk: { ComparisonOperator: 'EQ', AttributeValueList: [n(1)] } } }),
      'ValidationException',
      'QueryFilter can only contain non-primary key attributes: Primary key attribute: sk',
    );
    await expectError(
      query(db, byPartition('Tbl', 'p', { ProjectionExpression: 'sk.x' })),
      'ValidationException',
      "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: sk",
    );
    await expectError(
      query(db, byPartition('Tbl', 'p', { Select: 'SPECIFIC_ATTRIBUTES' })),
      'ValidationException',
      '1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES',
    );
    await expectError(
      query(db, byPartition('Tbl', 'p', {}, { ':p': n(1) })),
      'ValidationException',
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    );
    await expectError(
      query(db, byPartition('Tbl', 'p', { KeyConditionExpression: ' AND sk = :v' }, { ':v': s('1') })),
      'ValidationException',
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    );
    await expectError(
      query(db, byPartition('Tbl', '')),
      'ValidationException',
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
    );
    await expectError(query(db, byPartition('Tbl', 'p', { IndexName: 'nope' })), 'ValidationException', 'The table does not have the specified index: nope');
    await expectError(query(db, byPartition('Missing', 'p')), 'ResourceNotFoundException', /^Requested resource not found/);
  });
});

describe('Query: ExclusiveStartKey', () => {
  async function fixture(): Promise<Database> {
    const db = await database();
    await createTable(db, 'Tbl', {
      sortType: 'S',
      lsis: [{ name: 'bySize', sk: 'mass', skType: 'N', projection: { ProjectionType: 'KEYS_ONLY' } }],
      gsis: [{ name: 'byOwner', pk: 'holder', pkType: 'S', sk: 'mass', skType: 'N', projection: { ProjectionType: 'KEYS_ONLY' } }],
    });
    await put(db, 'Tbl', ['a', 'b', 'c'].map((sk, i) => ({ pk: s('p'), sk: s(sk), mass: n(i), holder: s('o') })));
    return db;
  }
  const invalid = 'The provided starting key is invalid';

  it('validates the start key against the table key and the key condition', async () => {
    const db = await fixture();
    const q = (ExclusiveStartKey: Item, extra: Input = {}, values: Record<string, AttributeValue> = {}) =>
      query(db, { ...byPartition('Tbl', 'p', extra, values), ExclusiveStartKey });
    await expectError(q({ pk: s('p') }), 'ValidationException', invalid);
    await expectError(q({ pk: s('p'), other: s('a') }), 'ValidationException', invalid);
    await expectError(q({ pk: s('p'), sk: n(1) }), 'ValidationException', 'The provided key element does not match the schema');
    await expectError(q({ pk: s('p'), sk: s('a'), x: s('1') }), 'ValidationException', invalid);
    await expectError(
      q({ pk: s('p'), sk: s('') }),
      'ValidationException',
      'The provided starting key is invalid: One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty string value. Key: sk',
    );
    await expectError(q({ pk: s('other'), sk: s('a') }), 'ValidationException', 'The provided starting key is outside query boundaries based on provided conditions');
    await expectError(
      q({ pk: s('p'), sk: s('a') }, { KeyConditionExpression: ' AND sk > :v' }, { ':v': s('b') }),
      'ValidationException',
      'The provided starting key does not match the range key predicate',
    );
    await expectError(
      q({ pk: s('other'), sk: s('c') }, { KeyConditionExpression: ' AND sk > :v' }, { ':v': s('b') }),
      'ValidationException',
      'The query can return at most one row and cannot be restarted',
    );
    const resumed = await q({ pk: s('p'), sk: s('a') }, { KeyConditionExpression: ' AND sk >= :v' }, { ':v': s('a') });
    expect(sortColumn(resumed.Items!)).toEqual(['b', 'c']);
  });

  it('requires the index key and the table key for index queries', async () => {
    const db = await fixture();
    const lsi = (ExclusiveStartKey: Item) => query(db, { ...byPartition('Tbl', 'p'), IndexName: 'bySize', ExclusiveStartKey });
    await expectError(lsi({ pk: s('p'), sk: s('a') }), 'ValidationException', invalid);
    await expectError(lsi({ pk: s('p'), sk: s('a'), x: n(1) }), 'ValidationException', invalid);
    await expectError(lsi({ pk: s('p'), sk: s('a'), mass: s('1') }), 'ValidationException', 'The provided key element does not match the schema');
    await expectError(
      lsi({ pk: s('p'), sk: n(1), mass: n(1) }),
      'ValidationException',
      'The provided starting key is invalid: The provided key element does not match the schema',
    );
    const page = await query(db, { ...byPartition('Tbl', 'p'), IndexName: 'bySize', Limit: 1 });
    expect(page.LastEvaluatedKey).toEqual({ pk: s('p'), sk: s('a'), mass: n(0) });
    const gsi = (ExclusiveStartKey: Item) =>
      query(db, { TableName: 'Tbl', IndexName: 'byOwner', KeyConditionExpression: 'holder = :o', ExpressionAttributeValues: { ':o': s('o') }, ExclusiveStartKey });
    await expectError(gsi({ pk: s('p'), sk: s('a'), holder: s('o') }), 'ValidationException', invalid);
    await expectError(gsi({ pk: s('p'), sk: s('a'), holder: s('x'), mass: n(0) }), 'ValidationException', 'The provided starting key is outside query boundaries based on provided conditions');
    const resumed = await gsi({ pk: s('p'), sk: s('a'), holder: s('o'), mass: n(0) });
    expect(resumed.Items).toEqual([
      { pk: s('p'), sk: s('b'), mass: n(1), holder: s('o') },
      { pk: s('p'), sk: s('c'), mass: n(2), holder: s('o') },
    ]);
  });
});

describe('Query: secondary indexes', () => {
  const projections: [string, Input][] = [
    ['KEYS_ONLY', { ProjectionType: 'KEYS_ONLY' }],
    ['INCLUDE', { ProjectionType: 'INCLUDE', NonKeyAttributes: ['color'] }],
    ['ALL', { ProjectionType: 'ALL' }],
  ];

  async function fixture(): Promise<Database> {
    const db = await database();
    await createTable(db, 'Tbl', {
      sortType: 'S',
      gsis: projections.map(([type, projection]) => ({ name: `g${type}`, pk: 'gpk', pkType: 'S', sk: 'score', skType: 'N', projection })),
      lsis: projections.map(([type, projection]) => ({ name: `l${type}`, sk: 'score', skType: 'N', projection })),
    });
    // Ranks repeat: index entries with equal index sort keys are ordered by the table key after it.
    const items: Item[] = [];
    for (let i = 0; i < 12; i++) {
      items.push({ pk: s('p'), sk: s(`k${String(i).padStart(2, '0')}`), gpk: s('g'), score: n(i % 4), color: s(`c${i}`), weight: n(i * 10) });
    }
    items.push({ pk: s('p'), sk: s('sparse'), color: s('none') }); // in no index
    await put(db, 'Tbl', items);
    return db;
  }

  const keys = (item: Item): string => `${(item['score'] as { N: string }).N}/${(item['sk'] as { S: string }).S}`;

  it('reads GSIs and LSIs in index order with each projection, including exclusive bounds over repeated index keys', async () => {
    const db = await fixture();
    for (const [type] of projections) {
      for (const [index, condition] of [
        [`g${type}`, 'gpk = :g AND score > :r'],
        [`l${type}`, 'pk = :p AND score > :r'],
      ] as const) {
        const input = { TableName: 'Tbl', IndexName: index, KeyConditionExpression: condition, ExpressionAttributeValues: index.startsWith('g') ? { ':g': s('g'), ':r': n(1) } : { ':p': s('p'), ':r': n(1) } };
        const forward = await queryAll(db, { ...input, Limit: 2 });
        expect(forward.map(keys)).toEqual(['2/k02', '2/k06', '2/k10', '3/k03', '3/k07', '3/k11']);
        const backward = await queryAll(db, { ...input, Limit: 4, ScanIndexForward: false });
        expect(backward.map(keys)).toEqual(['3/k11', '3/k07', '3/k03', '2/k10', '2/k06', '2/k02']);
        const attributes = Object.keys(forward[0]!).sort();
        const expected = { KEYS_ONLY: ['pk', 'score', 'sk'], INCLUDE: ['color', 'pk', 'score', 'sk'], ALL: ['color', 'gpk', 'pk', 'score', 'sk', 'weight'] }[type]!;
        expect(attributes).toEqual(index.startsWith('g') && type !== 'ALL' ? [...expected, 'gpk'].sort() : expected);
        const le = await query(db, { ...input, KeyConditionExpression: condition.replace('>', '<='), Limit: 3 });
        expect(le.Items!.map(keys)).toEqual(['0/k00', '0/k04', '0/k08']);
        expect(le.LastEvaluatedKey).toEqual(
          index.startsWith('g') ? { pk: s('p'), sk: s('k08'), gpk: s('g'), score: n(0) } : { pk: s('p'), sk: s('k08'), score: n(0) },
        );
      }
    }
  });

  it('applies DynamoDB Select rules on GSIs and fetches unprojected attributes through an LSI', async () => {
    const db = await fixture();
    const gsi = (index: string, extra: Input) =>
      query(db, { TableName: 'Tbl', IndexName: index, KeyConditionExpression: 'gpk = :g', ExpressionAttributeValues: { ':g': s('g') }, Limit: 1, ...extra });
    const lsi = (index: string, extra: Input) =>
      query(db, { TableName: 'Tbl', IndexName: index, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('p') }, Limit: 1, ...extra });
    await expectError(
      gsi('gKEYS_ONLY', { Select: 'ALL_ATTRIBUTES' }),
      'ValidationException',
      'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index gKEYS_ONLY because its projection type is not ALL',
    );
    await expectError(gsi('gALL', { ConsistentRead: true }), 'ValidationException', 'Consistent reads are not supported on global secondary indexes');
    expect((await gsi('gALL', { Select: 'ALL_ATTRIBUTES' })).Items![0]).toHaveProperty('weight');
    // A GSI returns what it stores: an unprojected attribute is simply absent.
    expect((await gsi('gKEYS_ONLY', { ProjectionExpression: 'weight, score' })).Items).toEqual([{ score: n(0) }]);
    const full = { pk: s('p'), sk: s('k00'), gpk: s('g'), score: n(0), color: s('c0'), weight: n(0) };
    expect((await lsi('lKEYS_ONLY', { Select: 'ALL_ATTRIBUTES', ConsistentRead: true })).Items).toEqual([full]);
    expect((await lsi('lKEYS_ONLY', {})).Items).toEqual([{ pk: s('p'), sk: s('k00'), score: n(0) }]);
    expect((await lsi('lINCLUDE', { ProjectionExpression: 'weight' })).Items).toEqual([{ weight: n(0) }]);
    const filtered = await lsi('lKEYS_ONLY', { Limit: 12, FilterExpression: 'weight >= :w', ExpressionAttributeValues: { ':p': s('p'), ':w': n(100) } });
    expect(filtered.Items!.map(keys)).toEqual(['2/k10', '3/k11']);
    expect(filtered.Items![0]).toEqual({ pk: s('p'), sk: s('k10'), score: n(2) });
    await expectError(
      lsi('lKEYS_ONLY', { FilterExpression: 'score > :r', ExpressionAttributeValues: { ':p': s('p'), ':r': n(0) } }),
      'ValidationException',
      'Filter Expression can only contain non-primary key attributes: Primary key attribute: score',
    );
    // The table's sort key is not a key of the LSI: an LSI query may filter on it.
    expect((await lsi('lALL', { Limit: 12, FilterExpression: 'sk = :k', ExpressionAttributeValues: { ':p': s('p'), ':k': s('k05') } })).Count).toBe(1);
    await expectError(
      lsi('lALL', { ProjectionExpression: 'score[0]' }),
      'ValidationException',
      "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: score",
    );
  });

  it('charges index reads to the index and LSI fetches to the table', async () => {
    const db = await fixture();
    const gsiPage = await query(db, {
      TableName: 'Tbl', IndexName: 'gKEYS_ONLY', KeyConditionExpression: 'gpk = :g', ExpressionAttributeValues: { ':g': s('g') }, ReturnConsumedCapacity: 'INDEXES',
    });
    expect(gsiPage.ConsumedCapacity).toEqual({
      TableName: 'Tbl', CapacityUnits: 0.5, ReadCapacityUnits: 0.5, Table: { CapacityUnits: 0 }, GlobalSecondaryIndexes: { gKEYS_ONLY: { CapacityUnits: 0.5, ReadCapacityUnits: 0.5 } },
    });
    // 12 entries are read from the LSI (0.5 once rounded); each of the 12 fetched items costs its own 1 (strongly consistent).
    const lsiPage = await query(db, {
      TableName: 'Tbl', IndexName: 'lKEYS_ONLY', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('p') },
      Select: 'ALL_ATTRIBUTES', ConsistentRead: true, ReturnConsumedCapacity: 'INDEXES',
    });
    expect(lsiPage.Count).toBe(12);
    expect(lsiPage.ConsumedCapacity).toEqual({
      TableName: 'Tbl', CapacityUnits: 13, ReadCapacityUnits: 13, Table: { CapacityUnits: 12, ReadCapacityUnits: 12 },
      LocalSecondaryIndexes: { lKEYS_ONLY: { CapacityUnits: 1, ReadCapacityUnits: 1 } },
    });
  });
});

describe('Query: consumed capacity', () => {
  it('sums item sizes then rounds once: 10 items × 4.08 KB = 40.8 KB → 11 RCU strongly consistent, 5.5 eventually', async () => {
    const db = await database();
    await createTable(db, 'Tbl', { sortType: 'N' });
    // 4.08 KB = 4177.92 bytes: each item is padded to 4,178 bytes.
    const items = Array.from({ length: 10 }, (_, i) => {
      const pad = 4178 - itemSizeBytes({ pk: s('p'), sk: n(i), body: s('') });
      return { pk: s('p'), sk: n(i), body: s('x'.repeat(pad)) };
    });
    expect(items.every((item) => itemSizeBytes(item) === 4178)).toBe(true);
    await put(db, 'Tbl', items);
    const strong = await query(db, byPartition('Tbl', 'p', { ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL', Select: 'COUNT' }));
    expect(strong.ConsumedCapacity).toEqual({ TableName: 'Tbl', CapacityUnits: 11, ReadCapacityUnits: 11 });
    const eventual = await query(db, byPartition('Tbl', 'p', { ReturnConsumedCapacity: 'TOTAL', FilterExpression: 'attribute_not_exists(body)' }));
    expect(eventual.ConsumedCapacity).toEqual({ TableName: 'Tbl', CapacityUnits: 5.5, ReadCapacityUnits: 5.5 });
    const empty = await query(db, byPartition('Tbl', 'nobody', { ReturnConsumedCapacity: 'INDEXES' }));
    expect(empty.ConsumedCapacity).toEqual({ TableName: 'Tbl', CapacityUnits: 0.5, ReadCapacityUnits: 0.5, Table: { CapacityUnits: 0.5, ReadCapacityUnits: 0.5 } });
    expect((await query(db, byPartition('Tbl', 'p'))).ConsumedCapacity).toBeUndefined();
  });
});

// ---- Property: Query equals a brute-force filter + sort --------------------------------------------

type SortType = 'S' | 'N' | 'B';
type Op = 'none' | '=' | '<' | '<=' | '>' | '>=' | 'between' | 'begins_with';

function holds(op: Op, value: KeyAttributeValue, a: KeyAttributeValue, c: KeyAttributeValue): boolean {
  const order = compareKeyValues(value, a);
  switch (op) {
    case 'none':
      return true;
    case '=':
      return order === 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case 'between':
      return order >= 0 && compareKeyValues(value, c) <= 0;
    case 'begins_with':
      if ('S' in value && 'S' in a) return value.S.startsWith(a.S);
      if ('B' in value && 'B' in a) return a.B.every((byte, i) => value.B[i] === byte) && a.B.length <= value.B.length;
      return false;
  }
}

function conditionText(op: Op, attribute: string): string {
  switch (op) {
    case 'none':
      return '';
    case 'between':
      return ` AND ${attribute} BETWEEN :a AND :c`;
    case 'begins_with':
      return ` AND begins_with(${attribute}, :a)`;
    default:
      return ` AND ${attribute} ${op} :a`;
  }
}

describe('Query property', () => {
  const scenario = fc
    .constantFrom<SortType>('S', 'N', 'B')
    .chain((type) => {
      const value = type === 'N' ? keyValueOf.N : type === 'S' ? keyValueOf.S.filter((v) => (v as { S: string }).S.length > 0) : keyValueOf.B.filter((v) => (v as { B: Uint8Array }).B.length > 0);
      const prefix = type === 'S' ? keyValueOf.S : keyValueOf.B;
      const ops: Op[] = type === 'N' ? ['none', '=', '<', '<=', '>', '>=', 'between'] : ['none', '=', '<', '<=', '>', '>=', 'between', 'begins_with'];
      return fc.record({
        type: fc.constant(type),
        rows: fc.array(fc.record({ partition: fc.constantFrom('p', 'q', 'r'), sk: value, g: value }), { maxLength: 30 }),
        op: fc.constantFrom(...ops),
        partition: fc.constantFrom('p', 'q', 'r'),
        index: fc.boolean(),
        a: value,
        c: value,
        prefix: prefix.filter((v) => ('S' in v ? v.S.length > 0 : (v as { B: Uint8Array }).B.length > 0)),
        limit: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
        forward: fc.boolean(),
      });
    });

  it('returns, over all pages, exactly the matching items in key order', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const db = await Database.open({ clock: new ManualClock(1_700_000_000_000), sync: 'none' });
        try {
          await createTable(db, 'Tbl', {
            sortType: sc.type,
            gsis: [{ name: 'gsi', pk: 'gp', pkType: 'S', sk: 'g', skType: sc.type, projection: { ProjectionType: 'ALL' } }],
          });
          const rows = new Map<string, Item>();
          for (const row of sc.rows) {
            const item: Item = { pk: s(row.partition), sk: row.sk, gp: s(row.partition), g: row.g };
            rows.set(`${row.partition}|${JSON.stringify(row.sk, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v))}`, item);
          }
          await put(db, 'Tbl', [...rows.values()]);
          let [a, c] = [sc.op === 'begins_with' ? sc.prefix : sc.a, sc.c];
          if (sc.op === 'between' && compareKeyValues(a, c) > 0) [a, c] = [c, a];
          const attribute = sc.index ? 'g' : 'sk';
          const partitionAttribute = sc.index ? 'gp' : 'pk';
          const values: Record<string, AttributeValue> = { ':p': s(sc.partition) };
          if (sc.op !== 'none') values[':a'] = a;
          if (sc.op === 'between') values[':c'] = c;
          const input: Input = {
            TableName: 'Tbl',
            KeyConditionExpression: `${partitionAttribute} = :p${conditionText(sc.op, attribute)}`,
            ExpressionAttributeValues: values,
            ScanIndexForward: sc.forward,
            ...(sc.index ? { IndexName: 'gsi' } : {}),
            ...(sc.limit === undefined ? {} : { Limit: sc.limit }),
          };
          const actual = await queryAll(db, input);
          const key = (item: Item, name: string) => item[name] as KeyAttributeValue;
          const expected = [...rows.values()]
            .filter((item) => (item['pk'] as { S: string }).S === sc.partition && holds(sc.op, key(item, attribute), a, c))
            .sort((x, y) => compareKeyValues(key(x, attribute), key(y, attribute)) || compareKeyValues(key(x, 'pk'), key(y, 'pk')) || compareKeyValues(key(x, 'sk'), key(y, 'sk')));
          if (!sc.forward) expected.reverse();
          expect(actual).toEqual(expected);
        } finally {
          await db.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
