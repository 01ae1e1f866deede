/**
 * Every bound a request can reach (engine/limits.ts, reference/dynamodb-facts.md §1, §10.3, §13,
 * §17), each at the bound — which must pass validation and reach the base's own outcome — and one
 * past it, which must be a ValidationException. Sizes are computed here from DynamoDB's rules
 * (facts §1.5), not with Silt's own size function, so an off-by-one in Silt shows.
 */
import {
  BATCH_GET_KEYS_MAX,
  BATCH_WRITE_REQUESTS_MAX,
  CLIENT_REQUEST_TOKEN_LENGTH_MAX,
  EXPRESSION_BYTES_MAX,
  EXPRESSION_PLACEHOLDER_BYTES_MAX,
  IN_OPERANDS_MAX,
  ITEM_BYTES_MAX,
  LIST_TABLES_LIMIT_MAX,
  NESTING_LEVELS_MAX,
  NUMBER_DIGITS_MAX,
  NUMBER_EXPONENT_MAX,
  NUMBER_EXPONENT_MIN,
  PARTITION_KEY_BYTES_MAX,
  PATH_NESTING_LEVELS_MAX,
  REQUEST_BODY_BYTES_MAX,
  REQUEST_JSON_DEPTH_MAX,
  SCAN_TOTAL_SEGMENTS_MAX,
  SORT_KEY_BYTES_MAX,
  TABLE_NAME_LENGTH_MAX,
  TABLE_NAME_LENGTH_MIN,
  TAGS_MAX,
  TRANSACT_ITEMS_MAX,
  UPDATE_EXPRESSION_OPERATORS_MAX,
  ATTRIBUTE_NAME_BYTES_MAX,
} from '../../engine/limits.js';
import { FIXTURE_TABLE, MISSING_ARN, MISSING_TABLE, PAIRS_TABLE, type Json } from './bases.js';
import { dynamoHeaders, type WireCase } from './cases.js';

const VALIDATION = 'ValidationException';
const failing = { ConditionExpression: 'attribute_exists(#nope)', ExpressionAttributeNames: { '#nope': 'nope' } };

function json(label: string, operation: string, body: Json, outcomes: string[]): WireCase {
  return { label, method: 'POST', headers: dynamoHeaders(operation), body: { text: JSON.stringify(body) }, sign: 'open', outcomes };
}

/** The pair of cases for one bound: `build(n)` at n = limit passes with `atLimit`, at limit + 1 fails. */
function bound(label: string, operation: string, limit: number, atLimit: string, build: (n: number) => Json, past = limit + 1, pastOutcomes = [VALIDATION]): WireCase[] {
  return [json(`${label} = ${limit} (at the bound)`, operation, build(limit), [atLimit]), json(`${label} = ${past} (past the bound)`, operation, build(past), pastOutcomes)];
}

/** An attribute of `n` bytes' worth of S value in a PutItem to `items` whose condition fails. */
function itemOfBytes(totalBytes: number): Json {
  // pk "lim" 2+3, sk 1 → 2+2 (an N of one digit is 2 bytes), big: 3 + n.
  const fixed = 2 + 3 + 2 + 2 + 3;
  return { TableName: FIXTURE_TABLE, Item: { pk: { S: 'lim' }, sk: { N: '1' }, big: { S: 'x'.repeat(totalBytes - fixed) } }, ...failing };
}

function nested(levels: number): Json {
  // `levels` counts the levels of values: containers at 1..levels-1, a scalar at `levels`.
  let value: Json = { S: 'leaf' };
  for (let i = 1; i < levels; i++) value = { M: { m: value } };
  return value;
}

/** Bytes of `n` UTF-8 bytes made of 2-byte characters (an odd n ends with one ASCII byte). */
function utf8OfBytes(n: number): string {
  return 'é'.repeat(Math.floor(n / 2)) + (n % 2 === 1 ? 'x' : '');
}

function absentKeys(n: number): Json[] {
  return Array.from({ length: n }, (_, i) => ({ pk: { S: `absent${i}` }, sk: { N: String(i) } }));
}

