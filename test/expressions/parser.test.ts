import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import type { Condition, DocumentPath, Operand } from '../../engine/expressions/ast.js';
import {
  compileCondition,
  compileProjection,
  compileUpdate,
  ExpressionContext,
} from '../../engine/expressions/index.js';

const N = (n: string): AttributeValue => ({ N: n });
const S = (s: string): AttributeValue => ({ S: s });

function path(...elements: (string | number)[]): DocumentPath {
  return {
    type: 'path',
    elements: elements.map((e) => (typeof e === 'number' ? { type: 'index', index: e } : { type: 'name', name: e })),
  };
}

function lit(value: AttributeValue): Operand {
  return { type: 'literal', value };
}

const values: Record<string, AttributeValue> = { ':a': N('1'), ':b': N('2'), ':c': N('3'), ':s': S('x'), ':t': S('S') };
const names: Record<string, string> = { '#n': 'name', '#k': 'a.b', '#s': 'status' };

function condition(text: string): Condition {
  return compileCondition(text, 'ConditionExpression', new ExpressionContext(names, values));
}

function conditionError(text: string, n: Record<string, string> | undefined = names, v: Record<string, AttributeValue> | undefined = values): string {
  try {
    compileCondition(text, 'ConditionExpression', new ExpressionContext(n, v));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${text} to be rejected`);
}

const a = path('a');
const b = path('b');
const c = path('c');

describe('condition grammar', () => {
  it.each<[string, Condition]>([
    ['a = :a', { type: 'compare', op: '=', left: a, right: lit(N('1')) }],
    ['a <> :a', { type: 'compare', op: '<>', left: a, right: lit(N('1')) }],
    ['a < :a', { type: 'compare', op: '<', left: a, right: lit(N('1')) }],
    ['a <= :a', { type: 'compare', op: '<=', left: a, right: lit(N('1')) }],
    ['a > :a', { type: 'compare', op: '>', left: a, right: lit(N('1')) }],
    ['a >= :a', { type: 'compare', op: '>=', left: a, right: lit(N('1')) }],
    [':a < a', { type: 'compare', op: '<', left: lit(N('1')), right: a }],
    ['a=b', { type: 'compare', op: '=', left: a, right: b }],
    ['a BETWEEN :a AND :b', { type: 'between', operand: a, lower: lit(N('1')), upper: lit(N('2')) }],
    ['a between :a and :b', { type: 'between', operand: a, lower: lit(N('1')), upper: lit(N('2')) }],
    ['a IN (:a)', { type: 'in', operand: a, list: [lit(N('1'))] }],
    ['a in (:a, b, :c)', { type: 'in', operand: a, list: [lit(N('1')), b, lit(N('3'))] }],
    ['attribute_exists(a)', { type: 'attributeExists', path: a }],
    ['attribute_not_exists(#n)', { type: 'attributeNotExists', path: path('name') }],
    ['attribute_type(a, :t)', { type: 'attributeType', path: a, attributeType: lit(S('S')) }],
    ['begins_with(a, :s)', { type: 'beginsWith', path: a, prefix: lit(S('x')) }],
    ['contains(a, :s)', { type: 'contains', path: a, operand: lit(S('x')) }],
    ['size(a) > :a', { type: 'compare', op: '>', left: { type: 'size', path: a }, right: lit(N('1')) }],
    ['#k.b[3][0].#s = :a', { type: 'compare', op: '=', left: path('a.b', 'b', 3, 0, 'status'), right: lit(N('1')) }],
    ['(a) = :a', { type: 'compare', op: '=', left: a, right: lit(N('1')) }],
    ['(a.b).c = :a', { type: 'compare', op: '=', left: path('a', 'b', 'c'), right: lit(N('1')) }],
    ['( a = :a )', { type: 'compare', op: '=', left: a, right: lit(N('1')) }],
    ['NOT a = :a', { type: 'not', condition: { type: 'compare', op: '=', left: a, right: lit(N('1')) } }],
    ['not not attribute_exists(a)', { type: 'not', condition: { type: 'not', condition: { type: 'attributeExists', path: a } } }],
    ['a\t=\r\n:a', { type: 'compare', op: '=', left: a, right: lit(N('1')) }],
  ])('%s', (text, expected) => {
    expect(condition(text)).toEqual(expected);
  });

  const ea: Condition = { type: 'attributeExists', path: a };
  const eb: Condition = { type: 'attributeExists', path: b };
  const ec: Condition = { type: 'attributeExists', path: c };
  it.each<[string, Condition]>([
    // AND binds tighter than OR; both associate to the left.
    ['attribute_exists(a) OR attribute_exists(b) AND attribute_exists(c)', { type: 'or', left: ea, right: { type: 'and', left: eb, right: ec } }],
    ['attribute_exists(a) AND attribute_exists(b) OR attribute_exists(c)', { type: 'or', left: { type: 'and', left: ea, right: eb }, right: ec }],
    ['attribute_exists(a) AND attribute_exists(b) AND attribute_exists(c)', { type: 'and', left: { type: 'and', left: ea, right: eb }, right: ec }],
    ['attribute_exists(a) AND (attribute_exists(b) OR attribute_exists(c))', { type: 'and', left: ea, right: { type: 'or', left: eb, right: ec } }],
    // NOT binds tighter than AND.
    ['NOT attribute_exists(a) AND attribute_exists(b)', { type: 'and', left: { type: 'not', condition: ea }, right: eb }],
    ['NOT (attribute_exists(a) AND attribute_exists(b))', { type: 'not', condition: { type: 'and', left: ea, right: eb } }],
    // BETWEEN's AND is part of the BETWEEN.
    [
      'a BETWEEN :a AND :b AND attribute_exists(b)',
      { type: 'and', left: { type: 'between', operand: a, lower: lit(N('1')), upper: lit(N('2')) }, right: eb },
    ],
  ])('precedence: %s', (text, expected) => {
    expect(condition(text)).toEqual(expected);
  });

  it('keywords are case-insensitive, function names are not', () => {
    expect(condition('attribute_exists(a) aNd attribute_exists(b)')).toEqual({ type: 'and', left: { type: 'attributeExists', path: a }, right: { type: 'attributeExists', path: b } });
    expect(conditionError('Attribute_Exists(a)')).toBe('Invalid ConditionExpression: Invalid function name; function: Attribute_Exists');
  });

  it.each<[string, string, string]>([
    // Captured from DynamoDB: the token and the text from the previous token to the next one.
    ['attribute_type()', ')', '()'],
    ['a = ', '<EOF>', '= '],
    ['a = :a b', 'b', ':a b'],
    ['a = :a AND', '<EOF>', 'AND'],
    ['a == :a', '=', '== :a'],
    ['a = = :a', '=', '= = :a'],
    ['a IN ()', ')', '()'],
    ['a = 1', '1', '= 1'],
    ['_a = :a', '_', '_a'],
    ['a = :', ':', '= :'],
    ['#', '#', '#'],
    ['a.', '<EOF>', '.'],
    ['a[b] = :a', 'b', '[b]'],
    ['a = :a)', ')', ':a)'],
    ['(a = :a', '<EOF>', ':a'],
    ['a BETWEEN :a', '<EOF>', ':a'],
    ['a BETWEEN :a OR :b', 'OR', ':a OR :b'],
    ['AND = :a', 'AND', 'AND ='],
    ['a ! :a', '!', 'a ! :a'],
    ['a = :a and and b = :b', 'and', 'and and b'],
    ['attribute_exists(a', '<EOF>', 'a'],
    ['size(a)(b) = :a', '(', ')(b'],
    ['a = :a NOT b', 'NOT', ':a NOT b'],
  ])('syntax error %s → token %s near %s', (text, token, near) => {
    expect(conditionError(text)).toBe(`Invalid ConditionExpression: Syntax error; token: "${token}", near: "${near}"`);
  });
});

describe('update grammar', () => {
  const update = (text: string, keys: readonly string[] = []) => compileUpdate(text, new ExpressionContext(names, values), keys);

  it('parses all four clauses in any order, keywords case-insensitive', () => {
    const mixed = compileUpdate('remove c add d :a set a = :a, b = :b Delete e :ss', new ExpressionContext(undefined, { ...values, ':ss': { SS: ['x'] } }), []);
    expect(mixed).toEqual({
      set: [
        { path: a, value: lit(N('1')) },
        { path: b, value: lit(N('2')) },
      ],
      remove: [c],
      add: [{ path: path('d'), value: lit(N('1')) }],
      delete: [{ path: path('e'), value: lit({ SS: ['x'] }) }],
    });
    const u = compileUpdate(
      'REMOVE c, d[1] SET a = :a, b = a + :b, e = if_not_exists(e, :a) - :c, f = list_append(f, :l), g = (a)',
      new ExpressionContext(undefined, { ':a': N('1'), ':b': N('2'), ':c': N('3'), ':l': { L: [] } }),
      [],
    );
    expect(u.remove).toEqual([c, path('d', 1)]);
    expect(u.set.map((x) => x.value)).toEqual([
      lit(N('1')),
      { type: 'arithmetic', op: '+', left: a, right: lit(N('2')) },
      { type: 'arithmetic', op: '-', left: { type: 'ifNotExists', path: path('e'), fallback: lit(N('1')) }, right: lit(N('3')) },
      { type: 'listAppend', first: path('f'), second: lit({ L: [] }) },
      a,
    ]);
    expect(u.add).toEqual([]);
    expect(u.delete).toEqual([]);
  });

  it('accepts a parenthesized value and parenthesized operands', () => {
    const u = update('SET a = (b + :a), c = (b) - (:a)');
    expect(u.set[0]!.value).toEqual({ type: 'arithmetic', op: '+', left: b, right: lit(N('1')) });
    expect(u.set[1]!.value).toEqual({ type: 'arithmetic', op: '-', left: b, right: lit(N('1')) });
  });

  it.each<[string, string, string]>([
    ['SET', '<EOF>', 'SET'],
    ['SET a = ', '<EOF>', '= '],
    ['SET a = :a + :b + :c', '+', ':b + :c'],
    ['INVALID SYNTAX HERE', 'INVALID', 'INVALID SYNTAX'],
    ['ADD hits : incr', ':', 'hits : incr'],
    ['SET _123 = :a', '_', 'SET _123'],
    ['SET a = :a,', '<EOF>', ','],
    ['SET a :a', ':a', 'a :a'],
    ['ADD a b', 'b', 'a b'],
    ['REMOVE a = :a', '=', 'a = :a'],
    ['SET a = :a, #, b = :b', '#', ', #,'],
    ['SET set = :a', 'set', 'SET set ='],
  ])('syntax error %s → token %s near %s', (text, token, near) => {
    expect(() => update(text)).toThrow(`Invalid UpdateExpression: Syntax error; token: "${token}", near: "${near}"`);
  });
});

describe('projection grammar', () => {
  const projection = (text: string) => compileProjection(text, new ExpressionContext(names, undefined));

  it('parses paths with names, placeholders and indexes', () => {
    expect(projection('a, #n.b[2], c[0][1]')).toEqual([a, path('name', 'b', 2), path('c', 0, 1)]);
    expect(projection('_x'.slice(1))).toEqual([path('x')]);
  });

  // dynalite's list of ProjectionExpression syntax errors (its tests ran against DynamoDB).
  it.each(['whatever(stuff)', ':a', 'abort,', 'a,,b', 'a..b', 'a[b]', '(a.b).c', '(a)', '(a),(b)', '(a,b)', 'a-b'])('%s is a syntax error', (text) => {
    expect(() => projection(text)).toThrow(/^Invalid ProjectionExpression: Syntax error; token: /);
  });
});
