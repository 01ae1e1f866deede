import { describe, expect, it } from 'vitest';
import { validateBatchGetItemRequest, validateBatchWriteItemRequest } from '../../../engine/table/request-validation.js';
import { EMPTY_VALUE_MESSAGE, MULTIPLE_TYPES_MESSAGE } from '../../../engine/model/validate.js';
import { ITEM_SIZE_MESSAGE } from '../../../engine/model/item-size.js';
import { constraint, constraints, serialization, validation } from './helpers.js';

const KEYS_RULE =
  'Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]';
const keys = (count: number, from = 0) => Array.from({ length: count }, (_, i) => ({ id: { N: String(from + i) } }));

describe('BatchGetItem', () => {
  it('accepts, normalises numbers and resolves table ARNs in RequestItems', () => {
    expect(
      validateBatchGetItemRequest({
        RequestItems: { 'arn:aws:dynamodb:us-east-1:000000000000:table/Music': { Keys: [{ id: { N: '1.0' } }], ConsistentRead: true } },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    ).toStrictEqual({ ReturnConsumedCapacity: 'INDEXES', RequestItems: { Music: { Keys: [{ id: { N: '1' } }], ConsistentRead: true } } });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no RequestItems', {}, constraints(constraint(null, 'requestItems', 'Member must not be null'))],
    ['empty RequestItems', { RequestItems: {} }, constraints(constraint('{}', 'requestItems', 'Member must have length greater than or equal to 1'))],
    [
      'a bad table name and a table without Keys',
      { RequestItems: { 'a!': { Keys: [] } } },
      constraints(
        constraint('{"a!":{"Keys":[]}}', 'requestItems', KEYS_RULE),
        constraint('[]', 'requestItems.a!.member.keys', 'Member must have length greater than or equal to 1'),
      ),
    ],
    [
      'Keys missing, and over 100 keys in one table',
      { RequestItems: { abc: {}, def: { Keys: keys(101) } } },
      constraints(
        constraint(`[${keys(101).map((key) => JSON.stringify(key)).join(', ')}]`, 'requestItems.def.member.keys', 'Member must have length less than or equal to 100'),
        constraint(null, 'requestItems.abc.member.keys', 'Member must not be null'),
      ),
    ],
    [
      'mixing in one table',
      { RequestItems: { abc: { Keys: keys(1), AttributesToGet: ['a'], ProjectionExpression: 'a' } } },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
    ],
    ['a bad key value', { RequestItems: { abc: { Keys: [{ id: {} }] } } }, EMPTY_VALUE_MESSAGE],
    ['duplicate keys', { RequestItems: { abc: { Keys: [{ id: { N: '1' } }, { id: { N: '1.0' } }] } } }, 'Provided list of item keys contains duplicates'],
    [
      'duplicate keys spelled in another member order',
      { RequestItems: { abc: { Keys: [{ a: { S: 'x' }, b: { B: new Uint8Array([1]) } }, { b: { B: new Uint8Array([1]) }, a: { S: 'x' } }] } } },
      'Provided list of item keys contains duplicates',
    ],
    ['over 100 keys across tables', { RequestItems: { abc: { Keys: keys(60) }, def: { Keys: keys(41) } } }, 'Too many items requested for the BatchGetItem call'],
    ['duplicate AttributesToGet', { RequestItems: { abc: { Keys: keys(1), AttributesToGet: ['a', 'a'] } } }, 'One or more parameter values were invalid: Duplicate value in attribute name: a'],
  ])('%s', (_name, request, message) => {
    validation(() => validateBatchGetItemRequest(request), message);
  });

  it('exactly 100 keys across tables pass; the same key in two tables is no duplicate', () => {
    expect(() => validateBatchGetItemRequest({ RequestItems: { abc: { Keys: keys(50) }, def: { Keys: keys(50) } } })).not.toThrow();
  });

  it('Keys must be a list of maps', () => {
    serialization(() => validateBatchGetItemRequest({ RequestItems: { abc: { Keys: {} } } }), 'Start of structure or map found where not expected.');
    serialization(() => validateBatchGetItemRequest({ RequestItems: { abc: { Keys: ['x'] } } }), 'Expected map or null');
  });
});

describe('BatchWriteItem', () => {
  const put = (id: number) => ({ PutRequest: { Item: { id: { N: String(id) } } } });

  it('accepts puts and deletes', () => {
    const request = validateBatchWriteItemRequest({ RequestItems: { abc: [put(1), { DeleteRequest: { Key: { id: { N: '2' } } } }] } });
    expect(request.RequestItems['abc']).toHaveLength(2);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no RequestItems', {}, constraints(constraint(null, 'requestItems', 'Member must not be null'))],
    [
      'an empty table list and one over 25',
      { RequestItems: { abc: [], def: Array.from({ length: 26 }, (_, i) => put(i)) } },
      constraints(
        constraint(
          `{"abc":[],"def":[${Array.from({ length: 26 }, (_, i) => JSON.stringify(put(i))).join(',')}]}`,
          'requestItems',
          'Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]',
        ),
        constraint(
          `{"abc":[],"def":[${Array.from({ length: 26 }, (_, i) => JSON.stringify(put(i))).join(',')}]}`,
          'requestItems',
          'Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]',
        ),
      ),
    ],
    [
      'a put without an item',
      { RequestItems: { abc: [{ PutRequest: {} }] } },
      constraints(constraint(null, 'requestItems.abc.member.1.member.putRequest.item', 'Member must not be null')),
    ],
    ['over 25 requests across tables', { RequestItems: { abc: Array.from({ length: 13 }, (_, i) => put(i)), def: Array.from({ length: 13 }, (_, i) => put(i)) } }, 'Too many items requested for the BatchWriteItem call'],
    ['an empty request', { RequestItems: { abc: [put(1), {}] } }, MULTIPLE_TYPES_MESSAGE],
    ['both put and delete', { RequestItems: { abc: [{ PutRequest: { Item: {} }, DeleteRequest: { Key: {} } }] } }, MULTIPLE_TYPES_MESSAGE],
    ['a bad item value', { RequestItems: { abc: [{ PutRequest: { Item: { a: { NULL: false } } } }] } }, 'One or more parameter values were invalid: Null attribute value types must have the value of true'],
    ['an item over 400 KB', { RequestItems: { abc: [{ PutRequest: { Item: { a: { S: 'x'.repeat(400 * 1024) } } } }] } }, ITEM_SIZE_MESSAGE],
    ['a bad delete key', { RequestItems: { abc: [{ DeleteRequest: { Key: { a: {} } } }] } }, EMPTY_VALUE_MESSAGE],
  ])('%s', (_name, request, message) => {
    validation(() => validateBatchWriteItemRequest(request), message);
  });
});
