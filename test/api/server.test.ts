/**
 * The wire-protocol server over raw HTTP: headers, checksums, gzip both ways, every error shape
 * (namespace, message casing, status), the protocol's edge cases (content types, targets, empty,
 * malformed and over-nested bodies), the 16 MB bound, prototype-pollution attempts, auth header
 * well-formedness, internal errors, keep-alive and graceful shutdown.
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../engine/api/crc32.js';
import { createLogger } from '../../engine/api/logger.js';
import { REQUEST_BODY_BYTES_MAX } from '../../engine/limits.js';
import { NESTING_MESSAGE } from '../../engine/model/validate.js';
import { ManualClock } from '../../engine/util/clock.js';
import { callOperation, dynamoHeaders, gateDescribeLimits, rawRequest, serveDatabase, TABLE_INPUT, type Served } from './helpers.js';

let served: Served;
let url: string;
const logLines: string[] = [];

beforeAll(async () => {
  served = await serveDatabase({ logger: createLogger({ level: 'debug', sink: { write: (line: string) => logLines.push(line) }, clock: new ManualClock(0) }) });
  url = served.server.url;
  const created = await callOperation(url, 'CreateTable', TABLE_INPUT);
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await served.close();
});

function expectChecksum(response: { headers: http.IncomingHttpHeaders; body: Buffer }): void {
  expect(response.headers['x-amz-crc32']).toBe(String(crc32(response.body)));
  expect(response.headers['content-length']).toBe(String(response.body.length));
}

describe('health and headers', () => {
  it('GET / answers as DynamoDB does, with a request id and checksum', async () => {
    const response = await rawRequest(url, { method: 'GET' });
    expect(response.status).toBe(200);
    expect(response.text).toBe('healthy: dynamodb.us-east-1.amazonaws.com ');
    expect(response.headers['x-amz-crc32']).toBe('3128867991'); // dynalite's constant for this body
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9A-Z]{52}$/);
    expectChecksum(response);
  });

  it('GET /health lists the served operations', async () => {
    const response = await rawRequest(url, { method: 'GET', path: '/health' });
    expect(response.status).toBe(200);
    const body = response.json() as { status: string; operations: string[] };
    expect(body.status).toBe('healthy');
    expect(body.operations).toEqual(expect.arrayContaining(['PutItem', 'GetItem', 'CreateTable']));
  });

  it('every response has a distinct request id and a correct checksum', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const response = await callOperation(url, 'ListTables', {});
      expect(response.status).toBe(200);
      expectChecksum(response);
      ids.add(String(response.headers['x-amzn-requestid']));
    }
    expect(ids.size).toBe(5);
  });

  it('an empty answer ({}, shared by every plain write) has its checksum, plain and gzipped', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await callOperation(url, 'PutItem', { TableName: TABLE_INPUT.TableName, Item: { pk: { S: `empty${i}` }, sk: { N: '1' } } });
      expect(response.status).toBe(200);
      expect(response.text).toBe('{}');
      expect(response.headers['x-amz-crc32']).toBe(String(zlib.crc32('{}')));
      expectChecksum(response);
    }
    const gzipped = await callOperation(url, 'PutItem', { TableName: TABLE_INPUT.TableName, Item: { pk: { S: 'emptyz' }, sk: { N: '1' } } }, { 'Accept-Encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expectChecksum(gzipped);
    expect(zlib.gunzipSync(gzipped.body).toString('utf8')).toBe('{}');
  });

  it('GetItem answers as the embedded getItem does, from stored bytes or decoded (large, projected)', async () => {
    const table = TABLE_INPUT.TableName!;
    // Stored sizes around the 1,024 bytes below which the answer is copied from the stored item.
    // (about 40 bytes besides v; each repetition is 3 bytes: "é" and a quote to escape).
    for (const repetitions of [1, 300, 320, 325, 330, 340, 2000]) {
      const item = { pk: { S: `get${repetitions}` }, sk: { N: '1' }, v: { S: 'é"'.repeat(repetitions) }, b: { B: Buffer.from([0, 255]).toString('base64') } };
      expect((await callOperation(url, 'PutItem', { TableName: table, Item: item })).status).toBe(200);
      const key = { pk: item.pk, sk: item.sk };
      for (const extra of [{}, { ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }, { ReturnConsumedCapacity: 'INDEXES' }, { ProjectionExpression: 'v, pk' }]) {
        const response = await callOperation(url, 'GetItem', { TableName: table, Key: key, ...extra });
        expect(response.status).toBe(200);
        expectChecksum(response);
        const embedded = (await served.db.getItem({ TableName: table, Key: { pk: item.pk, sk: item.sk }, ...extra } as never)) as { Item?: Record<string, { B?: Uint8Array }> };
        if (embedded.Item?.['b']?.B !== undefined) embedded.Item['b'] = { B: Buffer.from(embedded.Item['b'].B).toString('base64') } as never;
        expect(response.text).toBe(JSON.stringify(embedded));
      }
    }
  });

  it('echoes the JSON content type (1.0, 1.1), application/json otherwise', async () => {
    for (const [sent, answered] of [
      ['application/x-amz-json-1.0', 'application/x-amz-json-1.0'],
      ['application/x-amz-json-1.1', 'application/x-amz-json-1.1'],
      ['application/json; charset=utf-8', 'application/json'],
    ]) {
      const response = await callOperation(url, 'ListTables', {}, { 'Content-Type': sent! });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(answered);
    }
  });

  it('a non-JSON content type or a non-POST method is a 404 <UnknownOperationException/>', async () => {
    const wrongType = await callOperation(url, 'ListTables', {}, { 'Content-Type': 'text/plain' });
    expect(wrongType.status).toBe(404);
    expect(wrongType.text).toBe('<UnknownOperationException/>\n');
    expectChecksum(wrongType);
    const put = await rawRequest(url, { method: 'PUT', headers: dynamoHeaders('ListTables'), body: '{}' });
    expect(put.status).toBe(404);
    expect(put.text).toBe('<UnknownOperationException/>\n');
  });

  it('answers a CORS preflight', async () => {
    const response = await rawRequest(url, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-amz-target' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-methods']).toBe('POST');
    expect(response.headers['access-control-allow-headers']).toBe('x-amz-target');
  });
});

describe('items and binary', () => {
  it('binary crosses the wire as base64, numbers as strings', async () => {
    const item = { pk: { S: 'bin' }, sk: { N: '1.50' }, b: { B: 'AAEC/w==' }, bs: { BS: ['AQ==', 'Ag=='] }, nested: { M: { l: { L: [{ B: 'qg==' }] } } } };
    const put = await callOperation(url, 'PutItem', { TableName: 'items', Item: item });
    expect(put.status).toBe(200);
    expect(put.text).toBe('{}');
    const got = await callOperation(url, 'GetItem', { TableName: 'items', Key: { pk: { S: 'bin' }, sk: { N: '1.5' } } });
    expect(got.status).toBe(200);
    expectChecksum(got);
    const body = got.json() as { Item: Record<string, Record<string, unknown>> };
    expect(body.Item['b']).toEqual({ B: 'AAEC/w==' });
    expect([...(body.Item['bs']!['BS'] as string[])].sort()).toEqual(['AQ==', 'Ag==']);
    expect(body.Item['nested']).toEqual({ M: { l: { L: [{ B: 'qg==' }] } } });
    expect(body.Item['sk']).toEqual({ N: '1.5' });
  });

  it('rejects malformed base64 with dynalite\'s messages', async () => {
    const cases: [string, string][] = [
      ['23456', "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5"],
      ['=+/=', "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"],
      ['+/+=', "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
    ];
    for (const [value, message] of cases) {
      const response = await callOperation(url, 'PutItem', { TableName: 'items', Item: { pk: { S: 'x' }, sk: { N: '1' }, b: { B: value } } });
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ __type: 'com.amazon.coral.service#SerializationException', Message: message });
    }
  });

  it('__proto__ and constructor are ordinary names: no prototype is polluted', async () => {
    const body =
      '{"__proto__":{"polluted":"yes"},"TableName":"items","Item":{"pk":{"S":"proto"},"sk":{"N":"1"},' +
      '"__proto__":{"S":"p"},"constructor":{"M":{"__proto__":{"B":"AQ=="}}}}}';
    const put = await callOperation(url, 'PutItem', body);
    expect(put.status).toBe(200);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>)['S']).toBeUndefined();
    const got = await callOperation(url, 'GetItem', { TableName: 'items', Key: { pk: { S: 'proto' }, sk: { N: '1' } } });
    expect(got.status).toBe(200);
    const item = (got.json() as { Item: Record<string, unknown> }).Item;
    expect(Object.hasOwn(item, '__proto__')).toBe(true);
    expect(item['__proto__']).toEqual({ S: 'p' });
    expect(JSON.parse(JSON.stringify(item['constructor']))).toEqual({ M: JSON.parse('{"__proto__":{"B":"AQ=="}}') });
  });
});

describe('gzip', () => {
  it('compresses the response when asked; the checksum covers the compressed bytes', async () => {
    const response = await callOperation(url, 'DescribeTable', { TableName: 'items' }, { 'Accept-Encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expectChecksum(response);
    const json = JSON.parse(zlib.gunzipSync(response.body).toString('utf8')) as { Table: { TableName: string } };
    expect(json.Table.TableName).toBe('items');
  });

  it('compresses error bodies too, and honours gzip;q=0', async () => {
    const error = await callOperation(url, 'DescribeTable', { TableName: 'missing' }, { 'Accept-Encoding': 'gzip, deflate' });
    expect(error.status).toBe(400);
    expectChecksum(error);
    expect(JSON.parse(zlib.gunzipSync(error.body).toString('utf8'))).toMatchObject({ __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException' });
    const refused = await callOperation(url, 'ListTables', {}, { 'Accept-Encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.json()).toHaveProperty('TableNames');
  });

  it('accepts a gzip-compressed request body', async () => {
    const body = zlib.gzipSync(JSON.stringify({ TableName: 'items', Item: { pk: { S: 'gz' }, sk: { N: '1' } } }));
    const put = await rawRequest(url, { headers: dynamoHeaders('PutItem', { 'Content-Encoding': 'gzip' }), body });
    expect(put.status).toBe(200);
    const got = await callOperation(url, 'GetItem', { TableName: 'items', Key: { pk: { S: 'gz' }, sk: { N: '1' } } });
    expect((got.json() as { Item: unknown }).Item).toEqual({ pk: { S: 'gz' }, sk: { N: '1' } });
  });

  it('a corrupt gzip body is a SerializationException; one inflating past 16 MB is a 413', async () => {
    const corrupt = await rawRequest(url, { headers: dynamoHeaders('ListTables', { 'Content-Encoding': 'gzip' }), body: Buffer.from('not gzip at all') });
    expect(corrupt.status).toBe(400);
    expect(corrupt.json()).toEqual({ __type: 'com.amazon.coral.service#SerializationException' });
    const bomb = zlib.gzipSync(Buffer.alloc(REQUEST_BODY_BYTES_MAX + 1, 0x20));
    expect(bomb.length).toBeLessThan(REQUEST_BODY_BYTES_MAX);
    const response = await rawRequest(url, { headers: dynamoHeaders('ListTables', { 'Content-Encoding': 'gzip' }), body: bomb });
    expect(response.status).toBe(413);
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9A-Z]{52}$/);
  });
});

describe('malformed requests', () => {
  it('malformed JSON and an empty body are SerializationExceptions without a message', async () => {
    for (const body of ['{"TableName": ', '{]', 'nul', '']) {
      const response = await callOperation(url, 'ListTables', body);
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ __type: 'com.amazon.coral.service#SerializationException' });
      expectChecksum(response);
    }
  });

  it('wrong JSON types are SerializationExceptions with DynamoDB\'s texts and `Message`', async () => {
    const serialization = (message: string) => ({ __type: 'com.amazon.coral.service#SerializationException', Message: message });
    const list = await callOperation(url, 'DescribeTable', '[1, 2]');
    expect(list.status).toBe(400);
    expect(list.json()).toEqual(serialization('Start of list found where not expected'));
    for (const body of ['"text"', '42', 'true']) {
      const response = await callOperation(url, 'DescribeTable', body);
      expect(response.status).toBe(400);
      expect(response.json()).toEqual(serialization('Expected null'));
    }
    const value = await callOperation(url, 'PutItem', { TableName: 'items', Item: { pk: { S: 'a' }, sk: { N: '1' }, b: { B: true } } });
    expect(value.json()).toEqual(serialization('class java.lang.Boolean can not be converted to a Blob'));
    // null is an absent request: DescribeTable then lacks its TableName.
    const nothing = await callOperation(url, 'DescribeTable', 'null');
    expect(nothing.json()).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: "The parameter 'TableName' is required but was not present in the request",
    });
  });

  it('unknown, unserved and non-operation targets are UnknownOperationException', async () => {
    for (const target of ['DynamoDB_20120810.NoSuchThing', 'DynamoDB_20120810.close', 'DynamoDB_20120810.constructor', 'DynamoDB_20120810.__proto__',
      'DynamoDB_20120810.CreateBackup', 'DynamoDB_20111205.ListTables', 'ListTables', 'DynamoDB_20120810.listTables', '']) {
      const response = await callOperation(url, 'ListTables', {}, { 'X-Amz-Target': target });
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    }
  });

  it('nesting beyond the bound is refused before parsing, and the server stays up', async () => {
    const depth = 100_000;
    const response = await callOperation(url, 'PutItem', `${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ __type: 'com.amazon.coral.validate#ValidationException', message: NESTING_MESSAGE });
    // Deep but within the JSON bound: the item validator's nesting rule answers.
    let value = '{"S":"leaf"}';
    for (let i = 0; i < 40; i++) value = `{"M":{"a":${value}}}`;
    const item = await callOperation(url, 'PutItem', `{"TableName":"items","Item":{"pk":{"S":"deep"},"sk":{"N":"1"},"a":${value}}}`);
    expect(item.status).toBe(400);
    expect(item.json()).toEqual({ __type: 'com.amazon.coral.validate#ValidationException', message: NESTING_MESSAGE });
    expect((await rawRequest(url, { method: 'GET' })).status).toBe(200);
  });
});

describe('error shapes', () => {
  it('ResourceNotFoundException: DynamoDB namespace, lower-case message, 400', async () => {
    const response = await callOperation(url, 'GetItem', { TableName: 'missing', Key: { pk: { S: 'a' } } });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      message: 'Requested resource not found',
    });
  });

  it('ValidationException: the coral.validate namespace', async () => {
    const response = await callOperation(url, 'ListTables', { Limit: 1000 });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: "1 validation error detected: Value '1000' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    });
  });

  it('ConditionalCheckFailedException carries the old item, binary in base64', async () => {
    const key = { pk: { S: 'ccf' }, sk: { N: '1' } };
    await callOperation(url, 'PutItem', { TableName: 'items', Item: { ...key, b: { B: 'AQI=' } } });
    const response = await callOperation(url, 'PutItem', {
      TableName: 'items',
      Item: key,
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      message: 'The conditional request failed',
      Item: { ...key, b: { B: 'AQI=' } },
    });
  });

  it('TransactionCanceledException: capitalised Message and CancellationReasons', async () => {
    const key = { pk: { S: 'tx' }, sk: { N: '1' } };
    await callOperation(url, 'PutItem', { TableName: 'items', Item: { ...key, b: { B: 'BQY=' } } });
    const response = await callOperation(url, 'TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'items', Item: { pk: { S: 'tx' }, sk: { N: '2' } } } },
        { ConditionCheck: { TableName: 'items', Key: key, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      ],
    });
    expect(response.status).toBe(400);
    const body = response.json();
    expect(body['__type']).toBe('com.amazonaws.dynamodb.v20120810#TransactionCanceledException');
    expect(body['Message']).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]');
    expect(body).not.toHaveProperty('message');
    expect(body['CancellationReasons']).toEqual([
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { ...key, b: { B: 'BQY=' } } },
    ]);
  });

  it('IdempotentParameterMismatchException: capitalised Message', async () => {
    const first = await callOperation(url, 'TransactWriteItems', {
      ClientRequestToken: 'token-1',
      TransactItems: [{ Put: { TableName: 'items', Item: { pk: { S: 'idem' }, sk: { N: '1' } } } }],
    });
    expect(first.status).toBe(200);
    const second = await callOperation(url, 'TransactWriteItems', {
      ClientRequestToken: 'token-1',
      TransactItems: [{ Put: { TableName: 'items', Item: { pk: { S: 'idem' }, sk: { N: '2' } } } }],
    });
    expect(second.status).toBe(400);
    const body = second.json();
    expect(body['__type']).toBe('com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException');
    expect(typeof body['Message']).toBe('string');
    expect(body).not.toHaveProperty('message');
  });

  it('an unexpected exception is logged and answered 500 without internals', async () => {
    const db = served.db as unknown as Record<string, unknown>;
    db['describeLimits'] = () => {
      throw new TypeError('secret internal detail');
    };
    try {
      const response = await callOperation(url, 'DescribeLimits', {});
      expect(response.status).toBe(500);
      expect(response.json()).toEqual({
        __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: 'The server encountered an internal error trying to fulfill the request.',
      });
      expect(response.text).not.toContain('secret');
      expectChecksum(response);
      expect(logLines.some((line) => line.includes('internal error') && line.includes('secret internal detail'))).toBe(true);
    } finally {
      delete db['describeLimits'];
    }
    expect((await callOperation(url, 'DescribeLimits', {})).status).toBe(200);
  });
});

describe('authorization header', () => {
  it('a missing or non-AWS4 Authorization is MissingAuthenticationTokenException', async () => {
    const headers = dynamoHeaders('ListTables');
    delete (headers as Record<string, string | undefined>)['Authorization'];
    for (const extra of [{}, { Authorization: 'Basic dXNlcjpwYXNz' }]) {
      const response = await rawRequest(url, { headers: { ...headers, ...extra }, body: '{}' });
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({
        __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
        message: 'Request is missing Authentication Token',
      });
    }
  });

  it('a malformed Authorization is IncompleteSignatureException with DynamoDB\'s message', async () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request';
    const response = await callOperation(url, 'ListTables', {}, { Authorization: authorization });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      __type: 'com.amazon.coral.service#IncompleteSignatureException',
      message: `Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${authorization}`,
    });
    const noDate = dynamoHeaders('ListTables');
    delete (noDate as Record<string, string | undefined>)['X-Amz-Date'];
    const dateless = await rawRequest(url, { headers: noDate, body: '{}' });
    expect(dateless.json()['message']).toBe(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${noDate['Authorization']!}`);
  });

  it('both header and query-string signatures is InvalidSignatureException', async () => {
    const response = await rawRequest(url, { path: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256', headers: dynamoHeaders('ListTables'), body: '{}' });
    expect(response.json()).toEqual({
      __type: 'com.amazon.coral.service#InvalidSignatureException',
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    });
  });

  it('an incomplete query-string signature lists what is missing', async () => {
    const headers = dynamoHeaders('ListTables');
    delete (headers as Record<string, string | undefined>)['Authorization'];
    const response = await rawRequest(url, { path: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z', headers, body: '{}' });
    expect(response.json()).toEqual({
      __type: 'com.amazon.coral.service#IncompleteSignatureException',
      message:
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    });
  });
});

describe('limits', () => {
  it('a declared Content-Length over 16 MB is refused with 413 before the body is read', async () => {
    const { hostname, port } = new URL(url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ hostname, port, method: 'POST', path: '/', agent: false, headers: { ...dynamoHeaders('PutItem'), 'Content-Length': REQUEST_BODY_BYTES_MAX + 1 } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders(); // headers only: the body is never sent
    });
    expect(status).toBe(413);
  });

  it('a chunked body passing 16 MB is refused with 413 while streaming', async () => {
    const { hostname, port } = new URL(url);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const status = await new Promise<number>((resolve) => {
      const req = http.request({ hostname, port, method: 'POST', path: '/', agent: false, headers: dynamoHeaders('PutItem') });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      // The server closes the connection after refusing; later writes may fail, which is expected.
      req.on('error', () => undefined);
      let sent = 0;
      const pump = (): void => {
        while (sent <= REQUEST_BODY_BYTES_MAX + chunk.length) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect((await rawRequest(url, { method: 'GET' })).status).toBe(200);
  });

  it('a body just under the bound is read and answered', async () => {
    const padding = ' '.repeat(REQUEST_BODY_BYTES_MAX - 100);
    const response = await callOperation(url, 'ListTables', `{"Limit": 1}${padding}`);
    expect(response.status).toBe(200);
  });
});

describe('connections', () => {
  it('keeps connections alive between requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const { hostname, port } = new URL(url);
    const reused: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ hostname, port, method: 'POST', path: '/', agent, headers: dynamoHeaders('ListTables') }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        reused.push(req.reusedSocket);
        req.on('error', reject);
        req.end('{}');
      });
    }
    agent.destroy();
    expect(reused).toEqual([false, true, true]);
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, finishes the in-flight request, then resolves', async () => {
    const own = await serveDatabase();
    const { inside, release } = gateDescribeLimits(own.db, 1);
    const pending = callOperation(own.server.url, 'DescribeLimits', {});
    await inside;
    expect(own.server.inFlight).toBe(1);
    let closed = false;
    const closing = own.server.close().then(() => (closed = true));
    // New connections are refused while the in-flight request is still running.
    await expect(rawRequest(own.server.url, { method: 'GET' })).rejects.toThrow(/ECONNREFUSED/);
    expect(closed).toBe(false);
    release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ AccountMaxReadCapacityUnits: 1 });
    expect(response.headers['connection']).toBe('close');
    await closing;
    expect(closed).toBe(true);
    expect(own.server.inFlight).toBe(0);
    await own.db.close();
  });
});
