import { beforeEach, describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import { ValidationException } from '../../engine/model/errors.js';
import { ParseCache } from '../../engine/expressions/parse-cache.js';
import {
  compileCondition,
  compileKeyCondition,
  compileUpdate,
  ExpressionContext,
  parseCache,
  type KeyCondition,
  type KeySchemaNames,
} from '../../engine/expressions/index.js';

const values: Record<string, AttributeValue> = {
  ':p': { S: 'p1' },
  ':s': { S: 's1' },
  ':t': { S: 't1' },
  ':n': { N: '5' },
  ':m': { N: '7' },
};
const composite: KeySchemaNames = { partitionKey: 'pk', sortKey: 'sk' };
const simple: KeySchemaNames = { partitionKey: 'pk' };

function key(text: string, schema: KeySchemaNames = composite, names?: Record<string, string>): KeyCondition {
  return compileKeyCondition(text, new ExpressionContext(names, values), schema);
}

function keyError(text: string, schema: KeySchemaNames = composite, names?: Record<string, string>): string {
  try {
    key(text, schema, names);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationException);
    return (e as Error).message;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('compileKeyCondition', () => {
  it.each<[string, KeyCondition]>([
    ['pk = :p', { partitionKey: { name: 'pk', value: { S: 'p1' } } }],
    [':p = pk', { partitionKey: { name: 'pk', value: { S: 'p1' } } }],
    ['pk = :p AND sk = :s', { partitionKey: { name: 'pk', value: { S: 'p1' } }, sortKey: { name: 'sk', op: '=', value: { S: 's1' } } }],
    ['sk < :s AND pk = :p', { partitionKey: { name: 'pk', value: { S: 'p1' } }, sortKey: { name: 'sk', op: '<', value: { S: 's1' } } }],
    ['pk = :p AND :s < sk', { partitionKey: { name: 'pk', value: { S: 'p1' } }, sortKey: { name: 'sk', op: '>', value: { S: 's1' } } }],
    ['pk = :p AND :s >= sk', { partitionKey: { name: 'pk', value: { S: 'p1' } }, sortKey: { name: 'sk', op: '<=', value: { S: 's1' } } }],
    ['pk = :p AND sk BETWEEN :s AND :t', { partitionKey: { name: 'pk', value: { S: 'p1' } }, sortKey: { name: 'sk', op: 'between', lower: { S: 's1' }, upper: { S: 't1' } } }],
    ['pk = :p AND begins_with(sk, :s)', { partitionKey: { name: 'pk', value: { S: 'p1' } }, sortKey: { name: 'sk', op: 'beginsWith', prefix: { S: 's1' } } }],
    ['(pk = :p) and (sk > :s)', { partitionKey: { name: 'pk', value: { S: 'p1' } }, sortKey: { name: 'sk', op: '>', value: { S: 's1' } } }],
  ])('%s', (text, expected) => {
    expect(key(text)).toEqual(expected);
  });

  it('resolves names through placeholders', () => {
    expect(key('#p = :p AND #s <= :n', composite, { '#p': 'pk', '#s': 'sk' })).toEqual({
      partitionKey: { name: 'pk', value: { S: 'p1' } },
      sortKey: { name: 'sk', op: '<=', value: { N: '5' } },
    });
  });

  const K = 'Invalid KeyConditionExpression: ';
  it.each<[string, string, KeySchemaNames?]>([
    ['pk = :p OR sk = :s', 'Invalid operator used in KeyConditionExpression: OR'],
    ['NOT pk = :p', 'Invalid operator used in KeyConditionExpression: NOT'],
    ['pk IN (:p)', 'Invalid operator used in KeyConditionExpression: IN'],
    ['pk <> :p', 'Invalid operator used in KeyConditionExpression: <>'],
    ['pk = :p AND attribute_exists(sk)', 'Invalid operator used in KeyConditionExpression: attribute_exists'],
    ['pk = :p AND contains(sk, :s)', 'Invalid operator used in KeyConditionExpression: contains'],
    ['pk = :p AND size(sk) > :n', 'KeyConditionExpressions cannot contain nested operations'],
    ['pk = :p AND :s BETWEEN sk AND :t', 'Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand'],
    ['pk = :p AND begins_with(:s, sk)', K + 'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand'],
    ['pk = sk', 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition'],
    ['pk.x = :p', 'KeyConditionExpressions cannot have conditions on nested attributes'],
    ['pk = :p AND sk[0] = :s', 'KeyConditionExpressions cannot have conditions on nested attributes'],
    ['foo.bar = :p', 'KeyConditionExpressions cannot have conditions on nested attributes'],
    [':p = :s', 'Invalid condition in KeyConditionExpression: No key attribute specified'],
    ['pk = :p AND pk = :s', 'KeyConditionExpressions must only contain one condition per key'],
    ['pk = :p AND sk > :s AND sk < :t', 'KeyConditionExpressions must only contain one condition per key'],
    ['data.foo = :p', K + 'Attribute name is a reserved keyword; reserved keyword: data'],
    ['pk = :x', K + 'An expression attribute value used in expression is not defined; attribute value: :x'],
    ['pk = :p AND sk BETWEEN :t AND :s', K + 'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:t1}, upper bound operand: AttributeValue: {S:s1}'],
    ['foo = :p', 'Query condition missed key schema element: pk'],
    ['sk = :s', 'Query condition missed key schema element: pk'],
    ['pk = :p AND foo = :s', 'Query condition missed key schema element: sk'],
    ['pk > :p', 'Query key condition not supported'],
    ['begins_with(pk, :p)', 'Query key condition not supported'],
    ['pk = :p AND sk = :s AND foo = :t', 'Query key condition not supported'],
    ['pk = :p AND foo = :s', 'Query key condition not supported', simple],
    ['pk = :p AND sk = :s', 'Query key condition not supported', simple],
  ])('%s', (text, message, schema = composite) => {
    expect(keyError(text, schema)).toBe(message);
  });
});

describe('parse cache', () => {
  beforeEach(() => parseCache.clear());

  it('parses a text once and resolves it per request', () => {
    const text = 'attribute_exists(#a) AND b = :v';
    const first = compileCondition(text, 'ConditionExpression', new ExpressionContext({ '#a': 'x' }, { ':v': { N: '1' } }));
    const second = compileCondition(text, 'FilterExpression', new ExpressionContext({ '#a': 'y' }, { ':v': { N: '2' } }));
    expect(parseCache.misses).toBe(1);
    expect(parseCache.hits).toBe(1);
    expect(first).not.toEqual(second);
    expect(second).toEqual({
      type: 'and',
      left: { type: 'attributeExists', path: { type: 'path', elements: [{ type: 'name', name: 'y' }] } },
      right: { type: 'compare', op: '=', left: { type: 'path', elements: [{ type: 'name', name: 'b' }] }, right: { type: 'literal', value: { N: '2' } } },
    });
  });

  it('keeps grammars apart and never caches failures', () => {
    const context = () => new ExpressionContext(undefined, { ':v': { N: '1' } });
    expect(() => compileCondition('SET a = :v', 'ConditionExpression', context())).toThrow(ValidationException);
    expect(parseCache.size).toBe(0);
    compileUpdate('SET a = :v', context(), []);
    expect(parseCache.size).toBe(1);
    expect(() => compileCondition('status = :v', 'ConditionExpression', context())).toThrow('reserved keyword: status');
    expect(() => compileCondition('status = :v', 'ConditionExpression', context())).toThrow('reserved keyword: status');
    expect(parseCache.size).toBe(1);
    // A cached tree still gets every request's own checks.
    expect(() => compileUpdate('SET a = :v', new ExpressionContext(undefined, { ':v': { N: '1' } }), ['a'])).toThrow('Cannot update attribute a');
    expect(() => compileUpdate('SET a = :v', new ExpressionContext(undefined, { ':w': { N: '1' } }), [])).toThrow('attribute value: :v');
  });

  it('evicts the least recently used entry at its bound', () => {
    const cache = new ParseCache(2);
    const entry = (name: string) => ({ grammar: 'projection' as const, tree: [{ kind: 'path' as const, elements: [{ kind: 'name' as const, name }] }] });
    cache.set('a', entry('a'));
    cache.set('b', entry('b'));
    expect(cache.get('projection', 'a')).toBeDefined(); // a is now the most recent
    cache.set('c', entry('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('projection', 'b')).toBeUndefined();
    expect(cache.get('projection', 'a')).toBeDefined();
    expect(cache.get('projection', 'c')).toBeDefined();
    expect(cache.get('condition', 'a')).toBeUndefined();
    expect(() => new ParseCache(0)).toThrow();
  });

  it('stays within its bound under many distinct texts', () => {
    for (let i = 0; i < parseCache.capacity + 10; i++) {
      compileCondition(`attribute_exists(a${i})`, 'ConditionExpression', new ExpressionContext(undefined, undefined));
    }
    expect(parseCache.size).toBe(parseCache.capacity);
  });
});
