import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../engine/expressions/evaluate.js';
import type { AttributeValueUpdate, ExpectedAttributeValue, LegacyCondition, LegacyOperation } from '../../engine/expressions/legacy.js';
import {
  checkLegacyMix,
  translateAttributesToGet,
  translateAttributeUpdates,
  translateExpected,
  translateFilter,
  translateKeyConditions,
} from '../../engine/expressions/legacy.js';
import { project } from '../../engine/expressions/project.js';
import { applyUpdate } from '../../engine/expressions/update.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { ValidationException } from '../../engine/model/errors.js';
import { B, N, S } from './eval-helpers.js';

const INVALID = 'One or more parameter values were invalid: ';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationException);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationException');
}

const item: Item = { s: S('hello'), n: N('10'), b: B(1, 2), ss: { SS: ['x', 'y'] }, l: { L: [S('x'), { BOOL: true }] }, nul: { NULL: true } };

describe('translateFilter semantics', () => {
  const cases: [string, LegacyCondition, boolean][] = [
    ['EQ', { ComparisonOperator: 'EQ', AttributeValueList: [S('hello')] }, true],
    ['EQ other type', { ComparisonOperator: 'EQ', AttributeValueList: [N('10')] }, false],
    ['NE', { ComparisonOperator: 'NE', AttributeValueList: [S('x')] }, true],
    ['LT', { ComparisonOperator: 'LT', AttributeValueList: [S('i')] }, true],
    ['LE', { ComparisonOperator: 'LE', AttributeValueList: [S('hello')] }, true],
    ['GT', { ComparisonOperator: 'GT', AttributeValueList: [S('hello')] }, false],
    ['GE', { ComparisonOperator: 'GE', AttributeValueList: [S('hello')] }, true],
    ['NOT_NULL', { ComparisonOperator: 'NOT_NULL' }, true],
    ['NULL', { ComparisonOperator: 'NULL' }, false],
    ['CONTAINS', { ComparisonOperator: 'CONTAINS', AttributeValueList: [S('ell')] }, true],
    ['NOT_CONTAINS', { ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [S('ell')] }, false],
    ['BEGINS_WITH', { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [S('he')] }, true],
    ['IN', { ComparisonOperator: 'IN', AttributeValueList: [S('a'), S('hello')] }, true],
    ['BETWEEN', { ComparisonOperator: 'BETWEEN', AttributeValueList: [S('a'), S('i')] }, true],
  ];
  it.each(cases)('%s on s', (_name, condition, expected) => {
    expect(evaluateCondition(translateFilter({ s: condition })!, item)).toBe(expected);
  });

  it('on a missing attribute: NE and NULL hold, NOT_CONTAINS does not (attribute_exists AND NOT contains)', () => {
    const on = (condition: LegacyCondition) => evaluateCondition(translateFilter({ missing: condition })!, item);
    expect(on({ ComparisonOperator: 'NE', AttributeValueList: [S('x')] })).toBe(true);
    expect(on({ ComparisonOperator: 'NULL' })).toBe(true);
    expect(on({ ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [S('x')] })).toBe(false);
    expect(on({ ComparisonOperator: 'EQ', AttributeValueList: [S('x')] })).toBe(false);
  });

  it('CONTAINS on sets, lists (BOOL element) and binary', () => {
    expect(evaluateCondition(translateFilter({ ss: { ComparisonOperator: 'CONTAINS', AttributeValueList: [S('y')] } })!, item)).toBe(true);
    expect(evaluateCondition(translateFilter({ l: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ BOOL: true }] } })!, item)).toBe(true);
    expect(evaluateCondition(translateFilter({ b: { ComparisonOperator: 'CONTAINS', AttributeValueList: [B(2)] } })!, item)).toBe(true);
  });

  it('combines with AND by default and with OR when asked, in map order', () => {
    const filter = { s: { ComparisonOperator: 'EQ', AttributeValueList: [S('hello')] }, n: { ComparisonOperator: 'GT', AttributeValueList: [N('100')] } } as const;
    expect(evaluateCondition(translateFilter(filter)!, item)).toBe(false);
    expect(evaluateCondition(translateFilter(filter, 'AND')!, item)).toBe(false);
    expect(evaluateCondition(translateFilter(filter, 'OR')!, item)).toBe(true);
    expect(translateFilter({})).toBeUndefined();
  });
});

