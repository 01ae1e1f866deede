import { describe, expect, it } from 'vitest';
import { checkRequest, Deferred, resolveTableName } from '../../../engine/table/validation/shape.js';
import type { Spec } from '../../../engine/table/validation/shape.js';
import { EMPTY_VALUE_MESSAGE } from '../../../engine/model/validate.js';
import { validateGetItemRequest, validatePutItemRequest } from '../../../engine/table/request-validation.js';
import { constraint, constraints, serialization, validation } from './helpers.js';

const SPEC: Record<string, Spec> = {
  Name: { type: 'String' },
  Count: { type: 'Integer' },
  Flag: { type: 'Boolean' },
  Things: { type: 'List', member: { type: 'String' } },
  Entries: { type: 'Map', member: { type: 'String' } },
  Nested: { type: 'Structure', members: { Inner: { type: 'String' } } },
  Value: { type: 'AttributeValue' },
};

describe('phase 1: JSON types → SerializationException', () => {
  it.each<[string, unknown, string]>([
    ['Name', true, 'class java.lang.Boolean can not be converted to an String'],
    ['Name', 23, 'class java.lang.Short can not be converted to an String'],
    ['Name', -2147483648, 'class java.lang.Integer can not be converted to an String'],
    ['Name', 2147483648, 'class java.lang.Long can not be converted to an String'],
    ['Name', 34.56, 'class java.lang.Double can not be converted to an String'],
    ['Name', [], 'Start of list found where not expected'],
    ['Name', {}, 'Start of structure or map found where not expected.'],
    ['Count', '23', 'class java.lang.String can not be converted to an Integer'],
    ['Count', true, 'class java.lang.Boolean can not be converted to an Integer'],
    ['Count', [], 'Start of list found where not expected'],
    ['Count', {}, 'Start of structure or map found where not expected.'],
    ['Flag', 'hello', "'HELLO' can not be converted to an Boolean"],
    ['Flag', 23, 'class java.lang.Short can not be converted to an Boolean'],
    ['Flag', [], 'Start of list found where not expected'],
    ['Flag', {}, 'Start of structure or map found where not expected.'],
    ['Things', true, 'Expected list or null'],
    ['Things', 'a', 'Expected list or null'],
    ['Things', {}, 'Start of structure or map found where not expected.'],
    ['Things', [1], 'class java.lang.Short can not be converted to an String'],
    ['Entries', 5, 'Expected map or null'],
    ['Entries', [], 'Start of list found where not expected'],
    ['Entries', { a: false }, 'class java.lang.Boolean can not be converted to an String'],
    ['Nested', 'x', 'Expected null'],
    ['Nested', [], 'Start of list found where not expected'],
    ['Nested', { Inner: 1 }, 'class java.lang.Short can not be converted to an String'],
    ['Value', { S: 1 }, 'class java.lang.Short can not be converted to an String'],
    ['Value', [], 'Start of list found where not expected'],
  ])('%s = %j', (member, value, message) => {
    serialization(() => checkRequest({ [member]: value }, SPEC), message);
  });

  it('the first mismatch in spec order wins', () => {
    serialization(() => checkRequest({ Flag: [], Name: 1 }, SPEC), 'class java.lang.Short can not be converted to an String');
  });

  it('converts the service\'s boolean spellings and truncates integers', () => {
    expect(checkRequest({ Flag: 'yes', Count: 2.9 }, SPEC)).toStrictEqual({ Count: 2, Flag: true });
    expect(checkRequest({ Flag: 'FALSE' }, SPEC)).toStrictEqual({ Flag: false });
    expect(checkRequest({ Flag: '1' }, SPEC)).toStrictEqual({ Flag: true });
    expect(checkRequest({ Flag: 'no' }, SPEC)).toStrictEqual({ Flag: false });
  });

  it('drops unknown and null members', () => {
    expect(checkRequest({ Name: 'x', Other: 1, Count: null, Nested: { Inner: null, X: 2 } }, SPEC)).toStrictEqual({ Name: 'x', Nested: {} });
    expect(checkRequest(undefined, SPEC)).toStrictEqual({});
  });

  it('holds an attribute value\'s validation error back as a Deferred', () => {
    const data = checkRequest({ Value: {} }, SPEC);
    expect(data['Value']).toBeInstanceOf(Deferred);
    expect((data['Value'] as Deferred).error.message).toBe(EMPTY_VALUE_MESSAGE);
  });

  it('a value\'s serialization error is reported before any constraint', () => {
    serialization(() => validatePutItemRequest({ TableName: 'a', Item: { x: { N: 5 } } }), 'class java.lang.Short can not be converted to an String');
  });

  it('returns the input map itself when nothing changed', () => {
    const item = { a: { S: 'x' }, n: { N: '1' } };
    expect(validatePutItemRequest({ TableName: 'abc', Item: item }).Item).toBe(item);
    const changed = validatePutItemRequest({ TableName: 'abc', Item: { n: { N: '01.50' } } }).Item;
    expect(changed).toStrictEqual({ n: { N: '1.5' } });
  });
});

