import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database, type DatabaseOptions } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { Catalog } from '../../engine/table/catalog.js';
import { Table } from '../../engine/table/table.js';
import { prefixEnd } from '../../engine/model/storage-key.js';
import { isExpired } from '../../engine/table/ttl.js';
import type { Item } from '../../engine/model/attribute-value.js';

const HOUR_MS = 3600 * 1000;
const NOW_MS = Date.UTC(2024, 5, 1, 12);
const NOW_S = NOW_MS / 1000;
const FIVE_YEARS_S = 5 * 365 * 24 * 3600;

async function open(options: DatabaseOptions = {}): Promise<{ db: Database; clock: ManualClock }> {
  const clock = new ManualClock(NOW_MS);
  const db = await Database.open({ clock, ttlSweepIntervalMs: 0, ...options });
  await db.createTable({
    TableName: 'Sessions',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'user', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [{ IndexName: 'ByUser', KeySchema: [{ AttributeName: 'user', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return { db, clock };
}

const enable = (db: Database, attribute = 'expires', enabled = true) =>
  db.updateTimeToLive({ TableName: 'Sessions', TimeToLiveSpecification: { Enabled: enabled, AttributeName: attribute } });

async function storedIds(db: Database): Promise<{ base: string[]; index: string[] }> {
  const table = new Table((await Catalog.load(db.store)).get('Sessions')!);
  const ids = (prefix: Uint8Array) => [...db.store.scan({ gte: prefix, lt: prefixEnd(prefix)! })].map(([, value]) => (table.decode(value)['id'] as { S: string }).S).sort();
  return { base: ids(table.prefix()), index: ids(table.prefix(table.index('ByUser')!)) };
}

describe('UpdateTimeToLive / DescribeTimeToLive', () => {
  it('enables and disables with DynamoDB validation and the hourly quota', async () => {
    const { db, clock } = await open();
    expect(await db.describeTimeToLive({ TableName: 'Sessions' })).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    await expect(enable(db, 'expires', false)).rejects.toMatchObject({ name: 'ValidationException', message: 'TimeToLive is already disabled' });
    expect(await enable(db)).toEqual({ TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } });
    expect(await db.describeTimeToLive({ TableName: 'Sessions' })).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' } });
    await expect(enable(db)).rejects.toMatchObject({ name: 'ValidationException', message: 'TimeToLive is already enabled' });
    await expect(enable(db, 'other')).rejects.toMatchObject({
      message: 'TimeToLive is active on a different AttributeName: current value of AttributeName is expires',
    });
    await expect(enable(db, 'expires', false)).rejects.toMatchObject({ message: 'Time to live has been modified multiple times within a fixed interval' });
    clock.advance(HOUR_MS);
    await enable(db, 'expires', false);
    expect(await db.describeTimeToLive({ TableName: 'Sessions' })).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    await expect(db.describeTimeToLive({ TableName: 'Nope' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(enable(db, '')).rejects.toMatchObject({ name: 'ValidationException' });
    await db.close();
  });
});

describe('expiry rule', () => {
  it('expires a top-level Number of epoch seconds below now and within 5 years', () => {
    const item = (value: Item[string]): Item => ({ id: { S: 'a' }, expires: value });
    expect(isExpired(item({ N: String(NOW_S - 1) }), 'expires', NOW_MS)).toBe(true);
    expect(isExpired(item({ N: String(NOW_S) }), 'expires', NOW_MS)).toBe(false);
    expect(isExpired(item({ N: String(NOW_S + 1) }), 'expires', NOW_MS)).toBe(false);
    expect(isExpired(item({ N: String(NOW_S - FIVE_YEARS_S) }), 'expires', NOW_MS)).toBe(true);
    expect(isExpired(item({ N: String(NOW_S - FIVE_YEARS_S - 1) }), 'expires', NOW_MS)).toBe(false);
    expect(isExpired(item({ S: String(NOW_S - 1) }), 'expires', NOW_MS)).toBe(false);
    expect(isExpired(item({ M: { expires: { N: '1' } } }), 'expires', NOW_MS)).toBe(false);
    expect(isExpired(item({ N: '1.7E9' }), 'expires', NOW_MS)).toBe(true);
    expect(isExpired({ id: { S: 'a' } }, 'expires', NOW_MS)).toBe(false);
  });

  it('agrees with a reference over random integer times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 4_000_000_000 }), (seconds, nowSeconds) => {
        const expected = seconds < nowSeconds && nowSeconds - seconds <= FIVE_YEARS_S;
        expect(isExpired({ t: { N: String(seconds) } }, 't', nowSeconds * 1000)).toBe(expected);
      }),
    );
  });
});

describe('TTL sweep', () => {
  async function seeded(): Promise<{ db: Database; clock: ManualClock; expired: string[]; kept: string[] }> {
    const { db, clock } = await open();
    await enable(db);
    const expired: string[] = [];
    const kept: string[] = [];
    for (let i = 0; i < 2300; i++) {
      const id = `s${i}`;
      const kind = i % 6;
      const item: Item = { id: { S: id } };
      if (i % 2 === 0) item['user'] = { S: `u${i % 13}` };
      if (kind === 0) item['expires'] = { N: String(NOW_S - 10 - i) }; // expired
      else if (kind === 1) item['expires'] = { N: String(NOW_S + 3600) }; // future
      else if (kind === 2) item['expires'] = { N: String(NOW_S - FIVE_YEARS_S - 100) }; // too old: ignored
      else if (kind === 3) item['expires'] = { S: String(NOW_S - 10) }; // not a number: ignored
      else if (kind === 4) item['other'] = { N: String(NOW_S - 10) }; // no TTL attribute
      else item['expires'] = { N: String(NOW_S) }; // exactly now: not yet
      (kind === 0 ? expired : kept).push(id);
      await db.putItem({ TableName: 'Sessions', Item: item });
    }
    return { db, clock, expired: expired.sort(), kept: kept.sort() };
  }

  it('deletes exactly the expired items and their index entries', async () => {
    const { db, expired, kept } = await seeded();
    // Expired items stay readable until swept.
    expect((await db.getItem({ TableName: 'Sessions', Key: { id: { S: expired[0]! } } })).Item).toBeDefined();
    const before = await storedIds(db);
    expect(await db.runTimeToLiveSweep()).toEqual({ deleted: expired.length });
    const after = await storedIds(db);
    expect(after.base).toEqual(kept);
    const keptSet = new Set(kept);
    expect(after.index).toEqual(before.index.filter((id) => keptSet.has(id)));
    expect(after.index.length).toBeLessThan(before.index.length);
    expect(await db.runTimeToLiveSweep()).toEqual({ deleted: 0 });
    await db.close();
  });

  it('never deletes an item whose latest state is no longer expired', async () => {
    const { db } = await open();
    await enable(db);
    await db.putItem({ TableName: 'Sessions', Item: { id: { S: 'a' }, user: { S: 'u' }, expires: { N: String(NOW_S - 5) } } });
    // The sweep starts first, but the update is submitted (not yet durable) before the sweep's scan
    // runs: the scan sees the old, expired value, and the sweep must re-check the latest state.
    const sweep = db.runTimeToLiveSweep();
    const extend = db.updateItem({ TableName: 'Sessions', Key: { id: { S: 'a' } }, UpdateExpression: 'SET expires = :t', ExpressionAttributeValues: { ':t': { N: String(NOW_S + 60) } } });
    await extend;
    expect(await sweep).toEqual({ deleted: 0 });
    expect((await db.getItem({ TableName: 'Sessions', Key: { id: { S: 'a' } } })).Item?.['expires']).toEqual({ N: String(NOW_S + 60) });
    await db.close();
  });

  it('sweeps nothing while TTL is disabled, and follows the clock', async () => {
    const { db, clock } = await open();
    await db.putItem({ TableName: 'Sessions', Item: { id: { S: 'a' }, expires: { N: String(NOW_S + 30) } } });
    expect(await db.runTimeToLiveSweep()).toEqual({ deleted: 0 });
    await enable(db);
    expect(await db.runTimeToLiveSweep()).toEqual({ deleted: 0 });
    clock.advance(31_000);
    expect(await db.runTimeToLiveSweep()).toEqual({ deleted: 1 });
    await db.close();
  });

  it('runs every ttlSweepIntervalMs of the injected clock, and close stops the loop', async () => {
    const { db, clock } = await open({ ttlSweepIntervalMs: 60_000 });
    await enable(db);
    await db.putItem({ TableName: 'Sessions', Item: { id: { S: 'a' }, expires: { N: String(NOW_S + 10) } } });
    const present = async () => (await db.getItem({ TableName: 'Sessions', Key: { id: { S: 'a' } } })).Item !== undefined;
    const turns = async (count: number) => {
      for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    };
    clock.advance(30_000); // expired, but the sweep is not due
    await turns(50);
    expect(await present()).toBe(true);
    clock.advance(30_000);
    let turn = 0;
    while (await present()) {
      await turns(1);
      expect(++turn).toBeLessThan(1000);
    }
    await db.close();
  });

  it('does not run the loop when the interval is 0', async () => {
    const { db, clock } = await open({ ttlSweepIntervalMs: 0 });
    await enable(db);
    await db.putItem({ TableName: 'Sessions', Item: { id: { S: 'a' }, expires: { N: String(NOW_S - 10) } } });
    clock.advance(10 * 60_000);
    for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect((await db.getItem({ TableName: 'Sessions', Key: { id: { S: 'a' } } })).Item).toBeDefined();
    await db.close();
  });
});
