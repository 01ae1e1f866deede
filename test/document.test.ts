import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as sdk from '@aws-sdk/client-dynamodb';
import * as lib from '@aws-sdk/lib-dynamodb';
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { Database } from '../engine/database.js';
import { DocumentDatabase, type TranslateConfig } from '../engine/document.js';
import { ManualClock } from '../engine/util/clock.js';

async function openDocs(translateConfig?: TranslateConfig): Promise<DocumentDatabase> {
  const db = await Database.open({ clock: new ManualClock(1_700_000_000_000) });
  await db.createTable({
    TableName: 'Docs',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return new DocumentDatabase(db, translateConfig);
}

describe('DocumentDatabase against a Database', () => {
  it('round-trips nested values, sets and binary', async () => {
    const docs = await openDocs();
    const item = {
      pk: 'user#1',
      sk: 7,
      name: 'Ada',
      flag: true,
      nothing: null,
      ratio: 0.25,
      bytes: new Uint8Array([0, 1, 254, 255]),
      profile: { address: { city: 'Zürich', lines: ['a', 2, { deep: [true, null] }] }, emptyMap: {}, emptyList: [] },
      tags: new Set(['x', 'y']),
      scores: new Set([1, 2.5, -3]),
      blobs: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
    };
    await docs.put({ TableName: 'Docs', Item: item });
    const raw = await docs.database.getItem({ TableName: 'Docs', Key: { pk: { S: 'user#1' }, sk: { N: '7' } } });
    expect(raw.Item?.['tags']).toEqual({ SS: ['x', 'y'] });
    expect(raw.Item?.['profile']).toMatchObject({ M: { emptyMap: { M: {} }, emptyList: { L: [] } } });
    const { Item } = await docs.get({ TableName: 'Docs', Key: { pk: 'user#1', sk: 7 } });
    expect(Item).toEqual(item);
    expect(Item?.['scores']).toBeInstanceOf(Set);
    expect(Item?.['bytes']).toBeInstanceOf(Uint8Array);
    await docs.database.close();
  });

  it('keeps numbers beyond 2^53 exact with NumberValue and wrapNumbers', async () => {
    const big = '123456789012345678901234567890';
    const writer = await openDocs();
    await writer.put({ TableName: 'Docs', Item: { pk: 'n', sk: 1, big: NumberValue.from(big), set: new Set([NumberValue.from(big), NumberValue.from('1')]) } });
    // Without wrapNumbers, util-dynamodb reads a large integer as a bigint and refuses a large decimal.
    expect((await writer.get({ TableName: 'Docs', Key: { pk: 'n', sk: 1 } })).Item?.['big']).toBe(BigInt(big));
    await writer.put({ TableName: 'Docs', Item: { pk: 'n', sk: 3, decimal: NumberValue.from(`${big}.5`) } });
    await expect(writer.get({ TableName: 'Docs', Key: { pk: 'n', sk: 3 } })).rejects.toThrow(/wrapNumbers/);
    const custom = new DocumentDatabase(writer.database, { unmarshallOptions: { wrapNumbers: (text: string) => `#${text}` } });
    expect((await custom.get({ TableName: 'Docs', Key: { pk: 'n', sk: 3 } })).Item).toEqual({ pk: 'n', sk: '#3', decimal: `#${big}.5` });
    const reader = new DocumentDatabase(writer.database, { unmarshallOptions: { wrapNumbers: true } });
    const { Item } = await reader.get({ TableName: 'Docs', Key: { pk: 'n', sk: NumberValue.from('1') } });
    expect(Item?.['big']).toBeInstanceOf(NumberValue);
    expect(String(Item?.['big'])).toBe(big);
    expect([...(Item?.['set'] as Set<NumberValue>)].map(String).sort()).toEqual(['1', big]);
    expect(reader.unmarshallOptions).toEqual({ wrapNumbers: true, convertWithoutMapWrapper: true });
    // A bigint marshals to its exact decimal form as well.
    await reader.put({ TableName: 'Docs', Item: { pk: 'n', sk: 2, big: 2n ** 80n } });
    expect(String((await reader.get({ TableName: 'Docs', Key: { pk: 'n', sk: 2 } })).Item?.['big'])).toBe((2n ** 80n).toString());
    await writer.database.close();
  });

  it('applies marshallOptions: removeUndefinedValues and convertEmptyValues', async () => {
    const strict = await openDocs();
    await expect(strict.put({ TableName: 'Docs', Item: { pk: 'u', sk: 1, nested: { gone: undefined } } })).rejects.toThrow(/undefined/);
    // Top-level undefined attributes are dropped by lib-dynamodb's traversal whatever the options.
    await strict.put({ TableName: 'Docs', Item: { pk: 'u', sk: 1, gone: undefined } });
    const lenient = new DocumentDatabase(strict.database, { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: true } });
    await lenient.put({ TableName: 'Docs', Item: { pk: 'u', sk: 2, nested: { gone: undefined, kept: 1 }, empty: '', emptySet: new Set<string>() } });
    const raw = await strict.database.getItem({ TableName: 'Docs', Key: { pk: { S: 'u' }, sk: { N: '2' } } });
    expect(raw.Item).toEqual({ pk: { S: 'u' }, sk: { N: '2' }, nested: { M: { kept: { N: '1' } } }, empty: { NULL: true }, emptySet: { NULL: true } });
    expect(lenient.marshallOptions).toEqual({ removeUndefinedValues: true, convertEmptyValues: true, convertTopLevelContainer: true });
    await strict.database.close();
  });

  it('translates update, delete and condition values; errors pass through like lib-dynamodb', async () => {
    const docs = await openDocs();
    await docs.put({ TableName: 'Docs', Item: { pk: 'c', sk: 1, count: 1, things: ['a'] } });
    const updated = await docs.update({
      TableName: 'Docs',
      Key: { pk: 'c', sk: 1 },
      UpdateExpression: 'SET #c = #c + :one, things = list_append(things, :more), meta = :meta',
      ConditionExpression: '#c = :one',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':more': ['b', { c: true }], ':meta': { at: new Set(['t']) } },
      ReturnValues: 'ALL_NEW',
    });
    expect(updated.Attributes).toEqual({ pk: 'c', sk: 1, count: 2, things: ['a', 'b', { c: true }], meta: { at: new Set(['t']) } });
    const failed = await docs
      .put({ TableName: 'Docs', Item: { pk: 'c', sk: 1 }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })
      .then(() => undefined, (error: unknown) => error);
    expect(failed).toMatchObject({ name: 'ConditionalCheckFailedException' });
    // lib-dynamodb leaves error members alone: the old item stays in AttributeValue form.
    expect((failed as { Item?: unknown }).Item).toMatchObject({ pk: { S: 'c' }, count: { N: '2' } });
    const deleted = await docs.delete({ TableName: 'Docs', Key: { pk: 'c', sk: 1 }, ReturnValues: 'ALL_OLD', ReturnConsumedCapacity: 'TOTAL' });
    expect(deleted.Attributes?.['count']).toBe(2);
    expect(deleted.ConsumedCapacity).toEqual({ TableName: 'Docs', CapacityUnits: 1, WriteCapacityUnits: 1 });
    expect((await docs.get({ TableName: 'Docs', Key: { pk: 'c', sk: 1 } })).Item).toBeUndefined();
    await docs.database.close();
  });
});

