/**
 * Every throttle path of the table layer, through the embedded Database: the exception, its message
 * and ThrottlingReasons exactly; that a throttled request changes nothing; Unprocessed* of batches;
 * cancellation reasons of transactions; on-demand ThrottlingException; capacity 'unlimited'.
 */
import { describe, expect, it } from 'vitest';
import {
  INDEX_THROUGHPUT_MESSAGE,
  TABLE_THROTTLING_MESSAGE,
  TABLE_THROUGHPUT_MESSAGE,
} from '../../engine/table/admission.js';
import { toWireError } from '../../engine/api/errors.js';
import { bigItem, createTable, key, openDatabase, rejection, untilThrottled } from './helpers.js';

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/';

describe('single-item writes', () => {
  it('PutItem over a 1-WCU table throttles after its burst, with the exact exception, and writes nothing', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1000, write: 1 });
    // 300 s of burst at 1 WCU: three 101-unit items (100 KB payload and the rest) pass, the fourth is throttled.
    const { error, succeeded } = await untilThrottled((i) => db.putItem({ TableName: 'Tbl', Item: bigItem('a', `s${i}`) }));
    expect(succeeded).toBe(3);
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(error.message).toBe(TABLE_THROUGHPUT_MESSAGE);
    expect(error['ThrottlingReasons']).toEqual([{ reason: 'TableWriteProvisionedThroughputExceeded', resource: `${ARN}Tbl` }]);
    expect((await db.getItem({ TableName: 'Tbl', Key: key('a', 's3') })).Item).toBeUndefined();
    // On the wire the reasons travel with the error.
    expect(toWireError(error).body).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: TABLE_THROUGHPUT_MESSAGE,
      ThrottlingReasons: [{ reason: 'TableWriteProvisionedThroughputExceeded', resource: `${ARN}Tbl` }],
    });
    await db.close();
  });

  it('UpdateItem and DeleteItem are throttled before they change anything', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1000, write: 1 });
    await db.putItem({ TableName: 'Tbl', Item: { ...key('k', 'v'), n: { N: '1' } } });
    await untilThrottled((i) => db.putItem({ TableName: 'Tbl', Item: bigItem('a', `s${i}`) }));
    const update = await rejection(db.updateItem({ TableName: 'Tbl', Key: key('k', 'v'), UpdateExpression: 'SET n = :two', ExpressionAttributeValues: { ':two': { N: '2' } } }));
    expect(update.name).toBe('ProvisionedThroughputExceededException');
    const del = await rejection(db.deleteItem({ TableName: 'Tbl', Key: key('k', 'v') }));
    expect(del.name).toBe('ProvisionedThroughputExceededException');
    // A throttle comes before the condition is even looked at.
    const conditional = await rejection(db.putItem({ TableName: 'Tbl', Item: key('k', 'v'), ConditionExpression: 'attribute_not_exists(pk)' }));
    expect(conditional.name).toBe('ProvisionedThroughputExceededException');
    expect((await db.getItem({ TableName: 'Tbl', Key: key('k', 'v') })).Item).toEqual({ ...key('k', 'v'), n: { N: '1' } });
    await db.close();
  });

  it('the bucket refills on the injected clock', async () => {
    const { db, clock } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1000, write: 10 });
    await untilThrottled((i) => db.putItem({ TableName: 'Tbl', Item: bigItem('a', `s${i}`) }));
    clock.advance(60_000); // 600 units at 10 WCU: the debt is repaid and the bucket positive again
    await db.putItem({ TableName: 'Tbl', Item: bigItem('a', 'later') });
    await db.close();
  });

  it('a GSI short of write capacity throttles the base-table write, which is not written', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1000, write: 1000, gsi: { read: 1000, write: 1 } });
    const { error, succeeded } = await untilThrottled((i) => db.putItem({ TableName: 'Tbl', Item: bigItem('a', `s${i}`, { g: { S: 'x' } }) }));
    expect(succeeded).toBe(3);
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(error.message).toBe(INDEX_THROUGHPUT_MESSAGE);
    expect(error['ThrottlingReasons']).toEqual([{ reason: 'IndexWriteProvisionedThroughputExceeded', resource: `${ARN}Tbl/index/ByG` }]);
    expect((await db.getItem({ TableName: 'Tbl', Key: key('a', 's3') })).Item).toBeUndefined();
    // Items the index does not hold are not held back by it.
    await db.putItem({ TableName: 'Tbl', Item: bigItem('a', 'not-indexed') });
    await db.close();
  });
});

