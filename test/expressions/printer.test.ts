import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition, DocumentPath } from '../../engine/expressions/ast.js';
import {
  compileCondition,
  compileProjection,
  compileUpdate,
  ExpressionContext,
  printCondition,
  printProjection,
  printUpdate,
} from '../../engine/expressions/index.js';
import { conditionArbitrary, projectionArbitrary, updateArbitrary } from './arbitraries.js';

function path(...names: string[]): DocumentPath {
  return { type: 'path', elements: names.map((name) => ({ type: 'name', name })) };
}

describe('printer', () => {
  it('writes plain names where legal and placeholders otherwise', () => {
    const printed = printProjection([path('a', 'status'), path('my-attr'), path('x', 'my-attr'), path('1st')]);
    expect(printed.text).toBe('a.#n0, #n1, x.#n1, #n2');
    expect(printed.names).toEqual({ '#n0': 'status', '#n1': 'my-attr', '#n2': '1st' });
    expect(printed.values).toBeUndefined();
  });

  it('parenthesizes only where precedence needs it', () => {
    const e = (name: string): Condition => ({ type: 'attributeExists', path: path(name) });
    const or = (l: Condition, r: Condition): Condition => ({ type: 'or', left: l, right: r });
    const and = (l: Condition, r: Condition): Condition => ({ type: 'and', left: l, right: r });
    const not = (x: Condition): Condition => ({ type: 'not', condition: x });
    expect(printCondition(or(or(e('a'), e('b')), e('c'))).text).toBe('attribute_exists(a) OR attribute_exists(b) OR attribute_exists(c)');
    expect(printCondition(or(e('a'), or(e('b'), e('c')))).text).toBe('attribute_exists(a) OR (attribute_exists(b) OR attribute_exists(c))');
    expect(printCondition(and(or(e('a'), e('b')), e('c'))).text).toBe('(attribute_exists(a) OR attribute_exists(b)) AND attribute_exists(c)');
    expect(printCondition(or(and(e('a'), e('b')), e('c'))).text).toBe('attribute_exists(a) AND attribute_exists(b) OR attribute_exists(c)');
    expect(printCondition(not(and(e('a'), e('b')))).text).toBe('NOT (attribute_exists(a) AND attribute_exists(b))');
    expect(printCondition(not(not(e('a')))).text).toBe('NOT NOT attribute_exists(a)');
  });

  it('prints updates clause by clause', () => {
    const printed = printUpdate({
      set: [{ path: path('a'), value: { type: 'arithmetic', op: '+', left: path('a'), right: { type: 'literal', value: { N: '1' } } } }],
      remove: [path('b')],
      add: [{ path: path('c'), value: { type: 'literal', value: { N: '2' } } }],
      delete: [{ path: path('d'), value: { type: 'literal', value: { SS: ['x'] } } }],
    });
    expect(printed.text).toBe('SET a = a + :v0 REMOVE b ADD c :v1 DELETE d :v2');
  });
});

describe('print then compile round-trips', () => {
  it('conditions', () => {
    fc.assert(
      fc.property(conditionArbitrary, (condition) => {
        const printed = printCondition(condition);
        const context = new ExpressionContext(printed.names, printed.values);
        expect(compileCondition(printed.text, 'ConditionExpression', context)).toEqual(condition);
        context.assertAllUsed();
      }),
      { numRuns: 500 },
    );
  });

  it('updates', () => {
    fc.assert(
      fc.property(updateArbitrary, (update) => {
        const printed = printUpdate(update);
        const context = new ExpressionContext(printed.names, printed.values);
        expect(compileUpdate(printed.text, context, [])).toEqual(update);
        context.assertAllUsed();
      }),
      { numRuns: 500 },
    );
  });

  it('projections', () => {
    fc.assert(
      fc.property(projectionArbitrary, (projection) => {
        const printed = printProjection(projection);
        const context = new ExpressionContext(printed.names, printed.values);
        expect(compileProjection(printed.text, context)).toEqual(projection);
        context.assertAllUsed();
      }),
      { numRuns: 500 },
    );
  });

  it('printing is stable: a compiled print prints the same text', () => {
    fc.assert(
      fc.property(conditionArbitrary, (condition) => {
        const printed = printCondition(condition);
        const again = printCondition(compileCondition(printed.text, 'FilterExpression', new ExpressionContext(printed.names, printed.values)));
        expect(again.text).toBe(printed.text);
      }),
      { numRuns: 200 },
    );
  });
});