describe('phase 2 and 3: required members and batched constraints', () => {
  const spec: Record<string, Spec> = {
    TableName: { type: 'String', required: true, tableName: true, regex: '[a-zA-Z0-9_.-]+' },
    Limit: { type: 'Integer', min: 1, max: 100 },
    Names: { type: 'List', notNull: true, lengthMin: 1, member: { type: 'String', lengthMax: 3 } },
    ByKey: { type: 'Map', member: { type: 'Structure', members: { Deep: { type: 'String', notNull: true } } } },
  };

  it('required, then the table-name length, before any constraint', () => {
    validation(() => checkRequest({ Limit: 0 }, spec), "The parameter 'TableName' is required but was not present in the request");
    validation(() => checkRequest({ TableName: 'ab', Limit: 0 }, spec), 'TableName must be at least 3 characters long and at most 255 characters long');
    validation(() => checkRequest({ TableName: 'a'.repeat(256) }, spec), 'TableName must be at least 3 characters long and at most 255 characters long');
  });

  it('lists every failure with lower-first member paths, list elements as .N.member, map entries in reverse', () => {
    validation(
      () => checkRequest({ TableName: 'a b', Limit: 101, Names: ['abcd', 'ok'], ByKey: { k1: {}, k2: {} } }, spec),
      constraints(
        constraint('a b', 'tableName', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+'),
        constraint('101', 'limit', 'Member must have value less than or equal to 100'),
        constraint('abcd', 'names.1.member', 'Member must have length less than or equal to 3'),
        constraint(null, 'byKey.k2.member.deep', 'Member must not be null'),
        constraint(null, 'byKey.k1.member.deep', 'Member must not be null'),
      ),
    );
  });

  it('one failure is "1 validation error detected"; lists show as [a, b]', () => {
    validation(
      () => checkRequest({ TableName: 'abc', Names: [] }, spec),
      constraints(constraint('[]', 'names', 'Member must have length greater than or equal to 1')),
    );
  });

  it('stops listing at ten failures', () => {
    const error = (() => {
      try {
        checkRequest({ TableName: 'abc', Names: Array.from({ length: 12 }, () => 'long') }, spec);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('accepted');
    })();
    expect(error.message.startsWith('10 validation errors detected: ')).toBe(true);
    expect(error.message.split('; ')).toHaveLength(10);
  });
});

describe('table ARNs', () => {
  it.each([
    ['arn:aws:dynamodb:us-east-1:123456789012:table/Music', 'Music'],
    ['arn:aws-cn:dynamodb:cn-north-1:123456789012:table/a.b-c_d', 'a.b-c_d'],
    ['Music', 'Music'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/Music/index/byAlbum', 'arn:aws:dynamodb:us-east-1:123456789012:table/Music/index/byAlbum'],
  ])('%s → %s', (input, name) => {
    expect(resolveTableName(input)).toBe(name);
  });

  it('a TableName given as an ARN is normalised to the name; an index ARN fails the name pattern', () => {
    expect(validateGetItemRequest({ TableName: 'arn:aws:dynamodb:eu-west-1:000000000000:table/Music', Key: { a: { S: 'x' } } }).TableName).toBe('Music');
    const indexArn = 'arn:aws:dynamodb:eu-west-1:000000000000:table/Music/index/i';
    validation(
      () => validateGetItemRequest({ TableName: indexArn, Key: { a: { S: 'x' } } }),
      constraints(constraint(indexArn, 'tableName', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')),
    );
  });
});