describe('reads', () => {
  it('GetItem, Query and Scan throttle with the table read reason', async () => {
    const { db } = await openDatabase();
    // One partition (1/3000 + 900/1000 < 1), so the scan's first page reads the exhausted one.
    await createTable(db, { name: 'Tbl', read: 1, write: 900 });
    for (let i = 0; i < 4; i++) await db.putItem({ TableName: 'Tbl', Item: bigItem('a', `s${i}`) });
    // 26 units per strongly consistent read of the 101 KB item; 1 + 300 units of allocated and burst.
    const { error } = await untilThrottled(() => db.getItem({ TableName: 'Tbl', Key: key('a', 's0'), ConsistentRead: true }));
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(error.message).toBe(TABLE_THROUGHPUT_MESSAGE);
    expect(error['ThrottlingReasons']).toEqual([{ reason: 'TableReadProvisionedThroughputExceeded', resource: `${ARN}Tbl` }]);
    const query = await rejection(db.query({ TableName: 'Tbl', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } } }));
    expect(query.name).toBe('ProvisionedThroughputExceededException');
    const scan = await rejection(db.scan({ TableName: 'Tbl' }));
    expect(scan.name).toBe('ProvisionedThroughputExceededException');
    await db.close();
  });

  it('a Query on a GSI is charged to and throttled by the index', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1000, write: 10_000, gsi: { read: 1, write: 10_000 } });
    for (let i = 0; i < 4; i++) await db.putItem({ TableName: 'Tbl', Item: bigItem('a', `s${i}`, { g: { S: 'x' } }) });
    const { error } = await untilThrottled(() =>
      db.query({ TableName: 'Tbl', IndexName: 'ByG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } }),
    );
    expect(error['ThrottlingReasons']).toEqual([{ reason: 'IndexReadProvisionedThroughputExceeded', resource: `${ARN}Tbl/index/ByG` }]);
    // The table itself still serves reads.
    await db.getItem({ TableName: 'Tbl', Key: key('a', 's0') });
    await db.close();
  });
});

describe('batches', () => {
  it('BatchWriteItem returns throttled entries in UnprocessedItems, and fails whole only when nothing was written', async () => {
    const { db, clock } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1000, write: 1 });
    let partial = 0;
    let whole = 0;
    for (let i = 0; i < 400 && (partial === 0 || whole === 0); i++) {
      const a = bigItem('a', `a${i}`);
      const b = bigItem('b', `b${i}`);
      try {
        const out = await db.batchWriteItem({ RequestItems: { Tbl: [{ PutRequest: { Item: a } }, { PutRequest: { Item: b } }] } });
        const left = out.UnprocessedItems?.['Tbl'] ?? [];
        if (left.length > 0) {
          partial++;
          expect(left).toEqual([{ PutRequest: { Item: b } }]);
          expect((await db.getItem({ TableName: 'Tbl', Key: key('b', `b${i}`) })).Item).toBeUndefined();
          expect((await db.getItem({ TableName: 'Tbl', Key: key('a', `a${i}`) })).Item).toBeDefined();
        }
      } catch (error) {
        whole++;
        expect((error as Error).name).toBe('ProvisionedThroughputExceededException');
        expect((error as Error).message).toBe(TABLE_THROUGHPUT_MESSAGE);
        expect((await db.getItem({ TableName: 'Tbl', Key: key('a', `a${i}`) })).Item).toBeUndefined();
      }
      clock.advance(10_000);
    }
    expect(partial).toBeGreaterThan(0);
    expect(whole).toBeGreaterThan(0);
    await db.close();
  });

  it('BatchGetItem returns throttled keys in UnprocessedKeys, and fails whole only when nothing was read', async () => {
    const { db, clock } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1, write: 900 }); // one partition for both keys
    await db.putItem({ TableName: 'Tbl', Item: bigItem('a', 'x') });
    await db.putItem({ TableName: 'Tbl', Item: bigItem('b', 'y') });
    let partial = 0;
    let whole = 0;
    for (let i = 0; i < 400 && (partial === 0 || whole === 0); i++) {
      try {
        const out = await db.batchGetItem({ RequestItems: { Tbl: { Keys: [key('a', 'x'), key('b', 'y')], ConsistentRead: true } } });
        const left = out.UnprocessedKeys?.['Tbl'];
        if (left !== undefined) {
          partial++;
          expect(left).toEqual({ Keys: [key('b', 'y')], ConsistentRead: true });
          expect(out.Responses?.['Tbl']).toHaveLength(1);
        }
      } catch (error) {
        whole++;
        expect((error as Error).name).toBe('ProvisionedThroughputExceededException');
      }
      clock.advance(5_000);
    }
    expect(partial).toBeGreaterThan(0);
    expect(whole).toBeGreaterThan(0);
    await db.close();
  });
});

