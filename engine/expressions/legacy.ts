/**
 * The legacy (pre-expression) request parameters, validated with DynamoDB's messages and
 * translated onto the resolved expression trees, so one evaluator, applier and projector serve both:
 *
 *   Expected + ConditionalOperator      → Condition          (translateExpected)
 *   QueryFilter / ScanFilter + operator → Condition          (translateFilter)
 *   KeyConditions                       → KeyCondition       (translateKeyConditions)
 *   AttributesToGet                     → Projection         (translateAttributesToGet)
 *   AttributeUpdates                    → UpdateActions      (translateAttributeUpdates; apply
 *                                                             with applyUpdate(…, { legacy: true }))
 *
 * and checkLegacyMix, DynamoDB's rules against mixing legacy parameters with expressions.
 *
 * Semantics follow AWS's own legacy-to-expression translation (the DAX client's converter):
 * EQ → `=`, NE → `<>`, LT/LE/GT/GE → `< <= > >=`, NULL → attribute_not_exists, NOT_NULL →
 * attribute_exists, CONTAINS → contains, NOT_CONTAINS → attribute_exists AND NOT contains (so it is
 * false on a missing attribute), BEGINS_WITH → begins_with, IN → IN, BETWEEN → BETWEEN; Expected
 * without an operator: Value → `=`, Exists false → attribute_not_exists. Conditions combine in the
 * map's order with ConditionalOperator (AND by default).
 *
 * Validation order per attribute follows dynalite (whose messages were captured from DynamoDB):
 * argument count, one type across AttributeValueList, the types each operator accepts (as the DAX
 * converter: EQ/NE any; CONTAINS/NOT_CONTAINS S, N, B, BOOL, NULL; BEGINS_WITH S, B; the rest S,
 * N, B), then BETWEEN bounds. Attribute values themselves (numbers, empty sets…) are validated by
 * the API layer before they get here.
 *
 * Concurrency: synchronous and pure.
 */
import type { AttributeValue, AttributeType } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import type { Condition, DocumentPath, KeyCondition, Projection, UpdateActions } from './ast.js';
import { compareScalars } from './evaluate.js';

export type ComparisonOperator =
  | 'EQ'
  | 'NE'
  | 'LE'
  | 'LT'
  | 'GE'
  | 'GT'
  | 'NOT_NULL'
  | 'NULL'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'BEGINS_WITH'
  | 'IN'
  | 'BETWEEN';

export type ConditionalOperator = 'AND' | 'OR';

/** One entry of Expected. */
export interface ExpectedAttributeValue {
  readonly Value?: AttributeValue;
  readonly Exists?: boolean;
  readonly ComparisonOperator?: ComparisonOperator;
  readonly AttributeValueList?: readonly AttributeValue[];
}

/** One entry of QueryFilter, ScanFilter or KeyConditions. */
export interface LegacyCondition {
  readonly ComparisonOperator: ComparisonOperator;
  readonly AttributeValueList?: readonly AttributeValue[];
}

/** One entry of AttributeUpdates (Action defaults to PUT). */
export interface AttributeValueUpdate {
  readonly Action?: 'ADD' | 'PUT' | 'DELETE';
  readonly Value?: AttributeValue;
}

const INVALID = 'One or more parameter values were invalid: ';

function invalid(message: string): ValidationException {
  return new ValidationException(INVALID + message);
}

function attributePath(name: string): DocumentPath {
  return { type: 'path', elements: [{ type: 'name', name }] };
}

/** Argument counts: [min, max]. */
const ARGUMENT_COUNTS: Record<ComparisonOperator, readonly [number, number]> = {
  EQ: [1, 1],
  NE: [1, 1],
  LE: [1, 1],
  LT: [1, 1],
  GE: [1, 1],
  GT: [1, 1],
  CONTAINS: [1, 1],
  NOT_CONTAINS: [1, 1],
  BEGINS_WITH: [1, 1],
  NOT_NULL: [0, 0],
  NULL: [0, 0],
  IN: [1, Number.POSITIVE_INFINITY],
  BETWEEN: [2, 2],
};

const SCALARS: readonly AttributeType[] = ['S', 'N', 'B'];
/** Types each operator accepts in AttributeValueList; undefined: any. */
const ACCEPTED_TYPES: Partial<Record<ComparisonOperator, readonly AttributeType[]>> = {
  LE: SCALARS,
  LT: SCALARS,
  GE: SCALARS,
  GT: SCALARS,
  IN: SCALARS,
  BETWEEN: SCALARS,
  BEGINS_WITH: ['S', 'B'],
  CONTAINS: ['S', 'N', 'B', 'BOOL', 'NULL'],
  NOT_CONTAINS: ['S', 'N', 'B', 'BOOL', 'NULL'],
};

