import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database, type DatabaseOptions } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import { Catalog } from '../../engine/table/catalog.js';
import { Table } from '../../engine/table/table.js';
import { prefixEnd, tableIndexPrefix } from '../../engine/model/storage-key.js';
import { checkDecrease, formatQuotaTime, recordThroughputChange } from '../../engine/table/update-table.js';
import type { ThroughputHistory } from '../../engine/table/backfill.js';
import type { Item } from '../../engine/model/attribute-value.js';

const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;
/** 2024-03-04T00:00:00Z, a UTC midnight. */
const MIDNIGHT = Date.UTC(2024, 2, 4);

async function provisioned(options: DatabaseOptions = {}): Promise<{ db: Database; clock: ManualClock }> {
  const clock = new ManualClock(MIDNIGHT);
  const db = await Database.open({ clock, ttlSweepIntervalMs: 0, ...options });
  await db.createTable({
    TableName: 'Tbl',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  });
  return { db, clock };
}

async function onDemand(options: DatabaseOptions = {}, clock = new ManualClock(MIDNIGHT)): Promise<Database> {
  const db = await Database.open({ clock, ttlSweepIntervalMs: 0, ...options });
  await db.createTable({
    TableName: 'Tbl',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return db;
}

const throughput = (read: number, write: number) => ({ ReadCapacityUnits: read, WriteCapacityUnits: write });

const createGsi = (name = 'Gsi', sortKey = false) => ({
  TableName: 'Tbl',
  AttributeDefinitions: [
    { AttributeName: 'g', AttributeType: 'S' as const },
    ...(sortKey ? [{ AttributeName: 'h', AttributeType: 'N' as const }] : []),
  ],
  GlobalSecondaryIndexUpdates: [
    {
      Create: {
        IndexName: name,
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' as const }, ...(sortKey ? [{ AttributeName: 'h', KeyType: 'RANGE' as const }] : [])],
        Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: ['v'] },
      },
    },
  ],
});

/** Gives the event loop turns (no time passes) until `done` holds; fails after a bound. */
async function turnsUntil(done: () => Promise<boolean>, turnsMax = 20_000): Promise<void> {
  for (let turn = 0; turn < turnsMax; turn++) {
    if (await done()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}

async function indexStatus(db: Database, name = 'Gsi'): Promise<{ status: string | undefined; backfilling: boolean | undefined }> {
  const table = (await db.describeTable({ TableName: 'Tbl' })).Table!;
  const index = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === name);
  return { status: index?.IndexStatus, backfilling: index?.Backfilling };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The index's stored entries, and the entries computed from scratch over the stored base items. */
async function indexVersusScratch(db: Database, indexName = 'Gsi'): Promise<{ actual: string[]; expected: string[] }> {
  const catalog = await Catalog.load(db.store);
  const table = new Table(catalog.get('Tbl')!);
  const index = table.index(indexName)!;
  const scan = (prefix: Uint8Array): [Uint8Array, Uint8Array][] => [...db.store.scan({ gte: prefix, lt: prefixEnd(prefix)! })];
  const actual = scan(table.prefix(index)).map(([key, value]) => `${hex(key)}=${hex(value)}`);
  const expected: string[] = [];
  for (const [, value] of scan(table.prefix())) {
    const item = table.decode(value);
    const g = item['g'];
    if (g === undefined || !('S' in g) || g.S.length === 0) continue; // absent, wrong type, or empty: not indexed
    const entry = table.indexEntry(index, item)!;
    expected.push(`${hex(entry.key)}=${hex(entry.value)}`);
  }
  return { actual, expected: expected.sort() };
}

describe('UpdateTable: throughput', () => {
  it('changes throughput: UPDATING with the previous values in the response, the new ones once ACTIVE', async () => {
    const { db, clock } = await provisioned({ tableStatusDelayMs: 1000 });
    clock.advance(1000);
    const response = (await db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: throughput(10, 7) })).TableDescription!;
    expect(response.TableStatus).toBe('UPDATING');
    expect(response.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 5, WriteCapacityUnits: 5, LastIncreaseDateTime: (MIDNIGHT + 1000) / 1000 });
    await expect(db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: throughput(11, 7) })).rejects.toMatchObject({
      name: 'ResourceInUseException',
      message: 'Attempt to change a resource which is still in use: Table is being updated: Tbl',
    });
    clock.advance(1000);
    const described = (await db.describeTable({ TableName: 'Tbl' })).Table!;
    expect(described.TableStatus).toBe('ACTIVE');
    expect(described.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 10, WriteCapacityUnits: 7, NumberOfDecreasesToday: 0 });
    await db.close();
  });

  it('rejects an unchanged throughput with the service message', async () => {
    const { db } = await provisioned();
    await expect(db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: throughput(5, 5) })).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        'The provisioned throughput for the table will not change. The requested value equals the current value. ' +
        'Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. ' +
        'Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. ' +
        'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
    });
    await expect(db.updateTable({ TableName: 'Nope', ProvisionedThroughput: throughput(1, 1) })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await db.close();
  });

  it('limits decreases across a simulated UTC day: 4 at once, then one an hour, 27 in all, again the next day', async () => {
    const { db, clock } = await provisioned();
    let units = 1000;
    const decrease = () => db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: throughput(--units, 5) });
    const decreasesToday = async () => (await db.describeTable({ TableName: 'Tbl' })).Table!.ProvisionedThroughput!.NumberOfDecreasesToday;
    await db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: throughput(units, 5) }); // an increase first
    for (let i = 0; i < 4; i++) {
      clock.advance(60_000);
      await decrease();
    }
    expect(await decreasesToday()).toBe(4);
    clock.advance(60_000);
    const lastAt = MIDNIGHT + 4 * 60_000;
    await expect(db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: throughput(units - 1, 5) })).rejects.toMatchObject({
      name: 'LimitExceededException',
      message:
        'Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first 4 decreases, ' +
        'each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. Number of decreases today: 4. ' +
        `Last decrease at ${formatQuotaTime(lastAt)}. Next decrease can be made at ${formatQuotaTime(lastAt + HOUR_MS)}`,
    });
    expect(formatQuotaTime(lastAt)).toBe('Monday, March 4, 2024 12:04:00 AM UTC');
    // Increases stay unlimited meanwhile.
    await db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: throughput(units, 6) });
    let made = 4;
    let nextAt = lastAt + HOUR_MS;
    while (nextAt < MIDNIGHT + DAY_MS) {
      clock.set(nextAt - 1);
      await expect(decrease()).rejects.toMatchObject({ name: 'LimitExceededException' });
      units++;
      clock.set(nextAt);
      await decrease();
      made++;
      nextAt += HOUR_MS;
    }
    expect(made).toBe(27);
    expect(await decreasesToday()).toBe(27);
    clock.set(MIDNIGHT + DAY_MS - 1);
    await expect(decrease()).rejects.toMatchObject({ name: 'LimitExceededException', message: expect.stringContaining('Number of decreases today: 27') });
    units++;
    clock.set(MIDNIGHT + DAY_MS); // a new UTC day: four more at once
    for (let i = 0; i < 4; i++) await decrease();
    await expect(decrease()).rejects.toMatchObject({ name: 'LimitExceededException', message: expect.stringContaining('Number of decreases today: 4') });
    await db.close();
  });

  it('the decrease rule matches a reference model over random schedules', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * HOUR_MS }), { minLength: 1, maxLength: 60 }), (gaps) => {
        let history: ThroughputHistory = { decreasesToday: 0 };
        let now = MIDNIGHT;
        const accepted: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const today = accepted.filter((at) => Math.floor(at / DAY_MS) === Math.floor(now / DAY_MS));
          const last = today[today.length - 1];
          const allowed = today.length < 4 || (today.length < 27 && last !== undefined && now - last >= HOUR_MS);
          let ok = true;
          try {
            checkDecrease(history, now);
          } catch {
            ok = false;
          }
          expect(ok).toBe(allowed);
          if (ok) {
            history = recordThroughputChange(history, now, false, true);
            accepted.push(now);
          }
        }
      }),
    );
  });
});

