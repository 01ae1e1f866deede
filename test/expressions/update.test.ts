import { Decimal as DecimalBase } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DocumentPath, Literal, UpdateActions, UpdateValue } from '../../engine/expressions/ast.js';
import { getPath } from '../../engine/expressions/document.js';
import { evaluateCondition } from '../../engine/expressions/evaluate.js';
import { applyUpdate } from '../../engine/expressions/update.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { ValidationException } from '../../engine/model/errors.js';
import { pathsClash } from './arbitraries.js';
import { itemArb, pathArb, valueArb } from './eval-arbitraries.js';
import { L, N, P, S } from './eval-helpers.js';
import { referenceEqual, referenceGet } from './reference-evaluator.js';

const INVALID_PATH = 'The document path provided in the update expression is invalid for update';
const MISSING = 'The provided expression refers to an attribute that does not exist in the item';
const OPERAND_TYPE = 'An operand in the update expression has an incorrect data type';
const LEGACY_MISMATCH = 'Type mismatch for attribute to update';

interface Spec {
  set?: [string, UpdateValue][];
  remove?: string[];
  add?: [string, AttributeValue][];
  delete?: [string, AttributeValue][];
}

function actions(spec: Spec): UpdateActions {
  return {
    set: (spec.set ?? []).map(([path, value]) => ({ path: P(path), value })),
    remove: (spec.remove ?? []).map(P),
    add: (spec.add ?? []).map(([path, value]) => ({ path: P(path), value: L(value) })),
    delete: (spec.delete ?? []).map(([path, value]) => ({ path: P(path), value: L(value) })),
  };
}

const plus = (left: UpdateValue, right: UpdateValue): UpdateValue =>
  ({ type: 'arithmetic', op: '+', left, right }) as UpdateValue;
const minus = (left: UpdateValue, right: UpdateValue): UpdateValue =>
  ({ type: 'arithmetic', op: '-', left, right }) as UpdateValue;
const listAppend = (first: UpdateValue, second: UpdateValue): UpdateValue =>
  ({ type: 'listAppend', first, second }) as UpdateValue;
const ifNotExists = (path: string, fallback: UpdateValue): UpdateValue => ({ type: 'ifNotExists', path: P(path), fallback }) as UpdateValue;
const list = (...values: AttributeValue[]): AttributeValue => ({ L: values });
const nums = (...values: number[]): AttributeValue => list(...values.map((v) => N(String(v))));

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationException);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationException');
}

const base: Item = {
  k: S('key'),
  s: S('str'),
  n: N('5'),
  m: { M: { x: N('1'), y: S('why') } },
  l: nums(2, 3, 4, 5, 6, 7),
  ss: { SS: ['a', 'b'] },
  ns: { NS: ['1', '2'] },
  bs: { BS: [Uint8Array.of(1), Uint8Array.of(2)] },
  deep: { M: { list: list({ M: { v: N('1') } }, { M: { v: N('2') } }) } },
};

