import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../engine/expressions/ast.js';
import { evaluateCondition } from '../../engine/expressions/evaluate.js';
import type { Item } from '../../engine/model/attribute-value.js';
import { conditionArbitrary } from './arbitraries.js';
import { conditionArb, itemArb, scalarArb, valueArb } from './eval-arbitraries.js';
import { B, L, N, P, S, cmp, size } from './eval-helpers.js';
import { referenceEvaluate } from './reference-evaluator.js';

const item: Item = {
  s: S('hello'),
  n: N('10'),
  dec: N('1.5'),
  neg: N('-3'),
  b: B(1, 2, 3),
  t: { BOOL: true },
  nul: { NULL: true },
  ss: { SS: ['x', 'y'] },
  ns: { NS: ['1', '2.5'] },
  bs: { BS: [Uint8Array.of(1), Uint8Array.of(2, 3)] },
  l: { L: [S('x'), N('1'), { M: { k: S('v') } }] },
  m: { M: { k: S('v'), inner: { M: { deep: N('5') } } } },
  uni: S('é𝄞'),
  empty: S(''),
  emptyList: { L: [] },
  emptyMap: { M: {} },
};

const cases: [string, Condition, boolean][] = [
  // = and <>
  ['= same string', cmp(P('s'), '=', L(S('hello'))), true],
  ['= different string', cmp(P('s'), '=', L(S('hell'))), false],
  ['= numbers compare numerically', cmp(P('n'), '=', L(N('10'))), true],
  ['= type mismatch N vs S', cmp(P('n'), '=', L(S('10'))), false],
  ['= missing attribute', cmp(P('zz'), '=', L(S('x'))), false],
  ['= both missing', cmp(P('zz'), '=', P('yy')), false],
  ['= binary', cmp(P('b'), '=', L(B(1, 2, 3))), true],
  ['= BOOL', cmp(P('t'), '=', L({ BOOL: true })), true],
  ['= NULL', cmp(P('nul'), '=', L({ NULL: true })), true],
  ['= set unordered', cmp(P('ss'), '=', L({ SS: ['y', 'x'] })), true],
  ['= set different size', cmp(P('ss'), '=', L({ SS: ['x'] })), false],
  ['= NS unordered', cmp(P('ns'), '=', L({ NS: ['2.5', '1'] })), true],
  ['= BS unordered', cmp(P('bs'), '=', L({ BS: [Uint8Array.of(2, 3), Uint8Array.of(1)] })), true],
  ['= list deep', cmp(P('l'), '=', L({ L: [S('x'), N('1'), { M: { k: S('v') } }] })), true],
  ['= list order matters', cmp(P('l'), '=', L({ L: [N('1'), S('x'), { M: { k: S('v') } }] })), false],
  ['= map deep', cmp(P('m.inner'), '=', L({ M: { deep: N('5') } })), true],
  ['= map with extra member', cmp(P('m.inner'), '=', L({ M: { deep: N('5'), x: N('1') } })), false],
  ['= two paths', cmp(P('m.inner.deep'), '=', L(N('5'))), true],
  ['<> same value', cmp(P('s'), '<>', L(S('hello'))), false],
  ['<> different value', cmp(P('s'), '<>', L(S('x'))), true],
  ['<> type difference', cmp(P('n'), '<>', L(S('10'))), true],
  ['<> missing attribute', cmp(P('zz'), '<>', L(S('x'))), true],
  // ordering
  ['< numbers', cmp(P('dec'), '<', L(N('2'))), true],
  ['< numbers not lexicographic', cmp(P('n'), '<', L(N('9'))), false],
  ['<= equal', cmp(P('n'), '<=', L(N('10'))), true],
  ['> negative', cmp(P('neg'), '>', L(N('-4'))), true],
  ['>= strings', cmp(P('s'), '>=', L(S('hello'))), true],
  ['< strings by UTF-8 bytes (U+FFFD < 𝄞)', cmp(L(S('\uFFFD')), '<', L(S('𝄞'))), true],
  ['< strings: "a" > "A"', cmp(L(S('A')), '<', L(S('a'))), true],
  ['< binary unsigned', cmp(P('b'), '<', L(B(255))), true],
  ['< type mismatch is false', cmp(P('n'), '<', L(S('z'))), false],
  ['> type mismatch is false', cmp(P('n'), '>', L(S('z'))), false],
  ['< missing is false', cmp(P('zz'), '<', L(N('1'))), false],
  ['< on BOOL is false', cmp(P('t'), '<', L({ BOOL: true })), false],
  ['<= on sets is false', cmp(P('ss'), '<=', L({ SS: ['x', 'y'] })), false],
  // BETWEEN
  ['BETWEEN inclusive low', { type: 'between', operand: P('n'), lower: L(N('10')), upper: L(N('20')) }, true],
  ['BETWEEN inclusive high', { type: 'between', operand: P('n'), lower: L(N('1')), upper: L(N('10')) }, true],
  ['BETWEEN outside', { type: 'between', operand: P('n'), lower: L(N('11')), upper: L(N('20')) }, false],
  ['BETWEEN strings', { type: 'between', operand: P('s'), lower: L(S('a')), upper: L(S('i')) }, true],
  ['BETWEEN type mismatch', { type: 'between', operand: P('s'), lower: L(N('1')), upper: L(N('2')) }, false],
  ['BETWEEN missing', { type: 'between', operand: P('zz'), lower: L(N('1')), upper: L(N('2')) }, false],
  ['BETWEEN lower > upper is false', { type: 'between', operand: P('n'), lower: L(N('20')), upper: L(N('1')) }, false],
  // IN
  ['IN hit', { type: 'in', operand: P('n'), list: [L(N('1')), L(N('10'))] }, true],
  ['IN miss', { type: 'in', operand: P('n'), list: [L(N('1')), L(S('10'))] }, false],
  ['IN missing attribute', { type: 'in', operand: P('zz'), list: [L(N('1'))] }, false],
  ['IN with path candidates', { type: 'in', operand: L(S('v')), list: [P('zz'), P('m.k')] }, true],
  // functions
  ['attribute_exists', { type: 'attributeExists', path: P('s') }, true],
  ['attribute_exists NULL value', { type: 'attributeExists', path: P('nul') }, true],
  ['attribute_exists nested', { type: 'attributeExists', path: P('l[2].k') }, true],
  ['attribute_exists index past end', { type: 'attributeExists', path: P('l[3]') }, false],
  ['attribute_exists name on a list', { type: 'attributeExists', path: P('l.k') }, false],
  ['attribute_exists index on a map', { type: 'attributeExists', path: P('m[0]') }, false],
  ['attribute_exists inherited name', { type: 'attributeExists', path: P('constructor') }, false],
  ['attribute_not_exists', { type: 'attributeNotExists', path: P('zz') }, true],
  ['attribute_not_exists present', { type: 'attributeNotExists', path: P('s') }, false],
  ['attribute_type S', { type: 'attributeType', path: P('s'), attributeType: L(S('S')) }, true],
  ['attribute_type NULL', { type: 'attributeType', path: P('nul'), attributeType: L(S('NULL')) }, true],
  ['attribute_type wrong', { type: 'attributeType', path: P('s'), attributeType: L(S('N')) }, false],
  ['attribute_type SS', { type: 'attributeType', path: P('ss'), attributeType: L(S('SS')) }, true],
  ['attribute_type missing', { type: 'attributeType', path: P('zz'), attributeType: L(S('S')) }, false],
  ['begins_with S', { type: 'beginsWith', path: P('s'), prefix: L(S('he')) }, true],
  ['begins_with S empty prefix', { type: 'beginsWith', path: P('s'), prefix: L(S('')) }, true],
  ['begins_with S no', { type: 'beginsWith', path: P('s'), prefix: L(S('el')) }, false],
  ['begins_with B', { type: 'beginsWith', path: P('b'), prefix: L(B(1, 2)) }, true],
  ['begins_with B no', { type: 'beginsWith', path: P('b'), prefix: L(B(2)) }, false],
  ['begins_with on N is false', { type: 'beginsWith', path: P('n'), prefix: L(S('1')) }, false],
  ['begins_with type mismatch', { type: 'beginsWith', path: P('s'), prefix: L(B(1)) }, false],
  ['contains substring', { type: 'contains', path: P('s'), operand: L(S('ell')) }, true],
  ['contains substring no', { type: 'contains', path: P('s'), operand: L(S('xyz')) }, false],
  ['contains SS member', { type: 'contains', path: P('ss'), operand: L(S('y')) }, true],
  ['contains SS wrong element type', { type: 'contains', path: P('ss'), operand: L(N('1')) }, false],
  ['contains NS member', { type: 'contains', path: P('ns'), operand: L(N('2.5')) }, true],
  ['contains NS non-member', { type: 'contains', path: P('ns'), operand: L(N('2')) }, false],
  ['contains BS member', { type: 'contains', path: P('bs'), operand: L(B(2, 3)) }, true],
  ['contains B subsequence', { type: 'contains', path: P('b'), operand: L(B(2, 3)) }, true],
  ['contains B non-subsequence', { type: 'contains', path: P('b'), operand: L(B(3, 2)) }, false],
  ['contains L element', { type: 'contains', path: P('l'), operand: L(N('1')) }, true],
  ['contains L map element deep', { type: 'contains', path: P('l'), operand: L({ M: { k: S('v') } }) }, true],
  ['contains L non-element', { type: 'contains', path: P('l'), operand: L(S('1')) }, false],
  ['contains on N is false', { type: 'contains', path: P('n'), operand: L(N('1')) }, false],
  ['contains on missing is false', { type: 'contains', path: P('zz'), operand: L(S('a')) }, false],
  ['contains operand from path', { type: 'contains', path: P('ss'), operand: P('l[0]') }, true],
  // size
  ['size of S counts UTF-16 code units', cmp(size('uni'), '=', L(N('3'))), true],
  ['size of empty S', cmp(size('empty'), '=', L(N('0'))), true],
  ['size of B', cmp(size('b'), '=', L(N('3'))), true],
  ['size of SS', cmp(size('ss'), '=', L(N('2'))), true],
  ['size of NS', cmp(size('ns'), '=', L(N('2'))), true],
  ['size of BS', cmp(size('bs'), '=', L(N('2'))), true],
  ['size of L', cmp(size('l'), '>', L(N('2'))), true],
  ['size of empty L', cmp(size('emptyList'), '=', L(N('0'))), true],
  ['size of M', cmp(size('m'), '=', L(N('2'))), true],
  ['size of empty M', cmp(size('emptyMap'), '=', L(N('0'))), true],
  ['size of N is no value: = false', cmp(size('n'), '=', L(N('2'))), false],
  ['size of N is no value: <> true', cmp(size('n'), '<>', L(N('2'))), true],
  ['size of BOOL is no value', cmp(size('t'), '>=', L(N('0'))), false],
  ['size of NULL is no value', cmp(size('nul'), '>=', L(N('0'))), false],
  ['size of missing', cmp(size('zz'), '>=', L(N('0'))), false],
  ['size BETWEEN', { type: 'between', operand: size('s'), lower: L(N('5')), upper: L(N('5')) }, true],
  // logic
  ['AND', { type: 'and', left: { type: 'attributeExists', path: P('s') }, right: { type: 'attributeExists', path: P('zz') } }, false],
  ['OR', { type: 'or', left: { type: 'attributeExists', path: P('s') }, right: { type: 'attributeExists', path: P('zz') } }, true],
  ['NOT', { type: 'not', condition: { type: 'attributeExists', path: P('zz') } }, true],
];

