/**
 * Compiles a request's expressions (or translates its legacy parameters) into trees, sharing one
 * placeholder context so "unused ExpressionAttributeNames/Values" is judged across all of them.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import {
  ExpressionContext,
  checkLegacyMix,
  compileCondition,
  compileProjection,
  compileUpdate,
  translateAttributesToGet,
  translateAttributeUpdates,
  translateExpected,
  type Condition,
  type ConditionalOperator,
  type ExpectedAttributeValue,
  type LegacyOperation,
  type Projection,
  type UpdateActions,
  type AttributeValueUpdate,
} from '../expressions/index.js';

export type Input = Readonly<Record<string, unknown>>;

export interface RequestExpressions {
  condition?: Condition;
  projection?: Projection;
  update?: UpdateActions;
  /** True when the update came from AttributeUpdates (legacy semantics apply). */
  legacyUpdate: boolean;
}

function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationException(`Invalid type for parameter ${name}`);
  return value;
}

export function contextOf(input: Input): ExpressionContext {
  return new ExpressionContext(
    input['ExpressionAttributeNames'] as Record<string, string> | undefined,
    input['ExpressionAttributeValues'] as Record<string, AttributeValue> | undefined,
  );
}

/** Every expression or legacy member of any LegacyOperation (checkLegacyMix's lists, and the maps). */
const EXPRESSION_MEMBERS: ReadonlySet<string> = new Set([
  'UpdateExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'KeyConditions',
  'QueryFilter',
  'ScanFilter',
  'ConditionalOperator',
  'AttributeUpdates',
  'ConditionExpression',
  'Expected',
  'ProjectionExpression',
  'AttributesToGet',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
]);

/**
 * Whether any of them is present (null is absent, as on the wire). A request with none has nothing
 * to compile and nothing to reject — no mix, no unused placeholder — so it skips the context.
 */
function hasExpressionMembers(input: Input): boolean {
  // The request's own few members are walked, not the fifteen names: a miss on a plain object is
  // a megamorphic lookup through its prototype chain.
  for (const name in input) {
    if (!EXPRESSION_MEMBERS.has(name)) continue;
    const value = input[name];
    if (value !== undefined && value !== null) return true;
  }
  return false;
}

/**
 * Compiles what `operation` allows: ConditionExpression/Expected, ProjectionExpression/AttributesToGet,
 * UpdateExpression/AttributeUpdates. Throws DynamoDB's ValidationException for any problem.
 */
export function compileRequest(operation: LegacyOperation, input: Input, keyAttributeNames: readonly string[] = []): RequestExpressions {
  if (!hasExpressionMembers(input)) return { legacyUpdate: false };
  checkLegacyMix(operation, input);
  const context = contextOf(input);
  const result: RequestExpressions = { legacyUpdate: false };
  const updateText = optionalString(input, 'UpdateExpression');
  if (updateText !== undefined) result.update = compileUpdate(updateText, context, keyAttributeNames);
  else if (input['AttributeUpdates'] !== undefined && input['AttributeUpdates'] !== null) {
    result.update = translateAttributeUpdates(input['AttributeUpdates'] as Record<string, AttributeValueUpdate>);
    result.legacyUpdate = true;
  }
  const conditionText = optionalString(input, 'ConditionExpression');
  if (conditionText !== undefined) result.condition = compileCondition(conditionText, 'ConditionExpression', context);
  else if (input['Expected'] !== undefined && input['Expected'] !== null) {
    const condition = translateExpected(input['Expected'] as Record<string, ExpectedAttributeValue>, input['ConditionalOperator'] as ConditionalOperator | undefined);
    if (condition !== undefined) result.condition = condition;
  }
  const projectionText = optionalString(input, 'ProjectionExpression');
  if (projectionText !== undefined) result.projection = compileProjection(projectionText, context);
  else if (Array.isArray(input['AttributesToGet'])) result.projection = translateAttributesToGet(input['AttributesToGet'] as string[]);
  context.assertAllUsed();
  return result;
}
