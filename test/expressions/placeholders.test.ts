import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import { ValidationException } from '../../engine/model/errors.js';
import { compileCondition, compileProjection, compileUpdate, ExpressionContext } from '../../engine/expressions/index.js';

function construct(names: Record<string, string> | undefined, values: Record<string, AttributeValue> | undefined): string {
  try {
    new ExpressionContext(names, values);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationException);
    return (e as Error).message;
  }
  throw new Error('expected the maps to be rejected');
}

describe('ExpressionContext construction', () => {
  it.each<[Record<string, string> | undefined, Record<string, AttributeValue> | undefined, string]>([
    [{}, undefined, 'ExpressionAttributeNames must not be empty'],
    [undefined, {}, 'ExpressionAttributeValues must not be empty'],
    [{ a: 'a' }, undefined, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'],
    [{ '#': 'foo' }, undefined, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"'],
    [{ '#a-b': 'foo' }, undefined, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'],
    [{ '#ok': 'x', ':v': 'x' }, undefined, 'ExpressionAttributeNames contains invalid key: Syntax error; key: ":v"'],
    [{ ['#' + 'a'.repeat(255)]: 'foo' }, undefined, 'ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256'],
    // Length is checked before syntax.
    [{ ['#' + 'a'.repeat(255) + '-x']: 'foo' }, undefined, 'ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 258'],
    [{ '#a': '' }, undefined, 'ExpressionAttributeNames contains invalid value: Empty attribute name for key #a'],
    [undefined, { loc: { S: 'x' } }, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "loc"'],
    [undefined, { ':': { S: 'x' } }, 'ExpressionAttributeValues contains invalid key: Syntax error; key: ":"'],
    [undefined, { [':' + 'a'.repeat(255)]: { S: 'x' } }, 'ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;'],
    // Keys are all checked before any value.
    [undefined, { ':v': {} as AttributeValue, b: { S: 'a' } }, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"'],
    [
      undefined,
      { ':v': {} as AttributeValue },
      'ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :v',
    ],
    [{ '#a': 'x'.repeat(1024 * 1024) }, { ':v': { S: 'y'.repeat(1024 * 1024) } }, 'ExpressionAttributeNames and ExpressionAttributeValues exceed the maximum allowed size of 2097152 bytes; size: 2097156'],
  ])('map case %#', (names, values, message) => {
    expect(construct(names, values)).toBe(message);
  });

  it('accepts valid maps, empty string values, and a 255-byte key', () => {
    expect(() => new ExpressionContext({ '#a_1': 'foo', ['#' + 'b'.repeat(254)]: 'bar' }, { ':v': { S: '' }, ':_0': { N: '1' } })).not.toThrow();
    expect(() => new ExpressionContext(undefined, undefined)).not.toThrow();
  });
});

describe('placeholder use', () => {
  it('substitutes a name as one path element and normalises values', () => {
    const context = new ExpressionContext({ '#k': 'a.b' }, { ':v': { N: '01.50' } });
    expect(compileCondition('#k = :v', 'ConditionExpression', context)).toEqual({
      type: 'compare',
      op: '=',
      left: { type: 'path', elements: [{ type: 'name', name: 'a.b' }] },
      right: { type: 'literal', value: { N: '1.5' } },
    });
  });

  it('reports unused names, then unused values, listing keys in map order', () => {
    const context = new ExpressionContext({ '#b': 'b', '#a': 'a', '#c': 'c' }, { ':x': { S: 'x' }, ':y': { S: 'y' } });
    compileCondition('#a = :x', 'ConditionExpression', context);
    expect(() => context.assertAllUsed()).toThrow('Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}');
    compileProjection('#b, #c', context);
    expect(() => context.assertAllUsed()).toThrow('Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}');
    compileUpdate('SET z = :y', context, []);
    expect(() => context.assertAllUsed()).not.toThrow();
  });

  it('tracks use across every expression of the request, whether or not the tree came from the cache', () => {
    for (let round = 0; round < 2; round++) {
      const context = new ExpressionContext({ '#a': 'a' }, { ':v': { N: '1' } });
      compileCondition('attribute_exists(#a)', 'ConditionExpression', context);
      compileUpdate('SET b = :v', context, []);
      expect(() => context.assertAllUsed()).not.toThrow();
    }
  });

  it('rejects values in a projection as a syntax error', () => {
    expect(() => compileProjection('a, :v', new ExpressionContext(undefined, { ':v': { S: 'x' } }))).toThrow(
      'Invalid ProjectionExpression: Syntax error; token: ":v", near: ", :v"',
    );
  });
});
