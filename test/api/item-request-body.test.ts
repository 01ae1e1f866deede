/**
 * PutItem's one-pass read (engine/api/item-request-body.ts) against the usual path, on generated bodies
 * near its accepted form (escapes, other types, non-canonical numbers, integer-like and duplicate
 * names, extra members, whitespace, truncation):
 *   1. whatever it accepts, JSON.parse reads as {TableName, Item} with the same item, in the same
 *      order, that passes checkPutItemRequest, and whose encoding and size are the ones it made;
 *   2. served through the pipeline with and without the one-pass read, every body gets the same
 *      answer or error and leaves the same items (tables with and without an index).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../engine/api/operations/index.js';
import { RequestPipeline, type ApiRequest, type ApiResponse } from '../../engine/api/pipeline.js';
import { scanGetItemBody, scanPutItemBody } from '../../engine/api/item-request-body.js';
import { Database } from '../../engine/database.js';
import { decodeItem, encodeItem } from '../../engine/model/item-codec.js';
import { checkPutItemRequest, validateGetItemRequest } from '../../engine/table/request-validation.js';

/** Printable ASCII other than '"' and '\'. */
const PLAIN = 'abcxyzABZ019 _.-:/~!#$%&()*+,;<=>?@[]^`{|}';

/** One JSON token as text: usually of the accepted form, sometimes just outside it. */
function jsonString(text: string): string {
  return JSON.stringify(text);
}

const plainText = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...PLAIN), { minLength, maxLength }).map((chars) => chars.join(''));

const tableName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('bench', 'Tbl', 'a.b-c_d', 'other') },
  { weight: 1, arbitrary: fc.constantFrom('ab', 'x'.repeat(256), 'a b', 'arn:aws:dynamodb:us-east-1:000000000000:table/bench', 'bé n', 'bench\n') },
);

const attributeName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('pk', 'sk', 'v', 'w', 'name', 'a b') },
  { weight: 1, arbitrary: fc.constantFrom('', '1', '12', '0a', '__proto__', 'é', 'ключ', 'a"b', 'a\\b', 'x'.repeat(256), 'tab\there') },
  { weight: 1, arbitrary: plainText(1, 8) },
);

const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('0', '999999999999999', '-999999999999999', '100', '-1') },
  { weight: 2, arbitrary: fc.constantFrom('-0', '007', '+1', '1.5', '1e3', '1000000000000000', '', ' 1', '1 ', 'x', '99999999999999999999999999999999999999999') },
);

const stringText = fc.oneof(
  { weight: 8, arbitrary: plainText(0, 12) },
  { weight: 1, arbitrary: fc.constantFrom('é', '€uro', '😀', 'a"b', 'a\\b', 'line\nbreak', '\u007f', '\u2028', '\ud800', 'x'.repeat(2049)) },
);

/** A JSON string literal written piece by piece: escapes JSON.stringify never writes, and some that are not JSON. */
const stringLiteral = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: plainText(1, 4) },
      {
        weight: 2,
        arbitrary: fc.constantFrom('\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u0041', '\\u00e9', '\\u20AC', '\\u0000', '\\ud83d\\ude00', 'é', '😀'),
      },
      { weight: 1, arbitrary: fc.constantFrom('\\ud800', '\\udc00', '\\ud83dx', '\\u12', '\\x', '\\', '\t', '\u0001') },
    ),
    { maxLength: 5 },
  )
  .map((pieces) => `"${pieces.join('')}"`);