describe('UpdateTable: billing mode', () => {
  it('switches to on-demand at most 4 times in 24 hours, and back with throughput', async () => {
    const { db, clock } = await provisioned();
    for (let i = 0; i < 4; i++) {
      await db.updateTable({ TableName: 'Tbl', BillingMode: 'PAY_PER_REQUEST' });
      const table = (await db.describeTable({ TableName: 'Tbl' })).Table!;
      expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 0, WriteCapacityUnits: 0 });
      await expect(db.updateTable({ TableName: 'Tbl', BillingMode: 'PROVISIONED' })).rejects.toMatchObject({
        message: 'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
      });
      await expect(db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: throughput(3, 3) })).rejects.toMatchObject({ name: 'ValidationException' });
      clock.advance(1000);
      await db.updateTable({ TableName: 'Tbl', BillingMode: 'PROVISIONED', ProvisionedThroughput: throughput(3, 3) });
      expect((await db.describeTable({ TableName: 'Tbl' })).Table!.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 3, WriteCapacityUnits: 3 });
      clock.advance(1000);
    }
    await expect(db.updateTable({ TableName: 'Tbl', BillingMode: 'PAY_PER_REQUEST' })).rejects.toMatchObject({ name: 'LimitExceededException' });
    clock.advance(DAY_MS);
    await db.updateTable({ TableName: 'Tbl', BillingMode: 'PAY_PER_REQUEST' });
    await db.close();
  });

  it('updates deletion protection and table class', async () => {
    const db = await onDemand();
    await db.updateTable({ TableName: 'Tbl', DeletionProtectionEnabled: true, TableClass: 'STANDARD_INFREQUENT_ACCESS' });
    const table = (await db.describeTable({ TableName: 'Tbl' })).Table!;
    expect(table.DeletionProtectionEnabled).toBe(true);
    expect(table.TableClassSummary).toEqual({ TableClass: 'STANDARD_INFREQUENT_ACCESS' });
    await db.close();
  });
});