describe('transactions', () => {
  it('TransactWriteItems cancels with ProvisionedThroughputExceeded on the throttled item and None on the others', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Hot', read: 1000, write: 1 });
    await createTable(db, { name: 'Cold', read: 1000, write: 1000 });
    await untilThrottled((i) => db.putItem({ TableName: 'Hot', Item: bigItem('a', `s${i}`) }));
    const error = await rejection(
      db.transactWriteItems({
        TransactItems: [{ Put: { TableName: 'Cold', Item: key('c', '1') } }, { Put: { TableName: 'Hot', Item: key('h', '1') } }],
      }),
    );
    expect(error.name).toBe('TransactionCanceledException');
    expect(error['CancellationReasons']).toEqual([{ Code: 'None' }, { Code: 'ProvisionedThroughputExceeded', Message: TABLE_THROUGHPUT_MESSAGE }]);
    expect((await db.getItem({ TableName: 'Cold', Key: key('c', '1') })).Item).toBeUndefined();
    await db.close();
  });

  it('TransactWriteItems is cancelled by a GSI short of capacity', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1000, write: 1000, gsi: { read: 1000, write: 1 } });
    await untilThrottled((i) => db.putItem({ TableName: 'Tbl', Item: bigItem('a', `s${i}`, { g: { S: 'x' } }) }));
    const error = await rejection(
      db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Tbl', Item: key('plain', '1') } }, { Put: { TableName: 'Tbl', Item: { ...key('idx', '1'), g: { S: 'y' } } } }] }),
    );
    expect(error['CancellationReasons']).toEqual([{ Code: 'None' }, { Code: 'ProvisionedThroughputExceeded', Message: INDEX_THROUGHPUT_MESSAGE }]);
    expect((await db.getItem({ TableName: 'Tbl', Key: key('plain', '1') })).Item).toBeUndefined();
    await db.close();
  });

  it('TransactGetItems cancels on a throttled read', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', read: 1, write: 10_000 });
    await createTable(db, { name: 'Cold', read: 1000, write: 1000 });
    await db.putItem({ TableName: 'Tbl', Item: bigItem('a', 'x') });
    // 50 units per transactional 100 KB read: 301 units of allocated and burst last 7 reads.
    let cancelled: (Error & Record<string, unknown>) | undefined;
    for (let i = 0; i < 20 && cancelled === undefined; i++) {
      try {
        await db.transactGetItems({ TransactItems: [{ Get: { TableName: 'Cold', Key: key('c', '1') } }, { Get: { TableName: 'Tbl', Key: key('a', 'x') } }] });
      } catch (error) {
        cancelled = error as Error & Record<string, unknown>;
      }
    }
    expect(cancelled?.name).toBe('TransactionCanceledException');
    expect(cancelled?.['CancellationReasons']).toEqual([{ Code: 'None' }, { Code: 'ProvisionedThroughputExceeded', Message: TABLE_THROUGHPUT_MESSAGE }]);
    await db.close();
  });
});

describe('on-demand', () => {
  it('a partition over its 1,000 WCU ceiling gets ThrottlingException with KeyRange reason, and a transaction ThrottlingError', async () => {
    const { db } = await openDatabase();
    await createTable(db, { name: 'Tbl', onDemand: true });
    const { error, succeeded } = await untilThrottled((i) => db.putItem({ TableName: 'Tbl', Item: bigItem('hot', `s${i}`) }));
    expect(succeeded).toBeGreaterThan(0);
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe(TABLE_THROTTLING_MESSAGE);
    expect(error['ThrottlingReasons']).toEqual([{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: `${ARN}Tbl` }]);
    const cancelled = await rejection(db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Tbl', Item: key('hot', 'tx') } }] }));
    expect(cancelled['CancellationReasons']).toEqual([{ Code: 'ThrottlingError', Message: TABLE_THROTTLING_MESSAGE }]);
    await db.close();
  });
});

describe("capacity: 'unlimited'", () => {
  it('never throttles', async () => {
    const { db } = await openDatabase({ capacity: 'unlimited' });
    await createTable(db, { name: 'Tbl', read: 1, write: 1, gsi: { read: 1, write: 1 } });
    for (let i = 0; i < 20; i++) await db.putItem({ TableName: 'Tbl', Item: bigItem('a', `s${i}`, { g: { S: 'x' } }) });
    for (let i = 0; i < 20; i++) await db.getItem({ TableName: 'Tbl', Key: key('a', `s${i}`), ConsistentRead: true });
    await db.query({ TableName: 'Tbl', IndexName: 'ByG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } });
    await db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Tbl', Item: bigItem('b', '1') } }] });
    const out = await db.describePartitions('Tbl');
    expect(out.Partitions.length).toBeGreaterThan(0);
    await db.close();
  });
});