describe('legacy condition validation', () => {
  const countCases: [LegacyCondition['ComparisonOperator'], number][] = [
    ['EQ', 0], ['EQ', 2], ['NE', 0], ['LE', 2], ['LT', 0], ['GE', 2], ['GT', 0], ['CONTAINS', 2], ['NOT_CONTAINS', 0],
    ['BEGINS_WITH', 2], ['NULL', 1], ['NOT_NULL', 1], ['IN', 0], ['BETWEEN', 1], ['BETWEEN', 3],
  ];
  it.each(countCases)('%s with %i argument(s)', (operator, count) => {
    const values = Array.from({ length: count }, () => S('a'));
    expect(messageOf(() => translateFilter({ a: { ComparisonOperator: operator, AttributeValueList: values } }))).toBe(
      `${INVALID}Invalid number of argument(s) for the ${operator} ComparisonOperator`,
    );
  });

  it.each<[LegacyCondition['ComparisonOperator'], AttributeValue, string]>([
    ['LT', { SS: ['a'] }, 'SS'],
    ['GT', { BOOL: true }, 'BOOL'],
    ['BETWEEN', { L: [] }, 'L'],
    ['IN', { M: {} }, 'M'],
    ['BEGINS_WITH', N('1'), 'N'],
    ['CONTAINS', { SS: ['a'] }, 'SS'],
    ['NOT_CONTAINS', { L: [] }, 'L'],
  ])('%s rejects %s values', (operator, value, type) => {
    const values = operator === 'BETWEEN' ? [value, value] : [value];
    expect(messageOf(() => translateFilter({ a: { ComparisonOperator: operator, AttributeValueList: values } }))).toBe(
      `${INVALID}ComparisonOperator ${operator} is not valid for ${type} AttributeValue type`,
    );
  });

  it('accepts any type for EQ and NE, and BOOL/NULL for CONTAINS', () => {
    expect(translateFilter({ a: { ComparisonOperator: 'EQ', AttributeValueList: [{ M: {} }] } })).toBeDefined();
    expect(translateFilter({ a: { ComparisonOperator: 'NE', AttributeValueList: [{ L: [] }] } })).toBeDefined();
    expect(translateFilter({ a: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ NULL: true }] } })).toBeDefined();
  });

  it('requires one type across AttributeValueList, and ordered BETWEEN bounds', () => {
    expect(messageOf(() => translateFilter({ a: { ComparisonOperator: 'IN', AttributeValueList: [S('a'), N('1')] } }))).toBe(
      `${INVALID}AttributeValues inside AttributeValueList must be of same type`,
    );
    expect(messageOf(() => translateFilter({ a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [N('10'), N('9')] } }))).toBe(
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound',
    );
  });
});

describe('translateExpected', () => {
  it('Value means equality, Exists false means absence, operators as filters', () => {
    expect(evaluateCondition(translateExpected({ s: { Value: S('hello') } })!, item)).toBe(true);
    expect(evaluateCondition(translateExpected({ s: { Value: S('hello'), Exists: true } })!, item)).toBe(true);
    expect(evaluateCondition(translateExpected({ missing: { Exists: false } })!, item)).toBe(true);
    expect(evaluateCondition(translateExpected({ s: { Exists: false } })!, item)).toBe(false);
    expect(evaluateCondition(translateExpected({ n: { ComparisonOperator: 'GT', Value: N('9') } })!, item)).toBe(true);
    expect(evaluateCondition(translateExpected({ n: { ComparisonOperator: 'NULL' } })!, undefined)).toBe(true);
    expect(evaluateCondition(translateExpected({ s: { Value: S('x') }, n: { Value: N('10') } }, 'OR')!, item)).toBe(true);
  });

  const errors: [string, ExpectedAttributeValue, string][] = [
    ['no value and no Exists', {}, `${INVALID}Value must be provided when Exists is null for Attribute: a`],
    ['Exists true without Value', { Exists: true }, `${INVALID}Value must be provided when Exists is true for Attribute: a`],
    ['Exists false with Value', { Exists: false, Value: S('x') }, `${INVALID}Value cannot be used when Exists is false for Attribute: a`],
    ['Value with AttributeValueList', { Value: S('x'), AttributeValueList: [S('x')], ComparisonOperator: 'EQ' }, `${INVALID}Value and AttributeValueList cannot be used together for Attribute: a`],
    ['Exists with ComparisonOperator', { Exists: true, ComparisonOperator: 'EQ', Value: S('x') }, `${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: a`],
    ['operator without values', { ComparisonOperator: 'EQ' }, `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a`],
    ['AttributeValueList without operator', { AttributeValueList: [S('x')] }, `${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: a`],
    ['NULL with a value', { ComparisonOperator: 'NULL', Value: S('x') }, `${INVALID}Invalid number of argument(s) for the NULL ComparisonOperator`],
    ['BETWEEN with one Value', { ComparisonOperator: 'BETWEEN', Value: N('1') }, `${INVALID}Invalid number of argument(s) for the BETWEEN ComparisonOperator`],
  ];
  it.each(errors)('rejects %s', (_name, expected, message) => {
    expect(messageOf(() => translateExpected({ a: expected }))).toBe(message);
  });
});

