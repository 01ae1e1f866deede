import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import { ValidationException } from '../../engine/model/errors.js';
import {
  compileCondition,
  compileProjection,
  compileUpdate,
  ExpressionContext,
} from '../../engine/expressions/index.js';

const values: Record<string, AttributeValue> = {
  ':n': { N: '1' },
  ':n2': { N: '2' },
  ':n10': { N: '10' },
  ':s': { S: 'x' },
  ':s2': { S: 'y' },
  ':b': { B: new Uint8Array([1]) },
  ':bool': { BOOL: true },
  ':null': { NULL: true },
  ':ss': { SS: ['a'] },
  ':ns': { NS: ['1'] },
  ':bs': { BS: [new Uint8Array([1])] },
  ':l': { L: [] },
  ':m': { M: {} },
  ':type': { S: 'SS' },
  ':badtype': { S: 'STRING' },
};
const names: Record<string, string> = { '#a': 'a', '#st': 'status', '#ab': 'a.b' };

function error(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationException);
    return (e as Error).message;
  }
  throw new Error('expected a ValidationException');
}

const condition = (text: string, kind: 'ConditionExpression' | 'FilterExpression' = 'ConditionExpression') =>
  error(() => compileCondition(text, kind, new ExpressionContext(names, values)));
const update = (text: string, keys: readonly string[] = []) => error(() => compileUpdate(text, new ExpressionContext(names, values), keys));
const projection = (text: string) => error(() => compileProjection(text, new ExpressionContext(names, values)));

const C = 'Invalid ConditionExpression: ';
const U = 'Invalid UpdateExpression: ';
const P = 'Invalid ProjectionExpression: ';

