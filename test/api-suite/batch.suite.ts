/**
 * Conformance: BatchGetItem and BatchWriteItem — multi-table requests, the 100-key and 25-request
 * limits, duplicate keys, whole-batch rejection, UnprocessedKeys/UnprocessedItems (reference §5).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  canonical,
  createTestTable,
  expectDynamoError,
  getItem,
  n,
  s,
  sortItems,
  uniqueTableName,
  type GetHarness,
  type Item,
} from './harness.js';

const DUPLICATES = 'Provided list of item keys contains duplicates';

export function registerBatch(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let hash = '';
  let range = '';

  beforeAll(async () => {
    hash = await createTestTable(getHarness(), { prefix: 'batch-h' });
    range = await createTestTable(getHarness(), { prefix: 'batch-r', sortKeyType: 'N' });
    for (let i = 0; i < 10; i++) {
      await api().putItem({ TableName: hash, Item: { pk: s(`h${i}`), v: n(i), extra: s('e') } });
      await api().putItem({ TableName: range, Item: { pk: s('r'), sk: n(i), v: n(i) } });
    }
  });

  const isEmptyMap = (value: unknown) => value === undefined || Object.keys(value as object).length === 0;

  describe('BatchGetItem', () => {
    it('reads from two tables, omitting missing keys, with no UnprocessedKeys', async () => {
      const out = await api().batchGetItem({
        RequestItems: {
          [hash]: { Keys: [{ pk: s('h1') }, { pk: s('h2') }, { pk: s('absent') }] },
          [range]: { Keys: [{ pk: s('r'), sk: n(3) }] },
        },
      });
      expect(sortItems(out.Responses![hash]!, 'pk')).toEqual([
        { pk: s('h1'), v: n(1), extra: s('e') },
        { pk: s('h2'), v: n(2), extra: s('e') },
      ]);
      expect(out.Responses![range]).toEqual([{ pk: s('r'), sk: n(3), v: n(3) }]);
      expect(isEmptyMap(out.UnprocessedKeys)).toBe(true);
    });

    it('returns an empty list for a table none of whose keys exist', async () => {
      const out = await api().batchGetItem({ RequestItems: { [hash]: { Keys: [{ pk: s('nope') }] } } });
      expect(out.Responses![hash]).toEqual([]);
    });

    it('projects per table with ProjectionExpression', async () => {
      const out = await api().batchGetItem({
        RequestItems: { [hash]: { Keys: [{ pk: s('h1') }], ProjectionExpression: '#v', ExpressionAttributeNames: { '#v': 'v' }, ConsistentRead: true } },
      });
      expect(out.Responses![hash]).toEqual([{ v: n(1) }]);
    });

    it('accepts exactly 100 keys', async () => {
      const keys = Array.from({ length: 100 }, (_, i) => ({ pk: s(`k${i}`) }));
      const out = await api().batchGetItem({ RequestItems: { [hash]: { Keys: keys } } });
      expect(out.Responses![hash]).toEqual([]);
    });

    it('rejects more than 100 keys in total', async () => {
      const keys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ pk: s(`${prefix}${i}`) }));
      await expectDynamoError(api().batchGetItem({ RequestItems: { [hash]: { Keys: keys('a', 101) } } }), 'ValidationException');
      await expectDynamoError(api().batchGetItem({
        RequestItems: { [hash]: { Keys: keys('a', 60) }, [range]: { Keys: Array.from({ length: 41 }, (_, i) => ({ pk: s('r'), sk: n(i) })) } },
      }), 'ValidationException', 'Too many items requested for the BatchGetItem call');
    });

    it('rejects duplicate keys', async () => {
      await expectDynamoError(api().batchGetItem({ RequestItems: { [hash]: { Keys: [{ pk: s('h1') }, { pk: s('h1') }] } } }), 'ValidationException', DUPLICATES);
    });

    it('rejects a key that does not match the schema', async () => {
      await expectDynamoError(api().batchGetItem({ RequestItems: { [range]: { Keys: [{ pk: s('r') }] } } }), 'ValidationException',
        'The provided key element does not match the schema');
    });

    it('rejects a missing table', async () => {
      await expectDynamoError(api().batchGetItem({ RequestItems: { [uniqueTableName('missing')]: { Keys: [{ pk: s('x') }] } } }), 'ResourceNotFoundException');
    });

    it('rejects empty RequestItems and empty Keys', async () => {
      await expectDynamoError(api().batchGetItem({ RequestItems: {} }), 'ValidationException');
      await expectDynamoError(api().batchGetItem({ RequestItems: { [hash]: { Keys: [] } } }), 'ValidationException');
    });

    it('returns a partial result with UnprocessedKeys past 16 MB, and retrying the rest completes it', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'batch-16mb' });
      const payload = 'x'.repeat(300 * 1024);
      for (let i = 0; i < 100; i++) await api().putItem({ TableName: table, Item: { pk: s(`big${i}`), data: s(payload) } });
      const keys = Array.from({ length: 100 }, (_, i) => ({ pk: s(`big${i}`) }));
      const first = await api().batchGetItem({ RequestItems: { [table]: { Keys: keys } } });
      const returned = first.Responses![table]!.length;
      const unprocessed = first.UnprocessedKeys?.[table]?.Keys ?? [];
      expect(returned).toBeGreaterThan(0);
      expect(returned).toBeLessThanOrEqual(55);
      expect(returned + unprocessed.length).toBe(100);
      const seen = new Set(first.Responses![table]!.map((item) => (item.pk as { S: string }).S));
      let pending: Item[] = unprocessed;
      for (let round = 0; round < 10 && pending.length > 0; round++) {
        const next = await api().batchGetItem({ RequestItems: { [table]: { Keys: pending } } });
        for (const item of next.Responses![table] ?? []) seen.add((item.pk as { S: string }).S);
        pending = next.UnprocessedKeys?.[table]?.Keys ?? [];
      }
      expect(seen.size).toBe(100);
    });
  });

  describe('BatchWriteItem', () => {
    it('puts and deletes across tables, with no UnprocessedItems', async () => {
      await api().putItem({ TableName: hash, Item: { pk: s('bw-del') } });
      const out = await api().batchWriteItem({
        RequestItems: {
          [hash]: [
            { PutRequest: { Item: { pk: s('bw-1'), v: n(1) } } },
            { DeleteRequest: { Key: { pk: s('bw-del') } } },
          ],
          [range]: [{ PutRequest: { Item: { pk: s('bw'), sk: n(1), v: n(1) } } }],
        },
      });
      expect(isEmptyMap(out.UnprocessedItems)).toBe(true);
      expect(await getItem(api(), hash, { pk: s('bw-1') })).toEqual({ pk: s('bw-1'), v: n(1) });
      expect(await getItem(api(), hash, { pk: s('bw-del') })).toBeUndefined();
      expect(await getItem(api(), range, { pk: s('bw'), sk: n(1) })).toEqual({ pk: s('bw'), sk: n(1), v: n(1) });
    });

    it('replaces existing items and deletes missing ones without error', async () => {
      await api().putItem({ TableName: hash, Item: { pk: s('bw-replace'), old: s('x') } });
      await api().batchWriteItem({
        RequestItems: { [hash]: [{ PutRequest: { Item: { pk: s('bw-replace'), fresh: s('y') } } }, { DeleteRequest: { Key: { pk: s('bw-never') } } }] },
      });
      expect(await getItem(api(), hash, { pk: s('bw-replace') })).toEqual({ pk: s('bw-replace'), fresh: s('y') });
    });

    it('accepts exactly 25 requests and rejects 26', async () => {
      const requests = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: { pk: s(`${prefix}${i}`) } } }));
      await api().batchWriteItem({ RequestItems: { [hash]: requests(25, 'bw25-') } });
      expect(await getItem(api(), hash, { pk: s('bw25-24') })).toBeDefined();
      await expectDynamoError(api().batchWriteItem({ RequestItems: { [hash]: requests(26, 'bw26-') } }), 'ValidationException');
      expect(await getItem(api(), hash, { pk: s('bw26-0') })).toBeUndefined();
    });

    it('counts the 25 across tables', async () => {
      const puts = (count: number, sk: boolean) =>
        Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: sk ? { pk: s('bwx'), sk: n(i) } : { pk: s(`bwx${i}`) } } }));
      await expectDynamoError(api().batchWriteItem({ RequestItems: { [hash]: puts(13, false), [range]: puts(13, true) } }), 'ValidationException');
    });

    it('rejects two puts of one key, and a put and a delete of one key', async () => {
      await expectDynamoError(api().batchWriteItem({
        RequestItems: { [hash]: [{ PutRequest: { Item: { pk: s('bw-dup') } } }, { PutRequest: { Item: { pk: s('bw-dup'), v: n(1) } } }] },
      }), 'ValidationException', DUPLICATES);
      await expectDynamoError(api().batchWriteItem({
        RequestItems: { [hash]: [{ PutRequest: { Item: { pk: s('bw-dup') } } }, { DeleteRequest: { Key: { pk: s('bw-dup') } } }] },
      }), 'ValidationException', DUPLICATES);
      expect(await getItem(api(), hash, { pk: s('bw-dup') })).toBeUndefined();
    });

    it('rejects the whole batch when one item is invalid', async () => {
      await expectDynamoError(api().batchWriteItem({
        RequestItems: { [hash]: [{ PutRequest: { Item: { pk: s('bw-good') } } }, { PutRequest: { Item: { nokey: s('x') } } }] },
      }), 'ValidationException');
      expect(await getItem(api(), hash, { pk: s('bw-good') })).toBeUndefined();
    });

    it('rejects the whole batch when one item is over 400 KB', async () => {
      await expectDynamoError(api().batchWriteItem({
        RequestItems: { [hash]: [{ PutRequest: { Item: { pk: s('bw-small') } } }, { PutRequest: { Item: { pk: s('bw-big'), d: s('x'.repeat(409_600)) } } }] },
      }), 'ValidationException');
      expect(await getItem(api(), hash, { pk: s('bw-small') })).toBeUndefined();
    });

    it('rejects the whole batch when a table is missing', async () => {
      let failure: unknown;
      try {
        await api().batchWriteItem({
          RequestItems: { [hash]: [{ PutRequest: { Item: { pk: s('bw-orphan') } } }], [uniqueTableName('missing')]: [{ PutRequest: { Item: { pk: s('x') } } }] },
        });
      } catch (error) {
        failure = error;
      }
      expect(['ResourceNotFoundException', 'ValidationException']).toContain((failure as Error | undefined)?.name);
      expect(await getItem(api(), hash, { pk: s('bw-orphan') })).toBeUndefined();
    });

    it('rejects a write request with both or neither of PutRequest and DeleteRequest', async () => {
      await expectDynamoError(api().batchWriteItem({
        RequestItems: { [hash]: [{ PutRequest: { Item: { pk: s('bw-both') } }, DeleteRequest: { Key: { pk: s('bw-both') } } }] },
      }), 'ValidationException');
      await expectDynamoError(api().batchWriteItem({ RequestItems: { [hash]: [{}] } }), 'ValidationException');
    });

    it('rejects empty RequestItems', async () => {
      await expectDynamoError(api().batchWriteItem({ RequestItems: {} }), 'ValidationException');
    });

    it('rejects a delete key that does not match the schema', async () => {
      await expectDynamoError(api().batchWriteItem({ RequestItems: { [range]: [{ DeleteRequest: { Key: { pk: s('r') } } }] } }), 'ValidationException',
        'The provided key element does not match the schema');
    });

    it('writes every attribute type like PutItem does', async () => {
      const item: Item = { pk: s('bw-types'), ss: { SS: ['b', 'a'] }, l: { L: [{ NULL: true }] }, m: { M: { e: s('') } }, bin: { B: Uint8Array.from([9]) } };
      await api().batchWriteItem({ RequestItems: { [hash]: [{ PutRequest: { Item: item } }] } });
      expect(canonical((await getItem(api(), hash, { pk: s('bw-types') }))!)).toEqual(canonical(item));
    });
  });
}
