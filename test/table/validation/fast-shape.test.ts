import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkShape, fastShape, requestShape, type RequestShape } from '../../../engine/table/validation/fast-shape.js';
import { checkRequest, Deferred } from '../../../engine/table/validation/shape.js';
import { DELETE_ITEM, GET_ITEM, PUT_ITEM, UPDATE_ITEM } from '../../../engine/table/validation/items.js';
import { QUERY } from '../../../engine/table/validation/query-scan.js';
import { validatePutItemRequest } from '../../../engine/table/request-validation.js';
import { checkPutItemRequest } from '../../../engine/table/request-validation.js';
import { DynamoDBError } from '../../../engine/model/errors.js';
import { constraint, constraints, validation } from './helpers.js';

type Outcome = { ok: unknown } | { error: string; message: string };

/** What a check returns or throws, comparable with toStrictEqual. */
function outcome(run: () => unknown): Outcome {
  try {
    return { ok: run() };
  } catch (error) {
    if (!(error instanceof DynamoDBError)) throw error; // a TypeError would be a bug in either path
    return { error: error.name, message: error.message };
  }
}

const KEY = { pk: { S: 'user#1' }, sk: { N: '3' } };
const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/Bench';

/** Valid requests of each operation, from the bare minimum to most members. */
const BASES: ReadonlyArray<[string, RequestShape, readonly object[]]> = [
  [
    'GetItem',
    GET_ITEM,
    [
      { TableName: 'Bench', Key: KEY },
      { TableName: ARN, Key: KEY, ConsistentRead: true, ProjectionExpression: '#n, b', ExpressionAttributeNames: { '#n': 'n' }, ReturnConsumedCapacity: 'TOTAL' },
      { TableName: 'Bench', Key: KEY, AttributesToGet: ['a', 'b'] },
    ],
  ],
  [
    'PutItem',
    PUT_ITEM,
    [
      { TableName: 'Bench', Item: { ...KEY, n: { N: '0' }, payload: { S: 'x'.repeat(80) }, bin: { B: new Uint8Array([1, 2]) } } },
      {
        TableName: 'Bench',
        Item: { ...KEY, tags: { SS: ['a', 'b'] }, doc: { M: { a: { L: [{ N: '1' }, { NULL: true }] } } } },
        ConditionExpression: 'attribute_not_exists(#p) OR #p = :v',
        ExpressionAttributeNames: { '#p': 'pk' },
        ExpressionAttributeValues: { ':v': { S: 'x' } },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ReturnItemCollectionMetrics: 'SIZE',
      },
      { TableName: 'Bench', Item: KEY, Expected: { a: { Exists: false }, b: { Value: { N: '1' } } }, ConditionalOperator: 'AND' },
    ],
  ],
  [
    'UpdateItem',
    UPDATE_ITEM,
    [
      { TableName: 'Bench', Key: KEY, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': { N: '1' } } },
      { TableName: 'Bench', Key: KEY, AttributeUpdates: { a: { Action: 'PUT', Value: { S: 'x' } }, b: { Action: 'DELETE' } }, ReturnValues: 'UPDATED_NEW' },
      {
        TableName: 'Bench',
        Key: KEY,
        UpdateExpression: 'SET #a = :a',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#a': 'a' },
        ExpressionAttributeValues: { ':a': { BOOL: false } },
        ReturnConsumedCapacity: 'INDEXES',
      },
    ],
  ],
  [
    'DeleteItem',
    DELETE_ITEM,
    [
      { TableName: 'Bench', Key: KEY },
      { TableName: 'Bench', Key: KEY, ReturnValues: 'ALL_OLD', ConditionExpression: 'n > :z', ExpressionAttributeValues: { ':z': { N: '0' } } },
      { TableName: 'Bench', Key: KEY, Expected: { n: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '0' }] } } },
    ],
  ],
  [
    'Query',
    QUERY,
    [
      { TableName: 'Bench', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'user#1' } }, Limit: 10 },
      {
        TableName: 'Bench',
        IndexName: 'by-n',
        KeyConditionExpression: 'pk = :p AND sk > :s',
        FilterExpression: '#n <> :p',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':p': { S: 'user#1' }, ':s': { N: '1' } },
        Select: 'COUNT',
        ScanIndexForward: false,
        ConsistentRead: false,
        ExclusiveStartKey: KEY,
      },
      { TableName: 'Bench', KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } }, QueryFilter: { n: { ComparisonOperator: 'NULL' } }, AttributesToGet: ['n'] },
    ],
  ],
];

