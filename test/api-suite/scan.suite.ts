/**
 * Conformance: Scan — full scans, filters (which may name key attributes), Limit and 1 MB paging,
 * Select COUNT, projection, and parallel scans whose segments cover every item exactly once
 * (reference §4.3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  column,
  createTestTable,
  expectDynamoError,
  n,
  putItems,
  s,
  scanAll,
  uniqueTableName,
  type ApiInput,
  type GetHarness,
  type Item,
} from './harness.js';

const ITEM_COUNT = 60;

export function registerScan(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let table = '';

  beforeAll(async () => {
    table = await createTestTable(getHarness(), { prefix: 'scan', sortKeyType: 'N' });
    await putItems(api(), table, Array.from({ length: ITEM_COUNT }, (_, i) => ({ pk: s(`p${i % 7}`), sk: n(i), even: { BOOL: i % 2 === 0 } })));
  });

  const scan = (input: ApiInput = {}) => api().scan({ TableName: table, ...input });
  const ids = (items: Item[]) => column(items, 'sk').map(Number).sort((x, y) => x - y);
  const everyId = Array.from({ length: ITEM_COUNT }, (_, i) => i);

  describe('full scans', () => {
    it('returns every item once', async () => {
      const items = await scanAll(api(), { TableName: table });
      expect(ids(items)).toEqual(everyId);
    });

    it('returns an empty table as an empty page', async () => {
      const empty = await createTestTable(getHarness(), { prefix: 'scan-empty' });
      const out = await api().scan({ TableName: empty });
      expect(out.Items).toEqual([]);
      expect(out.Count).toBe(0);
      expect(out.ScannedCount).toBe(0);
      expect(out.LastEvaluatedKey).toBeUndefined();
    });

    it('keeps items of one partition in sort-key order', async () => {
      const items = await scanAll(api(), { TableName: table });
      const partition = items.filter((item) => (item.pk as { S: string }).S === 'p3');
      const order = column(partition, 'sk').map(Number);
      expect(order).toEqual([...order].sort((x, y) => x - y));
    });

    it('pages with Limit, visiting every item once', async () => {
      const pages = await allPages((i) => api().scan(i), { TableName: table, Limit: 7 });
      for (const page of pages) expect(page.Items!.length).toBeLessThanOrEqual(7);
      expect(ids(pages.flatMap((page) => page.Items!))).toEqual(everyId);
    });

    it('LastEvaluatedKey holds exactly the table key', async () => {
      const out = await scan({ Limit: 3 });
      expect(Object.keys(out.LastEvaluatedKey!).sort()).toEqual(['pk', 'sk']);
    });

    it('stops a page at 1 MB', async () => {
      const big = await createTestTable(getHarness(), { prefix: 'scan-1mb' });
      const payload = 'x'.repeat(100 * 1024);
      await putItems(api(), big, Array.from({ length: 14 }, (_, i) => ({ pk: s(`p${i}`), data: s(payload) })));
      const first = await api().scan({ TableName: big });
      expect(first.LastEvaluatedKey).toBeDefined();
      expect(first.Count).toBeGreaterThanOrEqual(10);
      expect(first.Count).toBeLessThanOrEqual(11);
      expect(await scanAll(api(), { TableName: big })).toHaveLength(14);
    });

    it('rejects a scan of a missing table', async () => {
      await expectDynamoError(api().scan({ TableName: uniqueTableName('missing') }), 'ResourceNotFoundException', /^Requested resource not found/);
    });

    it('rejects an ExclusiveStartKey that does not match the schema', async () => {
      await expectDynamoError(scan({ ExclusiveStartKey: { pk: n(1), sk: n(1) } }), 'ValidationException');
      await expectDynamoError(scan({ ExclusiveStartKey: { pk: s('p1') } }), 'ValidationException');
    });
  });

  describe('filter, select, projection', () => {
    it('filters, reporting Count after and ScannedCount before the filter', async () => {
      const pages = await allPages((i) => api().scan(i), { TableName: table, FilterExpression: 'even = :t', ExpressionAttributeValues: { ':t': { BOOL: true } } });
      const items = pages.flatMap((page) => page.Items!);
      expect(ids(items)).toEqual(everyId.filter((i) => i % 2 === 0));
      expect(pages.reduce((sum, page) => sum + page.Count!, 0)).toBe(ITEM_COUNT / 2);
      expect(pages.reduce((sum, page) => sum + page.ScannedCount!, 0)).toBe(ITEM_COUNT);
    });

    it('allows filters on key attributes', async () => {
      const items = await scanAll(api(), { TableName: table, FilterExpression: 'pk = :p AND sk < :max', ExpressionAttributeValues: { ':p': s('p0'), ':max': n(20) } });
      expect(ids(items)).toEqual([0, 7, 14]);
    });

    it('applies Limit before the filter', async () => {
      const out = await scan({ Limit: 10, FilterExpression: 'sk = :never', ExpressionAttributeValues: { ':never': n(-1) } });
      expect(out.ScannedCount).toBe(10);
      expect(out.Count).toBe(0);
      expect(out.LastEvaluatedKey).toBeDefined();
    });

    it('Select COUNT counts without returning items', async () => {
      const pages = await allPages((i) => api().scan(i), { TableName: table, Select: 'COUNT' });
      for (const page of pages) expect(page.Items).toBeUndefined();
      expect(pages.reduce((sum, page) => sum + page.Count!, 0)).toBe(ITEM_COUNT);
    });

    it('projects with ProjectionExpression', async () => {
      const items = await scanAll(api(), { TableName: table, ProjectionExpression: 'sk' });
      expect(items).toHaveLength(ITEM_COUNT);
      expect(items.every((item) => Object.keys(item).join() === 'sk')).toBe(true);
    });

    it('supports a legacy ScanFilter', async () => {
      const items = await scanAll(api(), { TableName: table, ScanFilter: { sk: { ComparisonOperator: 'LT', AttributeValueList: [n(3)] } } });
      expect(ids(items)).toEqual([0, 1, 2]);
    });
  });

  describe('parallel scan', () => {
    for (const totalSegments of [1, 2, 4, 13]) {
      it(`covers every item exactly once with TotalSegments ${totalSegments}`, async () => {
        const seen: number[] = [];
        for (let segment = 0; segment < totalSegments; segment++) {
          const items = await scanAll(api(), { TableName: table, Segment: segment, TotalSegments: totalSegments, Limit: 5 });
          seen.push(...ids(items));
        }
        expect(seen.sort((x, y) => x - y)).toEqual(everyId);
      });
    }

    it('keeps every partition key within one segment', async () => {
      const owner = new Map<string, number>();
      for (let segment = 0; segment < 4; segment++) {
        for (const item of await scanAll(api(), { TableName: table, Segment: segment, TotalSegments: 4 })) {
          const pk = (item.pk as { S: string }).S;
          expect(owner.get(pk) ?? segment).toBe(segment);
          owner.set(pk, segment);
        }
      }
      expect(owner.size).toBe(7);
    });

    it('allows more segments than items', async () => {
      const seen: number[] = [];
      for (let segment = 0; segment < 100; segment++) seen.push(...ids(await scanAll(api(), { TableName: table, Segment: segment, TotalSegments: 100 })));
      expect(seen.sort((x, y) => x - y)).toEqual(everyId);
    });

    it('requires TotalSegments with Segment', async () => {
      await expectDynamoError(scan({ Segment: 0 }), 'ValidationException',
        'The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
    });

    it('requires Segment with TotalSegments', async () => {
      await expectDynamoError(scan({ TotalSegments: 2 }), 'ValidationException');
    });

    it('requires Segment < TotalSegments', async () => {
      await expectDynamoError(scan({ Segment: 5, TotalSegments: 4 }), 'ValidationException',
        'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 4');
    });

    it('rejects TotalSegments over 1,000,000 and below 1', async () => {
      await expectDynamoError(scan({ Segment: 0, TotalSegments: 1_000_001 }), 'ValidationException');
      await expectDynamoError(scan({ Segment: 0, TotalSegments: 0 }), 'ValidationException');
    });

    it('rejects a negative Segment', async () => {
      await expectDynamoError(scan({ Segment: -1, TotalSegments: 2 }), 'ValidationException');
    });

    it('rejects an ExclusiveStartKey from another segment', async () => {
      let start: Record<string, unknown> | undefined;
      for (let segment = 0; segment < 2 && start === undefined; segment++) {
        start = (await scan({ Segment: segment, TotalSegments: 2, Limit: 1 })).LastEvaluatedKey;
        if (start !== undefined) {
          await expectDynamoError(scan({ Segment: 1 - segment, TotalSegments: 2, ExclusiveStartKey: start }), 'ValidationException',
            /^The provided starting key is invalid/);
        }
      }
      expect(start).toBeDefined();
    });
  });
}
