/**
 * Conformance: Time to Live — UpdateTimeToLive/DescribeTimeToLive, and (with a manual clock and a
 * sweep hook) expiry: only top-level Number epoch-second values in the past and not more than five
 * years old expire; expired items leave indexes too (reference §7).
 */
import { describe, expect, it } from 'vitest';
import {
  createTestTable,
  expectDynamoError,
  getItem,
  n,
  requireCapabilities,
  s,
  scanAll,
  uniqueTableName,
  type ApiHarness,
  type GetHarness,
} from './harness.js';

const YEAR_SECONDS = 365 * 24 * 3600;

export function registerTtl(getHarness: GetHarness): void {
  const api = () => getHarness().api;

  const enable = (table: string, attribute = 'expires') =>
    api().updateTimeToLive({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } });

  /** The implementation's time in epoch seconds (wall-clock time unless the harness says otherwise). */
  const nowSeconds = () => Math.floor((getHarness().nowMs?.() ?? Date.now()) / 1000);

  const sweep = async (harness: ApiHarness, advanceMs: number): Promise<void> => {
    await harness.advanceTimeMs!(advanceMs);
    await harness.runTtlSweep!();
  };

  describe('UpdateTimeToLive / DescribeTimeToLive', () => {
    it('reports DISABLED for a new table', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'ttl' });
      const out = await api().describeTimeToLive({ TableName: table });
      expect(out.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
      expect(out.TimeToLiveDescription?.AttributeName).toBeUndefined();
    });

    it('echoes the specification and then reports ENABLED (or ENABLING) with the attribute', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'ttl' });
      const out = await enable(table);
      expect(out.TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: 'expires' });
      const description = (await api().describeTimeToLive({ TableName: table })).TimeToLiveDescription;
      expect(['ENABLED', 'ENABLING']).toContain(description?.TimeToLiveStatus);
      expect(description?.AttributeName).toBe('expires');
    });

    it('rejects enabling TTL when it is already enabled', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'ttl' });
      await enable(table);
      await expectDynamoError(enable(table, 'other'), 'ValidationException');
    });

    it('rejects disabling TTL when it is not enabled', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'ttl' });
      await expectDynamoError(api().updateTimeToLive({ TableName: table, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expires' } }), 'ValidationException');
    });

    it('rejects a missing table', async () => {
      await expectDynamoError(enable(uniqueTableName('missing')), 'ResourceNotFoundException');
      await expectDynamoError(api().describeTimeToLive({ TableName: uniqueTableName('missing') }), 'ResourceNotFoundException');
    });

    it('rejects an empty attribute name', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'ttl' });
      await expectDynamoError(enable(table, ''), 'ValidationException');
    });
  });

  describe('expiry', () => {
    it('deletes items whose TTL has passed, keeps the others', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'manualClock', 'ttlSweep');
      const harness = getHarness();
      const table = await createTestTable(harness, { prefix: 'ttl-exp' });
      await enable(table);
      const soon = nowSeconds() + 3600;
      await api().putItem({ TableName: table, Item: { pk: s('soon'), expires: n(soon) } });
      await api().putItem({ TableName: table, Item: { pk: s('later'), expires: n(soon + 10 * 24 * 3600) } });
      await api().putItem({ TableName: table, Item: { pk: s('never') } });
      await sweep(harness, 2 * 24 * 3600 * 1000);
      expect(await getItem(api(), table, { pk: s('soon') })).toBeUndefined();
      expect(await getItem(api(), table, { pk: s('later') })).toBeDefined();
      expect(await getItem(api(), table, { pk: s('never') })).toBeDefined();
    });

    it('ignores TTL values that are not top-level numbers', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'manualClock', 'ttlSweep');
      const harness = getHarness();
      const table = await createTestTable(harness, { prefix: 'ttl-types' });
      await enable(table);
      const past = String(nowSeconds() - 3600);
      await api().putItem({ TableName: table, Item: { pk: s('string'), expires: s(past) } });
      await api().putItem({ TableName: table, Item: { pk: s('set'), expires: { NS: [past] } } });
      await api().putItem({ TableName: table, Item: { pk: s('nested'), wrapper: { M: { expires: n(past) } } } });
      await sweep(harness, 24 * 3600 * 1000);
      expect(await scanAll(api(), { TableName: table, ConsistentRead: true })).toHaveLength(3);
    });

    it('ignores TTL values more than five years in the past', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'manualClock', 'ttlSweep');
      const harness = getHarness();
      const table = await createTestTable(harness, { prefix: 'ttl-old' });
      await enable(table);
      await api().putItem({ TableName: table, Item: { pk: s('ancient'), expires: n(nowSeconds() - 6 * YEAR_SECONDS) } });
      await api().putItem({ TableName: table, Item: { pk: s('recent'), expires: n(nowSeconds() - 3600) } });
      await sweep(harness, 3600 * 1000);
      expect(await getItem(api(), table, { pk: s('ancient') })).toBeDefined();
      expect(await getItem(api(), table, { pk: s('recent') })).toBeUndefined();
    });

    it('does not expire anything on a table without TTL enabled', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'manualClock', 'ttlSweep');
      const harness = getHarness();
      const table = await createTestTable(harness, { prefix: 'ttl-off' });
      await api().putItem({ TableName: table, Item: { pk: s('x'), expires: n(nowSeconds() - 3600) } });
      await sweep(harness, 3600 * 1000);
      expect(await getItem(api(), table, { pk: s('x') })).toBeDefined();
    });

    it('honours an update that moves the TTL into the future', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'manualClock', 'ttlSweep');
      const harness = getHarness();
      const table = await createTestTable(harness, { prefix: 'ttl-upd' });
      await enable(table);
      await api().putItem({ TableName: table, Item: { pk: s('x'), expires: n(nowSeconds() + 60) } });
      await api().updateItem({ TableName: table, Key: { pk: s('x') }, UpdateExpression: 'SET expires = :e', ExpressionAttributeValues: { ':e': n(nowSeconds() + 400 * 24 * 3600) } });
      await sweep(harness, 3 * 24 * 3600 * 1000);
      expect(await getItem(api(), table, { pk: s('x') })).toBeDefined();
    });

    it('removes expired items from GSIs too', async (ctx) => {
      requireCapabilities(ctx, getHarness(), 'manualClock', 'ttlSweep');
      const harness = getHarness();
      const table = await createTestTable(harness, {
        prefix: 'ttl-gsi', attributes: { g: 'S' }, globalSecondaryIndexes: [{ name: 'byG', partitionKey: 'g' }],
      });
      await enable(table);
      await api().putItem({ TableName: table, Item: { pk: s('x'), g: s('group'), expires: n(nowSeconds() + 60) } });
      await api().putItem({ TableName: table, Item: { pk: s('y'), g: s('group') } });
      await sweep(harness, 24 * 3600 * 1000);
      const out = await api().query({ TableName: table, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': s('group') } });
      expect(out.Items?.map((item) => item.pk)).toEqual([s('y')]);
    });
  });
}
