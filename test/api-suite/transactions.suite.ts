/**
 * Conformance: TransactWriteItems and TransactGetItems — atomic commit across tables, cancellation
 * with CancellationReasons in request order, ConditionCheck/Put/Update/Delete actions, the one-action-
 * per-item and 100-action rules, ClientRequestToken idempotency (reference §6.1).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestTable,
  expectDynamoError,
  getItem,
  n,
  requireCapabilities,
  s,
  uniqueTableName,
  type GetHarness,
  type Item,
} from './harness.js';

const FAILED = 'The conditional request failed';
const RUN_ID = Date.now().toString(36);

export function registerTransactions(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let a = '';
  let bTable = '';
  let counter = 0;

  beforeAll(async () => {
    if (!getHarness().capabilities.transactions) return;
    a = await createTestTable(getHarness(), { prefix: 'tx-a' });
    bTable = await createTestTable(getHarness(), { prefix: 'tx-b', sortKeyType: 'N' });
  });

  const key = (): Item => {
    counter += 1;
    return { pk: s(`tx-${counter}`) };
  };
  /** A ClientRequestToken (≤ 36 characters) unique to this run. */
  const token = (label: string): string => `${label}-${RUN_ID}-${++counter}`;
  const put = (table: string, item: Item, extra: Record<string, unknown> = {}) => ({ Put: { TableName: table, Item: item, ...extra } });
  const check = (table: string, k: Item, condition: string, values?: Record<string, Item[string]>, extra: Record<string, unknown> = {}) => ({
    ConditionCheck: { TableName: table, Key: k, ConditionExpression: condition, ...(values === undefined ? {} : { ExpressionAttributeValues: values }), ...extra },
  });

  describe('TransactWriteItems', () => {
    it('commits puts, updates and deletes across two tables', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const [k1, k2, k3] = [key(), key(), key()];
      await api().putItem({ TableName: a, Item: { ...k2, count: n(1) } });
      await api().putItem({ TableName: a, Item: { ...k3 } });
      await api().transactWriteItems({
        TransactItems: [
          put(a, { ...k1, v: s('new') }),
          { Update: { TableName: a, Key: k2, UpdateExpression: 'ADD #c :one', ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':one': n(1) } } },
          { Delete: { TableName: a, Key: k3 } },
          put(bTable, { pk: s('tx'), sk: n(counter), v: s('other table') }),
        ],
      });
      expect(await getItem(api(), a, k1)).toEqual({ ...k1, v: s('new') });
      expect(await getItem(api(), a, k2)).toEqual({ ...k2, count: n(2) });
      expect(await getItem(api(), a, k3)).toBeUndefined();
      expect(await getItem(api(), bTable, { pk: s('tx'), sk: n(counter) })).toBeDefined();
    });

    it('cancels everything when one condition fails, with reasons in request order', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const [k1, k2, k3] = [key(), key(), key()];
      await api().putItem({ TableName: a, Item: { ...k2, v: n(1) } });
      await api().putItem({ TableName: a, Item: { ...k3, v: n(1) } });
      const error = await expectDynamoError(api().transactWriteItems({
        TransactItems: [
          put(a, { ...k1 }),
          put(a, { ...k2, v: n(2) }, { ConditionExpression: 'v = :one', ExpressionAttributeValues: { ':one': n(1) } }),
          { Delete: { TableName: a, Key: k3, ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': n(2) } } },
        ],
      }), 'TransactionCanceledException',
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed]');
      expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'None', 'ConditionalCheckFailed']);
      expect(error.CancellationReasons?.[2]?.Message).toBe(FAILED);
      expect(error.CancellationReasons?.[0]?.Message).toBeUndefined();
      expect(await getItem(api(), a, k1)).toBeUndefined();
      expect(await getItem(api(), a, k2)).toEqual({ ...k2, v: n(1) });
      expect(await getItem(api(), a, k3)).toEqual({ ...k3, v: n(1) });
    });

    it('reports every failing condition', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const [k1, k2] = [key(), key()];
      const error = await expectDynamoError(api().transactWriteItems({
        TransactItems: [check(a, k1, 'attribute_exists(pk)'), put(a, { ...k2 }), check(a, key(), 'attribute_exists(pk)')],
      }), 'TransactionCanceledException');
      expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(['ConditionalCheckFailed', 'None', 'ConditionalCheckFailed']);
      expect(await getItem(api(), a, k2)).toBeUndefined();
    });

    it('ConditionCheck passes without writing', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const [guard, target] = [key(), key()];
      await api().putItem({ TableName: a, Item: { ...guard, isOpen: { BOOL: true } } });
      await api().transactWriteItems({ TransactItems: [check(a, guard, 'isOpen = :t', { ':t': { BOOL: true } }), put(a, { ...target })] });
      expect(await getItem(api(), a, guard)).toEqual({ ...guard, isOpen: { BOOL: true } });
      expect(await getItem(api(), a, target)).toEqual(target);
    });

    it('returns the item in the cancellation reason with ReturnValuesOnConditionCheckFailure ALL_OLD', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const k = key();
      await api().putItem({ TableName: a, Item: { ...k, v: n(7) } });
      const error = await expectDynamoError(api().transactWriteItems({
        TransactItems: [check(a, k, 'v = :zero', { ':zero': n(0) }, { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })],
      }), 'TransactionCanceledException');
      expect(error.CancellationReasons).toEqual([{ Code: 'ConditionalCheckFailed', Message: FAILED, Item: { ...k, v: n(7) } }]);
    });

    it('applies an Update with a condition and upserts a missing item', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const k = key();
      await api().transactWriteItems({
        TransactItems: [{ Update: { TableName: a, Key: k, UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: { ':v': s('x') } } }],
      });
      expect(await getItem(api(), a, k)).toEqual({ ...k, v: s('x') });
    });

    it('rejects two actions on the same item, writing nothing', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const k = key();
      const other = key();
      await expectDynamoError(api().transactWriteItems({ TransactItems: [put(a, { ...k }), put(a, { ...other }), { Delete: { TableName: a, Key: k } }] }), 'ValidationException');
      expect(await getItem(api(), a, other)).toBeUndefined();
    });

    it('accepts 100 actions and rejects 101 and 0', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const puts = (count: number) => Array.from({ length: count }, () => put(a, key()));
      const hundred = puts(100);
      await api().transactWriteItems({ TransactItems: hundred });
      expect(await getItem(api(), a, hundred[99]!.Put.Item)).toBeDefined();
      await expectDynamoError(api().transactWriteItems({ TransactItems: puts(101) }), 'ValidationException');
      await expectDynamoError(api().transactWriteItems({ TransactItems: [] }), 'ValidationException');
    });

    it('rejects a request with an invalid action as a whole, as ValidationException', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const good = key();
      await expectDynamoError(api().transactWriteItems({ TransactItems: [put(a, { ...good }), put(a, { nokey: s('x') })] }), 'ValidationException');
      await expectDynamoError(api().transactWriteItems({ TransactItems: [put(a, { ...good }), { Delete: { TableName: bTable, Key: { pk: s('x') } } }] }),
        'ValidationException', 'The provided key element does not match the schema');
      expect(await getItem(api(), a, good)).toBeUndefined();
    });

    it('rejects a transaction naming a missing table', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const good = key();
      await expectDynamoError(api().transactWriteItems({ TransactItems: [put(a, { ...good }), put(uniqueTableName('missing'), { pk: s('x') })] }), 'ResourceNotFoundException');
      expect(await getItem(api(), a, good)).toBeUndefined();
    });

    it('rejects an action with more than one operation', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const k = key();
      await expectDynamoError(api().transactWriteItems({ TransactItems: [{ ...put(a, { ...k }), Delete: { TableName: a, Key: key() } }] }), 'ValidationException');
    });

    it('cancels with ValidationError when an update fails at run time', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const [k1, k2] = [key(), key()];
      await api().putItem({ TableName: a, Item: { ...k2 } });
      const error = await expectDynamoError(api().transactWriteItems({
        TransactItems: [put(a, { ...k1 }), { Update: { TableName: a, Key: k2, UpdateExpression: 'SET x = absentAttr + :one', ExpressionAttributeValues: { ':one': n(1) } } }],
      }), 'TransactionCanceledException');
      expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'ValidationError']);
      expect(error.CancellationReasons?.[1]?.Message).toBe('The provided expression refers to an attribute that does not exist in the item');
      expect(await getItem(api(), a, k1)).toBeUndefined();
    });
  });

  describe('ClientRequestToken idempotency', () => {
    it('does not apply a replay with the same token and parameters twice', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const k = key();
      const input = {
        ClientRequestToken: token('replay'),
        TransactItems: [{ Update: { TableName: a, Key: k, UpdateExpression: 'ADD hits :one', ExpressionAttributeValues: { ':one': n(1) } } }],
      };
      await api().transactWriteItems(input);
      await api().transactWriteItems(input);
      expect(await getItem(api(), a, k)).toEqual({ ...k, hits: n(1) });
    });

    it('rejects the same token with different parameters: IdempotentParameterMismatchException', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const mismatchToken = token('mismatch');
      const [k1, k2] = [key(), key()];
      await api().transactWriteItems({ ClientRequestToken: mismatchToken, TransactItems: [put(a, { ...k1 })] });
      await expectDynamoError(api().transactWriteItems({ ClientRequestToken: mismatchToken, TransactItems: [put(a, { ...k2 })] }), 'IdempotentParameterMismatchException');
      expect(await getItem(api(), a, k2)).toBeUndefined();
    });

    it('treats different tokens as different transactions', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const k = key();
      const items = [{ Update: { TableName: a, Key: k, UpdateExpression: 'ADD hits :one', ExpressionAttributeValues: { ':one': n(1) } } }];
      await api().transactWriteItems({ ClientRequestToken: token('one'), TransactItems: items });
      await api().transactWriteItems({ ClientRequestToken: token('two'), TransactItems: items });
      expect(await getItem(api(), a, k)).toEqual({ ...k, hits: n(2) });
    });

    it('rejects a token longer than 36 characters', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      await expectDynamoError(api().transactWriteItems({ ClientRequestToken: 'x'.repeat(37), TransactItems: [put(a, key())] }), 'ValidationException');
    });
  });

  describe('TransactGetItems', () => {
    it('returns responses in request order, empty for a missing item', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const [k1, k2] = [key(), key()];
      await api().putItem({ TableName: a, Item: { ...k1, v: n(1) } });
      await api().putItem({ TableName: bTable, Item: { pk: s('g'), sk: n(1), v: n(2) } });
      const out = await api().transactGetItems({
        TransactItems: [
          { Get: { TableName: bTable, Key: { pk: s('g'), sk: n(1) } } },
          { Get: { TableName: a, Key: k2 } },
          { Get: { TableName: a, Key: k1 } },
        ],
      });
      expect(out.Responses).toHaveLength(3);
      expect(out.Responses![0]!.Item).toEqual({ pk: s('g'), sk: n(1), v: n(2) });
      expect(out.Responses![1]!.Item).toBeUndefined();
      expect(out.Responses![2]!.Item).toEqual({ ...k1, v: n(1) });
    });

    it('projects with ProjectionExpression', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const k = key();
      await api().putItem({ TableName: a, Item: { ...k, v: n(1), w: n(2) } });
      const out = await api().transactGetItems({ TransactItems: [{ Get: { TableName: a, Key: k, ProjectionExpression: 'w' } }] });
      expect(out.Responses![0]!.Item).toEqual({ w: n(2) });
    });

    it('rejects more than 100 gets, none, and a bad key', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const gets = Array.from({ length: 101 }, (_, i) => ({ Get: { TableName: a, Key: { pk: s(`g${i}`) } } }));
      await expectDynamoError(api().transactGetItems({ TransactItems: gets }), 'ValidationException');
      await expectDynamoError(api().transactGetItems({ TransactItems: [] }), 'ValidationException');
      await expectDynamoError(api().transactGetItems({ TransactItems: [{ Get: { TableName: a, Key: { pk: n(1) } } }] }), 'ValidationException',
        'The provided key element does not match the schema');
    });

    it('rejects a missing table', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      await expectDynamoError(api().transactGetItems({ TransactItems: [{ Get: { TableName: uniqueTableName('missing'), Key: { pk: s('x') } } }] }), 'ResourceNotFoundException');
    });

    it('sees the writes of a committed transaction together', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'transactions');
      const [k1, k2] = [key(), key()];
      await api().transactWriteItems({ TransactItems: [put(a, { ...k1, v: n(1) }), put(a, { ...k2, v: n(1) })] });
      const out = await api().transactGetItems({ TransactItems: [{ Get: { TableName: a, Key: k1 } }, { Get: { TableName: a, Key: k2 } }] });
      expect(out.Responses!.map((response) => response.Item?.v)).toEqual([n(1), n(1)]);
    });
  });
}