export function limitCases(): WireCase[] {
  const cases: WireCase[] = [
    ...bound('item bytes', 'PutItem', ITEM_BYTES_MAX, 'ConditionalCheckFailedException', itemOfBytes),
    ...bound('partition key bytes (2-byte characters)', 'GetItem', PARTITION_KEY_BYTES_MAX, 'OK', (n) => ({ TableName: FIXTURE_TABLE, Key: { pk: { S: utf8OfBytes(n) }, sk: { N: '1' } } })),
    ...bound('partition key bytes (binary)', 'GetItem', PARTITION_KEY_BYTES_MAX, 'OK', (n) => ({ TableName: PAIRS_TABLE, Key: { pk: { B: Buffer.alloc(n, 7).toString('base64') }, sk: { S: 's' } } })),
    ...bound('sort key bytes (2-byte characters)', 'GetItem', SORT_KEY_BYTES_MAX, 'OK', (n) => ({ TableName: PAIRS_TABLE, Key: { pk: { B: 'AQ==' }, sk: { S: utf8OfBytes(n) } } })),
    ...bound('ConditionExpression bytes', 'DeleteItem', EXPRESSION_BYTES_MAX, 'ConditionalCheckFailedException', (n) => ({ TableName: FIXTURE_TABLE, Key: { pk: { S: 'absent' }, sk: { N: '1' } }, ...failing, ConditionExpression: 'attribute_exists(#nope)'.padEnd(n, ' ') })),
    ...bound('FilterExpression bytes', 'Scan', EXPRESSION_BYTES_MAX, 'OK', (n) => ({ TableName: FIXTURE_TABLE, FilterExpression: 'a = :v'.padEnd(n, ' '), ExpressionAttributeValues: { ':v': { N: '1' } } })),
    ...bound('placeholder name bytes', 'GetItem', EXPRESSION_PLACEHOLDER_BYTES_MAX, 'OK', (n) => ({ TableName: FIXTURE_TABLE, Key: { pk: { S: 'p0' }, sk: { N: '1' } }, ProjectionExpression: '#'.padEnd(n, 'n'), ExpressionAttributeNames: { ['#'.padEnd(n, 'n')]: 'a' } })),
    ...bound('placeholder value bytes', 'Scan', EXPRESSION_PLACEHOLDER_BYTES_MAX, 'OK', (n) => ({ TableName: FIXTURE_TABLE, FilterExpression: `a = ${':'.padEnd(n, 'v')}`, ExpressionAttributeValues: { [':'.padEnd(n, 'v')]: { N: '1' } } })),
    ...bound('BatchWriteItem requests', 'BatchWriteItem', BATCH_WRITE_REQUESTS_MAX, 'OK', (n) => ({ RequestItems: { [FIXTURE_TABLE]: absentKeys(n).map((Key) => ({ DeleteRequest: { Key } })) } })),
    ...bound('BatchGetItem keys', 'BatchGetItem', BATCH_GET_KEYS_MAX, 'OK', (n) => ({ RequestItems: { [FIXTURE_TABLE]: { Keys: absentKeys(n) } } })),
    ...bound('TransactWriteItems actions', 'TransactWriteItems', TRANSACT_ITEMS_MAX, 'TransactionCanceledException', (n) => ({ TransactItems: absentKeys(n).map((Key) => ({ ConditionCheck: { TableName: FIXTURE_TABLE, Key, ConditionExpression: 'attribute_exists(pk)' } })) })),
    ...bound('TransactGetItems actions', 'TransactGetItems', TRANSACT_ITEMS_MAX, 'OK', (n) => ({ TransactItems: absentKeys(n).map((Key) => ({ Get: { TableName: FIXTURE_TABLE, Key } })) })),
    // Data-plane TableName (control-plane names are checked in dynalite's order, one at a time).
    ...bound('table name length', 'GetItem', TABLE_NAME_LENGTH_MAX, 'ResourceNotFoundException', (n) => ({ TableName: 't'.repeat(n), Key: { pk: { S: 'p' } } })),
    ...bound('table name length (minimum)', 'GetItem', TABLE_NAME_LENGTH_MIN, 'ResourceNotFoundException', (n) => ({ TableName: 't'.repeat(n), Key: { pk: { S: 'p' } } }), TABLE_NAME_LENGTH_MIN - 1),
    ...bound('attribute name bytes', 'PutItem', ATTRIBUTE_NAME_BYTES_MAX, 'ConditionalCheckFailedException', (n) => ({ TableName: FIXTURE_TABLE, Item: { pk: { S: 'lim' }, sk: { N: '1' }, ['n'.repeat(n)]: { S: 'v' } }, ...failing })),
    ...bound('document nesting levels', 'PutItem', NESTING_LEVELS_MAX, 'ConditionalCheckFailedException', (n) => ({ TableName: FIXTURE_TABLE, Item: { pk: { S: 'lim' }, sk: { N: '1' }, doc: nested(n) }, ...failing })),
    ...bound('IN operands', 'Scan', IN_OPERANDS_MAX, 'OK', (n) => ({ TableName: FIXTURE_TABLE, FilterExpression: `a IN (${Array.from({ length: n }, () => ':v').join(', ')})`, ExpressionAttributeValues: { ':v': { N: '1' } } })),
    ...bound('number significant digits', 'PutItem', NUMBER_DIGITS_MAX, 'ConditionalCheckFailedException', (n) => ({ TableName: FIXTURE_TABLE, Item: { pk: { S: 'lim' }, sk: { N: '1' }, a: { N: '9'.repeat(n) } }, ...failing })),
    ...bound('number exponent', 'PutItem', NUMBER_EXPONENT_MAX, 'ConditionalCheckFailedException', (n) => ({ TableName: FIXTURE_TABLE, Item: { pk: { S: 'lim' }, sk: { N: '1' }, a: { N: `1E${n}` } }, ...failing })),
    ...bound('number exponent (negative)', 'PutItem', NUMBER_EXPONENT_MIN, 'ConditionalCheckFailedException', (n) => ({ TableName: FIXTURE_TABLE, Item: { pk: { S: 'lim' }, sk: { N: '1' }, a: { N: `1E${n}` } }, ...failing }), NUMBER_EXPONENT_MIN - 1),
    ...bound('ListTables Limit', 'ListTables', LIST_TABLES_LIMIT_MAX, 'OK', (n) => ({ Limit: n })),
    ...bound('ListTables Limit (minimum)', 'ListTables', 1, 'OK', (n) => ({ Limit: n }), 0),
    ...bound('Query Limit (minimum)', 'Query', 1, 'OK', (n) => ({ TableName: FIXTURE_TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p0' } }, Limit: n }), 0),
    ...bound('Scan TotalSegments', 'Scan', SCAN_TOTAL_SEGMENTS_MAX, 'OK', (n) => ({ TableName: FIXTURE_TABLE, Segment: SCAN_TOTAL_SEGMENTS_MAX - 1, TotalSegments: n })),
    ...bound('Scan Segment', 'Scan', 2, 'OK', (n) => ({ TableName: FIXTURE_TABLE, Segment: n - 1, TotalSegments: 2 }), 3),
    // One `+` per SET action (DynamoDB's grammar does not chain them), n actions, written tight so
    // 301 of them stay under the 4 KB expression bound (spaced out, 300 were 6 KB: the size error).
    ...bound('UpdateExpression operators', 'UpdateItem', UPDATE_EXPRESSION_OPERATORS_MAX, 'ConditionalCheckFailedException', (n) => ({ TableName: FIXTURE_TABLE, Key: { pk: { S: 'absent' }, sk: { N: '1' } }, UpdateExpression: `SET ${Array.from({ length: n }, (_, i) => `a${i}=:o+:o`).join(',')}`, ExpressionAttributeValues: { ':o': { N: '1' } }, ...failing })),
    ...bound('document path dereferences', 'GetItem', PATH_NESTING_LEVELS_MAX, 'OK', (n) => ({ TableName: FIXTURE_TABLE, Key: { pk: { S: 'p0' }, sk: { N: '1' } }, ProjectionExpression: `doc${'.m'.repeat(n)}` })),
    // 50 is a per-table quota, which DynamoDB may check only once it has found the table.
    ...bound('tags', 'TagResource', TAGS_MAX, 'ResourceNotFoundException', (n) => ({ ResourceArn: MISSING_ARN, Tags: Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }), TAGS_MAX + 1, [VALIDATION, 'ResourceNotFoundException']),
    ...bound('ClientRequestToken length', 'TransactWriteItems', CLIENT_REQUEST_TOKEN_LENGTH_MAX, 'ResourceNotFoundException', (n) => ({ TransactItems: [{ Delete: { TableName: MISSING_TABLE, Key: { pk: { S: 'p' }, sk: { N: '1' } } } }], ClientRequestToken: 't'.repeat(n) })),
  ];
  // JSON nesting of the raw text: an ignored member nested to the bound still parses.
  const deep = (depth: number): string => `{"TableName":"${FIXTURE_TABLE}","Deep":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
  cases.push({ label: `JSON depth = ${REQUEST_JSON_DEPTH_MAX} (at the bound)`, method: 'POST', headers: dynamoHeaders('DescribeTable'), body: { text: deep(REQUEST_JSON_DEPTH_MAX) }, sign: 'open', outcomes: ['OK'] });
  cases.push({ label: `JSON depth = ${REQUEST_JSON_DEPTH_MAX + 1} (past the bound)`, method: 'POST', headers: dynamoHeaders('DescribeTable'), body: { text: deep(REQUEST_JSON_DEPTH_MAX + 1) }, sign: 'open', outcomes: [VALIDATION] });
  cases.push({ label: 'JSON depth 100000 (deep nesting)', method: 'POST', headers: dynamoHeaders('DescribeTable'), body: { text: deep(100_000) }, sign: 'open', outcomes: [VALIDATION] });
  return cases;
}

/** Request bodies at and past REQUEST_BODY_BYTES_MAX: costly (16 MB each), so drawn rarely. */
export function bodySizeCases(): WireCase[] {
  const prefix = `{"TableName":"${FIXTURE_TABLE}"}`;
  return [
    { label: `body bytes = ${REQUEST_BODY_BYTES_MAX} (at the bound)`, method: 'POST', headers: dynamoHeaders('DescribeTable'), body: { prefix, fill: ' ', bytes: REQUEST_BODY_BYTES_MAX }, sign: 'open', outcomes: ['OK'] },
    { label: `body bytes = ${REQUEST_BODY_BYTES_MAX + 1} (past the bound)`, method: 'POST', headers: dynamoHeaders('DescribeTable'), body: { prefix, fill: ' ', bytes: REQUEST_BODY_BYTES_MAX + 1 }, sign: 'open', outcomes: ['413'] },
    { label: `gzip body inflating past ${REQUEST_BODY_BYTES_MAX} bytes`, method: 'POST', headers: { ...dynamoHeaders('DescribeTable'), 'Content-Encoding': 'gzip' }, body: { gzipFill: ' ', bytes: REQUEST_BODY_BYTES_MAX + 1 }, sign: 'open', outcomes: ['413'] },
  ];
}
