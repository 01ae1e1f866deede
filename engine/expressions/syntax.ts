/**
 * The UNRESOLVED parse trees: what the parsers produce from expression text alone, before a
 * request's ExpressionAttributeNames/Values are substituted. These trees depend only on the text,
 * so the parse cache (parse-cache.ts) shares them across requests; resolve.ts turns one into the
 * resolved tree of ast.ts for one request, running the checks that depend on placeholder values.
 *
 * Parentheses do not appear: the parsers check redundant parentheses while parsing. Function calls
 * keep their written name and argument list (arity and argument kinds are checked at resolution, in
 * DynamoDB's error order). Trees are plain immutable data.
 */
import type { Comparator } from './ast.js';

export type ExpressionKind =
  | 'ConditionExpression'
  | 'FilterExpression'
  | 'KeyConditionExpression'
  | 'ProjectionExpression'
  | 'UpdateExpression';

/** A path element written as a plain name, a `#name` placeholder, or a `[n]` list index. */
export type SyntaxPathElement =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'placeholder'; readonly token: string }
  | { readonly kind: 'index'; readonly index: number };

export interface SyntaxPath {
  readonly kind: 'path';
  /** elements[0] is a name or a placeholder, never an index. */
  readonly elements: readonly SyntaxPathElement[];
}

/** A `:value` placeholder. */
export interface SyntaxValue {
  readonly kind: 'value';
  readonly token: string;
}

/** `name(args…)`, with any name: unknown names are reported by the static checks. */
export interface SyntaxCall {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly SyntaxOperand[];
}

export type SyntaxOperand = SyntaxPath | SyntaxValue | SyntaxCall;

export type SyntaxCondition =
  | { readonly kind: 'compare'; readonly op: Comparator; readonly left: SyntaxOperand; readonly right: SyntaxOperand }
  | { readonly kind: 'between'; readonly operand: SyntaxOperand; readonly lower: SyntaxOperand; readonly upper: SyntaxOperand }
  | { readonly kind: 'in'; readonly operand: SyntaxOperand; readonly list: readonly SyntaxOperand[] }
  | { readonly kind: 'and'; readonly left: SyntaxCondition; readonly right: SyntaxCondition }
  | { readonly kind: 'or'; readonly left: SyntaxCondition; readonly right: SyntaxCondition }
  | { readonly kind: 'not'; readonly condition: SyntaxCondition }
  /** A function used as a condition: `attribute_exists(a)`. */
  | { readonly kind: 'function'; readonly call: SyntaxCall };

/** The right-hand side of a SET action. */
export type SyntaxSetValue =
  | SyntaxOperand
  | { readonly kind: 'arithmetic'; readonly op: '+' | '-'; readonly left: SyntaxOperand; readonly right: SyntaxOperand };

export type SyntaxUpdateAction =
  | { readonly clause: 'SET'; readonly path: SyntaxPath; readonly value: SyntaxSetValue }
  | { readonly clause: 'REMOVE'; readonly path: SyntaxPath }
  | { readonly clause: 'ADD'; readonly path: SyntaxPath; readonly value: SyntaxValue }
  | { readonly clause: 'DELETE'; readonly path: SyntaxPath; readonly value: SyntaxValue };

export type UpdateClause = SyntaxUpdateAction['clause'];

export interface SyntaxUpdate {
  /** Every action in source order (overlap errors name paths in this order). */
  readonly actions: readonly SyntaxUpdateAction[];
  /** The section keywords in source order; a repeated one is an error reported after parsing. */
  readonly sections: readonly UpdateClause[];
}

export type SyntaxProjection = readonly SyntaxPath[];