describe('DocumentDatabase reads and batches', () => {
  it('pages a query with native start keys, batches and transacts', async () => {
    const docs = await openDocs();
    await docs.batchWrite({ RequestItems: { Docs: [1, 2, 3].map((sk) => ({ PutRequest: { Item: { pk: 'q', sk, bin: new Uint8Array([sk]) } } })) } });
    const first = await docs.query({ TableName: 'Docs', KeyConditionExpression: 'pk = :p AND sk > :s', ExpressionAttributeValues: { ':p': 'q', ':s': 0 }, Limit: 2 });
    expect(first.Items).toEqual([{ pk: 'q', sk: 1, bin: new Uint8Array([1]) }, { pk: 'q', sk: 2, bin: new Uint8Array([2]) }]);
    expect(first.LastEvaluatedKey).toEqual({ pk: 'q', sk: 2 });
    const second = await docs.query({ TableName: 'Docs', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'q' }, ExclusiveStartKey: first.LastEvaluatedKey });
    expect(second.Items?.map((item) => item['sk'])).toEqual([3]);
    expect((await docs.scan({ TableName: 'Docs', Limit: 1 })).LastEvaluatedKey).toEqual({ pk: 'q', sk: 1 });
    await docs.transactWrite({
      TransactItems: [
        { Update: { TableName: 'Docs', Key: { pk: 'q', sk: 1 }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { nested: [1] } } } },
        { Delete: { TableName: 'Docs', Key: { pk: 'q', sk: 2 } } },
      ],
    });
    const got = await docs.transactGet({ TransactItems: [{ Get: { TableName: 'Docs', Key: { pk: 'q', sk: 1 } } }, { Get: { TableName: 'Docs', Key: { pk: 'q', sk: 2 } } }] });
    expect(got.Responses?.map((response) => response.Item?.['v'])).toEqual([{ nested: [1] }, undefined]);
    const batch = await docs.batchGet({ RequestItems: { Docs: { Keys: [{ pk: 'q', sk: 1 }, { pk: 'q', sk: 3 }] } } });
    expect(batch.Responses?.['Docs']?.map((item) => item['sk']).sort()).toEqual([1, 3]);
    expect(batch.UnprocessedKeys).toEqual({});
    await docs.database.close();
  });
});