describe('condition checks', () => {
  it.each<[string, string]>([
    ['', 'The expression can not be empty;'],
    ['  \n', 'The expression can not be empty;'],
    ['((a = :n))', 'The expression has redundant parentheses;'],
    ['((a)) = :n', 'The expression has redundant parentheses;'],
    ['NOT ((attribute_exists(a)))', 'The expression has redundant parentheses;'],
    ['a = :n AND ((b = :n OR c = :n))', 'The expression has redundant parentheses;'],
    ['foo(a)', 'Invalid function name; function: foo'],
    ['if_not_exists(a, :n) = :n', 'Invalid function name; function: if_not_exists'],
    ['size(foo(a)) = :n', 'Invalid function name; function: foo'],
    ['size(a)', 'The function is not allowed to be used this way in an expression; function: size'],
    ['size(a) AND attribute_exists(b)', 'The function is not allowed to be used this way in an expression; function: size'],
    ['NOT size(a)', 'The function is not allowed to be used this way in an expression; function: size'],
    ['attribute_exists(a) = :n', 'The function is not allowed to be used this way in an expression; function: attribute_exists'],
    ['a IN (:n, contains(a, :s))', 'The function is not allowed to be used this way in an expression; function: contains'],
    ['begins_with(attribute_type(a, :s), :s)', 'The function is not allowed to be used this way in an expression; function: attribute_type'],
    ['status = :n', 'Attribute name is a reserved keyword; reserved keyword: status'],
    ['a.Size = :n', 'Attribute name is a reserved keyword; reserved keyword: Size'],
    ['a = :n AND b.data.c = :n AND status = :n', 'Attribute name is a reserved keyword; reserved keyword: data'],
    ['#x = :n', 'An expression attribute name used in the document path is not defined; attribute name: #x'],
    ['a = :x', 'An expression attribute value used in expression is not defined; attribute value: :x'],
    ['attribute_exists(a, b)', 'Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2'],
    ['begins_with(a)', 'Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1'],
    ['contains(a, :s, :s)', 'Incorrect number of operands for operator or function; operator or function: contains, number of operands: 3'],
    ['size(a, b) = :n', 'Incorrect number of operands for operator or function; operator or function: size, number of operands: 2'],
    ['contains(a, a)', 'The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]'],
    ['begins_with(#a.b[1], a.b[1])', 'The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [a, b, [1]]'],
    ['a.b = a.b', 'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a, b]'],
    ['#a = a', 'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]'],
    ['a IN (:n, a)', 'The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]'],
    ['a BETWEEN :n AND a', 'The first operand must be distinct from the remaining operands for this operator or function; operator: BETWEEN, first operand: [a]'],
    ['attribute_exists(:n)', 'Operator or function requires a document path; operator or function: attribute_exists'],
    ['attribute_not_exists(size(a))', 'Operator or function requires a document path; operator or function: attribute_not_exists'],
    ['contains(:s, a)', 'Operator or function requires a document path; operator or function: contains'],
    ['begins_with(:s, a)', 'Operator or function requires a document path; operator or function: begins_with'],
    ['size(:s) > :n', 'Operator or function requires a document path; operator or function: size'],
    ['size(:n) > :n', 'Incorrect operand type for operator or function; operator or function: size, operand type: N'],
    ['size(:bool) > :n', 'Incorrect operand type for operator or function; operator or function: size, operand type: BOOL'],
    ['size(size(a)) > :n', 'Incorrect operand type for operator or function; operator or function: size, operand type: N'],
    ['begins_with(a, :n)', 'Incorrect operand type for operator or function; operator or function: begins_with, operand type: N'],
    ['begins_with(a, :ss)', 'Incorrect operand type for operator or function; operator or function: begins_with, operand type: SS'],
    ['begins_with(a, size(b))', 'Incorrect operand type for operator or function; operator or function: begins_with, operand type: N'],
    ['attribute_type(a, :n)', 'Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N'],
    ['attribute_type(a, b)', 'Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}'],
    ['attribute_type(a, :badtype)', 'Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}'],
    ['attribute_type(:s, :type)', 'Operator or function requires a document path; operator or function: attribute_type'],
    ['a < :bool', 'Incorrect operand type for operator or function; operator or function: <, operand type: BOOL'],
    ['a <= :null', 'Incorrect operand type for operator or function; operator or function: <=, operand type: NULL'],
    [':ss > a', 'Incorrect operand type for operator or function; operator or function: >, operand type: SS'],
    ['size(a) >= :l', 'Incorrect operand type for operator or function; operator or function: >=, operand type: L'],
    ['a BETWEEN :m AND :n', 'Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: M'],
    ['a BETWEEN :n AND :s', 'The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}'],
    ['a BETWEEN :n10 AND :n2', 'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:2}'],
    ['a BETWEEN :s2 AND :s', 'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:y}, upper bound operand: AttributeValue: {S:x}'],
    [`a IN (${Array.from({ length: 101 }, () => ':n').join(', ')})`, 'The IN operator is provided with too many operands; number of operands: 101'],
    [`a${'.b'.repeat(33)} = :n`, 'The document path has too many nesting levels; nesting levels: 33'],
  ])('%s', (text, message) => {
    expect(condition(text)).toBe(C + message);
  });

  it('accepts what DynamoDB accepts at the edges', () => {
    const ok = (text: string) => compileCondition(text, 'ConditionExpression', new ExpressionContext(names, values));
    expect(() => ok(`a IN (${Array.from({ length: 100 }, () => ':n').join(', ')})`)).not.toThrow();
    expect(() => ok(`a${'.b'.repeat(32)} = :n`)).not.toThrow();
    expect(() => ok('a BETWEEN :n AND :n')).not.toThrow();
    expect(() => ok('a = :bool AND a <> :m')).not.toThrow(); // equality takes any type
    expect(() => ok('#st = :n')).not.toThrow(); // a placeholder avoids the reserved word
    expect(() => ok('(a) = :n AND (a.b).c = :n')).not.toThrow();
    expect(() => ok('contains(a, b) AND contains(a.b, a)')).not.toThrow();
    expect(() => ok('a BETWEEN :n AND b')).not.toThrow();
    expect(() => ok(`a = :n AND ${'x'.repeat(4096 - 16)} = :n`)).not.toThrow();
  });

  it('reports the first erroneous condition, by category within it', () => {
    // The first leaf with an error decides, even if a later leaf has a higher-ranked error.
    expect(condition('contains(a, a) AND b = :undefined')).toBe(C + 'The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]');
    expect(condition('b = :undefined AND contains(a, a)')).toBe(C + 'An expression attribute value used in expression is not defined; attribute value: :undefined');
    // Within one leaf: undefined placeholder > operand count > distinct > function.
    expect(condition('contains(a, :undefined, b)')).toBe(C + 'An expression attribute value used in expression is not defined; attribute value: :undefined');
    expect(condition('begins_with(:n, :n, :n)')).toBe(C + 'Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3');
    // Static categories outrank everything found at resolution: parentheses > function name > misuse > reserved.
    expect(condition('#undefined = :n AND status = :n')).toBe(C + 'Attribute name is a reserved keyword; reserved keyword: status');
    expect(condition('status = :n AND size(a)')).toBe(C + 'The function is not allowed to be used this way in an expression; function: size');
    expect(condition('size(a) AND foo(b)')).toBe(C + 'Invalid function name; function: foo');
    expect(condition('foo(b) AND ((a = :n))')).toBe(C + 'The expression has redundant parentheses;');
    // Syntax errors come first of all.
    expect(condition('((a = :n)) AND foo(b) AND')).toBe(C + 'Syntax error; token: "<EOF>", near: "AND"');
  });

  it('prefixes with the expression kind and reports the size of an over-long condition', () => {
    expect(condition('a = :zz', 'FilterExpression')).toBe('Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :zz');
    const long = `${'a'.repeat(4094)} = :n`;
    expect(condition(long)).toBe(`${C}Expression size has exceeded the maximum allowed size; expression size: ${long.length}`);
    expect(condition(long, 'FilterExpression')).toBe(`Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: ${long.length}`);
    const multibyte = `a = :n AND b = :n OR c${'é'.repeat(2040)} = :n`; // under 4096 characters, over 4096 bytes
    expect(condition(multibyte)).toMatch(/expression size: 41\d\d$/);
  });
});