/** [name, spec, options legacy?, expected new attributes (subset check by equality per name)] */
const successCases: [string, Spec, Partial<Item>][] = [
  ['SET a new attribute', { set: [['z', L(S('v'))]] }, { z: S('v') }],
  ['SET replaces with another type', { set: [['n', L(S('now a string'))]] }, { n: S('now a string') }],
  ['SET a map member', { set: [['m.z', L(N('9'))]] }, { m: { M: { x: N('1'), y: S('why'), z: N('9') } } }],
  ['SET replaces a map member', { set: [['m.x', L(N('2'))]] }, { m: { M: { x: N('2'), y: S('why') } } }],
  ['SET a list element', { set: [['l[1]', L(S('x'))]] }, { l: list(N('2'), S('x'), N('4'), N('5'), N('6'), N('7')) }],
  ['SET past the end appends', { set: [['l[99]', L(N('8'))]] }, { l: nums(2, 3, 4, 5, 6, 7, 8) }],
  [
    'SET several past the end appends in index order',
    { set: [['l[84]', L(S('a1'))], ['l[37]', L(S('a2'))], ['l[17]', L(S('a3'))], ['l[50]', L(S('a4'))]] },
    { l: list(N('2'), N('3'), N('4'), N('5'), N('6'), N('7'), S('a3'), S('a2'), S('a4'), S('a1')) },
  ],
  ['SET inside a list element', { set: [['deep.list[1].v', L(N('20'))]] }, { deep: { M: { list: list({ M: { v: N('1') } }, { M: { v: N('20') } }) } } }],
  ['REMOVE then SET use original indexes', { remove: ['l[1]'], set: [['l[3]', L(N('17'))]] }, { l: nums(2, 4, 17, 6, 7) }],
  ['REMOVE several list elements by original index', { remove: ['l[0]', 'l[2]', 'l[5]'] }, { l: nums(3, 5, 6) }],
  ['REMOVE a list element past the end is a no-op', { remove: ['l[17]'] }, { l: nums(2, 3, 4, 5, 6, 7) }],
  ['REMOVE a map member', { remove: ['m.x'] }, { m: { M: { y: S('why') } } }],
  ['REMOVE a missing map member is a no-op', { remove: ['m.nope'] }, { m: { M: { x: N('1'), y: S('why') } } }],
  ['REMOVE a missing attribute is a no-op', { remove: ['nope'] }, { nope: undefined }],
  ['REMOVE an attribute', { remove: ['s'] }, { s: undefined }],
  ['REMOVE several attributes', { remove: ['s', 'n', 'nope'] }, { s: undefined, n: undefined, m: { M: { x: N('1'), y: S('why') } } }],
  ['REMOVE beside SET and ADD in one map', { remove: ['m.x'], set: [['m.z', L(N('3'))]], add: [['m.w', N('1')]] }, { m: { M: { y: S('why'), z: N('3'), w: N('1') } } }],
  ['REMOVE the last map members leaves an empty map', { remove: ['m.x', 'm.y'] }, { m: { M: {} } }],
  ['SET a = b + :n', { set: [['z', plus(P('n'), L(N('2.5')))]] }, { z: N('7.5') }],
  ['SET a = b - :n', { set: [['z', minus(P('n'), L(N('7')))]] }, { z: N('-2') }],
  ['SET decimal arithmetic is exact', { set: [['z', plus(L(N('0.1')), L(N('0.2')))]] }, { z: N('0.3') }],
  ['SET reads the item before the update (swap)', { set: [['s', P('n')], ['n', P('s')]] }, { s: N('5'), n: S('str') }],
  ['SET list_append appends', { set: [['l', listAppend(P('l'), L(nums(8)))]] }, { l: nums(2, 3, 4, 5, 6, 7, 8) }],
  ['SET list_append prepends', { set: [['l', listAppend(L(nums(1)), P('l'))]] }, { l: nums(1, 2, 3, 4, 5, 6, 7) }],
  ['SET if_not_exists on a present attribute', { set: [['z', ifNotExists('n', L(N('0')))]] }, { z: N('5') }],
  ['SET if_not_exists on a missing attribute', { set: [['z', ifNotExists('nope', L(N('0')))]] }, { z: N('0') }],
  ['SET counter idiom', { set: [['z', plus(ifNotExists('z', L(N('0'))), L(N('1')))]] }, { z: N('1') }],
  ['ADD to a number', { add: [['n', N('-7')]] }, { n: N('-2') }],
  ['ADD to a missing number starts from 0', { add: [['z', N('3')]] }, { z: N('3') }],
  ['ADD to a string set unions', { add: [['ss', { SS: ['b', 'c'] }]] }, { ss: { SS: ['a', 'b', 'c'] } }],
  ['ADD to a number set unions', { add: [['ns', { NS: ['2', '3'] }]] }, { ns: { NS: ['1', '2', '3'] } }],
  ['ADD to a binary set unions', { add: [['bs', { BS: [Uint8Array.of(2), Uint8Array.of(3)] }]] }, { bs: { BS: [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)] } }],
  ['ADD a set to a missing attribute', { add: [['z', { SS: ['q'] }]] }, { z: { SS: ['q'] } }],
  ['ADD to a nested number', { add: [['m.x', N('1')]] }, { m: { M: { x: N('2'), y: S('why') } } }],
  ['DELETE from a set', { delete: [['ss', { SS: ['a', 'zz'] }]] }, { ss: { SS: ['b'] } }],
  ['DELETE every element removes the attribute', { delete: [['ns', { NS: ['1', '2'] }]] }, { ns: undefined }],
  ['DELETE from a binary set', { delete: [['bs', { BS: [Uint8Array.of(1)] }]] }, { bs: { BS: [Uint8Array.of(2)] } }],
  ['DELETE on a missing attribute is a no-op', { delete: [['nope', { SS: ['a'] }]] }, { nope: undefined }],
];

