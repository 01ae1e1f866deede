/**
 * Query and Scan: request shapes and the table-independent rules, in the service's order (dynalite
 * validations/{query,scan}.js): shape phases → legacy/expression mixing → legacy filter →
 * AttributesToGet duplicates → ExclusiveStartKey values → (Query) a key condition is present /
 * (Scan) Segment and TotalSegments → Select against the projection.
 *
 * The Select rules and their texts were observed by other emulators' probes of the service
 * ([UNVERIFIED] beyond those). Index existence, consistent reads on a GSI, key conditions against
 * the key schema and expressions are the caller's, after this returns.
 *
 * Pure and synchronous.
 */
import { ValidationException } from '../../model/errors.js';
import { SCAN_TOTAL_SEGMENTS_MAX } from '../../limits.js';
import {
  attributeMap,
  checkMixing,
  ATTRIBUTES_TO_GET,
  BOOLEAN,
  checkAttributesToGet,
  checkConditions,
  checkStartKey,
  CONDITIONAL_OPERATOR,
  CONDITIONS,
  EXPRESSION_NAMES,
  EXPRESSION_VALUES,
  expressionValues,
  INDEX_NAME,
  RETURN_CONSUMED_CAPACITY,
  SELECT,
  STRING,
  TABLE_NAME,
} from './common.js';
import { checkShape, requestShape } from './fast-shape.js';
import type { Json, Spec } from './shape.js';
import type { QueryInput, ScanInput } from './types.js';

const LIMIT: Spec = { type: 'Integer', min: 1 };

// The member tables (in the service's member order) are exported for the fast-path agreement test.
export const QUERY = requestShape({
  Limit: LIMIT,
  ExclusiveStartKey: attributeMap(false),
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  AttributesToGet: ATTRIBUTES_TO_GET,
  QueryFilter: CONDITIONS,
  Select: SELECT,
  ConditionalOperator: CONDITIONAL_OPERATOR,
  KeyConditions: CONDITIONS,
  TableName: TABLE_NAME,
  ConsistentRead: BOOLEAN,
  IndexName: INDEX_NAME,
  ScanIndexForward: BOOLEAN,
  KeyConditionExpression: STRING,
  FilterExpression: STRING,
  ProjectionExpression: STRING,
  ExpressionAttributeValues: EXPRESSION_VALUES,
  ExpressionAttributeNames: EXPRESSION_NAMES,
});

export const SCAN = requestShape({
  Limit: LIMIT,
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  AttributesToGet: ATTRIBUTES_TO_GET,
  Segment: { type: 'Integer', min: 0, max: SCAN_TOTAL_SEGMENTS_MAX - 1 },
  Select: SELECT,
  ScanFilter: CONDITIONS,
  ConditionalOperator: CONDITIONAL_OPERATOR,
  TotalSegments: { type: 'Integer', min: 1, max: SCAN_TOTAL_SEGMENTS_MAX },
  TableName: TABLE_NAME,
  ExclusiveStartKey: attributeMap(false),
  IndexName: INDEX_NAME,
  FilterExpression: STRING,
  ProjectionExpression: STRING,
  ExpressionAttributeValues: EXPRESSION_VALUES,
  ExpressionAttributeNames: EXPRESSION_NAMES,
  ConsistentRead: BOOLEAN,
});

export const KEY_CONDITION_MISSING_MESSAGE = 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.';

/** Select against ProjectionExpression / AttributesToGet. */
function checkSelect(data: Json, operation: 'Query' | 'Scan'): void {
  const select = data['Select'];
  const projection =
    data['ProjectionExpression'] !== undefined ? 'ProjectionExpression' : data['AttributesToGet'] !== undefined ? 'AttributesToGet' : undefined;
  if (projection !== undefined) {
    if (select === 'ALL_ATTRIBUTES' || select === 'ALL_PROJECTED_ATTRIBUTES') {
      throw new ValidationException(`Cannot specify the ${projection} when choosing to get ${select}`);
    }
    if (select === 'COUNT') throw new ValidationException(`Cannot specify the ${projection} when choosing to get only the Count`);
  }
  if (operation === 'Query' && select === 'ALL_PROJECTED_ATTRIBUTES' && data['IndexName'] === undefined) {
    throw new ValidationException('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  }
}

function finish(data: Json): Json {
  const values = expressionValues(data['ExpressionAttributeValues']);
  if (values !== undefined) data['ExpressionAttributeValues'] = values;
  return data;
}

export function validateQueryRequest(input: unknown): QueryInput {
  const data = checkShape(input, QUERY);
  checkMixing('Query', data);
  checkConditions(data['QueryFilter'], data['ConditionalOperator']);
  checkAttributesToGet(data['AttributesToGet']);
  checkStartKey(data['ExclusiveStartKey']);
  if (data['KeyConditions'] === undefined && data['KeyConditionExpression'] === undefined) {
    throw new ValidationException(KEY_CONDITION_MISSING_MESSAGE);
  }
  const keyConditions = data['KeyConditions'] as Json | undefined;
  if (keyConditions !== undefined) {
    checkConditions(keyConditions, undefined);
    const count = Object.keys(keyConditions).length;
    if (count !== 1 && count !== 2) throw new ValidationException('Conditions can be of length 1 or 2 only');
  }
  checkSelect(data, 'Query');
  return finish(data) as unknown as QueryInput; // every member checked against QUERY above
}

export function validateScanRequest(input: unknown): ScanInput {
  const data = checkShape(input, SCAN);
  checkMixing('Scan', data);
  checkAttributesToGet(data['AttributesToGet']);
  checkConditions(data['ScanFilter'], data['ConditionalOperator']);
  checkStartKey(data['ExclusiveStartKey']);
  const segment = data['Segment'] as number | undefined;
  const totalSegments = data['TotalSegments'] as number | undefined;
  // Each requires the other (API reference: ScanInput). dynalite lets Segment 0 through alone
  // because it tests the value rather than its presence; that is dynalite's quirk, not the API's.
  if (segment !== undefined && totalSegments === undefined) {
    throw new ValidationException('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  }
  if (totalSegments !== undefined) {
    if (segment === undefined) {
      throw new ValidationException('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
    }
    if (segment >= totalSegments) {
      throw new ValidationException(
        `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${totalSegments}`,
      );
    }
  }
  checkSelect(data, 'Scan');
  return finish(data) as unknown as ScanInput; // every member checked against SCAN above
}
