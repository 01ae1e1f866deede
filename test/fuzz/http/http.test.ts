/**
 * The `http` campaign at a small budget (fixed seed, so CI is deterministic), and its parts: the
 * oracle's reading of responses, the replay path, and the cases of the bugs it found (fixed; the
 * campaign fails on any of them, with no known-bug mask).
 */
import { describe, expect, it } from 'vitest';
import { createHttpCampaign, httpCampaign } from '../../../fuzz/http/index.js';
import { checkResponse, outcomeOf } from '../../../fuzz/http/oracle.js';
import { baseCases, mutationCase } from '../../../fuzz/http/mutations.js';
import { limitCases } from '../../../fuzz/http/limits.js';
import { dynamoHeaders, type WireCase } from '../../../fuzz/http/cases.js';
import { FIXTURE_TABLE } from '../../../fuzz/http/bases.js';
import { crc32 } from 'node:zlib';

const seed = Number(process.env['FUZZ_SEED'] ?? 20260101);

function response(status: number, body: string): { status: number; headers: Record<string, string>; body: Buffer } {
  const bytes = Buffer.from(body);
  return { status, headers: { 'x-amzn-requestid': 'R', 'x-amz-crc32': String(crc32(bytes)) }, body: bytes };
}

describe('http campaign', () => {
  it('a small budget passes: every case answered as expected, the state never changes', async () => {
    console.log(`http seed ${seed}`);
    const result = await httpCampaign.run({ seed, runs: 60 });
    console.log(`http: ${JSON.stringify(result.counts)} in ${Math.round(result.elapsedMs)} ms`);
    expect(result.failure, result.failure === null ? '' : `${result.failure.message}\n${result.failure.script}`).toBeNull();
    expect(result.counts['requests']).toBeGreaterThan(1000);
    expect(result.counts['socketRequests']).toBeGreaterThan(100);
  });

  it('replays a recorded batch', async () => {
    const campaign = createHttpCampaign();
    const cases = [...baseCases().slice(0, 3), limitCases()[0]!];
    const result = await campaign.replay({ version: 1, batch: { transport: 'socket', cases } });
    expect(result.failure).toBeNull();
    expect(result.counts['requests']).toBe(4);
  });

  it('the bugs it found stay fixed: DynamoDB errors, no 500s, over both transports', async () => {
    const key = { pk: { S: 'p0' }, sk: { N: '1' } };
    const wire = (operation: string, label: string, body: unknown, outcome: string): WireCase => ({
      label: `${operation}: ${label}`,
      method: 'POST',
      headers: dynamoHeaders(operation),
      body: { text: JSON.stringify(body) },
      sign: 'open',
      outcomes: [outcome],
    });
    const cases = [
      // ExpressionAttributeNames null, or with a null or non-string value (was a TypeError, HTTP 500).
      wire('GetItem', 'ExpressionAttributeNames := null', { TableName: FIXTURE_TABLE, Key: key, ProjectionExpression: '#a', ExpressionAttributeNames: null }, 'ValidationException'),
      wire('GetItem', 'ExpressionAttributeNames.#a := null', { TableName: FIXTURE_TABLE, Key: key, ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': null } }, 'ValidationException'),
      wire('DeleteItem', 'ExpressionAttributeNames.#a := ["x"]', { TableName: FIXTURE_TABLE, Key: key, ConditionExpression: 'attribute_exists(#a)', ExpressionAttributeNames: { '#a': ['x'] } }, 'SerializationException'),
      wire('Query', 'ExpressionAttributeNames.#a := null', { TableName: FIXTURE_TABLE, KeyConditionExpression: '#a = :v', ExpressionAttributeNames: { '#a': null }, ExpressionAttributeValues: { ':v': { S: 'p0' } } }, 'ValidationException'),
      wire('BatchGetItem', 'ExpressionAttributeNames.#a := null', { RequestItems: { [FIXTURE_TABLE]: { Keys: [key], ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': null } } } }, 'ValidationException'),
      wire('TransactGetItems', 'ExpressionAttributeNames.#a := null', { TransactItems: [{ Get: { TableName: FIXTURE_TABLE, Key: key, ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': null } } }] }, 'ValidationException'),
      // A null entry in BatchGetItem Keys (was a TypeError in keyFingerprint, HTTP 500).
      wire('BatchGetItem', 'Keys[0] := null', { RequestItems: { [FIXTURE_TABLE]: { Keys: [null, key] } } }, 'ValidationException'),
      // Item operations and ListTables now check the request's shape before the table.
      wire('GetItem', 'TableName := "a b"', { TableName: 'a b', Key: key }, 'ValidationException'),
      wire('GetItem', 'TableName := "tt"', { TableName: 'tt', Key: key }, 'ValidationException'),
      wire('PutItem', 'ReturnValues := 5', { TableName: FIXTURE_TABLE, Item: key, ReturnValues: 5, ConditionExpression: 'attribute_not_exists(pk)' }, 'SerializationException'),
      wire('UpdateItem', 'Key := []', { TableName: FIXTURE_TABLE, Key: [], UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } }, 'SerializationException'),
      wire('PutItem', 'a 65,536-byte attribute name', { TableName: FIXTURE_TABLE, Item: { ...key, ['n'.repeat(65_536)]: { S: 'v' } }, ConditionExpression: 'attribute_not_exists(pk)' }, 'ValidationException'),
      wire('ListTables', 'Limit := "5"', { Limit: '5' }, 'SerializationException'),
    ];
    const campaign = createHttpCampaign();
    for (const transport of ['in-process', 'socket'] as const) {
      const result = await campaign.replay({ version: 1, batch: { transport, cases } });
      expect(result.failure?.message ?? null).toBeNull();
      expect(result.counts['requests']).toBe(cases.length);
    }
  });

  it('the oracle reads DynamoDB error shapes and refuses 500s, wrong namespaces and leaked errors', () => {
    const c = { label: 'x', method: 'POST', headers: {}, body: { text: '{}' }, sign: 'open' as const, outcomes: ['ValidationException'] };
    expect(checkResponse(c, response(400, '{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}'))).toBeUndefined();
    expect(checkResponse(c, response(400, '{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"bad"}'))).toMatch(/namespace/);
    expect(checkResponse(c, response(400, '{"__type":"com.amazon.coral.validate#ValidationException","message":"TypeError: x is not a function"}'))).toMatch(/internal/);
    expect(checkResponse(c, response(500, '{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"m"}'))).toMatch(/HTTP 500/);
    expect(checkResponse(c, response(400, '{"__type":"com.amazon.coral.service#SerializationException","message":"m"}'))).toMatch(/Message/);
    expect(checkResponse(c, { status: 0, headers: {}, body: Buffer.from('closed') })).toMatch(/no response/);
    const bad = response(400, '{"__type":"com.amazon.coral.validate#ValidationException"}');
    bad.headers['x-amz-crc32'] = '1';
    expect(checkResponse(c, bad)).toMatch(/crc32/);
    expect(outcomeOf(response(404, '<UnknownOperationException/>\n'))).toEqual({ outcome: '404' });
  });

  it('mutations keep `__proto__` as an own member of the JSON text', () => {
    const c = mutationCase({ base: 0, path: 0, kind: 'unknown-member', pick: 0 });
    expect(c).toBeDefined();
    expect('text' in c!.body && c!.body.text).toContain('"__proto__"');
  });
});
