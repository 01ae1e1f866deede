/**
 * The front door of the expression language: text + a request's ExpressionContext → a resolved tree
 * (ast.ts), or DynamoDB's ValidationException. Each compile:
 *   1. rejects empty text and text over 4 KB (UTF-8),
 *   2. takes the parsed, statically checked tree from the parse cache, or parses and checks it,
 *   3. resolves placeholders for this request (resolve.ts), with the value-dependent checks,
 *   4. for a KeyConditionExpression, checks the key-condition rules against the key schema.
 *
 * Concurrency: synchronous; the context belongs to one request.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { EXPRESSION_BYTES_MAX } from '../limits.js';
import type { Condition, DocumentPath, KeyCondition, Operand, Projection, UpdateActions } from './ast.js';
import { utf8ByteLength } from './lexer.js';
import { parseConditionSyntax } from './parse-condition.js';
import { parseProjectionSyntax } from './parse-projection.js';
import { parseUpdateSyntax } from './parse-update.js';
import { parseCache } from './parse-cache.js';
import type { ExpressionContext } from './placeholders.js';
import { resolveCondition, resolveProjection, resolveUpdate } from './resolve.js';
import { checkConditionStatic, checkProjectionStatic, checkUpdateStatic, invalid } from './semantics.js';
import type { ExpressionKind, SyntaxCondition, SyntaxProjection, SyntaxUpdate } from './syntax.js';

export interface KeySchemaNames {
  partitionKey: string;
  sortKey?: string;
}

function checkText(text: string, kind: ExpressionKind): void {
  if (text.trim().length === 0) throw invalid(kind, 'The expression can not be empty;');
  // Three UTF-8 bytes per UTF-16 unit at most: short texts need no counting.
  if (text.length * 3 <= EXPRESSION_BYTES_MAX) return;
  const bytes = utf8ByteLength(text);
  if (bytes <= EXPRESSION_BYTES_MAX) return;
  // Captured from the service: only conditions and filters append the size.
  const suffix = kind === 'ConditionExpression' || kind === 'FilterExpression' ? ` expression size: ${bytes}` : '';
  throw invalid(kind, `Expression size has exceeded the maximum allowed size;${suffix}`);
}

function conditionSyntax(text: string, kind: ExpressionKind): SyntaxCondition {
  checkText(text, kind);
  const cached = parseCache.get('condition', text);
  if (cached !== undefined && cached.grammar === 'condition') return cached.tree;
  const parsed = parseConditionSyntax(text, kind);
  checkConditionStatic(parsed, kind);
  parseCache.set(text, { grammar: 'condition', tree: parsed.tree });
  return parsed.tree;
}

function updateSyntax(text: string): SyntaxUpdate {
  checkText(text, 'UpdateExpression');
  const cached = parseCache.get('update', text);
  if (cached !== undefined && cached.grammar === 'update') return cached.tree;
  const tree = parseUpdateSyntax(text);
  checkUpdateStatic(tree);
  parseCache.set(text, { grammar: 'update', tree });
  return tree;
}

function projectionSyntax(text: string): SyntaxProjection {
  checkText(text, 'ProjectionExpression');
  const cached = parseCache.get('projection', text);
  if (cached !== undefined && cached.grammar === 'projection') return cached.tree;
  const tree = parseProjectionSyntax(text);
  checkProjectionStatic(tree);
  parseCache.set(text, { grammar: 'projection', tree });
  return tree;
}

/** Compiles a ConditionExpression or FilterExpression. */
export function compileCondition(text: string, kind: 'ConditionExpression' | 'FilterExpression', context: ExpressionContext): Condition {
  return resolveCondition(conditionSyntax(text, kind), kind, context);
}

/** Compiles an UpdateExpression; actions on `keyAttributeNames` (key-schema order) are rejected. */
export function compileUpdate(text: string, context: ExpressionContext, keyAttributeNames: readonly string[]): UpdateActions {
  return resolveUpdate(updateSyntax(text), context, keyAttributeNames);
}

/** Compiles a ProjectionExpression. */
export function compileProjection(text: string, context: ExpressionContext): Projection {
  return resolveProjection(projectionSyntax(text), context);
}

// ---- KeyConditionExpression -----------------------------------------------------------------------

type SortKeyCondition = NonNullable<KeyCondition['sortKey']>;

/** One key attribute's condition, as written (operands already resolved). */
type KeyTerm = { readonly name: string } & (
  | { readonly op: '=' | '<' | '<=' | '>' | '>='; readonly value: AttributeValue }
  | { readonly op: 'between'; readonly lower: AttributeValue; readonly upper: AttributeValue }
  | { readonly op: 'beginsWith'; readonly prefix: AttributeValue }
);

const FLIPPED = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;