describe('translateKeyConditions', () => {
  const schema = { partitionKey: 'pk', sortKey: 'sk' };
  it('builds partition equality and each sort-key operator', () => {
    expect(translateKeyConditions({ pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('p')] } }, schema)).toEqual({
      partitionKey: { name: 'pk', value: S('p') },
    });
    const withSort = (condition: LegacyCondition) => translateKeyConditions({ pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('p')] }, sk: condition }, schema).sortKey;
    expect(withSort({ ComparisonOperator: 'LT', AttributeValueList: [N('1')] })).toEqual({ name: 'sk', op: '<', value: N('1') });
    expect(withSort({ ComparisonOperator: 'GE', AttributeValueList: [N('1')] })).toEqual({ name: 'sk', op: '>=', value: N('1') });
    expect(withSort({ ComparisonOperator: 'EQ', AttributeValueList: [N('1')] })).toEqual({ name: 'sk', op: '=', value: N('1') });
    expect(withSort({ ComparisonOperator: 'BETWEEN', AttributeValueList: [N('1'), N('2')] })).toEqual({ name: 'sk', op: 'between', lower: N('1'), upper: N('2') });
    expect(withSort({ ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [S('x')] })).toEqual({ name: 'sk', op: 'beginsWith', prefix: S('x') });
  });

  it('rejects what a key range cannot serve', () => {
    const eq = { ComparisonOperator: 'EQ', AttributeValueList: [S('p')] } as const;
    expect(messageOf(() => translateKeyConditions({}, schema))).toBe('Conditions can be of length 1 or 2 only');
    expect(messageOf(() => translateKeyConditions({ pk: eq, sk: eq, x: eq }, schema))).toBe('Conditions can be of length 1 or 2 only');
    expect(messageOf(() => translateKeyConditions({ sk: eq }, schema))).toBe('Query condition missed key schema element: pk');
    expect(messageOf(() => translateKeyConditions({ pk: eq, other: eq }, schema))).toBe('Query condition missed key schema element: sk');
    expect(messageOf(() => translateKeyConditions({ pk: { ComparisonOperator: 'GT', AttributeValueList: [S('p')] } }, schema))).toBe('Query key condition not supported');
    expect(messageOf(() => translateKeyConditions({ pk: eq, sk: { ComparisonOperator: 'NE', AttributeValueList: [S('p')] } }, schema))).toBe('Query key condition not supported');
    expect(messageOf(() => translateKeyConditions({ pk: eq, sk: { ComparisonOperator: 'NOT_NULL' } }, schema))).toBe('Query key condition not supported');
    expect(messageOf(() => translateKeyConditions({ pk: { ComparisonOperator: 'EQ' } }, schema))).toBe(
      `${INVALID}Invalid number of argument(s) for the EQ ComparisonOperator`,
    );
  });
});

describe('translateAttributesToGet', () => {
  it('projects top-level names and rejects duplicates', () => {
    expect(project(item, translateAttributesToGet(['s', 'n', 'missing']))).toEqual({ s: S('hello'), n: N('10') });
    expect(messageOf(() => translateAttributesToGet(['a', 'b', 'a']))).toBe(`${INVALID}Duplicate value in attribute name: a`);
  });
});

