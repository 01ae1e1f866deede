/**
 * Prints the model's conditions, updates and sort-key conditions as DynamoDB expressions, every
 * attribute through a `#name` placeholder (the test's `ttl` is a reserved word) and every value through
 * a `:vN` placeholder. Only placeholders an expression uses are sent: DynamoDB rejects unused ones.
 */
import type * as sdk from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import type { Condition, SortCondition, UpdateAction } from './model.js';

export class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, sdk.AttributeValue> = {};
  #valueCount = 0;

  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: AttributeValue): string {
    const placeholder = `:v${this.#valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** The ExpressionAttributeNames/Values members, present only when used (DynamoDB rejects empty maps). */
  members(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, sdk.AttributeValue> } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(this.#valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

export function printCondition(condition: Condition, p: Placeholders): string {
  switch (condition.kind) {
    case 'exists':
      return `attribute_exists(${p.name(condition.attribute)})`;
    case 'notExists':
      return `attribute_not_exists(${p.name(condition.attribute)})`;
    case 'compare':
      return `${p.name(condition.attribute)} ${condition.op} ${p.value({ N: String(condition.value) })}`;
    case 'and':
    case 'or':
      return `(${printCondition(condition.left, p)}) ${condition.kind.toUpperCase()} (${printCondition(condition.right, p)})`;
    case 'not':
      return `NOT (${printCondition(condition.operand, p)})`;
  }
}

export function printUpdate(actions: readonly UpdateAction[], p: Placeholders): string {
  const clauses: string[] = [];
  const sets = actions.flatMap((a) => (a.kind === 'set' ? [`${p.name(a.attribute)} = ${p.value(a.value)}`] : []));
  const adds = actions.flatMap((a) => (a.kind === 'add' ? [`${p.name(a.attribute)} ${p.value({ N: String(a.value) })}`] : []));
  const removes = actions.flatMap((a) => (a.kind === 'remove' ? [p.name(a.attribute)] : []));
  if (sets.length > 0) clauses.push(`SET ${sets.join(', ')}`);
  if (adds.length > 0) clauses.push(`ADD ${adds.join(', ')}`);
  if (removes.length > 0) clauses.push(`REMOVE ${removes.join(', ')}`);
  return clauses.join(' ');
}

export function conditionMembers(condition: Condition | undefined, p: Placeholders): { ConditionExpression?: string } {
  return condition === undefined ? {} : { ConditionExpression: printCondition(condition, p) };
}

export function printSort(attribute: string, sort: SortCondition, p: Placeholders): string {
  const name = p.name(attribute);
  if (sort.op === 'between') return `${name} BETWEEN ${p.value(sort.low)} AND ${p.value(sort.high)}`;
  if (sort.op === 'begins_with') return `begins_with(${name}, ${p.value(sort.prefix)})`;
  return `${name} ${sort.op} ${p.value(sort.value)}`;
}