/**
 * Compiles a KeyConditionExpression: a condition (same grammar and checks), then DynamoDB's
 * key-condition rules (reference/dynamodb-facts.md §4.2; messages from dynalite): only AND; only
 * `=`, `<`, `<=`, `>`, `>=`, BETWEEN and begins_with; each on one top-level attribute compared with
 * values; at most one condition per attribute; equality on the partition key; at most one sort-key
 * condition and no other attribute.
 */
export function compileKeyCondition(text: string, context: ExpressionContext, keySchema: KeySchemaNames): KeyCondition {
  const condition = resolveCondition(conditionSyntax(text, 'KeyConditionExpression'), 'KeyConditionExpression', context);
  const terms = new Map<string, KeyTerm>();
  collectKeyTerms(condition, terms);

  const partition = terms.get(keySchema.partitionKey);
  if (partition === undefined) throw new ValidationException(`Query condition missed key schema element: ${keySchema.partitionKey}`);
  if (keySchema.sortKey !== undefined && terms.size > 1 && !terms.has(keySchema.sortKey)) {
    throw new ValidationException(`Query condition missed key schema element: ${keySchema.sortKey}`);
  }
  const sort = keySchema.sortKey === undefined ? undefined : terms.get(keySchema.sortKey);
  if (partition.op !== '=' || terms.size > (sort === undefined ? 1 : 2)) throw new ValidationException('Query key condition not supported');

  const result: { partitionKey: KeyCondition['partitionKey']; sortKey?: SortKeyCondition } = {
    partitionKey: { name: partition.name, value: partition.value },
  };
  if (sort !== undefined) result.sortKey = sort;
  return result;
}

/**
 * Structural key-condition errors. DynamoDB sends these without the "Invalid KeyConditionExpression: "
 * prefix its syntax errors carry (dynalite's query tests, run against the live service).
 */
function keyError(message: string): ValidationException {
  return new ValidationException(message);
}

function collectKeyTerms(c: Condition, terms: Map<string, KeyTerm>): void {
  switch (c.type) {
    case 'and':
      collectKeyTerms(c.left, terms);
      collectKeyTerms(c.right, terms);
      return;
    case 'or':
    case 'not':
    case 'in':
      throw keyError(`Invalid operator used in KeyConditionExpression: ${c.type.toUpperCase()}`);
    case 'attributeExists':
    case 'attributeNotExists':
    case 'attributeType':
    case 'contains': {
      const name = { attributeExists: 'attribute_exists', attributeNotExists: 'attribute_not_exists', attributeType: 'attribute_type', contains: 'contains' }[c.type];
      throw keyError(`Invalid operator used in KeyConditionExpression: ${name}`);
    }
    case 'compare': {
      if (c.op === '<>') throw keyError('Invalid operator used in KeyConditionExpression: <>');
      const [name, index] = keyAttribute([c.left, c.right]);
      const value = index === 0 ? c.right : c.left;
      const op = index === 0 ? c.op : FLIPPED[c.op];
      addTerm(terms, { name, op, value: literalOf(value) });
      return;
    }
    case 'between': {
      if (c.operand.type !== 'path') {
        throw keyError('Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand');
      }
      const [name] = keyAttribute([c.operand, c.lower, c.upper]);
      addTerm(terms, { name, op: 'between', lower: literalOf(c.lower), upper: literalOf(c.upper) });
      return;
    }
    case 'beginsWith': {
      const [name] = keyAttribute([c.path, c.prefix]);
      addTerm(terms, { name, op: 'beginsWith', prefix: literalOf(c.prefix) });
      return;
    }
  }
}

/** The single top-level attribute among a condition's operands, and its position. */
function keyAttribute(operands: readonly Operand[]): [string, number] {
  let found: [string, number] | undefined;
  operands.forEach((operand, index) => {
    if (operand.type === 'path') {
      if (found !== undefined) throw keyError('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
      if (operand.elements.length > 1) throw keyError('KeyConditionExpressions cannot have conditions on nested attributes');
      found = [topLevelName(operand), index];
    } else if (operand.type === 'size') {
      throw keyError('KeyConditionExpressions cannot contain nested operations');
    }
  });
  if (found === undefined) throw keyError('Invalid condition in KeyConditionExpression: No key attribute specified');
  return found;
}

function topLevelName(path: DocumentPath): string {
  const head = path.elements[0]!;
  return head.type === 'name' ? head.name : '';
}

function literalOf(operand: Operand): AttributeValue {
  // keyAttribute() admitted one path and no size(): every other operand is a literal.
  if (operand.type !== 'literal') throw keyError('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
  return operand.value;
}

function addTerm(terms: Map<string, KeyTerm>, term: KeyTerm): void {
  if (terms.has(term.name)) throw keyError('KeyConditionExpressions must only contain one condition per key');
  terms.set(term.name, term);
}
