/**
 * The control plane of the partition maps (CreateTable, UpdateTable, DeleteTable, reopen) and how they
 * are shown: Database.describePartitions, the server's GET /silt/partitions/<table>, `silt partitions`.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/database.js';
import { startServer } from '../../engine/api/server.js';
import { main } from '../../engine/cli.js';
import { ManualClock } from '../../engine/util/clock.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import { SeededRandom } from '../../engine/util/random.js';
import { bigItem, createTable, key, openDatabase, rejection, START_MS } from './helpers.js';

function perIndex(partitions: { indexName: string | null }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const partition of partitions) counts[partition.indexName ?? '(table)'] = (counts[partition.indexName ?? '(table)'] ?? 0) + 1;
  return counts;
}

describe('partition maps follow the tables', () => {
  it('CreateTable makes maps for the table and each GSI, sized by the rule of thumb', async () => {
    const { db } = await openDatabase();
    // ceil(10000/3000 + 1000/1000) = 5 for the table; the GSI's own 1 RCU / 1 WCU make 1.
    await createTable(db, { name: 'Tbl', read: 10_000, write: 1000, gsi: { read: 1, write: 1 } });
    const out = await db.describePartitions('Tbl');
    expect(out.TableName).toBe('Tbl');
    expect(perIndex(out.Partitions)).toEqual({ '(table)': 5, ByG: 1 });
    const table = out.Partitions.filter((partition) => partition.indexName === null);
    expect(table[0]!.startKey).toBe('');
    expect(table[table.length - 1]!.endKey).toBeNull();
    for (let i = 1; i < table.length; i++) expect(table[i]!.startKey).toBe(table[i - 1]!.endKey);
    expect(table[0]!.allocatedWriteUnits).toBe(200);
    // An on-demand table starts as if provisioned 12,000 RCU / 4,000 WCU: 8 partitions.
    await createTable(db, { name: 'OnD', onDemand: true });
    expect((await db.describePartitions('OnD')).Partitions).toHaveLength(8);
    await db.close();
  });

  it('UpdateTable raising throughput adds partitions; lowering it keeps them', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 100, write: 100 });
    expect((await db.describePartitions('Tbl')).Partitions).toHaveLength(1);
    await db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 3500 } });
    const raised = (await db.describePartitions('Tbl')).Partitions;
    expect(raised.length).toBeGreaterThanOrEqual(4);
    expect(raised.some((partition) => partition.splits.some((split) => split.cause === 'throughput'))).toBe(true);
    await db.updateTable({ TableName: 'Tbl', ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 100 } });
    expect((await db.describePartitions('Tbl')).Partitions).toHaveLength(raised.length);
    await db.close();
  });

  it('a GSI added by UpdateTable gets its map', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 100, write: 100 });
    await db.updateTable({
      TableName: 'Tbl',
      AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [
        { Create: { IndexName: 'New', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } },
      ],
    });
    expect(perIndex((await db.describePartitions('Tbl')).Partitions)).toEqual({ '(table)': 1, New: 1 });
    await db.close();
  });

  it('maps survive a reopen and go with a deleted table', async () => {
    const fs = new MemoryFileSystem();
    const clock = new ManualClock(START_MS);
    const env = { fs, clock, random: new SeededRandom(1) };
    const first = await Database.open({ env, sync: 'none' });
    await createTable(first, { name: 'Tbl', read: 10_000, write: 1000 });
    const before = (await first.describePartitions('Tbl')).Partitions.map((partition) => [partition.startKey, partition.endKey]);
    await first.close();
    const second = await Database.open({ env, sync: 'none' });
    expect((await second.describePartitions('Tbl')).Partitions.map((partition) => [partition.startKey, partition.endKey])).toEqual(before);
    await second.deleteTable({ TableName: 'Tbl' });
    expect((await rejection(second.describePartitions('Tbl'))).name).toBe('ResourceNotFoundException');
    await createTable(second, { name: 'Tbl', read: 1, write: 1 });
    expect((await second.describePartitions('Tbl')).Partitions).toHaveLength(1);
    await second.close();
  });

  it('describePartitions of an unknown table is ResourceNotFoundException', async () => {
    const { db } = await openDatabase();
    const error = await rejection(db.describePartitions('Nope'));
    expect(error.name).toBe('ResourceNotFoundException');
    await db.close();
  });

  it('shows throttles by reason and hot keys', async () => {
    const { db, clock } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1000, write: 1 });
    for (let i = 0; i < 5; i++) await db.putItem({ TableName: 'Tbl', Item: bigItem('hotkey', `s${i}`) }).catch(() => undefined);
    const [partition] = (await db.describePartitions('Tbl')).Partitions;
    expect(partition!.throttles).toEqual({ TableWriteProvisionedThroughputExceeded: 2 });
    // The top-keys sketch samples one charge in 32 (engine/partitions): enough traffic names the hot
    // key and estimates its units within half. 1,800 units of it here (~56 samples: the estimate is
    // within half with near certainty); 180 (~6 samples) passed or failed with the sampler's seed.
    await createTable(db, { name: 'Hot', read: 100, write: 900 }); // one partition
    for (let i = 0; i < 2000; i++) {
      await db.putItem({ TableName: 'Hot', Item: key(i % 10 === 0 ? `cold${i}` : 'hotkey', `s${i}`) });
      clock.advance(2); // 500 writes a second: under the partition's 1,000 WCU ceiling
    }
    const [hot] = (await db.describePartitions('Hot')).Partitions;
    expect(hot!.hotKeys[0]).toMatchObject({ key: '686f746b65790001', value: 'hotkey' });
    expect(hot!.hotKeys[0]!.units).toBeGreaterThan(900);
    expect(hot!.hotKeys[0]!.units).toBeLessThan(2700);
    await db.close();
  });
});

describe('server and CLI', () => {
  it('GET /silt/partitions/<table> answers JSON; silt partitions prints it', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'My.Table-1', read: 6000, write: 1000 });
    const server = await startServer({ database: db, port: 0 });
    try {
      const response = await fetch(`${server.url}/silt/partitions/${encodeURIComponent('My.Table-1')}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { TableName: string; Partitions: unknown[] };
      expect(body.TableName).toBe('My.Table-1');
      expect(body.Partitions).toHaveLength(3);
      const missing = await fetch(`${server.url}/silt/partitions/Nope`);
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({ __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException' });

      let out = '';
      let err = '';
      const io = { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text) }, env: {}, cwd: '/' };
      expect(await main(['partitions', 'My.Table-1', '--endpoint-url', server.url], io)).toBe(0);
      expect(out).toContain('Table My.Table-1: 3 partitions');
      expect(out).toMatch(/alloc R\/W/);
      expect(out).toContain('2000/333.3');
      expect(await main(['partitions', 'Nope', '--endpoint-url', server.url], io)).toBe(1);
      expect(err).toContain('ResourceNotFoundException');
      expect(await main(['partitions', '--endpoint-url', server.url], io)).toBe(2);
    } finally {
      await server.close();
      await db.close();
    }
  });
});