/** Validates one operator with its values and builds its condition on attribute `name`. */
function comparison(name: string, operator: ComparisonOperator, values: readonly AttributeValue[]): Condition {
  const counts = ARGUMENT_COUNTS[operator];
  if (counts === undefined) throw new ValidationException(`Unsupported ComparisonOperator: ${String(operator)}`);
  if (values.length < counts[0] || values.length > counts[1]) {
    throw invalid(`Invalid number of argument(s) for the ${operator} ComparisonOperator`);
  }
  if (values.length > 0) {
    const type = typeOf(values[0]!);
    for (const value of values) {
      if (typeOf(value) !== type) throw invalid('AttributeValues inside AttributeValueList must be of same type');
    }
    const accepted = ACCEPTED_TYPES[operator];
    if (accepted !== undefined && !accepted.includes(type)) {
      throw invalid(`ComparisonOperator ${operator} is not valid for ${type} AttributeValue type`);
    }
  }
  const path = attributePath(name);
  const literal = (index: number) => ({ type: 'literal', value: values[index]! }) as const;
  switch (operator) {
    case 'EQ':
      return { type: 'compare', op: '=', left: path, right: literal(0) };
    case 'NE':
      return { type: 'compare', op: '<>', left: path, right: literal(0) };
    case 'LT':
      return { type: 'compare', op: '<', left: path, right: literal(0) };
    case 'LE':
      return { type: 'compare', op: '<=', left: path, right: literal(0) };
    case 'GT':
      return { type: 'compare', op: '>', left: path, right: literal(0) };
    case 'GE':
      return { type: 'compare', op: '>=', left: path, right: literal(0) };
    case 'NOT_NULL':
      return { type: 'attributeExists', path };
    case 'NULL':
      return { type: 'attributeNotExists', path };
    case 'CONTAINS':
      return { type: 'contains', path, operand: literal(0) };
    case 'NOT_CONTAINS':
      return {
        type: 'and',
        left: { type: 'attributeExists', path },
        right: { type: 'not', condition: { type: 'contains', path, operand: literal(0) } },
      };
    case 'BEGINS_WITH':
      return { type: 'beginsWith', path, prefix: literal(0) };
    case 'IN':
      return { type: 'in', operand: path, list: values.map((value) => ({ type: 'literal', value })) };
    case 'BETWEEN': {
      const order = compareScalars(values[0]!, values[1]!);
      if (order !== undefined && order > 0) {
        throw new ValidationException('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
      }
      return { type: 'between', operand: path, lower: literal(0), upper: literal(1) };
    }
  }
}

function combine(conditions: readonly Condition[], operator: ConditionalOperator | undefined): Condition | undefined {
  let combined: Condition | undefined;
  const type = operator === 'OR' ? 'or' : 'and';
  for (const condition of conditions) combined = combined === undefined ? condition : { type, left: combined, right: condition };
  return combined;
}

/** Expected + ConditionalOperator → Condition (undefined for an empty Expected). */
export function translateExpected(
  expected: Readonly<Record<string, ExpectedAttributeValue>>,
  conditionalOperator?: ConditionalOperator,
): Condition | undefined {
  const conditions: Condition[] = [];
  for (const name of Object.keys(expected)) conditions.push(expectedCondition(name, expected[name]!));
  return combine(conditions, conditionalOperator);
}

function expectedCondition(name: string, expected: ExpectedAttributeValue): Condition {
  const { Value: value, Exists: exists, ComparisonOperator: operator, AttributeValueList: list } = expected;
  if (list !== undefined && value !== undefined) {
    throw invalid(`Value and AttributeValueList cannot be used together for Attribute: ${name}`);
  }
  if (operator !== undefined) {
    if (exists !== undefined) throw invalid(`Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
    if (operator !== 'NULL' && operator !== 'NOT_NULL' && list === undefined && value === undefined) {
      throw invalid(`Value or AttributeValueList must be used with ComparisonOperator: ${operator} for Attribute: ${name}`);
    }
    return comparison(name, operator, list ?? (value !== undefined ? [value] : []));
  }
  if (list !== undefined) throw invalid(`AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`);
  if (exists !== false) {
    if (value === undefined) {
      throw invalid(`Value must be provided when Exists is ${exists === undefined ? 'null' : 'true'} for Attribute: ${name}`);
    }
    return { type: 'compare', op: '=', left: attributePath(name), right: { type: 'literal', value } };
  }
  if (value !== undefined) throw invalid(`Value cannot be used when Exists is false for Attribute: ${name}`);
  return { type: 'attributeNotExists', path: attributePath(name) };
}

/** QueryFilter / ScanFilter + ConditionalOperator → Condition (undefined for an empty filter). */
export function translateFilter(
  filter: Readonly<Record<string, LegacyCondition>>,
  conditionalOperator?: ConditionalOperator,
): Condition | undefined {
  const conditions: Condition[] = [];
  for (const name of Object.keys(filter)) {
    const condition = filter[name]!;
    conditions.push(comparison(name, condition.ComparisonOperator, condition.AttributeValueList ?? []));
  }
  return combine(conditions, conditionalOperator);
}

/** The key attribute names of the table or index a Query reads. */
export interface KeySchemaNames {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

const SORT_KEY_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['EQ', 'LE', 'LT', 'GE', 'GT', 'BEGINS_WITH', 'BETWEEN']);

/**
 * KeyConditions → KeyCondition. Checks each condition as a filter's, then: one or two conditions,
 * EQ on the partition key, and a sort-key operator a key range can serve. Whether the values' types
 * match the key attributes' declared types is the table layer's check.
 */
export function translateKeyConditions(
  keyConditions: Readonly<Record<string, LegacyCondition>>,
  keySchema: KeySchemaNames,
): KeyCondition {
  const names = Object.keys(keyConditions);
  for (const name of names) {
    const condition = keyConditions[name]!;
    comparison(name, condition.ComparisonOperator, condition.AttributeValueList ?? []);
  }
  if (names.length !== 1 && names.length !== 2) throw new ValidationException('Conditions can be of length 1 or 2 only');
  const partition = keyConditions[keySchema.partitionKey];
  if (partition === undefined || !Object.prototype.hasOwnProperty.call(keyConditions, keySchema.partitionKey)) {
    throw new ValidationException(`Query condition missed key schema element: ${keySchema.partitionKey}`);
  }
  const otherName = names.find((name) => name !== keySchema.partitionKey);
  if (otherName !== undefined && otherName !== keySchema.sortKey) {
    // A condition on a non-key attribute: DynamoDB names the key element the query is missing.
    if (keySchema.sortKey === undefined) throw new ValidationException('Query key condition not supported');
    throw new ValidationException(`Query condition missed key schema element: ${keySchema.sortKey}`);
  }
  if (partition.ComparisonOperator !== 'EQ') throw new ValidationException('Query key condition not supported');
  const partitionKey = { name: keySchema.partitionKey, value: partition.AttributeValueList![0]! };
  if (otherName === undefined) return { partitionKey };
  const sort = keyConditions[otherName]!;
  if (!SORT_KEY_OPERATORS.has(sort.ComparisonOperator)) throw new ValidationException('Query key condition not supported');
  const values = sort.AttributeValueList!;
  switch (sort.ComparisonOperator) {
    case 'BETWEEN':
      return { partitionKey, sortKey: { name: otherName, op: 'between', lower: values[0]!, upper: values[1]! } };
    case 'BEGINS_WITH':
      return { partitionKey, sortKey: { name: otherName, op: 'beginsWith', prefix: values[0]! } };
    default: {
      const op = ({ EQ: '=', LT: '<', LE: '<=', GT: '>', GE: '>=' } as const)[sort.ComparisonOperator as 'EQ' | 'LT' | 'LE' | 'GT' | 'GE'];
      return { partitionKey, sortKey: { name: otherName, op, value: values[0]! } };
    }
  }
}

/** AttributesToGet → Projection of top-level attributes. */
export function translateAttributesToGet(names: readonly string[]): Projection {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw invalid(`Duplicate value in attribute name: ${name}`);
    seen.add(name);
  }
  return names.map(attributePath);
}

const SET_TYPES: readonly AttributeType[] = ['SS', 'NS', 'BS'];
const LEGACY_ADD_TYPES: readonly AttributeType[] = ['N', 'L', 'SS', 'NS', 'BS'];

/**
 * AttributeUpdates → UpdateActions: PUT → SET, DELETE without a value → REMOVE, DELETE with a set
 * → DELETE, ADD (number, set, or list: appends) → ADD. Apply with `{ legacy: true }`.
 */
export function translateAttributeUpdates(updates: Readonly<Record<string, AttributeValueUpdate>>): UpdateActions {
  const set: { path: DocumentPath; value: { type: 'literal'; value: AttributeValue } }[] = [];
  const remove: DocumentPath[] = [];
  const add: { path: DocumentPath; value: { type: 'literal'; value: AttributeValue } }[] = [];
  const deletions: { path: DocumentPath; value: { type: 'literal'; value: AttributeValue } }[] = [];
  for (const name of Object.keys(updates)) {
    const { Action: action = 'PUT', Value: value } = updates[name]!;
    if (value === undefined) {
      if (action !== 'DELETE') throw invalid('Only DELETE action is allowed when no attribute value is specified');
      remove.push(attributePath(name));
      continue;
    }
    const type = typeOf(value);
    const entry = { path: attributePath(name), value: { type: 'literal', value } as const };
    if (action === 'DELETE') {
      if (!SET_TYPES.includes(type)) throw invalid(`DELETE action with value is not supported for the type ${type}`);
      deletions.push(entry);
    } else if (action === 'ADD') {
      if (!LEGACY_ADD_TYPES.includes(type)) throw invalid(`ADD action is not supported for the type ${type}`);
      add.push(entry);
    } else {
      set.push(entry);
    }
  }
  return { set, remove, add, delete: deletions };
}

/** Operations whose requests may carry legacy parameters. */
export type LegacyOperation = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'DeleteItem' | 'UpdateItem' | 'Query' | 'Scan';

/** Per operation, its expression parameters and its legacy ones, in the order DynamoDB lists them. */
const PARAMETERS: Record<LegacyOperation, { readonly expressions: readonly string[]; readonly legacy: readonly string[] }> = {
  GetItem: { expressions: ['ProjectionExpression'], legacy: ['AttributesToGet'] },
  BatchGetItem: { expressions: ['ProjectionExpression'], legacy: ['AttributesToGet'] },
  PutItem: { expressions: ['ConditionExpression'], legacy: ['Expected'] },
  DeleteItem: { expressions: ['ConditionExpression'], legacy: ['Expected'] },
  UpdateItem: { expressions: ['UpdateExpression', 'ConditionExpression'], legacy: ['AttributeUpdates', 'Expected'] },
  Query: {
    expressions: ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'],
    legacy: ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
  },
  Scan: {
    expressions: ['ProjectionExpression', 'FilterExpression'],
    legacy: ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'],
  },
};

/**
 * DynamoDB's rules on mixing (for BatchGetItem, call once per table's request): legacy and
 * expression parameters together; ExpressionAttributeNames without any expression;
 * ExpressionAttributeValues without an expression that can use values. A parameter counts as
 * present when it is neither undefined nor null. KeyConditions may accompany the other
 * expressions when KeyConditionExpression is absent.
 */
export function checkLegacyMix(operation: LegacyOperation, input: Readonly<Record<string, unknown>>): void {
  const present = (name: string) => input[name] !== undefined && input[name] !== null;
  const { expressions, legacy } = PARAMETERS[operation];
  const expressionsPresent = expressions.filter(present);
  if (expressionsPresent.length > 0) {
    const keyConditionsAllowed = present('KeyConditions') && !present('KeyConditionExpression');
    const legacyPresent = legacy.filter((name) => present(name) && !(keyConditionsAllowed && name === 'KeyConditions'));
    if (legacyPresent.length > 0) {
      throw new ValidationException(
        'Can not use both expression and non-expression parameters in the same request: ' +
          `Non-expression parameters: {${legacyPresent.join(', ')}} Expression parameters: {${expressionsPresent.join(', ')}}`,
      );
    }
  }
  if (present('ExpressionAttributeNames') && expressionsPresent.length === 0) {
    throw new ValidationException('ExpressionAttributeNames can only be specified when using expressions');
  }
  const valueExpressions = expressions.filter((name) => name !== 'ProjectionExpression');
  if (valueExpressions.length > 0 && present('ExpressionAttributeValues') && !valueExpressions.some(present)) {
    throw new ValidationException(
      'ExpressionAttributeValues can only be specified when using expressions: ' +
        `${valueExpressions.join(' and ')} ${valueExpressions.length > 1 ? 'are' : 'is'} null`,
    );
  }
}