describe('update checks', () => {
  it.each<[string, string]>([
    ['', 'The expression can not be empty;'],
    ['SET status = :n', 'Attribute name is a reserved keyword; reserved keyword: status'],
    ['SET a = foo(b, :n)', 'Invalid function name; function: foo'],
    ['SET a = size(b)', 'Invalid function name; function: size'],
    ['SET a = :n SET b = :n', 'The "SET" section can only be used once in an update expression;'],
    ['REMOVE a ADD b :n REMOVE c', 'The "REMOVE" section can only be used once in an update expression;'],
    ['SET #x = :n', 'An expression attribute name used in the document path is not defined; attribute name: #x'],
    ['SET a = :x', 'An expression attribute value used in expression is not defined; attribute value: :x'],
    ['SET a = :n, a = :n', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]'],
    ['SET a = :n REMOVE a.b', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]'],
    ['REMOVE a.b[1].c ADD a.b[1] :n', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b, [1], c], path two: [a, b, [1]]'],
    ['SET #a = :n, a.b = :n', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]'],
    ['SET a[1] = :n, a.b = :n', 'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]'],
    ['ADD a :s', 'Incorrect operand type for operator or function; operator: ADD, operand type: STRING'],
    ['ADD a :bool', 'Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN'],
    ['ADD a :l', 'Incorrect operand type for operator or function; operator: ADD, operand type: LIST'],
    ['DELETE a :n', 'Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER'],
    ['DELETE a :m', 'Incorrect operand type for operator or function; operator: DELETE, operand type: MAP'],
    ['SET a = if_not_exists(:n, b)', 'Operator or function requires a document path; operator or function: if_not_exists'],
    ['SET a = if_not_exists(b)', 'Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1'],
    ['SET a = list_append(b, :n, :l)', 'Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 3'],
    ['SET a = list_append(b, :s)', 'Incorrect operand type for operator or function; operator or function: list_append, operand type: S'],
    ['SET a = b + :s', 'Incorrect operand type for operator or function; operator or function: +, operand type: S'],
    ['SET a = :ss - b', 'Incorrect operand type for operator or function; operator or function: -, operand type: SS'],
    [`SET a${'[0]'.repeat(33)} = :n`, 'The document path has too many nesting levels; nesting levels: 33'],
  ])('%s', (text, message) => {
    expect(update(text)).toBe(U + message);
  });

  it('ranks categories: reserved > function name > section > names > values > overlap > conflict > operand > function', () => {
    expect(update('SET a = foo(b) SET status = :n')).toBe(U + 'Attribute name is a reserved keyword; reserved keyword: status');
    expect(update('SET a = foo(b) SET c = :n')).toBe(U + 'Invalid function name; function: foo');
    expect(update('SET #x = :x SET c = :n')).toBe(U + 'The "SET" section can only be used once in an update expression;');
    expect(update('SET a = :x, #x = :n')).toBe(U + 'An expression attribute name used in the document path is not defined; attribute name: #x');
    expect(update('SET a = :x, a = :n')).toBe(U + 'An expression attribute value used in expression is not defined; attribute value: :x');
    expect(update('SET a[1] = :n, a.b = :n, c = :n, c = :n')).toBe(U + 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c], path two: [c]');
    expect(update('SET a[1] = :n, a.b = :n ADD c :s')).toBe(U + 'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]');
    expect(update('SET #ab = :n, a.b = list_append(:n, c)')).toBe(U + 'Incorrect operand type for operator or function; operator or function: list_append, operand type: N');
    expect(update('SET b = list_append(:n, c) ADD a :s')).toBe(U + 'Incorrect operand type for operator or function; operator: ADD, operand type: STRING');
  });

  it('limits operators and functions to 300', () => {
    // 299 additions and one function call, or one more of either.
    const text = (additions: number) =>
      `SET ${Array.from({ length: additions }, (_, i) => `x${i}=y+:n`).join(',')},z=list_append(z,:l)`;
    expect(text(300).length).toBeLessThanOrEqual(4096);
    expect(() => compileUpdate(text(299), new ExpressionContext(undefined, { ':n': { N: '1' }, ':l': { L: [] } }), [])).not.toThrow();
    expect(update(text(300))).toBe(U + 'The expression contains too many operators; operator count: 301');
  });

  it('rejects actions on key attributes after the expression checks', () => {
    const key = (text: string) => update(text, ['pk', 'sk']);
    expect(key('SET pk = :n')).toBe('One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key');
    expect(key('REMOVE a, sk.x')).toBe('One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key');
    expect(key('ADD sk :n, pk :n')).toBe('One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key');
    expect(key('SET pk = :x')).toBe(U + 'An expression attribute value used in expression is not defined; attribute value: :x');
    expect(() => compileUpdate('SET a = pk', new ExpressionContext(undefined, undefined), ['pk'])).not.toThrow();
  });
});

describe('projection checks', () => {
  it.each<[string, string]>([
    ['', 'The expression can not be empty;'],
    ['a, status', 'Attribute name is a reserved keyword; reserved keyword: status'],
    ['a.#x', 'An expression attribute name used in the document path is not defined; attribute name: #x'],
    // Captured from DynamoDB (ExtendDB's conformance tests).
    ['a, a.b', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]'],
    ['a.b, a', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]'],
    ['a, a', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]'],
    ['alist[0], alist', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [alist, [0]], path two: [alist]'],
    ['#a, #a.b', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]'],
    ['x, a.b, a', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]'],
    ['a[0], a.b', 'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]'],
    [`${'a'.repeat(4097)}`, 'Expression size has exceeded the maximum allowed size;'],
  ])('%s', (text, message) => {
    expect(projection(text)).toBe(P + message);
  });

  it('accepts siblings and exactly 4096 bytes', () => {
    expect(compileProjection('a.b, a.c, b[0].c, b[1]', new ExpressionContext(undefined, undefined))).toHaveLength(4);
    expect(compileProjection('a'.repeat(4096), new ExpressionContext(undefined, undefined))).toHaveLength(1);
  });
});