describe('translateAttributeUpdates', () => {
  it('maps PUT, DELETE, ADD onto update actions applied with legacy semantics', () => {
    const actions = translateAttributeUpdates({
      s: { Value: S('new') },
      n: { Action: 'ADD', Value: N('5') },
      ss: { Action: 'DELETE', Value: { SS: ['x'] } },
      nul: { Action: 'DELETE' },
      l: { Action: 'ADD', Value: { L: [S('z')] } },
      p: { Action: 'PUT', Value: N('1') },
    });
    const result = applyUpdate(item, actions, { legacy: true });
    expect(result.item).toEqual({ s: S('new'), n: N('15'), b: B(1, 2), ss: { SS: ['y'] }, l: { L: [S('x'), { BOOL: true }, S('z')] }, p: N('1') });
    expect(result.updatedOld).toEqual({ s: S('hello'), n: N('10'), ss: { SS: ['x', 'y'] }, nul: { NULL: true }, l: item['l'] });
  });

  it('rejects actions DynamoDB does not support', () => {
    expect(messageOf(() => translateAttributeUpdates({ a: { Action: 'PUT' } }))).toBe(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
    expect(messageOf(() => translateAttributeUpdates({ a: { Action: 'ADD' } }))).toBe(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
    for (const value of [S('1'), N('1'), B(1), { NULL: true as const }, { BOOL: true }, { M: {} }, { L: [] }]) {
      const type = Object.keys(value)[0]!;
      expect(messageOf(() => translateAttributeUpdates({ a: { Action: 'DELETE', Value: value } }))).toBe(`${INVALID}DELETE action with value is not supported for the type ${type}`);
    }
    for (const value of [S('1'), B(1), { NULL: true as const }, { BOOL: true }, { M: {} }]) {
      const type = Object.keys(value)[0]!;
      expect(messageOf(() => translateAttributeUpdates({ a: { Action: 'ADD', Value: value } }))).toBe(`${INVALID}ADD action is not supported for the type ${type}`);
    }
  });

  it('reports type clashes with the legacy message', () => {
    const existing: Item = { b: { SS: ['1'] }, c: N('1'), d: { NS: ['1'] } };
    const cases: Record<string, AttributeValueUpdate>[] = [
      { b: { Action: 'DELETE', Value: { NS: ['1'] } } },
      { b: { Action: 'DELETE', Value: { BS: [Uint8Array.of(1)] } } },
      { c: { Action: 'DELETE', Value: { NS: ['1'] } } },
      { b: { Action: 'ADD', Value: { NS: ['1'] } } },
      { d: { Action: 'ADD', Value: N('1') } },
    ];
    for (const updates of cases) {
      expect(messageOf(() => applyUpdate(existing, translateAttributeUpdates(updates), { legacy: true }))).toBe('Type mismatch for attribute to update');
    }
  });
});

describe('checkLegacyMix', () => {
  const mixCases: [LegacyOperation, Record<string, unknown>, string | undefined][] = [
    ['PutItem', { Expected: {}, ConditionExpression: '' }, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}'],
    ['DeleteItem', { Expected: {}, ConditionExpression: 'a = :a' }, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}'],
    ['UpdateItem', { AttributeUpdates: {}, Expected: {}, UpdateExpression: 'SET a = :a', ConditionExpression: 'x' }, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}'],
    ['Query', { QueryFilter: {}, AttributesToGet: ['a'], ConditionalOperator: 'OR', KeyConditions: {}, KeyConditionExpression: '', FilterExpression: '', ProjectionExpression: '' }, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}'],
    ['Query', { KeyConditions: {}, FilterExpression: 'a = :a', ExpressionAttributeValues: {} }, undefined],
    ['Query', { KeyConditions: {}, QueryFilter: {}, ExpressionAttributeValues: {} }, 'ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null'],
    ['Scan', { ScanFilter: {}, FilterExpression: '' }, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}'],
    ['Scan', { ExpressionAttributeValues: {}, ProjectionExpression: 'a' }, 'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null'],
    ['GetItem', { AttributesToGet: ['a'], ProjectionExpression: 'a' }, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}'],
    ['BatchGetItem', { AttributesToGet: ['a'], ExpressionAttributeNames: {} }, 'ExpressionAttributeNames can only be specified when using expressions'],
    ['PutItem', { Expected: {}, ExpressionAttributeNames: {}, ExpressionAttributeValues: {} }, 'ExpressionAttributeNames can only be specified when using expressions'],
    ['PutItem', { Expected: {}, ExpressionAttributeValues: {} }, 'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null'],
    ['UpdateItem', { ExpressionAttributeValues: {} }, 'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null'],
    ['PutItem', { Expected: null, ConditionExpression: 'a = :a', ExpressionAttributeValues: {} }, undefined],
    ['PutItem', { Expected: {} }, undefined],
    ['GetItem', { ProjectionExpression: 'a', ExpressionAttributeNames: {} }, undefined],
  ];
  it.each(mixCases)('%s %j', (operation, input, message) => {
    if (message === undefined) expect(() => checkLegacyMix(operation, input)).not.toThrow();
    else expect(messageOf(() => checkLegacyMix(operation, input))).toBe(message);
  });
});
