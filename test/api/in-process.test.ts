/**
 * The in-process transport from the public surface: a DynamoDBClient built with
 * createInProcessClient or with inProcessHandler as its requestHandler, the handler's Smithy
 * contract (lower-case headers, checksums, bodies as strings or bytes, aborts), and that neither
 * destroying the client nor the handler closes the caller's Database.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../engine/api/crc32.js';
import { createInProcessClient, Database, inProcessHandler } from '../../engine/index.js';

let db: Database;

beforeAll(async () => {
  db = await Database.open();
});

afterAll(async () => {
  await db.close();
});

describe('inProcessHandler', () => {
  it('serves a DynamoDBClient given as requestHandler', async () => {
    const client = new DynamoDBClient({ region: 'eu-central-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, requestHandler: inProcessHandler(db) });
    const output = await client.send(new ListTablesCommand({}));
    expect(output.TableNames).toEqual([]);
    expect(output.$metadata.httpStatusCode).toBe(200);
    client.destroy();
    // The database stays open for its owner.
    expect((await db.listTables({})).TableNames).toEqual([]);
  });

  it('answers Smithy requests with lower-case headers and a checksum, whatever the body type', async () => {
    const handler = inProcessHandler(db);
    for (const body of ['{}', new TextEncoder().encode('{}')]) {
      const { response } = await handler.handle({
        method: 'POST',
        path: '/',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.ListTables' },
        body,
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-amz-crc32']).toBe(String(crc32(response.body)));
      expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9A-Z]{52}$/);
      expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({ TableNames: [] });
    }
    const health = await handler.handle({ method: 'GET', path: '/', headers: {} });
    expect(new TextDecoder().decode(health.response.body)).toBe('healthy: dynamodb.us-east-1.amazonaws.com ');
    handler.destroy();
  });

  it('skips authentication but keeps every other protocol rule', async () => {
    const handler = inProcessHandler(db);
    const unknown = await handler.handle({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Nope' }, body: '{}' });
    expect(unknown.response.statusCode).toBe(400);
    expect(JSON.parse(new TextDecoder().decode(unknown.response.body))).toEqual({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    const malformed = await handler.handle({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{' });
    expect(JSON.parse(new TextDecoder().decode(malformed.response.body))).toEqual({ __type: 'com.amazon.coral.service#SerializationException' });
  });

  it('refuses an already aborted request', async () => {
    const handler = inProcessHandler(db);
    await expect(handler.handle({ method: 'GET', path: '/', headers: {} }, { abortSignal: { aborted: true } })).rejects.toThrow(/aborted/);
  });
});

describe('createInProcessClient', () => {
  it('needs no region, credentials or endpoint, and takes overrides', async () => {
    const client = createInProcessClient(db, { maxAttempts: 1, region: 'ap-south-1' });
    expect(await client.config.region()).toBe('ap-south-1');
    await db.createTable({
      TableName: 'surface',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(['surface']);
    client.destroy();
  });
});