describe('UpdateTable: online GSI create', () => {
  it('backfills while writes continue, ending exactly equal to a from-scratch index', async () => {
    const db = await onDemand();
    const random = new SeededRandom(7);
    const value = (): Item[string] | undefined => {
      const roll = random.int(10);
      if (roll < 2) return undefined; // sparse
      if (roll === 2) return { N: String(roll) }; // wrong type: absent from the index
      if (roll === 3) return { S: '' }; // empty: absent from the index
      return { S: `g${random.int(40)}` };
    };
    const put = (pk: string, valid: boolean) => {
      let g = value();
      if (valid && g !== undefined && (!('S' in g) || g.S === '')) g = { S: 'fixed' };
      const item: Item = { pk: { S: pk }, v: { N: String(random.int(1000)) }, other: { S: 'x' } };
      if (g !== undefined) item['g'] = g;
      return db.putItem({ TableName: 'Tbl', Item: item });
    };
    for (let i = 0; i < 2600; i++) await put(`p${i}`, false);
    const response = (await db.updateTable(createGsi())).TableDescription!;
    expect(response.TableStatus).toBe('UPDATING');
    expect(response.GlobalSecondaryIndexes?.[0]).toMatchObject({ IndexName: 'Gsi', IndexStatus: 'CREATING', Backfilling: true });
    expect(response.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'g', AttributeType: 'S' },
    ]);
    await expect(db.query({ TableName: 'Tbl', IndexName: 'Gsi', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } } })).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Cannot read from backfilling global secondary index: Gsi',
    });
    // Writers interleave with the backfill's chunks: updates, deletes, new items.
    let duringBackfill = 0;
    for (let round = 0; (await indexStatus(db)).status === 'CREATING'; round++) {
      duringBackfill++;
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) {
        const pk = `p${random.int(3000)}`;
        const roll = random.int(4);
        if (roll === 0) writes.push(db.deleteItem({ TableName: 'Tbl', Key: { pk: { S: pk } } }));
        else if (roll === 1) writes.push(db.updateItem({ TableName: 'Tbl', Key: { pk: { S: pk } }, UpdateExpression: 'REMOVE g' }));
        else writes.push(put(pk, true));
      }
      await Promise.all(writes);
      // Requests arrive as macrotasks in real use; the memory file system alone never yields one.
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(round).toBeLessThan(10_000);
    }
    expect(duringBackfill).toBeGreaterThan(1);
    expect(await indexStatus(db)).toEqual({ status: 'ACTIVE', backfilling: undefined });
    const { actual, expected } = await indexVersusScratch(db);
    expect(expected.length).toBeGreaterThan(1000);
    expect(actual).toEqual(expected);
    const queried = await db.query({ TableName: 'Tbl', IndexName: 'Gsi', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } } });
    const scanned = await db.scan({ TableName: 'Tbl', FilterExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } } });
    expect(scanned.LastEvaluatedKey).toBeUndefined();
    expect(queried.Count).toBe(scanned.Count);
    expect(queried.Count).toBeGreaterThan(0);
    await db.close();
  });

  it('resumes an interrupted backfill when the database reopens', async () => {
    const fs = new MemoryFileSystem();
    const clock = new ManualClock(MIDNIGHT);
    const env = { fs, clock, random: new SeededRandom(3) };
    const db = await Database.open({ env, ttlSweepIntervalMs: 0 });
    await db.createTable({
      TableName: 'Tbl',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    for (let i = 0; i < 3500; i++) await db.putItem({ TableName: 'Tbl', Item: { pk: { S: `p${i}` }, g: { S: `g${i % 7}` }, h: { N: String(i) } } });
    await db.updateTable(createGsi('Gsi', true));
    const countEntries = async (database: Database): Promise<number> => {
      const table = new Table((await Catalog.load(database.store)).get('Tbl')!);
      const prefix = table.prefix(table.index('Gsi')!);
      return [...database.store.scan({ gte: prefix, lt: prefixEnd(prefix)! })].length;
    };
    await turnsUntil(async () => (await countEntries(db)) > 0);
    await db.close(); // stops the backfill at a chunk boundary
    const reopened = await Database.open({ env, ttlSweepIntervalMs: 0 });
    const partial = await countEntries(reopened); // before the resumed backfill's first chunk
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(3500);
    await reopened.putItem({ TableName: 'Tbl', Item: { pk: { S: 'late' }, g: { S: 'g9' }, h: { N: '1' } } });
    await turnsUntil(async () => (await indexStatus(reopened)).status === 'ACTIVE');
    const { actual, expected } = await indexVersusScratch(reopened);
    expect(expected.length).toBe(3501);
    expect(actual).toEqual(expected);
    await reopened.close();
  });

  it('stays CREATING until the configured delay passes, then turns ACTIVE', async () => {
    const clock = new ManualClock(MIDNIGHT);
    const db = await onDemand({ indexStatusDelayMs: 5000 }, clock);
    await db.putItem({ TableName: 'Tbl', Item: { pk: { S: 'a' }, g: { S: 'x' } } });
    await db.updateTable(createGsi());
    await turnsUntil(async () => (await indexStatus(db)).backfilling === false);
    expect(await indexStatus(db)).toEqual({ status: 'CREATING', backfilling: false });
    clock.advance(4999);
    expect((await indexStatus(db)).status).toBe('CREATING');
    clock.advance(1);
    expect(await indexStatus(db)).toEqual({ status: 'ACTIVE', backfilling: undefined });
    await db.close();
  });

  it('enforces one online index operation at a time, the 20-index limit and the request rules', async () => {
    const clock = new ManualClock(MIDNIGHT);
    const db = await onDemand({ indexStatusDelayMs: 60_000 }, clock);
    const two = createGsi('Gsi1');
    two.GlobalSecondaryIndexUpdates.push({ ...createGsi('Gsi2').GlobalSecondaryIndexUpdates[0]! });
    const oneAtATime = { name: 'LimitExceededException', message: 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table' };
    await expect(db.updateTable(two)).rejects.toMatchObject(oneAtATime);
    await expect(db.updateTable({ ...createGsi('Gsi1'), AttributeDefinitions: [] })).rejects.toMatchObject({
      message: 'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: [pk]',
    });
    await db.updateTable(createGsi('Gsi1'));
    await expect(db.updateTable(createGsi('Gsi2'))).rejects.toMatchObject(oneAtATime);
    await expect(db.updateTable({ TableName: 'Tbl', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'Nope' } }] })).rejects.toMatchObject(oneAtATime);
    clock.advance(60_000);
    await turnsUntil(async () => (await indexStatus(db, 'Gsi1')).status === 'ACTIVE');
    await expect(db.updateTable(createGsi('Gsi1'))).rejects.toMatchObject({ message: 'One or more parameter values were invalid: Duplicate index name: Gsi1' });
    await expect(db.updateTable({ TableName: 'Tbl', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'Nope' } }] })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    for (let i = 2; i <= 20; i++) {
      await db.updateTable(createGsi(`Gsi${i}`));
      clock.advance(60_000);
      await turnsUntil(async () => (await indexStatus(db, `Gsi${i}`)).status === 'ACTIVE');
    }
    await expect(db.updateTable(createGsi('Gsi21'))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20',
    });
    await db.close();
  });

  it('requires index throughput on a provisioned table and forbids mixing it with a table throughput change', async () => {
    const { db } = await provisioned();
    await expect(db.updateTable(createGsi())).rejects.toMatchObject({ message: 'One or more parameter values were invalid: ProvisionedThroughput must be specified for index: Gsi' });
    const withThroughput = createGsi();
    const create = withThroughput.GlobalSecondaryIndexUpdates[0]!.Create as Record<string, unknown>;
    create['ProvisionedThroughput'] = throughput(2, 2);
    await expect(db.updateTable({ ...withThroughput, ProvisionedThroughput: throughput(9, 9) })).rejects.toMatchObject({ name: 'ValidationException' });
    await db.updateTable(withThroughput);
    await turnsUntil(async () => (await indexStatus(db)).status === 'ACTIVE');
    const index = (await db.describeTable({ TableName: 'Tbl' })).Table!.GlobalSecondaryIndexes![0]!;
    expect(index.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 2, WriteCapacityUnits: 2 });
    await db.updateTable({ TableName: 'Tbl', GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'Gsi', ProvisionedThroughput: throughput(4, 4) } }] });
    const updated = (await db.describeTable({ TableName: 'Tbl' })).Table!.GlobalSecondaryIndexes![0]!;
    expect(updated.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 4, WriteCapacityUnits: 4 });
    await db.close();
  });
});

