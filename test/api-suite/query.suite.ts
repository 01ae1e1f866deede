/**
 * Conformance: Query — key conditions, sort order by type, ScanIndexForward, Limit and
 * LastEvaluatedKey paging, the 1 MB page, FilterExpression (Count vs ScannedCount), Select,
 * projection, ExclusiveStartKey validation and the KeyConditionExpression errors (reference §4.1, §4.2).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  b,
  column,
  createTestTable,
  expectDynamoError,
  n,
  putItems,
  queryAll,
  s,
  uniqueTableName,
  type ApiInput,
  type GetHarness,
  type Item,
} from './harness.js';

export function registerQuery(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let numeric = '';
  const NUMERIC_SORT_KEYS = ['-10', '-1.5', '0', '2', '10', '100', '1e3'];

  beforeAll(async () => {
    numeric = await createTestTable(getHarness(), { prefix: 'q-num', sortKeyType: 'N' });
    for (const sk of NUMERIC_SORT_KEYS) await api().putItem({ TableName: numeric, Item: { pk: s('p'), sk: n(sk), tag: s(`t${sk}`) } });
    await api().putItem({ TableName: numeric, Item: { pk: s('other'), sk: n(1) } });
  });

  const q = (input: ApiInput) => api().query({ TableName: numeric, ...input });
  /** Queries partition 'p' of the numeric table; `extra.KeyConditionExpression` is a suffix (' AND sk ...'). */
  const byPartition = (extra: ApiInput = {}, values: Record<string, Item[string]> = {}) => {
    const { KeyConditionExpression: suffix, ...rest } = extra;
    return q({
      ...rest,
      KeyConditionExpression: `pk = :p${typeof suffix === 'string' ? suffix : ''}`,
      ExpressionAttributeValues: { ':p': s('p'), ...values },
    });
  };

  describe('key conditions and order', () => {
    it('returns one partition in ascending numeric sort-key order', async () => {
      const out = await byPartition();
      expect(column(out.Items!, 'sk')).toEqual(['-10', '-1.5', '0', '2', '10', '100', '1000']);
      expect(out.Count).toBe(7);
      expect(out.ScannedCount).toBe(7);
      expect(out.LastEvaluatedKey).toBeUndefined();
    });

    it('returns descending order with ScanIndexForward false', async () => {
      const out = await byPartition({ ScanIndexForward: false });
      expect(column(out.Items!, 'sk')).toEqual(['1000', '100', '10', '2', '0', '-1.5', '-10']);
    });

    it('orders string sort keys by UTF-8 bytes', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'q-str', sortKeyType: 'S' });
      // U+FFFD sorts before U+1F600 in UTF-8 but after it in UTF-16: the order must be by UTF-8 bytes.
      const keys = ['z', 'a', 'A', '\u00bf', 'aa', 'B', '\u{1F600}', '\uFFFD'];
      await putItems(api(), table, keys.map((sk) => ({ pk: s('p'), sk: s(sk) })));
      const out = await api().query({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('p') } });
      const expected = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
      expect(column(out.Items!, 'sk')).toEqual(expected);
    });

    it('orders binary sort keys as unsigned bytes', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'q-bin', sortKeyType: 'B' });
      const keys = [[0xff], [0x80], [0x7f], [0x00], [0x00, 0x01], [0x7f, 0xff]];
      await putItems(api(), table, keys.map((bytes) => ({ pk: s('p'), sk: b(...bytes) })));
      const out = await api().query({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('p') } });
      const read = out.Items!.map((item) => Array.from((item.sk as { B: Uint8Array }).B));
      expect(read).toEqual([[0x00], [0x00, 0x01], [0x7f], [0x7f, 0xff], [0x80], [0xff]]);
    });

    it('supports every sort-key comparator', async () => {
      const cases: [string, Record<string, Item[string]>, string[]][] = [
        [' AND sk = :a', { ':a': n('2.0') }, ['2']],
        [' AND sk < :a', { ':a': n(0) }, ['-10', '-1.5']],
        [' AND sk <= :a', { ':a': n(0) }, ['-10', '-1.5', '0']],
        [' AND sk > :a', { ':a': n(10) }, ['100', '1000']],
        [' AND sk >= :a', { ':a': n(10) }, ['10', '100', '1000']],
        [' AND sk BETWEEN :a AND :b', { ':a': n(-1.5), ':b': n(10) }, ['-1.5', '0', '2', '10']],
      ];
      for (const [condition, values, expected] of cases) {
        const out = await byPartition({ KeyConditionExpression: condition }, values);
        expect(column(out.Items!, 'sk')).toEqual(expected);
      }
    });

    it('supports begins_with on a string sort key', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'q-bw', sortKeyType: 'S' });
      await putItems(api(), table, ['order#1', 'order#2', 'orders', 'invoice#1'].map((sk) => ({ pk: s('p'), sk: s(sk) })));
      const out = await api().query({
        TableName: table, KeyConditionExpression: 'pk = :p AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':p': s('p'), ':prefix': s('order#') },
      });
      expect(column(out.Items!, 'sk')).toEqual(['order#1', 'order#2']);
    });

    it('accepts key conditions in either operand order and through name placeholders', async () => {
      const out = await q({
        KeyConditionExpression: ':p = #k AND :lo < sk', ExpressionAttributeNames: { '#k': 'pk' }, ExpressionAttributeValues: { ':p': s('p'), ':lo': n(99) },
      });
      expect(column(out.Items!, 'sk')).toEqual(['100', '1000']);
    });

    it('returns an empty page with Count 0 for an empty partition', async () => {
      const out = await q({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('nobody') } });
      expect(out.Items).toEqual([]);
      expect(out.Count).toBe(0);
      expect(out.ScannedCount).toBe(0);
      expect(out.LastEvaluatedKey).toBeUndefined();
    });

    it('queries a hash-only table', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'q-hash' });
      await putItems(api(), table, [{ pk: s('a'), v: n(1) }, { pk: s('b'), v: n(2) }]);
      const out = await api().query({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('b') } });
      expect(out.Items).toEqual([{ pk: s('b'), v: n(2) }]);
    });

    it('supports legacy KeyConditions', async () => {
      const out = await q({
        KeyConditions: {
          pk: { ComparisonOperator: 'EQ', AttributeValueList: [s('p')] },
          sk: { ComparisonOperator: 'GT', AttributeValueList: [n(10)] },
        },
      });
      expect(column(out.Items!, 'sk')).toEqual(['100', '1000']);
    });
  });

  describe('paging', () => {
    it('pages with Limit until LastEvaluatedKey is absent, visiting every item once in order', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'q-page', sortKeyType: 'N' });
      await putItems(api(), table, Array.from({ length: 23 }, (_, i) => ({ pk: s('p'), sk: n(i) })));
      const input = { TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('p') }, Limit: 4 };
      const pages = await allPages((i) => api().query(i), input);
      for (const page of pages) expect(page.Items!.length).toBeLessThanOrEqual(4);
      for (const page of pages.slice(0, -1)) {
        expect(page.Items).toHaveLength(4);
        expect(page.LastEvaluatedKey).toEqual({ pk: s('p'), sk: page.Items![3]!.sk });
      }
      expect(column(pages.flatMap((page) => page.Items!), 'sk')).toEqual(Array.from({ length: 23 }, (_, i) => String(i)));
    });

    it('pages backwards with ScanIndexForward false', async () => {
      const items = await queryAll(api(), {
        TableName: numeric, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('p') }, Limit: 2, ScanIndexForward: false,
      });
      expect(column(items, 'sk')).toEqual(['1000', '100', '10', '2', '0', '-1.5', '-10']);
    });

    it('returns LastEvaluatedKey when Limit equals the number of items left', async () => {
      const out = await byPartition({ Limit: 7 });
      expect(out.Count).toBe(7);
      if (out.LastEvaluatedKey !== undefined) {
        const next = await byPartition({ Limit: 7, ExclusiveStartKey: out.LastEvaluatedKey });
        expect(next.Count).toBe(0);
        expect(next.LastEvaluatedKey).toBeUndefined();
      }
    });

    it('stops a page at 1 MB, including the item that crosses it', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'q-1mb', sortKeyType: 'N' });
      const payload = 'x'.repeat(100 * 1024);
      await putItems(api(), table, Array.from({ length: 15 }, (_, i) => ({ pk: s('p'), sk: n(i), data: s(payload) })));
      const input = { TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('p') } };
      const first = await api().query(input);
      expect(first.LastEvaluatedKey).toBeDefined();
      expect(first.Count).toBeGreaterThanOrEqual(10);
      expect(first.Count).toBeLessThanOrEqual(11);
      const all = await queryAll(api(), input);
      expect(column(all, 'sk')).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    });

    it('applies Limit before the filter: Count ≤ ScannedCount = Limit', async () => {
      const out = await byPartition({ Limit: 4, FilterExpression: 'tag = :t' }, { ':t': s('t0') });
      expect(out.ScannedCount).toBe(4);
      expect(out.Count).toBe(1);
      expect(out.LastEvaluatedKey).toBeDefined();
    });

    it('can return an empty filtered page that still carries LastEvaluatedKey', async () => {
      const out = await byPartition({ Limit: 2, FilterExpression: 'tag = :t' }, { ':t': s('nothing') });
      expect(out.Items).toEqual([]);
      expect(out.Count).toBe(0);
      expect(out.ScannedCount).toBe(2);
      expect(out.LastEvaluatedKey).toBeDefined();
    });

    it('rejects an ExclusiveStartKey missing the sort key', async () => {
      await expectDynamoError(byPartition({ ExclusiveStartKey: { pk: s('p') } }), 'ValidationException', /^The provided starting key is invalid/);
    });

    it('rejects an ExclusiveStartKey with a wrongly typed key', async () => {
      await expectDynamoError(byPartition({ ExclusiveStartKey: { pk: s('p'), sk: s('1') } }), 'ValidationException',
        'The provided key element does not match the schema');
    });

    it('rejects Limit 0', async () => {
      await expectDynamoError(byPartition({ Limit: 0 }), 'ValidationException');
    });
  });

  describe('filter, select, projection', () => {
    it('reports Count after the filter and ScannedCount before it', async () => {
      const out = await byPartition({ FilterExpression: 'tag IN (:a, :b)' }, { ':a': s('t2'), ':b': s('t100') });
      expect(column(out.Items!, 'sk')).toEqual(['2', '100']);
      expect(out.Count).toBe(2);
      expect(out.ScannedCount).toBe(7);
    });

    it('rejects a filter on a key attribute', async () => {
      await expectDynamoError(byPartition({ FilterExpression: 'sk > :z' }, { ':z': n(0) }), 'ValidationException',
        'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk');
    });

    it('Select COUNT returns counts and no items', async () => {
      const out = await byPartition({ Select: 'COUNT' });
      expect(out.Items).toBeUndefined();
      expect(out.Count).toBe(7);
      expect(out.ScannedCount).toBe(7);
    });

    it('projects attributes with ProjectionExpression', async () => {
      const out = await byPartition({ ProjectionExpression: 'tag' });
      expect(out.Items!.every((item) => Object.keys(item).join() === 'tag')).toBe(true);
      expect(out.Items).toHaveLength(7);
    });

    it('rejects Select ALL_ATTRIBUTES together with ProjectionExpression', async () => {
      await expectDynamoError(byPartition({ ProjectionExpression: 'tag', Select: 'ALL_ATTRIBUTES' }), 'ValidationException');
    });

    it('rejects an unknown Select value', async () => {
      await expectDynamoError(byPartition({ Select: 'SOME' }), 'ValidationException');
    });
  });

  describe('key condition errors', () => {
    it('requires a key condition', async () => {
      await expectDynamoError(q({}), 'ValidationException', 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
    });

    it('rejects OR', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk = :p OR sk = :s', ExpressionAttributeValues: { ':p': s('p'), ':s': n(1) } }),
        'ValidationException', 'Invalid operator used in KeyConditionExpression: OR');
    });

    it('rejects two conditions on one key', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk = :p AND sk > :a AND sk < :b', ExpressionAttributeValues: { ':p': s('p'), ':a': n(1), ':b': n(5) } }),
        'ValidationException', 'KeyConditionExpressions must only contain one condition per key');
    });

    it('rejects a condition naming two attributes', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk = sk' }), 'ValidationException',
        'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
    });

    it('rejects a condition on a nested attribute', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk.x = :p', ExpressionAttributeValues: { ':p': s('p') } }), 'ValidationException',
        'KeyConditionExpressions cannot have conditions on nested attributes');
    });

    it('rejects a key condition without the partition key', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'sk = :s', ExpressionAttributeValues: { ':s': n(1) } }), 'ValidationException',
        'Query condition missed key schema element: pk');
    });

    it('rejects a key condition on a non-key attribute', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk = :p AND tag = :t', ExpressionAttributeValues: { ':p': s('p'), ':t': s('x') } }), 'ValidationException');
    });

    it('rejects a non-equality condition on the partition key', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk > :p', ExpressionAttributeValues: { ':p': s('p') } }), 'ValidationException',
        'Query key condition not supported');
    });

    it('rejects begins_with on a number sort key', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk = :p AND begins_with(sk, :x)', ExpressionAttributeValues: { ':p': s('p'), ':x': n(1) } }),
        'ValidationException');
    });

    it('rejects <> in a key condition', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk = :p AND sk <> :x', ExpressionAttributeValues: { ':p': s('p'), ':x': n(1) } }),
        'ValidationException', 'Invalid operator used in KeyConditionExpression: <>');
    });

    it('rejects a key value of the wrong type', async () => {
      await expectDynamoError(q({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': n(1) } }), 'ValidationException');
    });

    it('rejects a query on a missing table or index', async () => {
      await expectDynamoError(api().query({ TableName: uniqueTableName('missing'), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('p') } }),
        'ResourceNotFoundException', /^Requested resource not found/);
      await expectDynamoError(byPartition({ IndexName: 'nope' }), 'ValidationException', 'The table does not have the specified index: nope');
    });
  });
}