describe('evaluateCondition', () => {
  it.each(cases)('%s', (_name, condition, expected) => {
    expect(evaluateCondition(condition, item)).toBe(expected);
    expect(referenceEvaluate(condition, item)).toBe(expected);
  });

  it('treats an absent item as an item without attributes', () => {
    expect(evaluateCondition({ type: 'attributeNotExists', path: P('a') }, undefined)).toBe(true);
    expect(evaluateCondition({ type: 'attributeExists', path: P('a') }, undefined)).toBe(false);
    expect(evaluateCondition(cmp(P('a'), '<>', L(S('x'))), undefined)).toBe(true);
    expect(evaluateCondition(cmp(P('a'), '=', L(S('x'))), undefined)).toBe(false);
  });

  it('reads own attributes only, even in a null-prototype item', () => {
    const bare = Object.assign(Object.create(null) as Item, { a: S('x') });
    expect(evaluateCondition(cmp(P('a'), '=', L(S('x'))), bare)).toBe(true);
    expect(evaluateCondition({ type: 'attributeExists', path: P('toString') }, { a: S('x') })).toBe(false);
    expect(evaluateCondition({ type: 'attributeExists', path: P('m.hasOwnProperty') }, { m: { M: {} } })).toBe(false);
  });

  it('agrees with the reference evaluator on random items and conditions', () => {
    fc.assert(
      fc.property(conditionArb, itemArb, (condition, item) => {
        expect(evaluateCondition(condition, item)).toBe(referenceEvaluate(condition, item));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the reference evaluator on parser-shaped conditions', () => {
    fc.assert(
      fc.property(conditionArbitrary, itemArb, (condition, item) => {
        expect(evaluateCondition(condition, item)).toBe(referenceEvaluate(condition, item));
      }),
      { numRuns: 500 },
    );
  });

  it('orders and compares random scalar pairs as the reference does', () => {
    const comparators = ['=', '<>', '<', '<=', '>', '>='] as const;
    fc.assert(
      fc.property(scalarArb, scalarArb, fc.constantFrom(...comparators), (a, b, op) => {
        const condition = cmp(L(a), op, L(b));
        expect(evaluateCondition(condition, {})).toBe(referenceEvaluate(condition, {}));
      }),
      { numRuns: 3000 },
    );
  });

  it('applies functions to random attribute values as the reference does', () => {
    fc.assert(
      fc.property(valueArb, fc.oneof(scalarArb, valueArb), scalarArb, (value, operand, bound) => {
        const item: Item = { a: value };
        const conditions: Condition[] = [
          { type: 'contains', path: P('a'), operand: L(operand) },
          { type: 'beginsWith', path: P('a'), prefix: L(operand) },
          { type: 'between', operand: P('a'), lower: L(operand), upper: L(bound) },
          { type: 'in', operand: P('a'), list: [L(bound), L(operand)] },
          cmp(size('a'), '<=', L(bound)),
          cmp(size('a'), '=', L(operand)),
        ];
        for (const condition of conditions) expect(evaluateCondition(condition, item)).toBe(referenceEvaluate(condition, item));
      }),
      { numRuns: 3000 },
    );
  });

  it('is a boolean algebra: NOT flips, AND/OR follow their operands', () => {
    fc.assert(
      fc.property(conditionArb, conditionArb, itemArb, (x, y, item) => {
        const a = evaluateCondition(x, item);
        const b = evaluateCondition(y, item);
        expect(evaluateCondition({ type: 'not', condition: x }, item)).toBe(!a);
        expect(evaluateCondition({ type: 'and', left: x, right: y }, item)).toBe(a && b);
        expect(evaluateCondition({ type: 'or', left: x, right: y }, item)).toBe(a || b);
      }),
      { numRuns: 500 },
    );
  });
});