describe('UpdateTable: online GSI delete', () => {
  it('marks the index DELETING, purges its entries in the background, then drops it and its definitions', async () => {
    const db = await onDemand();
    for (let i = 0; i < 1500; i++) await db.putItem({ TableName: 'Tbl', Item: { pk: { S: `p${i}` }, g: { S: `g${i % 5}` } } });
    await db.updateTable(createGsi());
    await turnsUntil(async () => (await indexStatus(db)).status === 'ACTIVE');
    const table = new Table((await Catalog.load(db.store)).get('Tbl')!);
    const prefix = table.prefix(table.index('Gsi')!);
    const entries = () => [...db.store.scan({ gte: prefix, lt: prefixEnd(prefix)! })].length;
    expect(entries()).toBe(1500);
    const response = (await db.updateTable({ TableName: 'Tbl', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'Gsi' } }] })).TableDescription!;
    expect(response.GlobalSecondaryIndexes?.[0]?.IndexStatus).toBe('DELETING');
    await db.putItem({ TableName: 'Tbl', Item: { pk: { S: 'new' }, g: { S: 'g1' } } }); // not indexed any more
    await turnsUntil(async () => (await db.describeTable({ TableName: 'Tbl' })).Table!.GlobalSecondaryIndexes === undefined);
    expect(entries()).toBe(0);
    expect((await db.describeTable({ TableName: 'Tbl' })).Table!.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
    // The name is free again.
    await db.updateTable(createGsi());
    await turnsUntil(async () => (await indexStatus(db)).status === 'ACTIVE');
    const { actual, expected } = await indexVersusScratch(db);
    expect(actual).toEqual(expected);
    expect(actual.length).toBe(1501);
    await db.close();
  });

  it('deletes an index while it is still backfilling', async () => {
    const db = await onDemand();
    for (let i = 0; i < 2500; i++) await db.putItem({ TableName: 'Tbl', Item: { pk: { S: `p${i}` }, g: { S: 'x' } } });
    await db.updateTable(createGsi());
    await db.updateTable({ TableName: 'Tbl', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'Gsi' } }] });
    await turnsUntil(async () => (await db.describeTable({ TableName: 'Tbl' })).Table!.GlobalSecondaryIndexes === undefined);
    const table = new Table((await Catalog.load(db.store)).get('Tbl')!);
    // Index id 1 was the deleted one; nothing of it may remain.
    const prefix = tableIndexPrefix(table.tableId, 1);
    expect([...db.store.scan({ gte: prefix, lt: prefixEnd(prefix)! })].length).toBe(0);
    await db.close();
  });
});