// ---- differential: the same request through lib-dynamodb and through DocumentDatabase ---------------

/**
 * A DynamoDBClient whose transport records the JSON body it would send and answers with `reply`:
 * the document client's wire request is compared with the plain client's wire request for our
 * marshalled input, and both decode the same reply.
 */
function sdkPair(): { docClient: lib.DynamoDBDocumentClient; client: sdk.DynamoDBClient; sent: () => unknown; setReply: (reply: unknown) => void } {
  let sent: unknown;
  let reply = '{}';
  const client = new sdk.DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://localhost:1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    accountIdEndpointMode: 'disabled',
    requestHandler: {
      handle: async (request: { body: string | Uint8Array }) => {
        sent = JSON.parse(typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body));
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: new TextEncoder().encode(reply) } };
      },
    },
  });
  return { docClient: lib.DynamoDBDocumentClient.from(client), client, sent: () => sent, setReply: (value) => (reply = JSON.stringify(value)) };
}

function withoutMetadata(output: object): object {
  const { $metadata, ...rest } = output as { $metadata?: unknown };
  void $metadata;
  return rest;
}

/** DocumentDatabase method → lib-dynamodb command, client-dynamodb command and Database method. */
const OPERATIONS = [
  ['put', lib.PutCommand, sdk.PutItemCommand, 'putItem'],
  ['get', lib.GetCommand, sdk.GetItemCommand, 'getItem'],
  ['update', lib.UpdateCommand, sdk.UpdateItemCommand, 'updateItem'],
  ['delete', lib.DeleteCommand, sdk.DeleteItemCommand, 'deleteItem'],
  ['query', lib.QueryCommand, sdk.QueryCommand, 'query'],
  ['scan', lib.ScanCommand, sdk.ScanCommand, 'scan'],
  ['batchGet', lib.BatchGetCommand, sdk.BatchGetItemCommand, 'batchGetItem'],
  ['batchWrite', lib.BatchWriteCommand, sdk.BatchWriteItemCommand, 'batchWriteItem'],
  ['transactGet', lib.TransactGetCommand, sdk.TransactGetItemsCommand, 'transactGetItems'],
  ['transactWrite', lib.TransactWriteCommand, sdk.TransactWriteItemsCommand, 'transactWriteItems'],
] as const;

type Native = unknown;
const nativeScalar: fc.Arbitrary<Native> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 6 }),
);
const { native } = fc.letrec<{ native: Native }>((tie) => ({
  native: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nativeScalar,
    fc.array(tie('native'), { maxLength: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie('native'), { maxKeys: 3 }),
    fc.uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }).map((values) => new Set(values)),
    fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 3 }).map((values) => new Set(values)),
  ),
}));
const nativeItem = fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), native, { minKeys: 1, maxKeys: 4 });