const interestingString = fc.constantFrom(
  'Bench', 'ab', 'a'.repeat(256), 'a b', '', ARN, 'arn:aws:dynamodb:r:a:table/a b', 'arn:aws:dynamodb:r:a:table/Bench/index/i',
  'TOTAL', 'INDEXES', 'NONE', 'total', 'ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW', 'SIZE', 'AND', 'OR',
  'COUNT', 'ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'TRUE', 'yes', '0', 'by-n', 'pk = :p', '#n', 'EQ', 'PUT',
);
const attributeValue = fc.constantFrom<unknown>(
  { S: 'x' }, { N: '1' }, { N: '01' }, { N: 'x' }, { S: 1 }, {}, { S: 'a', N: '1' }, { SS: ['a', 'a'] }, { SS: ['b', 'a'] },
  { B: new Uint8Array([1]) }, { B: 'AQ==' }, { BOOL: true }, { NULL: true }, { NULL: false }, { L: [{ S: 'a' }] },
  { M: { a: { N: '1' } } }, { S: 'x', extra: null }, { S: '' }, { NS: [] }, null, 'x', [],
);
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, true, false, 'true', 0, -1, 1, 10, 1.5, -0, 2 ** 31, 2 ** 53, Number.NaN, [], {}, ['a'], [1], [null], { a: 'b' }, { a: 1 }),
  fc.integer({ min: -5, max: 200 }),
  fc.integer({ min: -1, max: 2 }), // around Limit's minimum, often
  fc.string({ maxLength: 6 }),
  interestingString,
  fc.array(interestingString, { maxLength: 3 }),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(scalar, attributeValue, fc.dictionary(fc.constantFrom('pk', 'sk', ':p', '#n', 'a'), fc.oneof(attributeValue, scalar), { maxKeys: 3 }));

type Mutation = { kind: 'set'; member: string; value: unknown } | { kind: 'delete'; member: string } | { kind: 'entry'; member: string; key: string; value: unknown };

function mutation(shape: RequestShape): fc.Arbitrary<Mutation> {
  const member = fc.constantFrom(...Object.keys(shape.members), 'Unknown', 'tableName');
  return fc.oneof(
    fc.record({ kind: fc.constant('set' as const), member, value: anyValue }),
    fc.record({ kind: fc.constant('delete' as const), member }),
    fc.record({ kind: fc.constant('entry' as const), member, key: fc.constantFrom('pk', 'sk', ':p', ':one', '#n', 'a', 'n', ''), value: fc.oneof(attributeValue, scalar) }),
  );
}

function apply(base: object, mutations: readonly Mutation[]): Record<string, unknown> {
  const request: Record<string, unknown> = { ...base };
  for (const change of mutations) {
    if (change.kind === 'set') request[change.member] = change.value;
    else if (change.kind === 'delete') delete request[change.member];
    else {
      const target = request[change.member];
      // Maps and structures are copied before the change: the bases are shared between runs.
      if (typeof target === 'object' && target !== null && !Array.isArray(target) && !(target instanceof Uint8Array)) {
        request[change.member] = { ...target, [change.key]: change.value };
      }
    }
  }
  return request;
}

