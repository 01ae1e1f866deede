/**
 * The AWS SDK v3, unchanged, against Silt over three transports: the HTTP server, the HTTP server
 * with SigV4 verified (the SDK's own signatures), and the in-process request handler. The same
 * tests run on each: DynamoDBClient commands with binary and sets, DynamoDBDocumentClient with
 * native values, the Query and Scan paginators, the TableExists waiter, batches, transactions,
 * and the SDK's typed exceptions with their extra members.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateBackupCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeLimitsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  ListTablesCommand,
  paginateQuery,
  paginateScan,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand as DocumentQueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCredentials } from '../../engine/api/auth.js';
import { createInProcessClient } from '../../engine/api/in-process.js';
import { Database } from '../../engine/database.js';
import { ManualClock, SystemClock } from '../../engine/util/clock.js';
import { serveDatabase, START_MS, TABLE_INPUT } from './helpers.js';

interface Transport {
  client: DynamoDBClient;
  close(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'AKIDSILT', secretAccessKey: 'silt-secret' };

const TRANSPORTS: [string, () => Promise<Transport>][] = [
  [
    'HTTP server',
    async () => {
      const served = await serveDatabase();
      const client = new DynamoDBClient({ endpoint: served.server.url, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
      return { client, close: async () => (client.destroy(), served.close()) };
    },
  ],
  [
    'HTTP server verifying SigV4',
    async () => {
      // The SDK signs with the wall clock, so signatures are checked against it here.
      const served = await serveDatabase({ clock: new SystemClock(), credentials: parseCredentials(JSON.stringify({ [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey })) });
      const client = new DynamoDBClient({ endpoint: served.server.url, region: 'eu-west-2', credentials: CREDENTIALS, maxAttempts: 1 });
      return { client, close: async () => (client.destroy(), served.close()) };
    },
  ],
  [
    'in-process handler',
    async () => {
      const db = await Database.open({ clock: new ManualClock(START_MS) });
      const client = createInProcessClient(db, { maxAttempts: 1 });
      return { client, close: async () => (client.destroy(), db.close()) };
    },
  ],
];

describe.each(TRANSPORTS)('AWS SDK v3 via %s', (_label, open) => {
  let transport: Transport;
  let client: DynamoDBClient;

  beforeAll(async () => {
    transport = await open();
    client = transport.client;
    const created = await client.send(new CreateTableCommand(TABLE_INPUT));
    expect(created.TableDescription?.TableName).toBe('items');
    expect(created.TableDescription?.CreationDateTime).toBeInstanceOf(Date);
    const waited = await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: 'items' });
    expect(waited.state).toBe('SUCCESS');
  });

  afterAll(async () => {
    await transport.close();
  });

  it('round-trips items with binary, sets, numbers and nested values', async () => {
    const item = {
      pk: { S: 'item' },
      sk: { N: '1' },
      b: { B: new Uint8Array([0, 1, 2, 255]) },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
      ns: { NS: ['1', '2.5'] },
      m: { M: { l: { L: [{ B: new Uint8Array([9]) }, { NULL: true }, { BOOL: false }] } } },
      ['__proto__']: { S: 'not a prototype' },
    };
    const put = await client.send(new PutItemCommand({ TableName: 'items', Item: item }));
    expect(put.$metadata.httpStatusCode).toBe(200);
    expect(put.$metadata.requestId).toMatch(/^[0-9A-Z]{52}$/);
    const got = await client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'item' }, sk: { N: '1' } }, ConsistentRead: true }));
    expect(got.Item?.['b']?.B).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(got.Item?.['bs']?.BS?.map((bytes) => [...bytes]).sort()).toEqual([[1], [2, 3]]);
    expect([...(got.Item?.['ns']?.NS ?? [])].sort()).toEqual(['1', '2.5']);
    expect(got.Item?.['m']?.M?.['l']?.L?.[0]?.B).toEqual(new Uint8Array([9]));
    expect(Object.hasOwn(got.Item!, '__proto__')).toBe(true);

    const updated = await client.send(
      new UpdateItemCommand({
        TableName: 'items',
        Key: { pk: { S: 'item' }, sk: { N: '1' } },
        UpdateExpression: 'SET c = :c ADD bs :more',
        ExpressionAttributeValues: { ':c': { N: '10' }, ':more': { BS: [new Uint8Array([7])] } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(updated.Attributes?.['c']).toEqual({ N: '10' });
    expect(updated.Attributes?.['bs']?.BS).toHaveLength(3);
    const deleted = await client.send(new DeleteItemCommand({ TableName: 'items', Key: { pk: { S: 'item' }, sk: { N: '1' } }, ReturnValues: 'ALL_OLD' }));
    expect(deleted.Attributes?.['b']?.B).toEqual(new Uint8Array([0, 1, 2, 255]));
  });

  it('DynamoDBDocumentClient works with native values', async () => {
    const doc = DynamoDBDocumentClient.from(client);
    await doc.send(new PutCommand({ TableName: 'items', Item: { pk: 'doc', sk: 1, name: 'x', tags: new Set(['a', 'b']), bytes: new Uint8Array([4, 5]), nested: { list: [1, 'two', null] } } }));
    await doc.send(new UpdateCommand({ TableName: 'items', Key: { pk: 'doc', sk: 1 }, UpdateExpression: 'SET #n = :n', ExpressionAttributeNames: { '#n': 'name' }, ExpressionAttributeValues: { ':n': 'y' } }));
    const got = await doc.send(new GetCommand({ TableName: 'items', Key: { pk: 'doc', sk: 1 } }));
    expect(got.Item).toEqual({ pk: 'doc', sk: 1, name: 'y', tags: new Set(['a', 'b']), bytes: new Uint8Array([4, 5]), nested: { list: [1, 'two', null] } });
    const queried = await doc.send(new DocumentQueryCommand({ TableName: 'items', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'doc' } }));
    expect(queried.Items?.map((item) => item['name'])).toEqual(['y']);
  });

  it('paginateQuery and paginateScan follow LastEvaluatedKey to the end', async () => {
    for (let i = 0; i < 25; i++) await client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'page' }, sk: { N: String(i) } } }));
    const queried: string[] = [];
    let queryPages = 0;
    for await (const page of paginateQuery({ client, pageSize: 7 }, { TableName: 'items', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'page' } } })) {
      queryPages++;
      for (const item of page.Items ?? []) queried.push(item['sk']!.N!);
    }
    expect(queried).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(queryPages).toBe(4);
    let scanned = 0;
    let scanPages = 0;
    for await (const page of paginateScan({ client, pageSize: 10 }, { TableName: 'items', FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'page' } } })) {
      scanPages++;
      scanned += page.Count ?? 0;
    }
    expect(scanned).toBe(25);
    expect(scanPages).toBeGreaterThan(1);
  });

  it('batches and transactions', async () => {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { items: [0, 1, 2].map((i) => ({ PutRequest: { Item: { pk: { S: 'batch' }, sk: { N: String(i) }, b: { B: new Uint8Array([i + 1]) } } } })) },
      }),
    );
    const batch = await client.send(new BatchGetItemCommand({ RequestItems: { items: { Keys: [0, 1, 2].map((i) => ({ pk: { S: 'batch' }, sk: { N: String(i) } })) } } }));
    expect(batch.Responses?.['items']?.map((item) => item['b']?.B?.[0]).sort()).toEqual([1, 2, 3]);
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'items', Item: { pk: { S: 'tx' }, sk: { N: '1' }, b: { B: new Uint8Array([8]) } } } },
          { Update: { TableName: 'items', Key: { pk: { S: 'batch' }, sk: { N: '0' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '1' } } } },
        ],
      }),
    );
    const read = await client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'items', Key: { pk: { S: 'tx' }, sk: { N: '1' } } } }] }));
    expect(read.Responses?.[0]?.Item?.['b']?.B).toEqual(new Uint8Array([8]));
  });

  it('errors are the SDK\'s typed exceptions, with their members', async () => {
    const missing = await client.send(new DescribeTableCommand({ TableName: 'missing' })).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as ResourceNotFoundException).message).toBe('Requested resource not found: Table: missing not found');
    expect((missing as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);

    await client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'cond' }, sk: { N: '1' }, b: { B: new Uint8Array([6]) } } }));
    const failed = await client
      .send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'cond' }, sk: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
    expect((failed as ConditionalCheckFailedException).message).toBe('The conditional request failed');
    expect((failed as ConditionalCheckFailedException).Item?.['b']?.B).toEqual(new Uint8Array([6]));

    const canceled = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'items', Item: { pk: { S: 'cond' }, sk: { N: '2' } } } },
            { ConditionCheck: { TableName: 'items', Key: { pk: { S: 'cond' }, sk: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
          ],
        }),
      )
      .catch((error: unknown) => error);
    expect(canceled).toBeInstanceOf(TransactionCanceledException);
    const reasons = (canceled as TransactionCanceledException).CancellationReasons;
    expect(reasons?.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(reasons?.[1]?.Item?.['b']?.B).toEqual(new Uint8Array([6]));
    expect((canceled as TransactionCanceledException).message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]');

    const invalid = await client.send(new ListTablesCommand({ Limit: 1000 })).catch((error: unknown) => error);
    expect((invalid as Error).name).toBe('ValidationException');
    expect((invalid as Error).message).toMatch(/^1 validation error detected: Value '1000' at 'limit'/);

    const unknown = await client.send(new CreateBackupCommand({ TableName: 'items', BackupName: 'b' })).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(DynamoDBServiceException);
    expect((unknown as Error).name).toBe('UnknownOperationException');
  });

  it('control-plane operations and table deletion', async () => {
    const limits = await client.send(new DescribeLimitsCommand({}));
    expect(limits.TableMaxReadCapacityUnits).toBeGreaterThan(0);
    const tables = await client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain('items');
    await client.send(new CreateTableCommand({ ...TABLE_INPUT, TableName: 'doomed' }));
    const deleted = await client.send(new DeleteTableCommand({ TableName: 'doomed' }));
    expect(deleted.TableDescription?.TableName).toBe('doomed');
    const remaining = await client.send(new QueryCommand({ TableName: 'items', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'tx' } } }));
    expect(remaining.Count).toBe(1);
  });
});