/** Requests touching every member lib-dynamodb translates, and response bodies (wire JSON). */
function requestsFor(item: Record<string, Native>, value: Native): Record<string, { input: object; reply: object }> {
  const key = { pk: 'k', sk: 1 };
  const wireItem = { pk: { S: 'k' }, n: { N: '12.5' }, b: { B: 'AAEC' }, m: { M: { l: { L: [{ NS: ['1', '2'] }, { NULL: true }] } } } };
  const expected = { a: { Value: value, AttributeValueList: [value, 3] }, b: { ComparisonOperator: 'NULL' } };
  const conditions = { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [1, value] } };
  return {
    put: { input: { TableName: 'T', Item: item, Expected: expected, ExpressionAttributeValues: { ':v': value } }, reply: { Attributes: wireItem, ItemCollectionMetrics: { ItemCollectionKey: { pk: { S: 'k' } }, SizeEstimateRangeGB: [0, 1] } } },
    get: { input: { TableName: 'T', Key: item }, reply: { Item: wireItem } },
    update: { input: { TableName: 'T', Key: key, AttributeUpdates: { a: { Action: 'PUT', Value: value } }, Expected: expected, ExpressionAttributeValues: { ':v': value } }, reply: { Attributes: wireItem } },
    delete: { input: { TableName: 'T', Key: key, Expected: expected, ExpressionAttributeValues: { ':v': value } }, reply: { Attributes: wireItem } },
    query: { input: { TableName: 'T', KeyConditions: conditions, QueryFilter: conditions, ExclusiveStartKey: item, ExpressionAttributeValues: { ':v': value } }, reply: { Items: [wireItem, { pk: { S: 'z' } }], Count: 2, ScannedCount: 2, LastEvaluatedKey: { pk: { S: 'z' } } } },
    scan: { input: { TableName: 'T', ScanFilter: conditions, ExclusiveStartKey: item, ExpressionAttributeValues: { ':v': value } }, reply: { Items: [wireItem], Count: 1, ScannedCount: 1, LastEvaluatedKey: { pk: { S: 'k' } } } },
    batchGet: { input: { RequestItems: { T: { Keys: [key, item], ProjectionExpression: 'pk' } } }, reply: { Responses: { T: [wireItem] }, UnprocessedKeys: { T: { Keys: [{ pk: { S: 'k' } }] } } } },
    batchWrite: {
      input: { RequestItems: { T: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: key } }] } },
      reply: { UnprocessedItems: { T: [{ PutRequest: { Item: wireItem } }, { DeleteRequest: { Key: { pk: { S: 'k' } } } }] }, ItemCollectionMetrics: { T: [{ ItemCollectionKey: { pk: { S: 'k' } } }] } },
    },
    transactGet: { input: { TransactItems: [{ Get: { TableName: 'T', Key: item } }, { Get: { TableName: 'T', Key: key } }] }, reply: { Responses: [{ Item: wireItem }, {}] } },
    transactWrite: {
      input: {
        // Fixed, or the SDK would fill in a random idempotency token.
        ClientRequestToken: 'token-1',
        TransactItems: [
          { ConditionCheck: { TableName: 'T', Key: key, ConditionExpression: 'a = :v', ExpressionAttributeValues: { ':v': value } } },
          { Put: { TableName: 'T', Item: item, ExpressionAttributeValues: { ':v': value } } },
          { Delete: { TableName: 'T', Key: key, ExpressionAttributeValues: { ':v': value } } },
          { Update: { TableName: 'T', Key: key, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': value } } },
        ],
      },
      reply: { ItemCollectionMetrics: { T: [{ ItemCollectionKey: { pk: { S: 'k' } } }] } },
    },
  };
}

describe('DocumentDatabase translates exactly what lib-dynamodb translates', () => {
  it('sends the same wire request and decodes the same response, for every operation', async () => {
    const { docClient, client, sent, setReply } = sdkPair();
    let raw: unknown;
    let rawOutput: unknown;
    const fake: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [, , , method] of OPERATIONS) {
      fake[method] = async (input) => {
        raw = input;
        return rawOutput;
      };
    }
    // The fake stands in for a Database: DocumentDatabase only calls these operation methods.
    const docs = new DocumentDatabase(fake as unknown as Database);
    const methods = docs as unknown as Record<string, ((input: object) => Promise<object>) | undefined>;
    const present = OPERATIONS.filter(([name]) => typeof methods[name] === 'function');
    expect(present.map(([name]) => name)).toEqual(expect.arrayContaining(['put', 'get', 'update', 'delete']));
    await fc.assert(
      fc.asyncProperty(nativeItem, native, async (item, value) => {
        const requests = requestsFor(item, value);
        for (const [name, DocCommand, ClientCommand] of present) {
          const { input, reply } = requests[name]!;
          setReply(reply);
          // lib-dynamodb's commands take their own input types; the generated shapes are valid for each.
          const expectedOutput = withoutMetadata(await docClient.send(new (DocCommand as new (input: object) => lib.GetCommand)(input)));
          const expectedWire = sent();
          // First pass: capture our marshalled request; send it through the plain client, which
          // records its wire form and decodes the same reply into AttributeValues.
          rawOutput = {};
          await methods[name]!(input);
          rawOutput = withoutMetadata(await client.send(new (ClientCommand as new (input: object) => sdk.GetItemCommand)(raw as object)));
          expect(sent(), name).toEqual(expectedWire);
          // Second pass: our unmarshalling of that decoded reply.
          expect(await methods[name]!(input), name).toEqual(expectedOutput);
        }
      }),
      { numRuns: 30 },
    );
  });
});
