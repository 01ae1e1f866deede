/**
 * Pieces every operation's validator shares: member specs (table and index names, the enums, the
 * legacy condition maps, expression maps) with the service's enum orders (dynalite validations/*.js),
 * and the custom-phase checks on decoded data: attribute values held back in phase 1, the legacy
 * parameters (validated by translating them with engine/expressions/legacy.ts, which owns their
 * messages), AttributesToGet duplicates, ExclusiveStartKey.
 *
 * Pure and synchronous.
 */
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import { ValidationException } from '../../model/errors.js';
import { base64, checkAttributeName } from '../../model/validate.js';
import {
  checkLegacyMix,
  translateAttributesToGet,
  translateExpected,
  translateFilter,
} from '../../expressions/legacy.js';
import type { ConditionalOperator, ExpectedAttributeValue, LegacyCondition, LegacyOperation } from '../../expressions/legacy.js';
import { ATTRIBUTES_TO_GET_MAX, TABLE_NAME_LENGTH_MAX, TABLE_NAME_LENGTH_MIN } from '../../limits.js';
import { Deferred, setOwn } from './shape.js';
import type { Json, ListSpec, MapSpec, Spec, StringSpec, StructSpec, ValueSpec } from './shape.js';

export const INVALID = 'One or more parameter values were invalid: ';
export const NAME_PATTERN = '[a-zA-Z0-9_.-]+';

/** TableName of a data-plane operation (constraints batched; an ARN is accepted). */
export const TABLE_NAME: StringSpec = {
  type: 'String',
  notNull: true,
  regex: NAME_PATTERN,
  lengthMin: TABLE_NAME_LENGTH_MIN,
  lengthMax: TABLE_NAME_LENGTH_MAX,
  arn: true,
};
/** TableName of a control-plane operation: required and length checked first, one at a time. */
export const CONTROL_TABLE_NAME: StringSpec = { type: 'String', required: true, tableName: true, regex: NAME_PATTERN, arn: true };
export const INDEX_NAME: StringSpec = { type: 'String', regex: NAME_PATTERN, lengthMin: TABLE_NAME_LENGTH_MIN, lengthMax: TABLE_NAME_LENGTH_MAX };

function enumSpec(values: readonly string[], notNull = false): StringSpec {
  return notNull ? { type: 'String', notNull, enum: values } : { type: 'String', enum: values };
}
export const RETURN_CONSUMED_CAPACITY = enumSpec(['INDEXES', 'TOTAL', 'NONE']);
export const RETURN_ITEM_COLLECTION_METRICS = enumSpec(['SIZE', 'NONE']);
export const RETURN_VALUES = enumSpec(['ALL_NEW', 'UPDATED_OLD', 'ALL_OLD', 'NONE', 'UPDATED_NEW']);
export const RETURN_VALUES_ON_CONDITION_CHECK_FAILURE = enumSpec(['ALL_OLD', 'NONE']);
export const CONDITIONAL_OPERATOR = enumSpec(['OR', 'AND']);
export const SELECT = enumSpec(['SPECIFIC_ATTRIBUTES', 'COUNT', 'ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES']);
const COMPARISON_OPERATORS = ['IN', 'NULL', 'BETWEEN', 'LT', 'NOT_CONTAINS', 'EQ', 'GT', 'NOT_NULL', 'NE', 'LE', 'BEGINS_WITH', 'GE', 'CONTAINS'];

export const STRING: StringSpec = { type: 'String' };
export const BOOLEAN: Spec = { type: 'Boolean' };
export const VALUE: ValueSpec = { type: 'AttributeValue' };
export const VALUE_LIST: ListSpec = { type: 'List', member: VALUE };

/** An item, a key, ExclusiveStartKey or ExpressionAttributeValues: names to attribute values. */
export function attributeMap(notNull: boolean): MapSpec {
  return notNull ? { type: 'Map', notNull, member: VALUE } : { type: 'Map', member: VALUE };
}
export const EXPRESSION_NAMES: MapSpec = { type: 'Map', member: STRING };
export const EXPRESSION_VALUES = attributeMap(false);
export const ATTRIBUTES_TO_GET: ListSpec = { type: 'List', lengthMin: 1, lengthMax: ATTRIBUTES_TO_GET_MAX, member: STRING };

export const EXPECTED: MapSpec = {
  type: 'Map',
  member: {
    type: 'Structure',
    members: { AttributeValueList: VALUE_LIST, ComparisonOperator: enumSpec(COMPARISON_OPERATORS), Exists: BOOLEAN, Value: VALUE },
  },
};
/** QueryFilter, ScanFilter, KeyConditions. */
export const CONDITIONS: MapSpec = {
  type: 'Map',
  member: { type: 'Structure', members: { AttributeValueList: VALUE_LIST, ComparisonOperator: enumSpec(COMPARISON_OPERATORS, true) } },
};

export function struct(members: Readonly<Record<string, Spec>>, notNull = false): StructSpec {
  return notNull ? { type: 'Structure', notNull, members } : { type: 'Structure', members };
}

