import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { decodeItem } from '../../engine/model/item-codec.js';
import { prefixEnd } from '../../engine/model/storage-key.js';
import type { TableContext } from '../../engine/table/context.js';
import { IdempotencyCache, fingerprintOf } from '../../engine/table/idempotency.js';

const KB = 1024;
const START_MS = 1_700_000_000_000;
type AttributeMap = Record<string, { S: string } | { N: string }>;

interface Failure {
  name: string;
  message: string;
  CancellationReasons?: { Code: string; Message?: string; Item?: unknown }[];
}

async function open(clock = new ManualClock(START_MS)): Promise<Database> {
  const db = await Database.open({ clock });
  await db.createTable({
    TableName: 'Accounts',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'owner', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [{ IndexName: 'byOwner', KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await db.createTable({
    TableName: 'Ledger',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return db;
}

const key = (id: string) => ({ id: { S: id } });
const account = (id: string, balance: number, extra: AttributeMap = {}): AttributeMap => ({ id: { S: id }, balance: { N: String(balance) }, ...extra });

async function get(db: Database, id: string, table = 'Accounts'): Promise<Record<string, unknown> | undefined> {
  return (await db.getItem({ TableName: table, Key: key(id), ConsistentRead: true })).Item;
}

async function rejection(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected a rejection');
}

function transfer(from: string, to: string, amount: number) {
  const value = { ':x': { N: String(amount) } };
  return {
    TransactItems: [
      { Update: { TableName: 'Accounts', Key: key(from), UpdateExpression: 'SET balance = balance - :x', ConditionExpression: 'balance >= :x', ExpressionAttributeValues: value } },
      { Update: { TableName: 'Accounts', Key: key(to), UpdateExpression: 'SET balance = balance + :x', ConditionExpression: 'attribute_exists(id)', ExpressionAttributeValues: value } },
    ],
  };
}

function ownerIndex(db: Database): Record<string, unknown>[] {
  const context = (db as unknown as { context: TableContext }).context; // test-only peek at the runtime table
  const table = context.table('Accounts')!;
  const prefix = table.prefix(table.index('byOwner')!);
  return [...db.store.scan({ gte: prefix, lt: prefixEnd(prefix)! })].map(([, value]) => decodeItem(value));
}

describe('TransactWriteItems', () => {
  it('applies Put, Update, Delete and ConditionCheck across tables', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Accounts', Item: account('a', 100) });
    await db.putItem({ TableName: 'Accounts', Item: account('old', 0) });
    await db.putItem({ TableName: 'Ledger', Item: { id: { S: 'open' } } });
    const out = await db.transactWriteItems({
      TransactItems: [
        { Update: { TableName: 'Accounts', Key: key('a'), UpdateExpression: 'SET balance = balance - :x', ExpressionAttributeValues: { ':x': { N: '30' } } } },
        { Put: { TableName: 'Accounts', Item: account('b', 30), ConditionExpression: 'attribute_not_exists(id)' } },
        { Delete: { TableName: 'Accounts', Key: key('old') } },
        { ConditionCheck: { TableName: 'Ledger', Key: key('open'), ConditionExpression: 'attribute_exists(id)' } },
        { Put: { TableName: 'Ledger', Item: { id: { S: 't1' }, amount: { N: '30' } } } },
      ],
    });
    expect(out).toEqual({});
    expect(await get(db, 'a')).toEqual(account('a', 70));
    expect(await get(db, 'b')).toEqual(account('b', 30));
    expect(await get(db, 'old')).toBeUndefined();
    expect(await get(db, 't1', 'Ledger')).toEqual({ id: { S: 't1' }, amount: { N: '30' } });
    await db.close();
  });

  it('cancels atomically: one failing condition leaves every item unchanged, reasons in request order', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Accounts', Item: account('a', 10) });
    await db.putItem({ TableName: 'Accounts', Item: account('b', 0) });
    const error = await rejection(
      db.transactWriteItems({
        TransactItems: [
          { Put: { TableName: 'Ledger', Item: { id: { S: 'entry' } } } },
          { Update: { TableName: 'Accounts', Key: key('b'), UpdateExpression: 'SET balance = balance + :x', ExpressionAttributeValues: { ':x': { N: '50' } } } },
          {
            Update: {
              TableName: 'Accounts',
              Key: key('a'),
              UpdateExpression: 'SET balance = balance - :x',
              ConditionExpression: 'balance >= :x',
              ExpressionAttributeValues: { ':x': { N: '50' } },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { ConditionCheck: { TableName: 'Accounts', Key: key('nobody'), ConditionExpression: 'attribute_exists(id)' } },
          { Delete: { TableName: 'Accounts', Key: key('c') } },
        ],
      }),
    );
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed, ConditionalCheckFailed, None]');
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: account('a', 10) },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      { Code: 'None' },
    ]);
    expect(await get(db, 'a')).toEqual(account('a', 10));
    expect(await get(db, 'b')).toEqual(account('b', 0));
    expect(await get(db, 'entry', 'Ledger')).toBeUndefined();
    await db.close();
  });

  it('reports item-dependent validation failures as ValidationError reasons, request-visible ones as ValidationException', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Accounts', Item: account('big', 0, { pad: { S: 'x'.repeat(300 * KB) } }) });
    await db.putItem({ TableName: 'Accounts', Item: account('n', 1) });
    const error = await rejection(
      db.transactWriteItems({
        TransactItems: [
          { Update: { TableName: 'Accounts', Key: key('big'), UpdateExpression: 'SET more = :pad', ExpressionAttributeValues: { ':pad': { S: 'y'.repeat(200 * KB) } } } },
          { Update: { TableName: 'Accounts', Key: key('n'), UpdateExpression: 'SET #o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { N: '5' } } } },
          { Put: { TableName: 'Ledger', Item: { id: { S: 'fine' } } } },
        ],
      }),
    );
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.CancellationReasons![0]).toEqual({ Code: 'ValidationError', Message: 'Item size to update has exceeded the maximum allowed size' });
    expect(error.CancellationReasons![1]!.Code).toBe('ValidationError');
    expect(error.CancellationReasons![2]).toEqual({ Code: 'None' });
    expect(await get(db, 'fine', 'Ledger')).toBeUndefined();
    // A Put's own size is visible in the request: a plain ValidationException before anything runs.
    const put = await rejection(db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Ledger', Item: { id: { S: 'huge' }, pad: { S: 'x'.repeat(400 * KB) } } } }] }));
    expect(put).toMatchObject({ name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size' });
    await db.close();
  });

  it('enforces its limits: one action per item, 100 actions, 4 MB, known tables, one kind per element', async () => {
    const db = await open();
    const twice = await rejection(
      db.transactWriteItems({
        TransactItems: [
          { Put: { TableName: 'Accounts', Item: account('a', 1) } },
          { ConditionCheck: { TableName: 'Accounts', Key: key('a'), ConditionExpression: 'attribute_exists(id)' } },
        ],
      }),
    );
    expect(twice).toMatchObject({ name: 'ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
    // The same key in two tables is two items.
    await expect(db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Accounts', Item: account('a', 1) } }, { Put: { TableName: 'Ledger', Item: key('a') } }] })).resolves.toEqual({});

    const puts = (n: number) => Array.from({ length: n }, (_, i) => ({ Put: { TableName: 'Ledger', Item: key(`p${i}`) } }));
    await expect(db.transactWriteItems({ TransactItems: puts(100) })).resolves.toEqual({});
    const tooMany = await rejection(db.transactWriteItems({ TransactItems: puts(101) }));
    expect(tooMany.name).toBe('ValidationException');
    expect(tooMany.message).toMatch(/^1 validation error detected: .* at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/);

    const large = (i: number) => ({ Put: { TableName: 'Ledger', Item: { id: { S: `l${i}` }, pad: { S: 'x'.repeat(390 * KB) } } } });
    await expect(db.transactWriteItems({ TransactItems: Array.from({ length: 10 }, (_, i) => large(i)) })).resolves.toEqual({}); // 3.8 MB
    const tooBig = await rejection(db.transactWriteItems({ TransactItems: Array.from({ length: 11 }, (_, i) => large(i + 20)) })); // 4.2 MB
    expect(tooBig.name).toBe('ValidationException');
    expect(await get(db, 'l20', 'Ledger')).toBeUndefined();

    expect(await rejection(db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Ledger', Item: key('q') } }, { Put: { TableName: 'Nope', Item: key('q') } }] }))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await get(db, 'q', 'Ledger')).toBeUndefined();
    const both = await rejection(
      db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Ledger', Item: key('r') }, Delete: { TableName: 'Ledger', Key: key('r') } }] } as never),
    );
    expect(both.name).toBe('ValidationException');
    await db.close();
  });

  it('maintains indexes through transactions', async () => {
    const db = await open();
    await db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Accounts', Item: account('a', 1, { owner: { S: 'ann' } }) } }, { Put: { TableName: 'Accounts', Item: account('b', 1) } }] });
    expect(ownerIndex(db)).toEqual([{ id: { S: 'a' }, owner: { S: 'ann' } }]);
    await db.transactWriteItems({
      TransactItems: [
        { Update: { TableName: 'Accounts', Key: key('a'), UpdateExpression: 'SET #o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'bea' } } } },
        { Update: { TableName: 'Accounts', Key: key('b'), UpdateExpression: 'SET #o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'cid' } } } },
      ],
    });
    expect(ownerIndex(db)).toEqual([
      { id: { S: 'a' }, owner: { S: 'bea' } },
      { id: { S: 'b' }, owner: { S: 'cid' } },
    ]);
    await db.transactWriteItems({ TransactItems: [{ Delete: { TableName: 'Accounts', Key: key('a') } }] });
    expect(ownerIndex(db)).toEqual([{ id: { S: 'b' }, owner: { S: 'cid' } }]);
    // A cancelled transaction leaves the index alone too.
    await rejection(
      db.transactWriteItems({
        TransactItems: [
          { Update: { TableName: 'Accounts', Key: key('b'), UpdateExpression: 'SET #o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'dan' } } } },
          { ConditionCheck: { TableName: 'Accounts', Key: key('zz'), ConditionExpression: 'attribute_exists(id)' } },
        ],
      }),
    );
    expect(ownerIndex(db)).toEqual([{ id: { S: 'b' }, owner: { S: 'cid' } }]);
    await db.close();
  });

  it('charges 2× write units per item, ordinary units per index entry, a transactional read per ConditionCheck', async () => {
    const db = await open();
    const item = (id: string, bytes: number) => ({ id: { S: id }, pad: { S: 'x'.repeat(bytes - 'id'.length - id.length - 'pad'.length) } });
    await db.putItem({ TableName: 'Ledger', Item: item('checked', 5 * KB) });
    const out = await db.transactWriteItems({
      TransactItems: [
        { Put: { TableName: 'Ledger', Item: item('p1', 500) } },
        { Put: { TableName: 'Ledger', Item: item('p2', 500) } },
        { Put: { TableName: 'Ledger', Item: item('p3', 500) } },
        { ConditionCheck: { TableName: 'Ledger', Key: key('checked'), ConditionExpression: 'attribute_exists(id)' } },
      ],
      ReturnConsumedCapacity: 'TOTAL',
    });
    // 3 × 500 B transactional → 6 WCU (§6.1); the 5 KB check → 2 blocks × 2 = 4 RCU.
    expect(out.ConsumedCapacity).toEqual([{ TableName: 'Ledger', CapacityUnits: 10, ReadCapacityUnits: 4, WriteCapacityUnits: 6 }]);
    const indexed = await db.transactWriteItems({
      TransactItems: [{ Put: { TableName: 'Accounts', Item: account('a', 1, { owner: { S: 'ann' } }) } }, { Delete: { TableName: 'Ledger', Key: key('missing') } }],
      ReturnConsumedCapacity: 'INDEXES',
    });
    expect(indexed.ConsumedCapacity).toEqual([
      { TableName: 'Accounts', CapacityUnits: 3, WriteCapacityUnits: 3, Table: { CapacityUnits: 2, WriteCapacityUnits: 2 }, GlobalSecondaryIndexes: { byOwner: { CapacityUnits: 1, WriteCapacityUnits: 1 } } },
      { TableName: 'Ledger', CapacityUnits: 2, WriteCapacityUnits: 2, Table: { CapacityUnits: 2, WriteCapacityUnits: 2 } },
    ]);
    await db.close();
  });
});

describe('TransactWriteItems concurrency', () => {
  it('a PutItem issued while a transaction on its item is in flight gets TransactionConflictException', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Accounts', Item: account('a', 100) });
    const transaction = db.transactWriteItems({ TransactItems: [{ Update: { TableName: 'Accounts', Key: key('a'), UpdateExpression: 'SET balance = :v', ExpressionAttributeValues: { ':v': { N: '1' } } } }] });
    const put = db.putItem({ TableName: 'Accounts', Item: account('a', 500) });
    const [transactionOutcome, putOutcome] = await Promise.allSettled([transaction, put]);
    expect(transactionOutcome.status).toBe('fulfilled');
    expect(putOutcome).toMatchObject({ status: 'rejected', reason: { name: 'TransactionConflictException' } });
    expect(await get(db, 'a')).toEqual(account('a', 1));
    // Once the transaction is durable the item is free again.
    await db.putItem({ TableName: 'Accounts', Item: account('a', 500) });
    expect(await get(db, 'a')).toEqual(account('a', 500));
    await db.close();
  });

  it('a transaction issued after a PutItem sees it (serial order), and a GetItem during a transaction succeeds', async () => {
    const db = await open();
    const put = db.putItem({ TableName: 'Accounts', Item: account('new', 5) });
    const transaction = db.transactWriteItems({ TransactItems: [{ Put: { TableName: 'Accounts', Item: account('new', 0), ConditionExpression: 'attribute_not_exists(id)' } }] });
    await put;
    const error = await rejection(transaction);
    expect(error.CancellationReasons).toEqual([{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }]);
    const update = db.transactWriteItems({ TransactItems: [{ Update: { TableName: 'Accounts', Key: key('new'), UpdateExpression: 'SET balance = :v', ExpressionAttributeValues: { ':v': { N: '6' } } } }] });
    const read = db.getItem({ TableName: 'Accounts', Key: key('new') });
    await update;
    expect([account('new', 5), account('new', 6)]).toContainEqual((await read).Item);
    await db.close();
  });

  it('a second transaction touching an item of an in-flight one is cancelled with TransactionConflict', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Accounts', Item: account('a', 100) });
    await db.putItem({ TableName: 'Accounts', Item: account('b', 100) });
    await db.putItem({ TableName: 'Accounts', Item: account('c', 100) });
    const first = db.transactWriteItems(transfer('a', 'b', 10));
    const second = db.transactWriteItems(transfer('c', 'b', 10));
    await first;
    const error = await rejection(second);
    expect(error.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item.' }]);
    expect([await get(db, 'a'), await get(db, 'b'), await get(db, 'c')]).toEqual([account('a', 90), account('b', 110), account('c', 100)]);
    await db.close();
  });

  it('concurrent transfers keep the total constant and apply exactly the successful ones (serializability)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 60 }), fc.boolean()), { minLength: 1, maxLength: 60 }),
        async (transfers) => {
          const db = await open();
          const accounts = 6;
          for (let i = 0; i < accounts; i++) await db.putItem({ TableName: 'Accounts', Item: account(`acct${i}`, 100) });
          const expected = Array.from({ length: accounts }, () => 100);
          // Fire every transfer without awaiting; some are awaited between (the boolean) to vary interleavings.
          const outcomes: Promise<PromiseSettledResult<unknown>>[] = [];
          for (const [from, to, amount, pause] of transfers) {
            if (from === to) continue;
            const attempt = db.transactWriteItems(transfer(`acct${from}`, `acct${to}`, amount));
            outcomes.push(
              attempt.then(
                (value) => {
                  expected[from]! -= amount;
                  expected[to]! += amount;
                  return { status: 'fulfilled', value } as const;
                },
                (reason: unknown) => ({ status: 'rejected', reason }) as const,
              ),
            );
            if (pause) await outcomes[outcomes.length - 1];
          }
          const settled = await Promise.all(outcomes);
          for (const outcome of settled) {
            if (outcome.status === 'rejected') expect((outcome.reason as Failure).name).toBe('TransactionCanceledException');
          }
          const balances: number[] = [];
          for (let i = 0; i < accounts; i++) balances.push(Number(((await get(db, `acct${i}`))!['balance'] as { N: string }).N));
          expect(balances.reduce((a, b) => a + b, 0)).toBe(accounts * 100);
          expect(balances.every((b) => b >= 0)).toBe(true);
          expect(balances).toEqual(expected);
          await db.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('ClientRequestToken', () => {
  const increment = (token: string, by = '1') => ({
    TransactItems: [{ Update: { TableName: 'Ledger', Key: key('counter'), UpdateExpression: 'ADD n :by', ExpressionAttributeValues: { ':by': { N: by } } } }],
    ClientRequestToken: token,
  });

  it('a replay within 10 minutes applies nothing and reports read units; after the window it applies again', async () => {
    const clock = new ManualClock(START_MS);
    const db = await open(clock);
    await db.transactWriteItems({ ...increment('tok'), ReturnConsumedCapacity: 'TOTAL' });
    clock.advance(9 * 60 * 1000);
    const replay = await db.transactWriteItems({ ...increment('tok'), ReturnConsumedCapacity: 'TOTAL' });
    expect(replay.ConsumedCapacity).toEqual([{ TableName: 'Ledger', CapacityUnits: 2, ReadCapacityUnits: 2 }]);
    expect(await get(db, 'counter', 'Ledger')).toEqual({ id: { S: 'counter' }, n: { N: '1' } });
    // The same request with its members in another order is the same request.
    const reordered = { ClientRequestToken: 'tok', TransactItems: [{ Update: { ExpressionAttributeValues: { ':by': { N: '1' } }, UpdateExpression: 'ADD n :by', Key: key('counter'), TableName: 'Ledger' } }] };
    await db.transactWriteItems(reordered);
    expect(await get(db, 'counter', 'Ledger')).toEqual({ id: { S: 'counter' }, n: { N: '1' } });
    clock.advance(60 * 1000); // 10 minutes after completion: the token is free
    await db.transactWriteItems(increment('tok'));
    expect(await get(db, 'counter', 'Ledger')).toEqual({ id: { S: 'counter' }, n: { N: '2' } });
    await db.close();
  });

  it('the same token with another request within the window is IdempotentParameterMismatchException', async () => {
    const clock = new ManualClock(START_MS);
    const db = await open(clock);
    await db.transactWriteItems(increment('tok'));
    clock.advance(10 * 60 * 1000 - 1);
    expect(await rejection(db.transactWriteItems(increment('tok', '5')))).toMatchObject({ name: 'IdempotentParameterMismatchException' });
    clock.advance(1);
    await db.transactWriteItems(increment('tok', '5'));
    expect(await get(db, 'counter', 'Ledger')).toEqual({ id: { S: 'counter' }, n: { N: '6' } });
    await db.close();
  });

  it('a token whose transaction is in flight is TransactionInProgressException; a cancelled one leaves the token free', async () => {
    const db = await open();
    const first = db.transactWriteItems(increment('tok'));
    const second = db.transactWriteItems(increment('tok'));
    await first;
    expect(await rejection(second)).toMatchObject({ name: 'TransactionInProgressException', message: 'The transaction with the given request token is already in progress' });
    const guarded = {
      TransactItems: [{ Put: { TableName: 'Ledger', Item: { id: { S: 'guarded' } }, ConditionExpression: 'attribute_exists(id)' } }],
      ClientRequestToken: 'other',
    };
    expect((await rejection(db.transactWriteItems(guarded))).name).toBe('TransactionCanceledException');
    await db.putItem({ TableName: 'Ledger', Item: { id: { S: 'guarded' }, before: { S: 'yes' } } });
    await db.transactWriteItems(guarded);
    expect(await get(db, 'guarded', 'Ledger')).toEqual({ id: { S: 'guarded' } });
    expect(await get(db, 'counter', 'Ledger')).toEqual({ id: { S: 'counter' }, n: { N: '1' } });
    await db.close();
  });

  it('the cache forgets the oldest token past its bound and fingerprints canonically', () => {
    const cache = new IdempotencyCache<string>(1000, 2);
    for (const token of ['a', 'b', 'c']) {
      expect(cache.lookup(token, 'f', 0).kind).toBe('new');
      cache.begin(token, 'f');
      cache.complete(token, 0, token);
    }
    expect(cache.size).toBe(2);
    expect(cache.lookup('a', 'other', 1).kind).toBe('new'); // forgotten: no mismatch
    expect(cache.lookup('c', 'f', 1)).toMatchObject({ kind: 'replay', completed: { result: 'c' } });
    expect(cache.lookup('c', 'f', 1000).kind).toBe('new');
    expect(fingerprintOf({ a: 1, b: [new Uint8Array([1, 2])] })).toBe(fingerprintOf({ b: [new Uint8Array([1, 2])], a: 1 }));
    expect(fingerprintOf({ a: 1, b: [new Uint8Array([1, 2])] })).not.toBe(fingerprintOf({ a: 1, b: [new Uint8Array([1, 3])] }));
  });
});

describe('TransactGetItems', () => {
  it('returns items in request order, {} for a missing one, with projections, charging 2 units per 4 KB', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Accounts', Item: account('a', 1, { owner: { S: 'ann' } }) });
    await db.putItem({ TableName: 'Ledger', Item: { id: { S: 'big' }, pad: { S: 'x'.repeat(5 * KB) } } });
    const out = await db.transactGetItems({
      TransactItems: [
        { Get: { TableName: 'Ledger', Key: key('big'), ProjectionExpression: 'id' } },
        { Get: { TableName: 'Accounts', Key: key('missing') } },
        { Get: { TableName: 'Accounts', Key: key('a'), ProjectionExpression: '#o', ExpressionAttributeNames: { '#o': 'owner' } } },
      ],
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(out.Responses).toEqual([{ Item: { id: { S: 'big' } } }, {}, { Item: { owner: { S: 'ann' } } }]);
    // 5 KB → 2 blocks × 2 = 4; missing → 2; 1 small item → 2.
    expect(out.ConsumedCapacity).toEqual([
      { TableName: 'Ledger', CapacityUnits: 4, ReadCapacityUnits: 4 },
      { TableName: 'Accounts', CapacityUnits: 4, ReadCapacityUnits: 4 },
    ]);
    await db.close();
  });

  it('is cancelled with TransactionConflict while a transaction on one of its items is in flight', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Accounts', Item: account('a', 100) });
    await db.putItem({ TableName: 'Accounts', Item: account('b', 100) });
    const write = db.transactWriteItems(transfer('a', 'b', 40));
    const read = db.transactGetItems({ TransactItems: [{ Get: { TableName: 'Ledger', Key: key('x') } }, { Get: { TableName: 'Accounts', Key: key('b') } }] });
    await write;
    const error = await rejection(read);
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item.' }]);
    const after = await db.transactGetItems({ TransactItems: [{ Get: { TableName: 'Accounts', Key: key('a') } }, { Get: { TableName: 'Accounts', Key: key('b') } }] });
    expect(after.Responses).toEqual([{ Item: account('a', 60) }, { Item: account('b', 140) }]);
    await db.close();
  });

  it('never observes half of a transfer (snapshot reads)', async () => {
    const db = await open();
    await db.putItem({ TableName: 'Accounts', Item: account('a', 100) });
    await db.putItem({ TableName: 'Accounts', Item: account('b', 100) });
    const reads: Promise<unknown>[] = [];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      reads.push(db.transactGetItems({ TransactItems: [{ Get: { TableName: 'Accounts', Key: key('a') } }, { Get: { TableName: 'Accounts', Key: key('b') } }] }).catch(() => undefined));
      writes.push(db.transactWriteItems(i % 2 === 0 ? transfer('a', 'b', 7) : transfer('b', 'a', 3)).catch(() => undefined));
      if (i % 3 === 0) await writes[writes.length - 1];
    }
    await Promise.all(writes);
    let observed = 0;
    for (const read of await Promise.all(reads)) {
      if (read === undefined) continue;
      const [a, b] = (read as { Responses: { Item: { balance: { N: string } } }[] }).Responses;
      expect(Number(a!.Item.balance.N) + Number(b!.Item.balance.N)).toBe(200);
      observed++;
    }
    expect(observed).toBeGreaterThan(0);
    await db.close();
  });

  it('enforces one Get per item and 100 Gets', async () => {
    const db = await open();
    expect(await rejection(db.transactGetItems({ TransactItems: [{ Get: { TableName: 'Ledger', Key: key('a') } }, { Get: { TableName: 'Ledger', Key: key('a') } }] }))).toMatchObject({
      name: 'ValidationException',
      message: 'Transaction request cannot include multiple operations on one item',
    });
    const gets = (n: number) => Array.from({ length: n }, (_, i) => ({ Get: { TableName: 'Ledger', Key: key(`g${i}`) } }));
    expect((await db.transactGetItems({ TransactItems: gets(100) })).Responses).toHaveLength(100);
    expect((await rejection(db.transactGetItems({ TransactItems: gets(101) }))).name).toBe('ValidationException');
    expect((await rejection(db.transactGetItems({ TransactItems: [{ Get: { TableName: 'Nope', Key: key('a') } }] }))).name).toBe('ResourceNotFoundException');
    await db.close();
  });
});