describe('applyUpdate', () => {
  it.each(successCases)('%s', (_name, spec, expected) => {
    const snapshot = structuredClone(base);
    const { item } = applyUpdate(base, actions(spec));
    for (const [name, value] of Object.entries(expected)) {
      if (value === undefined) expect(Object.keys(item)).not.toContain(name);
      else expect(item[name]).toEqual(value);
    }
    // Untouched attributes are kept, and the input is never modified.
    expect(item['k']).toEqual(S('key'));
    expect(base).toEqual(snapshot);
  });

  const errorCases: [string, Spec, string][] = [
    ['SET under a missing attribute', { set: [['nope.x', L(N('1'))]] }, INVALID_PATH],
    ['SET a name under a string', { set: [['s.x', L(N('1'))]] }, INVALID_PATH],
    ['SET an index under a string', { set: [['s[0]', L(N('1'))]] }, INVALID_PATH],
    ['SET an index under a map', { set: [['m[0]', L(N('1'))]] }, INVALID_PATH],
    ['SET a name under a list', { set: [['l.x', L(N('1'))]] }, INVALID_PATH],
    ['SET under a list element past the end', { set: [['l[10].x', L(N('1'))]] }, INVALID_PATH],
    ['REMOVE under a string', { remove: ['s.x'] }, INVALID_PATH],
    ['REMOVE under a missing attribute', { remove: ['nope.x'] }, INVALID_PATH],
    ['REMOVE an index under a map', { remove: ['m[1]'] }, INVALID_PATH],
    ['ADD under a string', { add: [['s.x', N('1')]] }, INVALID_PATH],
    ['DELETE under a missing attribute', { delete: [['nope.x', { SS: ['a'] }]] }, INVALID_PATH],
    ['SET from a missing attribute', { set: [['z', P('nope')]] }, MISSING],
    ['SET arithmetic on a missing attribute', { set: [['z', plus(P('nope'), L(N('1')))]] }, MISSING],
    ['SET list_append of missing attributes', { set: [['z', listAppend(P('nope'), P('nada'))]] }, MISSING],
    ['SET arithmetic on a string attribute', { set: [['z', plus(P('s'), L(N('1')))]] }, OPERAND_TYPE],
    ['SET arithmetic on a set attribute (right)', { set: [['z', minus(L(N('1')), P('ns'))]] }, OPERAND_TYPE],
    ['SET list_append on a set attribute', { set: [['z', listAppend(P('ns'), ifNotExists('nope', L(list())))]] }, OPERAND_TYPE],
    ['ADD a number to a string', { add: [['s', N('1')]] }, OPERAND_TYPE],
    ['ADD a number to a number set', { add: [['ns', N('1')]] }, OPERAND_TYPE],
    ['ADD a number set to a string set', { add: [['ss', { NS: ['1'] }]] }, OPERAND_TYPE],
    ['DELETE a number set from a string set', { delete: [['ss', { NS: ['1'] }]] }, OPERAND_TYPE],
    ['DELETE a set from a number', { delete: [['n', { NS: ['1'] }]] }, OPERAND_TYPE],
    ['DELETE a set from a map', { delete: [['m', { SS: ['x'] }]] }, OPERAND_TYPE],
    [
      'SET + with a string literal',
      { set: [['z', plus(P('n'), L(S('a')))]] },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
    ],
    [
      'SET - with a map literal',
      { set: [['z', minus(L({ M: {} }), P('n'))]] },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: M',
    ],
    [
      'SET list_append with a string literal',
      { set: [['z', listAppend(L(S('a')), P('l'))]] },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S',
    ],
    [
      'SET list_append with a number set literal inside if_not_exists',
      { set: [['z', ifNotExists('l', listAppend(P('l'), L({ NS: ['1'] })))]] },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: NS',
    ],
    ['ADD a string', { add: [['z', S('a')]] }, 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING'],
    ['ADD a list', { add: [['z', list()]] }, 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST'],
    ['ADD a map', { add: [['z', { M: {} }]] }, 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: MAP'],
    ['ADD a boolean', { add: [['z', { BOOL: true }]] }, 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN'],
    ['DELETE a number', { delete: [['n', N('1')]] }, 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER'],
    ['DELETE binary', { delete: [['n', { B: Uint8Array.of(1) }]] }, 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: BINARY'],
    ['DELETE NULL', { delete: [['n', { NULL: true }]] }, 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NULL'],
    ['ADD overflowing a number', { add: [['z', N('9' + '9'.repeat(37) + '0'.repeat(88))]], set: [['z2', L(N('1'))]] }, 'placeholder'],
  ];

  it.each(errorCases.filter((c) => c[2] !== 'placeholder'))('rejects: %s', (_name, spec, message) => {
    const snapshot = structuredClone(base);
    expect(messageOf(() => applyUpdate(base, actions(spec)))).toBe(message);
    expect(base).toEqual(snapshot);
  });

  it('reports number overflow and precision from the number module', () => {
    const big = '9'.repeat(38) + '0'.repeat(88); // 9.99…E+125, the largest magnitude
    expect(messageOf(() => applyUpdate({ a: N(big) }, actions({ add: [['a', N(big)]] })))).toBe(
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
    );
    expect(messageOf(() => applyUpdate({ a: N('1' + '0'.repeat(37)) }, actions({ set: [['a', plus(P('a'), L(N('0.1')))]] })))).toBe(
      'Attempting to store more than 38 significant digits in a Number',
    );
  });

  it('checks the expression statically before looking at the item', () => {
    // The missing attribute would fail at run time; the literal's type is known first.
    expect(messageOf(() => applyUpdate(base, actions({ set: [['z', plus(P('nope'), L(S('a')))]] })))).toContain('operand type: S');
    // ADD/DELETE operand types come before SET operand checks.
    expect(messageOf(() => applyUpdate(base, actions({ set: [['z', listAppend(L(S('a')), P('l'))]], add: [['y', S('a')]] })))).toContain(
      'operator: ADD, operand type: STRING',
    );
  });

  it('reports a bad path before a type clash, and the first failing operand of arithmetic', () => {
    expect(messageOf(() => applyUpdate(base, actions({ add: [['s.x', { SS: ['a'] }]] })))).toBe(INVALID_PATH);
    expect(messageOf(() => applyUpdate(base, actions({ set: [['z', plus(P('nope'), P('s'))]] })))).toBe(MISSING);
    expect(messageOf(() => applyUpdate(base, actions({ set: [['z', plus(P('s'), P('nope'))]] })))).toBe(OPERAND_TYPE);
  });

  it('creates a missing item from its key, and ignores REMOVE there (even nested)', () => {
    const key = { k: S('key') };
    const result = applyUpdate(undefined, actions({ add: [['count', N('1')]], set: [['copy', ifNotExists('copy', P('k'))]], remove: ['x.y', 'z[0]', 'w'] }), { key });
    expect(result.item).toEqual({ k: S('key'), count: N('1'), copy: S('key') });
    expect(result.updatedOld).toEqual({});
    expect(result.updatedNew).toEqual({ count: N('1'), copy: S('key') });
    // But SET under a missing parent still fails on a missing item.
    expect(messageOf(() => applyUpdate(undefined, actions({ set: [['x.y', L(N('1'))]] }), { key }))).toBe(INVALID_PATH);
    expect(messageOf(() => applyUpdate(undefined, actions({ set: [['x[0]', L(N('1'))]] }), { key }))).toBe(INVALID_PATH);
  });

  it('removes a list element left empty by DELETE, shifting the rest', () => {
    const item: Item = { l: list({ SS: ['a'] }, { SS: ['b', 'c'] }, S('end')) };
    const result = applyUpdate(item, actions({ delete: [['l[0]', { SS: ['a'] }], ['l[1]', { SS: ['b'] }]] }));
    expect(result.item['l']).toEqual(list({ SS: ['c'] }, S('end')));
  });

  it('matches DynamoDB on mixed nested SET / ADD with list appends (dynalite "should update nested attributes")', () => {
    const keyA = S('the-key');
    const item: Item = { a: keyA, b: { M: { a: N('1'), b: N('2'), c: N('3') } }, c: nums(1, 3) };
    // set b.c=((c[1])+(b.a)), b.a = a, c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a
    const update: UpdateActions = {
      set: [
        { path: P('b.c'), value: plus(P('c[1]'), P('b.a')) },
        { path: P('b.a'), value: P('a') },
        { path: P('c[1]'), value: P('a') },
        { path: P('c[4]'), value: minus(P('b.a'), P('b.b')) },
        { path: P('c[2]'), value: P('b.c') },
      ],
      remove: [],
      add: [
        { path: P('c[8]'), value: L({ SS: ['a'] }) },
        { path: P('c[6]'), value: L(N('2')) },
      ],
      delete: [],
    };
    const result = applyUpdate(item, update);
    expect(result.item).toEqual({
      a: keyA,
      b: { M: { a: keyA, b: N('2'), c: N('4') } },
      c: list(N('1'), keyA, N('3'), N('-1'), N('2'), { SS: ['a'] }),
    });
    expect(result.updatedNew).toEqual({ b: { M: { a: keyA, c: N('4') } }, c: list(keyA, N('3'), N('2')) });
    expect(result.updatedOld).toEqual({ b: { M: { a: N('1'), c: N('3') } }, c: list(N('3')) });
  });

  it('returns removed values in UPDATED_OLD only', () => {
    const result = applyUpdate(base, actions({ remove: ['s', 'm.x'], set: [['n', L(N('6'))]] }));
    expect(result.updatedOld).toEqual({ s: S('str'), m: { M: { x: N('1') } }, n: N('5') });
    expect(result.updatedNew).toEqual({ n: N('6') });
  });

  it('uses the legacy messages and list ADD for AttributeUpdates', () => {
    const legacy = { legacy: true } as const;
    expect(messageOf(() => applyUpdate(base, actions({ add: [['ss', { NS: ['1'] }]] }), legacy))).toBe(LEGACY_MISMATCH);
    expect(messageOf(() => applyUpdate(base, actions({ add: [['ns', N('1')]] }), legacy))).toBe(LEGACY_MISMATCH);
    expect(messageOf(() => applyUpdate(base, actions({ delete: [['n', { NS: ['1'] }]] }), legacy))).toBe(LEGACY_MISMATCH);
    expect(messageOf(() => applyUpdate(base, actions({ add: [['s', list()]] }), legacy))).toBe(LEGACY_MISMATCH);
    expect(applyUpdate(base, actions({ add: [['l', nums(8, 9)]] }), legacy).item['l']).toEqual(nums(2, 3, 4, 5, 6, 7, 8, 9));
    expect(applyUpdate(base, actions({ add: [['z', nums(1)]] }), legacy).item['z']).toEqual(nums(1));
  });

  it('stores "__proto__" as an ordinary attribute', () => {
    const result = applyUpdate({}, actions({ set: [['__proto__', L(S('x'))], ['m', L({ M: {} })]] }));
    expect(Object.keys(result.item)).toContain('__proto__');
    expect(Object.getPrototypeOf(result.item)).toBe(Object.prototype);
    expect(getPath(result.item, P('__proto__'))).toEqual(S('x'));
  });
});

// ---- Properties ---------------------------------------------------------------------------------

/** Exact for these operands (at most 40 digits). */
const Decimal = DecimalBase.clone({ precision: 200 });

const numberArb = fc
  .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 8 }))
  .map(([mantissa, scale]) => new Decimal(mantissa.toString()).div(new Decimal(10).pow(scale)).toFixed());

function canonical(text: string): string {
  const d = new Decimal(text);
  return d.isZero() ? '0' : d.toFixed();
}

const literal = (value: AttributeValue): Literal => ({ type: 'literal', value });

describe('applyUpdate properties', () => {
  it('ADD and SET +/- of numbers equal the decimal sum and difference', () => {
    fc.assert(
      fc.property(numberArb, numberArb, (x, y) => {
        const a = canonical(x);
        const b = canonical(y);
        const item: Item = { a: N(a) };
        const added = applyUpdate(item, { set: [], remove: [], add: [{ path: P('a'), value: literal(N(b)) }], delete: [] });
        expect(added.item['a']).toEqual(N(canonical(new Decimal(a).plus(b).toFixed())));
        const minusResult = applyUpdate(item, actions({ set: [['z', minus(P('a'), L(N(b)))]] }));
        expect(minusResult.item['z']).toEqual(N(canonical(new Decimal(a).minus(b).toFixed())));
      }),
      { numRuns: 1000 },
    );
  });

  it('SET then get returns the value (or the path is invalid, or an index past the end appended)', () => {
    fc.assert(
      fc.property(itemArb, pathArb, valueArb, (item, path, value) => {
        const parentPath: DocumentPath = { type: 'path', elements: path.elements.slice(0, -1) };
        const parent = path.elements.length > 1 ? referenceGet(item, parentPath) : { M: item };
        const last = path.elements[path.elements.length - 1]!;
        const parentFits = parent !== undefined && (last.type === 'name' ? 'M' in parent : 'L' in parent);
        let result: Item;
        try {
          result = applyUpdate(item, { set: [{ path, value: literal(value) }], remove: [], add: [], delete: [] }).item;
        } catch (error) {
          expect((error as Error).message).toBe(INVALID_PATH);
          expect(parentFits).toBe(false);
          return;
        }
        expect(parentFits).toBe(true);
        if (last.type === 'index' && last.index >= (parent as { L: AttributeValue[] }).L.length) {
          const newList = (referenceGet(result, parentPath) as { L: AttributeValue[] }).L;
          expect(newList.length).toBe((parent as { L: AttributeValue[] }).L.length + 1);
          expect(referenceEqual(newList[newList.length - 1]!, value)).toBe(true);
        } else {
          expect(getPath(result, path)).toEqual(value);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('REMOVE then attribute_not_exists holds for names, and a list loses exactly that element', () => {
    fc.assert(
      fc.property(itemArb, pathArb, (item, path) => {
        const parentPath: DocumentPath = { type: 'path', elements: path.elements.slice(0, -1) };
        const parent = path.elements.length > 1 ? referenceGet(item, parentPath) : { M: item };
        const last = path.elements[path.elements.length - 1]!;
        let result: Item;
        try {
          result = applyUpdate(item, { set: [], remove: [path], add: [], delete: [] }).item;
        } catch (error) {
          expect((error as Error).message).toBe(INVALID_PATH);
          expect(parent === undefined || (last.type === 'name' ? !('M' in parent) : !('L' in parent))).toBe(true);
          return;
        }
        if (last.type === 'name') {
          expect(evaluateCondition({ type: 'attributeNotExists', path }, result)).toBe(true);
        } else {
          const before = (parent as { L: AttributeValue[] }).L;
          const after = (referenceGet(result, parentPath) as { L: AttributeValue[] }).L;
          const expected = before.filter((_, i) => i !== last.index);
          expect(after).toEqual(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random clash-free updates throw only ValidationException and never modify the input', () => {
    const actionPath = pathArb;
    const updateArb = fc
      .record({
        set: fc.array(fc.record({ path: actionPath, value: valueArb.map(literal) }), { maxLength: 3 }),
        remove: fc.array(actionPath, { maxLength: 2 }),
        add: fc.array(fc.record({ path: actionPath, value: fc.oneof(numberArb.map((n) => literal(N(canonical(n)))), valueArb.map(literal)) }), { maxLength: 2 }),
        delete: fc.array(fc.record({ path: actionPath, value: valueArb.map(literal) }), { maxLength: 2 }),
      })
      .filter((u) => {
        const paths = [...u.set.map((a) => a.path), ...u.remove, ...u.add.map((a) => a.path), ...u.delete.map((a) => a.path)];
        for (let i = 0; i < paths.length; i++) for (let j = i + 1; j < paths.length; j++) if (pathsClash(paths[i]!, paths[j]!)) return false;
        return true;
      });
    fc.assert(
      fc.property(itemArb, updateArb, (item, update) => {
        const snapshot = structuredClone(item);
        try {
          const result = applyUpdate(item, update);
          // Every SET path whose parent existed now holds its value, unless it appended.
          void result.updatedOld;
          void result.updatedNew;
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationException);
        }
        expect(item).toEqual(snapshot);
      }),
      { numRuns: 2000 },
    );
  });
});