// ---- Custom-phase checks ---------------------------------------------------------------------------

const LEGACY_MEMBERS: Readonly<Record<LegacyOperation, readonly string[]>> = {
  GetItem: ['AttributesToGet'],
  BatchGetItem: ['AttributesToGet'],
  PutItem: ['Expected'],
  DeleteItem: ['Expected'],
  UpdateItem: ['AttributeUpdates', 'Expected'],
  Query: ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
  Scan: ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'],
};

/**
 * checkLegacyMix (engine/expressions owns the rules and messages), skipped on the common path
 * where it cannot fail: no placeholder maps and no legacy parameter.
 */
export function checkMixing(operation: LegacyOperation, data: Json): void {
  if (data['ExpressionAttributeNames'] === undefined && data['ExpressionAttributeValues'] === undefined) {
    let legacy = false;
    for (const name of LEGACY_MEMBERS[operation]) if (data[name] !== undefined) legacy = true;
    if (!legacy) return;
  }
  checkLegacyMix(operation, data);
}

function raise(deferred: Deferred, prefix: string): never {
  if (prefix === '') throw deferred.error;
  throw new ValidationException(prefix + deferred.error.message, { cause: deferred.error });
}

/**
 * A decoded map of attribute values: throws the first over-long name or held-back value error, in
 * key order (nested names were checked with their values).
 */
export function checkValues(map: unknown, prefix = ''): Item {
  const entries = map as Json; // decoded by a Map<AttributeValue> spec
  for (const key in entries) {
    checkAttributeName(key);
    const value = entries[key];
    if (value instanceof Deferred) raise(value, prefix);
  }
  return entries as Item; // no Deferred left: every entry is a validated AttributeValue
}

export function checkValueList(list: unknown): AttributeValue[] {
  const values = list as unknown[];
  for (const value of values) if (value instanceof Deferred) raise(value, '');
  return values as AttributeValue[];
}

/**
 * ExpressionAttributeValues: values that failed are given back raw, because ExpressionContext
 * validates every value with DynamoDB's wrapped message ("…contains invalid value: … for key :v")
 * after the placeholder keys, as the service orders it.
 */
export function expressionValues(map: unknown): Record<string, AttributeValue> | undefined {
  if (map === undefined) return undefined;
  const entries = map as Json; // decoded by a Map<AttributeValue> spec
  let out: Json | undefined;
  for (const key of Object.keys(entries)) {
    const value = entries[key];
    if (value instanceof Deferred && out === undefined) out = { ...entries };
    if (out !== undefined && value instanceof Deferred) setOwn(out, key, value.raw);
  }
  // Raw values stay unvalidated until ExpressionContext checks them; the cast names the contract.
  return (out ?? entries) as Record<string, AttributeValue>;
}

/** Expected + ConditionalOperator: values, then the legacy rules, by translating. */
export function checkExpected(expected: unknown, conditionalOperator: unknown): void {
  if (expected === undefined) return;
  const entries = expected as Record<string, Json>;
  for (const name of Object.keys(entries)) {
    const entry = entries[name]!;
    if (entry['Value'] instanceof Deferred) raise(entry['Value'], '');
    if (entry['AttributeValueList'] !== undefined) checkValueList(entry['AttributeValueList']);
  }
  translateExpected(entries as Record<string, ExpectedAttributeValue>, conditionalOperator as ConditionalOperator | undefined);
}

/** QueryFilter / ScanFilter / KeyConditions: values, then argument counts and types (per condition). */
export function checkConditions(conditions: unknown, conditionalOperator: unknown): void {
  if (conditions === undefined) return;
  const entries = conditions as Record<string, Json>;
  for (const name of Object.keys(entries)) {
    const entry = entries[name]!;
    if (entry['AttributeValueList'] !== undefined) checkValueList(entry['AttributeValueList']);
    translateFilter({ [name]: entry as unknown as LegacyCondition }, conditionalOperator as ConditionalOperator | undefined);
  }
}

export function checkAttributesToGet(names: unknown): void {
  if (names !== undefined) translateAttributesToGet(names as string[]);
}

export const START_KEY_PREFIX = 'The provided starting key is invalid: ';

export function checkStartKey(key: unknown): void {
  if (key !== undefined) checkValues(key, START_KEY_PREFIX);
}

/**
 * A stable text for a key given as a map of attribute values: the same key spelled in any member
 * order gives the same text (used for duplicate keys in a batch).
 */
export function keyFingerprint(key: Item): string {
  const names = Object.keys(key).sort();
  let text = '';
  for (const name of names) text += JSON.stringify(name) + '=' + valueFingerprint(key[name]!) + ';';
  return text;
}

function valueFingerprint(value: AttributeValue): string {
  if ('S' in value) return 'S' + JSON.stringify(value.S);
  if ('N' in value) return 'N' + value.N; // canonical after validation
  if ('B' in value) return 'B' + base64(value.B);
  return JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Uint8Array ? Array.from(inner) : inner));
}
