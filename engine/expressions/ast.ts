/**
 * The resolved syntax trees of DynamoDB's five expression kinds: what the parser produces after
 * placeholders are substituted (#name → attribute name, :value → AttributeValue), and what the
 * evaluator, the update applier and the projector consume. The legacy parameters (Expected,
 * KeyConditions, QueryFilter, ScanFilter, AttributesToGet, AttributeUpdates) translate onto these
 * same trees.
 *
 * All trees are plain immutable data (no methods), so they can be cached, printed and compared.
 */
import type { AttributeValue } from '../model/attribute-value.js';

/** One step of a document path: a map key / attribute name, or a list index. */
export type PathElement = { readonly type: 'name'; readonly name: string } | { readonly type: 'index'; readonly index: number };

/** A document path; elements[0] is always a name (the top-level attribute). */
export interface DocumentPath {
  readonly type: 'path';
  readonly elements: readonly PathElement[];
}

/** A substituted expression attribute value (or a legacy parameter's value). */
export interface Literal {
  readonly type: 'literal';
  readonly value: AttributeValue;
}

/** size(path), usable as an operand in conditions. */
export interface SizeOf {
  readonly type: 'size';
  readonly path: DocumentPath;
}

export type Operand = DocumentPath | Literal | SizeOf;

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { readonly type: 'compare'; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly type: 'between'; readonly operand: Operand; readonly lower: Operand; readonly upper: Operand }
  | { readonly type: 'in'; readonly operand: Operand; readonly list: readonly Operand[] }
  | { readonly type: 'and'; readonly left: Condition; readonly right: Condition }
  | { readonly type: 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly type: 'not'; readonly condition: Condition }
  | { readonly type: 'attributeExists'; readonly path: DocumentPath }
  | { readonly type: 'attributeNotExists'; readonly path: DocumentPath }
  | { readonly type: 'attributeType'; readonly path: DocumentPath; readonly attributeType: Operand }
  | { readonly type: 'beginsWith'; readonly path: DocumentPath; readonly prefix: Operand }
  | { readonly type: 'contains'; readonly path: DocumentPath; readonly operand: Operand };

/** Operands of a SET action's right-hand side. */
export type UpdateOperand =
  | DocumentPath
  | Literal
  | { readonly type: 'ifNotExists'; readonly path: DocumentPath; readonly fallback: UpdateOperand }
  | { readonly type: 'listAppend'; readonly first: UpdateOperand; readonly second: UpdateOperand };

export type UpdateValue =
  | UpdateOperand
  | { readonly type: 'arithmetic'; readonly op: '+' | '-'; readonly left: UpdateOperand; readonly right: UpdateOperand };

export interface UpdateActions {
  readonly set: readonly { readonly path: DocumentPath; readonly value: UpdateValue }[];
  readonly remove: readonly DocumentPath[];
  readonly add: readonly { readonly path: DocumentPath; readonly value: Literal }[];
  readonly delete: readonly { readonly path: DocumentPath; readonly value: Literal }[];
}

/** A ProjectionExpression: the paths to keep. */
export type Projection = readonly DocumentPath[];

/**
 * A validated KeyConditionExpression against a key schema: equality on the partition key, and at
 * most one condition on the sort key.
 */
export interface KeyCondition {
  readonly partitionKey: { readonly name: string; readonly value: AttributeValue };
  readonly sortKey?:
    | { readonly name: string; readonly op: '=' | '<' | '<=' | '>' | '>='; readonly value: AttributeValue }
    | { readonly name: string; readonly op: 'between'; readonly lower: AttributeValue; readonly upper: AttributeValue }
    | { readonly name: string; readonly op: 'beginsWith'; readonly prefix: AttributeValue };
}
