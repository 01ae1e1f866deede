import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { SerializationException, ValidationException } from '../../engine/model/errors.js';
import {
  NUMBER_EMPTY_MESSAGE,
  NUMBER_OVERFLOW_MESSAGE,
  NUMBER_PRECISION_MESSAGE,
  NUMBER_UNDERFLOW_MESSAGE,
} from '../../engine/model/number.js';
import type { IndexSchema, PrimaryKeySchema } from '../../engine/model/schema.js';
import { base64, NESTING_MESSAGE, validateAttributeValue, validateItem, validateItemKeys, validateKey } from '../../engine/model/validate.js';
import { attributeValue, item, nested } from './arbitraries.js';

const INVALID = 'One or more parameter values were invalid: ';
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function failure(fn: () => unknown): { name: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error instanceof ValidationException || error instanceof SerializationException).toBe(true);
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected a DynamoDB error');
}

describe('validateAttributeValue: DynamoDB messages', () => {
  it.each<[string, unknown, string]>([
    ['empty', {}, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    ['null member only', { S: null }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    ['unknown member only', { X: 'a' }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    ['two types', { S: 'a', N: '1' }, 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes'],
    ['two types, one bad number', { S: 'a', N: 'b' }, 'The parameter cannot be converted to a numeric value: b'],
    ['two types, empty number', { S: '', N: '' }, NUMBER_EMPTY_MESSAGE],
    ['NULL false', { NULL: false }, INVALID + 'Null attribute value types must have the value of true'],
    ['empty SS', { SS: [] }, INVALID + 'An string set  may not be empty'],
    ['empty NS', { NS: [] }, INVALID + 'An number set  may not be empty'],
    ['empty BS', { BS: [] }, INVALID + 'Binary sets should not be empty'],
    ['SS duplicates', { SS: ['a', 'a'] }, INVALID + 'Input collection [a, a] contains duplicates.'],
    ['SS duplicates, whole set shown', { SS: ['x', 'a', 'b', 'a'] }, INVALID + 'Input collection [x, a, b, a] contains duplicates.'],
    ['NS duplicates', { NS: ['1', '1'] }, 'Input collection contains duplicates'],
    ['NS duplicates after normalisation', { NS: ['1', '1.0'] }, 'Input collection contains duplicates'],
    ['BS duplicates', { BS: [bytes(0x62), bytes(0x62)] }, INVALID + 'Input collection [Yg==, Yg==]of type BS contains duplicates.'],
    ['N unparseable', { N: 'x1' }, 'The parameter cannot be converted to a numeric value: x1'],
    ['N empty', { N: '' }, NUMBER_EMPTY_MESSAGE],
    ['N overflow', { N: '1e126' }, NUMBER_OVERFLOW_MESSAGE],
    ['N underflow', { N: '1e-131' }, NUMBER_UNDERFLOW_MESSAGE],
    ['N precision', { N: '1.23456789012345678901234567890123456789' }, NUMBER_PRECISION_MESSAGE],
    ['NS bad element', { NS: ['1', 'z'] }, 'The parameter cannot be converted to a numeric value: z'],
    ['NS empty element', { NS: ['1', ''] }, NUMBER_EMPTY_MESSAGE],
    ['nested bad value', { M: { a: { L: [{ N: '1' }, { NULL: false }] } } }, INVALID + 'Null attribute value types must have the value of true'],
    ['nested empty value', { L: [{}] }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
  ])('%s', (_name, input, message) => {
    const error = failure(() => validateAttributeValue(input));
    expect(error).toEqual({ name: 'ValidationException', message });
  });

  it.each<[string, unknown, string]>([
    ['S number', { S: 5 }, 'class java.lang.Short can not be converted to an String'],
    ['S big number', { S: 1e10 }, 'class java.lang.Long can not be converted to an String'],
    ['N number', { N: 1.5 }, 'class java.lang.Double can not be converted to an String'],
    ['S boolean', { S: true }, 'class java.lang.Boolean can not be converted to an String'],
    ['S list', { S: [] }, 'Start of list found where not expected'],
    ['S map', { S: {} }, 'Start of structure or map found where not expected.'],
    ['BOOL string', { BOOL: 'yes' }, "'YES' can not be converted to an Boolean"],
    ['B number', { B: 1 }, 'class java.lang.Short can not be converted to a Blob'],
    ['L string', { L: 'x' }, 'Expected list or null'],
    ['L map', { L: {} }, 'Start of structure or map found where not expected.'],
    ['M string', { M: 'x' }, 'Expected map or null'],
    ['M list', { M: [] }, 'Start of list found where not expected'],
    ['SS element', { SS: [1] }, 'class java.lang.Short can not be converted to an String'],
    ['value is a list', [], 'Start of list found where not expected'],
  ])('%s is a SerializationException', (_name, input, message) => {
    expect(failure(() => validateAttributeValue(input))).toEqual({ name: 'SerializationException', message });
  });

  it('accepts empty strings and binary outside keys, also in sets, lists and maps', () => {
    for (const value of [{ S: '' }, { B: bytes() }, { SS: [''] }, { BS: [bytes()] }, { L: [{ S: '' }] }, { M: { '': { S: '' } } }, { L: [] }, { M: {} }]) {
      expect(validateAttributeValue(value)).toEqual(value);
    }
  });

  it('normalises numbers (also in sets and nested) without touching the input', () => {
    const input = { M: { a: { N: '-0' }, b: { NS: ['1.50', '2'] }, c: { L: [{ S: 'x' }, { N: '1e2' }] } } };
    const snapshot = structuredClone(input);
    expect(validateAttributeValue(input)).toEqual({ M: { a: { N: '0' }, b: { NS: ['1.5', '2'] }, c: { L: [{ S: 'x' }, { N: '100' }] } } });
    expect(input).toEqual(snapshot);
  });

  it('drops unknown and null members', () => {
    expect(validateAttributeValue({ S: 'a', Unknown: 1, N: null })).toEqual({ S: 'a' });
  });

  it('returns an already normal value as the same object', () => {
    fc.assert(
      fc.property(attributeValue, (value) => {
        expect(validateAttributeValue(value)).toBe(value);
      }),
    );
  });

  it('allows 31 nested containers (leaf at level 32) and rejects 32', () => {
    for (const kind of ['M', 'L'] as const) {
      expect(() => validateItem({ a: nested(31, kind) })).not.toThrow();
      expect(failure(() => validateItem({ a: nested(32, kind) })).message).toBe(NESTING_MESSAGE);
    }
    // An empty container at level 32 is too deep as well.
    let value: AttributeValue = { M: {} };
    for (let i = 0; i < 31; i++) value = { L: [value] };
    expect(failure(() => validateItem({ a: value })).message).toBe(NESTING_MESSAGE);
  });
});

describe('validateItem', () => {
  it('keeps a "__proto__" attribute as an own property', () => {
    const input = JSON.parse('{"__proto__": {"N": "1.0"}, "b": {"S": "x"}}') as unknown;
    const out = validateItem(input);
    expect(Object.keys(out)).toEqual(['__proto__', 'b']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ N: '1' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('round-trips random valid items unchanged', () => {
    fc.assert(
      fc.property(item, (value) => {
        expect(validateItem(value)).toBe(value);
      }),
    );
  });

  it('base64 matches Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (data) => {
        expect(base64(data)).toBe(Buffer.from(data).toString('base64'));
      }),
    );
  });
});

const hashRange: PrimaryKeySchema = { partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'N' } };
const binaryHash: PrimaryKeySchema = { partitionKey: { name: 'id', type: 'B' } };

describe('validateKey', () => {
  it.each<[string, unknown, PrimaryKeySchema, string]>([
    ['missing sort key', { pk: { S: 'a' } }, hashRange, 'The provided key element does not match the schema'],
    ['extra attribute', { pk: { S: 'a' }, sk: { N: '1' }, x: { S: 'y' } }, hashRange, 'The provided key element does not match the schema'],
    ['wrong name', { pk: { S: 'a' }, other: { N: '1' } }, hashRange, 'The provided key element does not match the schema'],
    ['wrong type', { pk: { N: '1' }, sk: { N: '1' } }, hashRange, 'The provided key element does not match the schema'],
    ['empty string', { pk: { S: '' }, sk: { N: '1' } }, hashRange, INVALID + 'The AttributeValue for a key attribute cannot contain an empty string value. Key: pk'],
    ['empty binary', { id: { B: bytes() } }, binaryHash, INVALID + 'The AttributeValue for a key attribute cannot contain an empty binary value. Key: id'],
    ['hash too long', { id: { B: new Uint8Array(2049) } }, binaryHash, INVALID + 'Size of hashkey has exceeded the maximum size limit of2048 bytes'],
    [
      'range too long',
      { a: { S: 'x' }, b: { S: 'é'.repeat(513) } },
      { partitionKey: { name: 'a', type: 'S' }, sortKey: { name: 'b', type: 'S' } },
      INVALID + 'Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
    ],
    ['bad value first', { pk: { S: 'a' }, sk: { N: 'x' } }, hashRange, 'The parameter cannot be converted to a numeric value: x'],
  ])('%s', (_name, input, schema, message) => {
    expect(failure(() => validateKey(input, schema))).toEqual({ name: 'ValidationException', message });
  });

  it('accepts keys at the size bounds and normalises numbers', () => {
    expect(validateKey({ id: { B: new Uint8Array(2048) } }, binaryHash).id).toEqual({ B: new Uint8Array(2048) });
    const schema: PrimaryKeySchema = { partitionKey: { name: 'a', type: 'S' }, sortKey: { name: 'b', type: 'S' } };
    expect(() => validateKey({ a: { S: 'é'.repeat(1024) }, b: { S: 'é'.repeat(512) } }, schema)).not.toThrow();
    expect(validateKey({ pk: { S: 'a' }, sk: { N: '1.50' } }, hashRange)).toEqual({ pk: { S: 'a' }, sk: { N: '1.5' } });
  });
});

describe('validateItemKeys', () => {
  const gsi: IndexSchema = {
    name: 'byEmail',
    kind: 'GSI',
    partitionKey: { name: 'email', type: 'S' },
    projection: { type: 'ALL', nonKeyAttributes: [] },
  };
  const lsi: IndexSchema = {
    name: 'byBlob',
    kind: 'LSI',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'blob', type: 'B' },
    projection: { type: 'KEYS_ONLY', nonKeyAttributes: [] },
  };
  it.each<[string, Item, string]>([
    ['missing key', { pk: { S: 'a' } }, INVALID + 'Missing the key sk in the item'],
    ['type mismatch', { pk: { S: 'a' }, sk: { S: '1' } }, INVALID + 'Type mismatch for key sk expected: N actual: S'],
    ['empty key', { pk: { S: '' }, sk: { N: '1' } }, INVALID + 'The AttributeValue for a key attribute cannot contain an empty string value. Key: pk'],
    ['index type mismatch', { pk: { S: 'a' }, sk: { N: '1' }, email: { N: '5' } }, INVALID + 'Type mismatch for Index Key email Expected: S Actual: N IndexName: byEmail'],
    [
      'empty index key',
      { pk: { S: 'a' }, sk: { N: '1' }, email: { S: '' } },
      'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byEmail, IndexKey: email',
    ],
  ])('%s', (_name, value, message) => {
    expect(failure(() => validateItemKeys(value, hashRange, [gsi, lsi]))).toEqual({ name: 'ValidationException', message });
  });

  it('accepts items without index attributes (sparse indexes)', () => {
    expect(() => validateItemKeys({ pk: { S: 'a' }, sk: { N: '1' }, other: { S: '' } }, hashRange, [gsi, lsi])).not.toThrow();
  });
});