describe('fastShape', () => {
  it('accepts the common requests with the reference result', () => {
    for (const [, shape, bases] of BASES) {
      for (const base of bases) {
        const fast = fastShape(base, shape);
        expect(fast).toStrictEqual(checkRequest(base, shape.members));
      }
    }
    // The base requests without legacy members take the fast path itself.
    expect(fastShape(BASES[0]![2][0], GET_ITEM)).toBeDefined();
    expect(fastShape({ TableName: ARN, Key: KEY }, GET_ITEM)).toStrictEqual({ TableName: 'Bench', Key: KEY });
  });

  it.each<[string, object]>([
    ['a wrong JSON type', { TableName: 'Bench', Key: KEY, ConsistentRead: 'TRUE' }],
    ['a fraction', { TableName: 'Bench', Key: KEY, Limit: 1.5 }],
    ['a number under its minimum', { TableName: 'Bench', Key: KEY, Limit: 0 }],
    ['a failed enum', { TableName: 'Bench', Key: KEY, ReturnConsumedCapacity: 'total' }],
    ['a failed pattern', { TableName: 'a b', Key: KEY }],
    ['a short name', { TableName: 'ab', Key: KEY }],
    ['a missing not-null member', { TableName: 'Bench' }],
    ['a value to normalise', { TableName: 'Bench', Key: { pk: { N: '01' } } }],
    ['an invalid value', { TableName: 'Bench', Key: { pk: { S: 1 } } }],
    ['an empty value', { TableName: 'Bench', Key: { pk: null } }],
    ['a null name', { TableName: 'Bench', Key: KEY, ExpressionAttributeNames: { '#n': null } }],
    ['an empty AttributesToGet', { TableName: 'Bench', Key: KEY, AttributesToGet: [] }],
    ['a request that is not an object', []],
  ])('declines %s', (_what, request) => {
    const shape = 'Limit' in request ? QUERY : GET_ITEM;
    expect(fastShape(request, shape)).toBeUndefined();
    expect(outcome(() => checkShape(request, shape))).toStrictEqual(outcome(() => checkRequest(request, shape.members)));
  });

  it('leaves the error to the reference, which reports it in the service order', () => {
    const shape = requestShape({ TableName: { type: 'String', notNull: true, regex: '[a-z]+', lengthMin: 3 }, Limit: { type: 'Integer', min: 1 } });
    validation(
      () => checkShape({ Limit: 0, TableName: 'A' }, shape),
      constraints(
        constraint('A', 'tableName', 'Member must satisfy regular expression pattern: [a-z]+'),
        constraint('A', 'tableName', 'Member must have length greater than or equal to 3'),
        constraint('0', 'limit', 'Member must have value greater than or equal to 1'),
      ),
    );
  });

  it('holds an invalid value back as the reference does (generic members)', () => {
    const request = { TableName: 'Bench', Item: KEY, Expected: { a: { Value: { N: 'x' } } } };
    const data = fastShape(request, PUT_ITEM);
    expect((data?.['Expected'] as Record<string, Record<string, unknown>>)['a']!['Value']).toBeInstanceOf(Deferred);
    expect(data).toStrictEqual(checkRequest(request, PUT_ITEM.members));
  });
});

describe('checkPutItemRequest', () => {
  it('gives the size the service measures with the request', () => {
    const checked = checkPutItemRequest({ TableName: 'Bench', Item: { pk: { S: 'ab' }, n: { N: '12' } } });
    expect(checked.itemSizeBytes).toBe(2 + 2 + 1 + 2); // names + "ab" + the number 12
    expect(checked.input).toStrictEqual(validatePutItemRequest({ TableName: 'Bench', Item: { pk: { S: 'ab' }, n: { N: '12' } } }));
  });
});

describe('the fast path agrees with the reference on mutated requests', () => {
  it.each(BASES)('%s', (_operation, shape, bases) => {
    let accepted = 0;
    let declined = 0;
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(mutation(shape), { minLength: 1, maxLength: 4 }), (base, mutations) => {
        const request = apply(base, mutations);
        const reference = outcome(() => checkRequest(request, shape.members));
        expect(outcome(() => checkShape(request, shape))).toStrictEqual(reference);
        const fast = fastShape(request, shape);
        if (fast === undefined) {
          declined++;
        } else {
          accepted++;
          expect({ ok: fast }).toStrictEqual(reference);
        }
      }),
      { numRuns: 1500 },
    );
    // Both paths ran: the property would hold vacuously if the fast path always declined.
    expect(accepted).toBeGreaterThan(100);
    expect(declined).toBeGreaterThan(100);
  });
});
