/**
 * Conformance: conditional writes — ConditionExpression semantics (every comparator and function),
 * ConditionalCheckFailedException and ReturnValuesOnConditionCheckFailure, legacy `Expected`, the
 * expression/non-expression mixing rules, placeholder validation and the static expression errors
 * whose messages reference §10 quotes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestTable, expectDynamoError, getItem, n, s, type ApiInput, type GetHarness, type Item } from './harness.js';

const FAILED = 'The conditional request failed';

export function registerConditions(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let table = '';
  let counter = 0;

  beforeAll(async () => {
    table = await createTestTable(getHarness(), { prefix: 'cond' });
  });

  /** Writes a fresh item (unique key) and returns its key. */
  const seed = async (attributes: Item): Promise<Item> => {
    counter += 1;
    const key = { pk: s(`c-${counter}`) };
    await api().putItem({ TableName: table, Item: { ...key, ...attributes } });
    return key;
  };

  /** Whether `condition` holds on a fresh item with `attributes` (tried as a conditional DeleteItem). */
  const passes = async (attributes: Item, condition: ApiInput): Promise<boolean> => {
    const key = await seed(attributes);
    try {
      await api().deleteItem({ TableName: table, Key: key, ...condition });
      return true;
    } catch (error) {
      expect((error as Error).name).toBe('ConditionalCheckFailedException');
      expect((error as Error).message).toBe(FAILED);
      return false;
    }
  };

  describe('ConditionalCheckFailedException', () => {
    it('attribute_not_exists(pk) makes a put an insert-only upsert', async () => {
      const key = { pk: s('c-insert') };
      await api().putItem({ TableName: table, Item: { ...key, v: n(1) }, ConditionExpression: 'attribute_not_exists(pk)' });
      await expectDynamoError(api().putItem({ TableName: table, Item: { ...key, v: n(2) }, ConditionExpression: 'attribute_not_exists(pk)' }),
        'ConditionalCheckFailedException', FAILED);
      expect((await getItem(api(), table, key))?.v).toEqual(n(1));
    });

    it('attribute_exists(pk) makes a put update-only', async () => {
      const key = { pk: s('c-update-only') };
      await expectDynamoError(api().putItem({ TableName: table, Item: { ...key }, ConditionExpression: 'attribute_exists(pk)' }),
        'ConditionalCheckFailedException', FAILED);
      expect(await getItem(api(), table, key)).toBeUndefined();
    });

    it('guards DeleteItem and leaves the item on failure', async () => {
      const key = await seed({ v: n(1) });
      await expectDynamoError(api().deleteItem({ TableName: table, Key: key, ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': n(2) } }),
        'ConditionalCheckFailedException', FAILED);
      expect(await getItem(api(), table, key)).toEqual({ ...key, v: n(1) });
    });

    it('guards UpdateItem and does not create the item on failure', async () => {
      const key = { pk: s('c-update-missing') };
      await expectDynamoError(api().updateItem({
        TableName: table, Key: key, UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':v': n(1) },
      }), 'ConditionalCheckFailedException', FAILED);
      expect(await getItem(api(), table, key)).toBeUndefined();
    });

    it('ReturnValuesOnConditionCheckFailure ALL_OLD puts the existing item on the exception', async () => {
      const key = await seed({ v: n(1), w: s('x') });
      const error = await expectDynamoError(api().putItem({
        TableName: table, Item: { ...key }, ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': n(2) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }), 'ConditionalCheckFailedException', FAILED);
      expect(error.Item).toEqual({ ...key, v: n(1), w: s('x') });
    });

    it('ReturnValuesOnConditionCheckFailure ALL_OLD on UpdateItem and DeleteItem', async () => {
      const key = await seed({ v: n(5) });
      const condition = { ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': n(2) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' };
      const fromUpdate = await expectDynamoError(api().updateItem({ TableName: table, Key: key, UpdateExpression: 'REMOVE w', ...condition }),
        'ConditionalCheckFailedException', FAILED);
      expect(fromUpdate.Item).toEqual({ ...key, v: n(5) });
      const fromDelete = await expectDynamoError(api().deleteItem({ TableName: table, Key: key, ...condition }), 'ConditionalCheckFailedException', FAILED);
      expect(fromDelete.Item).toEqual({ ...key, v: n(5) });
    });

    it('carries no Item without ReturnValuesOnConditionCheckFailure, or for a missing item', async () => {
      const key = await seed({ v: n(1) });
      const plain = await expectDynamoError(api().putItem({ TableName: table, Item: key, ConditionExpression: 'attribute_not_exists(pk)' }),
        'ConditionalCheckFailedException', FAILED);
      expect(plain.Item).toBeUndefined();
      const missing = await expectDynamoError(api().putItem({
        TableName: table, Item: { pk: s('c-never') }, ConditionExpression: 'attribute_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }), 'ConditionalCheckFailedException', FAILED);
      expect(missing.Item).toBeUndefined();
    });

    it('rejects ReturnValuesOnConditionCheckFailure values other than ALL_OLD and NONE', async () => {
      await expectDynamoError(api().putItem({
        TableName: table, Item: { pk: s('c-rvf') }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_NEW',
      }), 'ValidationException');
    });
  });

  describe('condition semantics', () => {
    const values = (v: Record<string, Item[string]>) => ({ ExpressionAttributeValues: v });

    it('compares numbers numerically', async () => {
      expect(await passes({ v: n('10') }, { ConditionExpression: 'v > :x', ...values({ ':x': n('9') }) })).toBe(true);
      expect(await passes({ v: n('10') }, { ConditionExpression: 'v = :x', ...values({ ':x': n('10.0') }) })).toBe(true);
      expect(await passes({ v: n('-1') }, { ConditionExpression: 'v < :x', ...values({ ':x': n('-0.5') }) })).toBe(true);
    });

    it('compares strings by UTF-8 bytes', async () => {
      expect(await passes({ v: s('a') }, { ConditionExpression: 'v > :x', ...values({ ':x': s('Z') }) })).toBe(true);
      expect(await passes({ v: s('\u00bf') }, { ConditionExpression: 'v > :x', ...values({ ':x': s('z') }) })).toBe(true);
    });

    it('compares binary unsigned byte by byte', async () => {
      expect(await passes({ v: { B: Uint8Array.from([0x80]) } }, { ConditionExpression: 'v > :x', ...values({ ':x': { B: Uint8Array.from([0x7f, 0xff]) } }) })).toBe(true);
    });

    it('treats comparisons between different types as false, not as errors', async () => {
      expect(await passes({ v: n('6') }, { ConditionExpression: 'v = :x', ...values({ ':x': s('6') }) })).toBe(false);
      expect(await passes({ v: n('6') }, { ConditionExpression: 'v < :x', ...values({ ':x': s('7') }) })).toBe(false);
    });

    it('treats <> as true for a different type or a missing attribute', async () => {
      expect(await passes({ v: n('6') }, { ConditionExpression: 'v <> :x', ...values({ ':x': s('6') }) })).toBe(true);
      expect(await passes({}, { ConditionExpression: 'absentAttr <> :x', ...values({ ':x': s('6') }) })).toBe(true);
    });

    it('treats comparisons with a missing attribute as false', async () => {
      expect(await passes({}, { ConditionExpression: 'absentAttr = :x', ...values({ ':x': n(1) }) })).toBe(false);
      expect(await passes({}, { ConditionExpression: 'absentAttr < :x', ...values({ ':x': n(1) }) })).toBe(false);
    });

    it('considers a NULL-valued attribute to exist', async () => {
      expect(await passes({ v: { NULL: true } }, { ConditionExpression: 'attribute_exists(v)' })).toBe(true);
      expect(await passes({ v: { NULL: true } }, { ConditionExpression: 'attribute_not_exists(v)' })).toBe(false);
    });

    it('evaluates BETWEEN inclusively', async () => {
      const range = values({ ':lo': n(1), ':hi': n(3) });
      expect(await passes({ v: n(1) }, { ConditionExpression: 'v BETWEEN :lo AND :hi', ...range })).toBe(true);
      expect(await passes({ v: n(3) }, { ConditionExpression: 'v BETWEEN :lo AND :hi', ...range })).toBe(true);
      expect(await passes({ v: n(4) }, { ConditionExpression: 'v BETWEEN :lo AND :hi', ...range })).toBe(false);
    });

    it('evaluates IN', async () => {
      const list = values({ ':a': s('a'), ':b': s('b') });
      expect(await passes({ v: s('b') }, { ConditionExpression: 'v IN (:a, :b)', ...list })).toBe(true);
      expect(await passes({ v: s('c') }, { ConditionExpression: 'v IN (:a, :b)', ...list })).toBe(false);
    });

    it('evaluates begins_with on strings and binaries, false on other types', async () => {
      expect(await passes({ v: s('prefix-rest') }, { ConditionExpression: 'begins_with(v, :p)', ...values({ ':p': s('prefix') }) })).toBe(true);
      expect(await passes({ v: { B: Uint8Array.from([1, 2, 3]) } }, { ConditionExpression: 'begins_with(v, :p)', ...values({ ':p': { B: Uint8Array.from([1, 2]) } }) })).toBe(true);
      expect(await passes({ v: n(123) }, { ConditionExpression: 'begins_with(v, :p)', ...values({ ':p': s('1') }) })).toBe(false);
    });

    it('evaluates contains on strings, sets and lists', async () => {
      expect(await passes({ v: s('haystack') }, { ConditionExpression: 'contains(v, :x)', ...values({ ':x': s('yst') }) })).toBe(true);
      expect(await passes({ v: { SS: ['a', 'b'] } }, { ConditionExpression: 'contains(v, :x)', ...values({ ':x': s('b') }) })).toBe(true);
      expect(await passes({ v: { NS: ['1', '2'] } }, { ConditionExpression: 'contains(v, :x)', ...values({ ':x': n('2.0') }) })).toBe(true);
      expect(await passes({ v: { L: [s('a'), n(1)] } }, { ConditionExpression: 'contains(v, :x)', ...values({ ':x': n(1) }) })).toBe(true);
      expect(await passes({ v: { SS: ['a'] } }, { ConditionExpression: 'contains(v, :x)', ...values({ ':x': s('z') }) })).toBe(false);
    });

    it('evaluates size() on strings, binaries, sets, lists and maps', async () => {
      expect(await passes({ v: s('abc') }, { ConditionExpression: 'size(v) = :x', ...values({ ':x': n(3) }) })).toBe(true);
      expect(await passes({ v: { B: Uint8Array.from([1, 2]) } }, { ConditionExpression: 'size(v) = :x', ...values({ ':x': n(2) }) })).toBe(true);
      expect(await passes({ v: { SS: ['a', 'b'] } }, { ConditionExpression: 'size(v) = :x', ...values({ ':x': n(2) }) })).toBe(true);
      expect(await passes({ v: { L: [n(1), n(2), n(3)] } }, { ConditionExpression: 'size(v) > :x', ...values({ ':x': n(2) }) })).toBe(true);
      expect(await passes({ v: { M: { a: n(1) } } }, { ConditionExpression: 'size(v) = :x', ...values({ ':x': n(1) }) })).toBe(true);
    });

    it('evaluates attribute_type', async () => {
      expect(await passes({ v: { SS: ['a'] } }, { ConditionExpression: 'attribute_type(v, :t)', ...values({ ':t': s('SS') }) })).toBe(true);
      expect(await passes({ v: n(1) }, { ConditionExpression: 'attribute_type(v, :t)', ...values({ ':t': s('S') }) })).toBe(false);
    });

    it('compares sets without regard to order', async () => {
      expect(await passes({ v: { SS: ['a', 'b'] } }, { ConditionExpression: 'v = :x', ...values({ ':x': { SS: ['b', 'a'] } }) })).toBe(true);
    });

    it('compares maps and lists structurally', async () => {
      const doc = { M: { a: { L: [n(1), s('x')] } } };
      expect(await passes({ v: doc }, { ConditionExpression: 'v = :x', ...values({ ':x': { M: { a: { L: [n('1.0'), s('x')] } } } }) })).toBe(true);
      expect(await passes({ v: doc }, { ConditionExpression: 'v = :x', ...values({ ':x': { M: { a: { L: [s('x'), n(1)] } } } }) })).toBe(false);
    });

    it('follows nested map and list paths', async () => {
      const doc = { M: { nest: { L: [n(10), { M: { deep: s('yes') } }] } } };
      expect(await passes({ v: doc }, { ConditionExpression: 'v.nest[1].deep = :x', ...values({ ':x': s('yes') }) })).toBe(true);
      expect(await passes({ v: doc }, { ConditionExpression: 'v.nest[0] = :x', ...values({ ':x': n(10) }) })).toBe(true);
      expect(await passes({ v: doc }, { ConditionExpression: 'attribute_exists(v.nest[5])' })).toBe(false);
    });

    it('applies NOT, AND, OR with AND binding tighter than OR; keywords are case-insensitive', async () => {
      const vals = values({ ':one': n(1), ':two': n(2) });
      expect(await passes({ a: n(1), b: n(1) }, { ConditionExpression: 'a = :two AND b = :two OR a = :one', ...vals })).toBe(true);
      expect(await passes({ a: n(1), b: n(1) }, { ConditionExpression: 'a = :two and (b = :two or a = :one)', ...vals })).toBe(false);
      expect(await passes({ a: n(1) }, { ConditionExpression: 'NOT a = :two', ...values({ ':two': n(2) }) })).toBe(true);
      expect(await passes({ a: n(1) }, { ConditionExpression: 'not attribute_exists(a)' })).toBe(false);
    });

    it('resolves #name placeholders for reserved words, dots and dashes', async () => {
      const key = await seed({ status: s('on'), 'a.b': s('dotted'), 'x-y': s('dash') });
      await api().deleteItem({
        TableName: table, Key: key,
        ConditionExpression: '#st = :on AND #dot = :dotted AND #dash = :dash',
        ExpressionAttributeNames: { '#st': 'status', '#dot': 'a.b', '#dash': 'x-y' },
        ExpressionAttributeValues: { ':on': s('on'), ':dotted': s('dotted'), ':dash': s('dash') },
      });
      expect(await getItem(api(), table, key)).toBeUndefined();
    });

    it('fails a value condition on a missing item, passes attribute_not_exists', async () => {
      expect(await passes({}, { ConditionExpression: 'attribute_not_exists(nothing)' })).toBe(true);
      await expectDynamoError(api().putItem({
        TableName: table, Item: { pk: s('c-fresh') }, ConditionExpression: 'v = :x', ExpressionAttributeValues: { ':x': n(1) },
      }), 'ConditionalCheckFailedException', FAILED);
    });
  });

  describe('legacy Expected', () => {
    it('checks Value equality', async () => {
      expect(await passes({ v: s('x') }, { Expected: { v: { Value: s('x') } } })).toBe(true);
      expect(await passes({ v: s('x') }, { Expected: { v: { Value: s('y') } } })).toBe(false);
    });

    it('checks Exists false', async () => {
      expect(await passes({}, { Expected: { v: { Exists: false } } })).toBe(true);
      expect(await passes({ v: s('x') }, { Expected: { v: { Exists: false } } })).toBe(false);
    });

    it('checks ComparisonOperator with AttributeValueList', async () => {
      expect(await passes({ v: n(5) }, { Expected: { v: { ComparisonOperator: 'GT', AttributeValueList: [n(4)] } } })).toBe(true);
      expect(await passes({ v: n(5) }, { Expected: { v: { ComparisonOperator: 'BETWEEN', AttributeValueList: [n(6), n(9)] } } })).toBe(false);
    });

    it('combines with ConditionalOperator OR', async () => {
      expect(await passes({ v: n(5) }, {
        Expected: { v: { Value: n(1) }, w: { Exists: false } }, ConditionalOperator: 'OR',
      })).toBe(true);
    });

    it('rejects mixing Expected with ConditionExpression', async () => {
      await expectDynamoError(api().putItem({
        TableName: table, Item: { pk: s('c-mix') }, Expected: { v: { Exists: false } }, ConditionExpression: 'attribute_not_exists(v)',
      }), 'ValidationException',
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}');
    });
  });

  describe('expression validation', () => {
    const put = (extra: ApiInput) => api().putItem({ TableName: table, Item: { pk: s('c-invalid') }, ...extra });

    it('rejects ExpressionAttributeNames without an expression', async () => {
      await expectDynamoError(put({ ExpressionAttributeNames: { '#a': 'a' } }), 'ValidationException',
        'ExpressionAttributeNames can only be specified when using expressions');
    });

    it('rejects unused ExpressionAttributeValues and ExpressionAttributeNames', async () => {
      await expectDynamoError(put({ ConditionExpression: 'attribute_not_exists(a)', ExpressionAttributeValues: { ':x': n(1) } }),
        'ValidationException', 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}');
      await expectDynamoError(put({ ConditionExpression: 'attribute_not_exists(a)', ExpressionAttributeNames: { '#a': 'a' } }),
        'ValidationException', 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}');
    });

    it('rejects undefined placeholders', async () => {
      await expectDynamoError(put({ ConditionExpression: 'a = :x' }), 'ValidationException',
        'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x');
      await expectDynamoError(put({ ConditionExpression: 'attribute_exists(#x)' }), 'ValidationException',
        'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x');
    });

    it('rejects empty placeholder maps and malformed placeholder keys', async () => {
      await expectDynamoError(put({ ConditionExpression: 'attribute_not_exists(a)', ExpressionAttributeValues: {} }),
        'ValidationException', 'ExpressionAttributeValues must not be empty');
      await expectDynamoError(put({ ConditionExpression: 'attribute_not_exists(a)', ExpressionAttributeNames: {} }),
        'ValidationException', 'ExpressionAttributeNames must not be empty');
      await expectDynamoError(put({ ConditionExpression: 'attribute_not_exists(a)', ExpressionAttributeNames: { a: 'a' } }),
        'ValidationException', 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"');
    });

    it('rejects an empty expression', async () => {
      await expectDynamoError(put({ ConditionExpression: '' }), 'ValidationException', 'Invalid ConditionExpression: The expression can not be empty;');
    });

    it('rejects a reserved word used as a name', async () => {
      await expectDynamoError(put({ ConditionExpression: 'attribute_exists(status)' }), 'ValidationException',
        'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status');
    });

    it('rejects an unknown function, with function names case-sensitive', async () => {
      await expectDynamoError(put({ ConditionExpression: 'foo(a)' }), 'ValidationException', 'Invalid ConditionExpression: Invalid function name; function: foo');
      await expectDynamoError(put({ ConditionExpression: 'ATTRIBUTE_EXISTS(a)' }), 'ValidationException',
        'Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS');
    });

    it('rejects the wrong number of function operands', async () => {
      await expectDynamoError(put({ ConditionExpression: 'attribute_exists(a, b)' }), 'ValidationException',
        'Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2');
    });

    it('rejects redundant parentheses', async () => {
      await expectDynamoError(put({ ConditionExpression: '((a = :v))', ExpressionAttributeValues: { ':v': n(1) } }), 'ValidationException',
        'Invalid ConditionExpression: The expression has redundant parentheses;');
    });

    it('rejects an invalid attribute_type type name', async () => {
      await expectDynamoError(put({ ConditionExpression: 'attribute_type(a, :t)', ExpressionAttributeValues: { ':t': s('X') } }), 'ValidationException',
        'Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}');
    });

    it('rejects BETWEEN with lower bound above upper bound', async () => {
      await expectDynamoError(put({ ConditionExpression: 'a BETWEEN :hi AND :lo', ExpressionAttributeValues: { ':lo': n(1), ':hi': n(2) } }), 'ValidationException',
        /^Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; /);
    });

    it('rejects contains(a, a)', async () => {
      await expectDynamoError(put({ ConditionExpression: 'contains(a, a)' }), 'ValidationException',
        'Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]');
    });

    it('rejects a value where a function needs a document path', async () => {
      await expectDynamoError(put({ ConditionExpression: 'attribute_exists(:v)', ExpressionAttributeValues: { ':v': n(1) } }), 'ValidationException',
        /^Invalid ConditionExpression: Operator or function requires a document path/);
    });

    it('rejects syntax errors', async () => {
      await expectDynamoError(put({ ConditionExpression: 'a = = :v', ExpressionAttributeValues: { ':v': n(1) } }), 'ValidationException',
        /^Invalid ConditionExpression: Syntax error; token: /);
    });

    it('rejects an expression over 4 KB', async () => {
      const condition = Array.from({ length: 500 }, (_, i) => `attribute_not_exists(a${i})`).join(' AND ');
      expect(condition.length).toBeGreaterThan(4096);
      await expectDynamoError(put({ ConditionExpression: condition }), 'ValidationException');
    });

    it('rejects an IN list of more than 100 operands', async () => {
      const placeholders = Array.from({ length: 101 }, (_, i) => `:v${i}`);
      const values = Object.fromEntries(placeholders.map((p, i) => [p, n(i)]));
      await expectDynamoError(put({ ConditionExpression: `a IN (${placeholders.join(', ')})`, ExpressionAttributeValues: values }), 'ValidationException');
    });
  });
}