/** An attribute value's JSON text. */
const valueJson = fc.oneof(
  { weight: 4, arbitrary: stringText.map((s) => `{"S":${jsonString(s)}}`) },
  { weight: 2, arbitrary: stringLiteral.map((literal) => `{"S":${literal}}`) },
  { weight: 4, arbitrary: numberText.map((n) => `{"N":${jsonString(n)}}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{"B":"AAEC"}', '{"BOOL":true}', '{"NULL":true}', '{"SS":["a"]}', '{"S":"a","N":"1"}', '{"S":1}', '{"N":1}', '{}', '{"L":[]}', '"x"', '{"s":"a"}'),
  },
);

/** Whitespace between tokens, mostly none. */
const gap = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\n', '\t', '\r\n  ') });

const itemJson = fc
  .array(fc.tuple(attributeName, valueJson, gap, gap), { minLength: 0, maxLength: 6 })
  .map((attributes) => `{${attributes.map(([name, value, before, after]) => `${before}${jsonString(name)}${after}:${before}${value}${after}`).join(',')}}`);

/**
 * A request body `{"TableName": …, <member>: <attributes>}`: members in any order, sometimes
 * repeated or extra; sometimes cut or with a byte changed.
 */
const requestBody = (member: 'Item' | 'Key'): fc.Arbitrary<Buffer> =>
  fc
  .record({
    table: tableName,
    item: fc.oneof({ weight: 9, arbitrary: itemJson }, { weight: 1, arbitrary: fc.constantFrom('[]', '"x"', 'null', '{"pk":{"S":"a"}') }),
    swap: fc.boolean(),
    extra: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('"ReturnValues":"NONE"', '"TableName":"bench"', '"Item":{"pk":{"S":"b"}}', '"Expected":{}') }),
    gaps: fc.tuple(gap, gap, gap),
    cut: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
    change: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })) }),
  })
  .map(({ table, item, swap, extra, gaps, cut, change }) => {
    const members = [`"TableName":${gaps[1]}${jsonString(table)}`, `"${member}":${gaps[1]}${item}`];
    if (swap) members.reverse();
    if (extra !== '') members.push(extra);
    let bytes = Buffer.from(`${gaps[0]}{${members.join(`,${gaps[2]}`)}}${gaps[0]}`, 'utf8');
    if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    if (change !== undefined && bytes.length > 0) {
      bytes = Buffer.from(bytes);
      bytes[change[0] % bytes.length] = change[1];
    }
    return bytes;
  });
const body = requestBody('Item');
const keyBody = requestBody('Key');

/** Bodies of the accepted form that write (most of the time) to the tables of the second suite, some of them mutated. */
const writingBody = fc
  .record({
    table: fc.constantFrom('bench', 'Tbl'),
    pk: fc.constantFrom('1', '2', '-3', 'a', ''),
    sk: fc.constantFrom('x', 'y', ''),
    v: fc.option(fc.constantFrom('v1', 'v2', ''), { nil: undefined }),
    rest: fc.array(fc.tuple(attributeName, valueJson), { maxLength: 3 }),
  })
  .map(({ table, pk, sk, v, rest }) => {
    const attributes = [table === 'bench' ? `"pk":{"S":${jsonString(pk)}}` : `"pk":{"N":${jsonString(pk)}}`, `"sk":{"S":${jsonString(sk)}}`];
    if (v !== undefined) attributes.push(`"v":{"S":${jsonString(v)}}`);
    for (const [name, value] of rest) attributes.push(`${jsonString(name)}:${value}`);
    return Buffer.from(`{"TableName":${jsonString(table)},"Item":{${attributes.join(',')}}}`, 'utf8');
  });

/** GetItem bodies of the accepted form with keys of the second suite's tables: mostly right (found or not), sometimes not. */
const readingBody = fc
  .record({
    table: fc.constantFrom('bench', 'Tbl'),
    pk: fc.constantFrom('1', '2', 'a', ''),
    sk: fc.constantFrom('x', 'y', ''),
    wrong: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('type', 'missing', 'extra') }),
    extra: fc.tuple(attributeName, valueJson),
  })
  .map(({ table, pk, sk, wrong, extra }) => {
    const numeric = (table === 'Tbl') !== (wrong === 'type');
    const attributes = [numeric ? `"pk":{"N":${jsonString(pk)}}` : `"pk":{"S":${jsonString(pk)}}`];
    if ((table === 'Tbl') !== (wrong === 'missing')) attributes.push(`"sk":{"S":${jsonString(sk)}}`);
    if (wrong === 'extra') attributes.push(`${jsonString(extra[0])}:${extra[1]}`);
    return Buffer.from(`{"TableName":${jsonString(table)},"Key":{${attributes.join(',')}}}`, 'utf8');
  });

/** JSON.parse's reading of a body, or undefined when it is not JSON. */
function parsed(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Runs `check` on every generated body `scan` accepts; neither acceptance nor refusal may be rare
 * (at least a tenth of the runs each), or the property would hold vacuously.
 */
function checkAccepted<T>(bodies: fc.Arbitrary<Buffer>, scan: (bytes: Buffer) => T | undefined, numRuns: number, check: (bytes: Buffer, scanned: T) => void): void {
  let accepted = 0;
  fc.assert(
    fc.property(bodies, (bytes) => {
      const scanned = scan(bytes);
      if (scanned === undefined) return;
      accepted++;
      check(bytes, scanned);
    }),
    { numRuns },
  );
  expect(accepted).toBeGreaterThan(numRuns / 10);
  expect(numRuns - accepted).toBeGreaterThan(numRuns / 10);
}

describe('scanPutItemBody', () => {
  it('undoes escapes and keeps UTF-8 text as it is', () => {
    const bytes = Buffer.from('{"TableName":"bench","Item":{"pk":{"S":"a\\"b\\\\c\\u00e9\\ud83d\\ude00\\n"},"é":{"S":"€😀"}}}', 'utf8');
    const scanned = scanPutItemBody(bytes)!;
    const item = { pk: { S: 'a"b\\cé😀\n' }, é: { S: '€😀' } };
    expect(decodeItem(scanned.item.bytes)).toEqual(item);
    expect(Buffer.from(scanned.item.bytes).equals(Buffer.from(encodeItem(item)))).toBe(true);
    expect(scanned.item.sizeBytes).toBe(checkPutItemRequest({ TableName: 'bench', Item: item }).itemSizeBytes);
    expect(scanned.item.attribute('pk')).toEqual({ S: 'a"b\\cé😀\n' });
    expect(scanned.item.attribute('é')).toEqual({ S: '€😀' });
  });

  it("accepts the benchmark's body and reads its item", () => {
    const bytes = Buffer.from(`{"TableName":"bench","Item":{"pk":{"S":"0000000000000042"},"v":{"S":"${'x'.repeat(100)}"},"n":{"N":"-17"}}}`);
    const scanned = scanPutItemBody(bytes)!;
    expect(scanned.tableName).toBe('bench');
    const item = { pk: { S: '0000000000000042' }, v: { S: 'x'.repeat(100) }, n: { N: '-17' } };
    expect(decodeItem(scanned.item.bytes)).toEqual(item);
    expect(Buffer.from(scanned.item.bytes).equals(Buffer.from(encodeItem(item)))).toBe(true);
    expect(scanned.item.sizeBytes).toBe(checkPutItemRequest({ TableName: 'bench', Item: item }).itemSizeBytes);
    expect(scanned.item.attribute('pk')).toEqual({ S: '0000000000000042' });
    expect(scanned.item.attribute('n')).toEqual({ N: '-17' });
    expect(scanned.item.attribute('p')).toBeUndefined();
  });

  it('declines what the usual path must answer: other members, types, escapes, and what JSON.parse reorders or folds', () => {
    const declined = [
      '{"TableName":"bench","Item":{"pk":{"S":"a"}},"ReturnValues":"NONE"}',
      '{"TableName":"bench","Item":{"pk":{"B":"AAEC"}}}',
      '{"TableName":"bench","Item":{"pk":{"S":"\\ud800"}}}',
      '{"TableName":"bench","Item":{"pk":{"S":"\\q"}}}',
      '{"TableName":"bench","Item":{"a\\"b":{"S":"a"}}}',
      '{"TableName":"bench","Item":{"pk":{"S":"a"},"1":{"S":"b"}}}',
      '{"TableName":"bench","Item":{"pk":{"S":"a"},"pk":{"S":"b"}}}',
      '{"TableName":"bench","Item":{"__proto__":{"S":"a"}}}',
      '{"TableName":"bench","Item":{"pk":{"N":"1.5"}}}',
      '{"TableName":"bench","Item":{"pk":{"N":"-0"}}}',
      '{"TableName":"bench","Item":{"pk":{"N":"1000000000000000"}}}',
      '{"TableName":"bench","Item":{}}',
      '{"TableName":"be","Item":{"pk":{"S":"a"}}}',
      '{"TableName":"bench","TableName":"bench","Item":{"pk":{"S":"a"}}}',
      '{"TableName":"bench","Item":{"pk":{"S":"a"}}} x',
      '{"TableName":"bench","Item":{"pk":{"S":"a"}}',
      '\ufeff{"TableName":"bench","Item":{"pk":{"S":"a"}}}',
    ];
    for (const text of declined) expect(scanPutItemBody(Buffer.from(text, 'utf8')), text).toBeUndefined();
    // Malformed UTF-8: a lone continuation byte, overlong forms of "/", a surrogate, past U+10FFFF, cut short.
    for (const bytes of [[0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf0, 0x80, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82]]) {
      const text = Buffer.concat([Buffer.from('{"TableName":"bench","Item":{"pk":{"S":"'), Buffer.from(bytes), Buffer.from('"}}}')]);
      expect(scanPutItemBody(text), String(bytes)).toBeUndefined();
    }
    const attributes = Array.from({ length: 33 }, (_, i) => `"a${i}":{"S":"x"}`).join(',');
    expect(scanPutItemBody(Buffer.from(`{"TableName":"bench","Item":{${attributes}}}`))).toBeUndefined();
    expect(scanPutItemBody(Buffer.from(`{"TableName":"bench","Item":{"v":{"S":"${'x'.repeat(400 * 1024)}"}}}`))).toBeUndefined();
  });

  it("what it accepts is the valid request JSON.parse reads, with that item's encoding and size", () => {
    checkAccepted(body, scanPutItemBody, 5000, (bytes, scanned) => {
      const request = parsed(bytes) as { TableName: unknown; Item: Record<string, unknown> };
      expect(Object.keys(request).sort()).toEqual(['Item', 'TableName']);
      expect(request.TableName).toBe(scanned.tableName);
      const item = decodeItem(scanned.item.bytes);
      expect(item).toEqual(request.Item);
      expect(Object.keys(item)).toEqual(Object.keys(request.Item));
      const checked = checkPutItemRequest(request);
      expect(checked.itemSizeBytes).toBe(scanned.item.sizeBytes);
      expect(Buffer.from(encodeItem(checked.input.Item as never)).equals(Buffer.from(scanned.item.bytes))).toBe(true);
      for (const name of Object.keys(request.Item)) expect(scanned.item.attribute(name)).toEqual(request.Item[name]);
      expect(scanned.item.attribute('absent name')).toBeUndefined();
    });
  });
});

describe('scanGetItemBody', () => {
  it('what it accepts is the valid request JSON.parse reads, with the same key', () => {
    checkAccepted(keyBody, scanGetItemBody, 3000, (bytes, scanned) => {
      const request = parsed(bytes) as { TableName: unknown; Key: Record<string, unknown> };
      expect(Object.keys(request).sort()).toEqual(['Key', 'TableName']);
      expect(request.TableName).toBe(scanned.tableName);
      expect(scanned.key).toEqual(request.Key);
      expect(Object.keys(scanned.key)).toEqual(Object.keys(request.Key));
      expect(validateGetItemRequest(request).Key).toEqual(scanned.key);
    });
  });

  it('reads the benchmark body and declines what PutItem would take', () => {
    expect(scanGetItemBody(Buffer.from('{"TableName":"bench","Key":{"pk":{"S":"0000000000000042"}}}'))).toEqual({ tableName: 'bench', key: { pk: { S: '0000000000000042' } } });
    expect(scanGetItemBody(Buffer.from('{"TableName":"bench","Item":{"pk":{"S":"a"}}}'))).toBeUndefined();
    expect(scanGetItemBody(Buffer.from('{"TableName":"bench","Key":{"pk":{"S":"a"}},"ConsistentRead":true}'))).toBeUndefined();
  });
});

describe('served in one pass or the usual way', () => {
  let fast: Database;
  let usual: Database;

  beforeEach(async () => {
    fast = await Database.open();
    usual = await Database.open();
    for (const db of [fast, usual]) {
      await db.createTable({
        TableName: 'bench',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      await db.createTable({
        TableName: 'Tbl',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'N' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'v', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [{ IndexName: 'byV', KeySchema: [{ AttributeName: 'v', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
        BillingMode: 'PAY_PER_REQUEST',
      });
    }
  });

  afterEach(async () => {
    await fast.close();
    await usual.close();
  });

  function wireRequest(bytes: Uint8Array, operation = 'PutItem'): ApiRequest {
    return { method: 'POST', url: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` }, body: bytes };
  }

  /** The pipeline's answer as status and JSON body. */
  function wire(response: ApiResponse): { status: number; body: unknown } {
    return { status: response.statusCode, body: JSON.parse(Buffer.from(response.body).toString('utf8')) as unknown };
  }

  /**
   * The pipeline's answer with the operation's one-pass read switched off. The pipeline consults
   * readBody synchronously inside handle() (the bodies here are not compressed), so it is restored
   * before any other request runs.
   */
  function usualWay(pipeline: RequestPipeline, request: ApiRequest, name = 'PutItem'): Promise<ApiResponse> {
    const operation = OPERATIONS.get(name) as { readBody?: unknown };
    const readBody = operation.readBody;
    operation.readBody = undefined;
    try {
      return pipeline.handle(request);
    } finally {
      operation.readBody = readBody;
    }
  }

  async function everything(db: Database): Promise<unknown> {
    const tables: Record<string, unknown> = {};
    for (const name of ['bench', 'Tbl']) tables[name] = (await db.scan({ TableName: name })).Items;
    tables['byV'] = (await db.scan({ TableName: 'Tbl', IndexName: 'byV' })).Items;
    return tables;
  }

  it('every body gets the same answer and leaves the same items', async () => {
    const fastPipeline = new RequestPipeline({ database: fast });
    const usualPipeline = new RequestPipeline({ database: usual });
    let served = 0;
    let written = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(body, writingBody), { minLength: 1, maxLength: 8 }), async (bodies) => {
        for (const bytes of bodies) {
          const viaOnePass = wire(await fastPipeline.handle(wireRequest(bytes)));
          if (scanPutItemBody(bytes) !== undefined) {
            served++;
            if (viaOnePass.status === 200) written++;
          }
          expect(viaOnePass).toEqual(wire(await usualWay(usualPipeline, wireRequest(bytes))));
        }
        expect(await everything(fast)).toEqual(await everything(usual));
      }),
      { numRuns: 200 },
    );
    // Neither the one-pass writes nor its errors (key checks on the item) are rare.
    expect(written).toBeGreaterThan(50);
    expect(served - written).toBeGreaterThan(50);
  });

  it('every GetItem body gets the same answer', async () => {
    const pipeline = new RequestPipeline({ database: fast });
    for (const [table, pk, sk] of [['bench', { S: '1' }, undefined], ['bench', { S: 'a' }, undefined], ['Tbl', { N: '2' }, { S: 'x' }]] as const) {
      await fast.putItem({ TableName: table, Item: { pk, ...(sk === undefined ? {} : { sk }), v: { S: `value of ${table}` }, n: { N: '1.5' } } });
    }
    let served = 0;
    let found = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(keyBody, readingBody), async (bytes) => {
        const viaOnePass = wire(await pipeline.handle(wireRequest(bytes, 'GetItem')));
        if (scanGetItemBody(bytes) !== undefined) {
          served++;
          if ((viaOnePass.body as { Item?: unknown }).Item !== undefined) found++;
        }
        expect(viaOnePass).toEqual(wire(await usualWay(pipeline, wireRequest(bytes, 'GetItem'), 'GetItem')));
      }),
      { numRuns: 600 },
    );
    expect(found).toBeGreaterThan(30);
    expect(served - found).toBeGreaterThan(30);
  });

  it('a put to an item of an in-flight transaction gets TransactionConflictException, as the usual path gives', async () => {
    const pipeline = new RequestPipeline({ database: fast });
    const bytes = Buffer.from('{"TableName":"bench","Item":{"pk":{"S":"a"},"v":{"S":"put"}}}');
    expect(scanPutItemBody(bytes)).toBeDefined();
    for (const answer of [(request: ApiRequest) => pipeline.handle(request), (request: ApiRequest) => usualWay(pipeline, request)]) {
      const transaction = fast.transactWriteItems({ TransactItems: [{ Put: { TableName: 'bench', Item: { pk: { S: 'a' }, v: { S: 'transaction' } } } }] });
      const response = wire(await answer(wireRequest(bytes)));
      await transaction;
      expect(response).toEqual({
        status: 400,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#TransactionConflictException', message: 'Operation was rejected because there is an ongoing transaction for the item' },
      });
      expect((await fast.getItem({ TableName: 'bench', Key: { pk: { S: 'a' } } })).Item).toEqual({ pk: { S: 'a' }, v: { S: 'transaction' } });
    }
  });
});
