/**
 * Parser for the condition grammar (ConditionExpression, FilterExpression, KeyConditionExpression):
 *
 *   condition := or
 *   or        := and ( OR and )*                 -- left-associative; AND binds tighter
 *   and       := not ( AND not )*
 *   not       := NOT not | primary
 *   primary   := leaf | '(' or ')'               -- a leaf is tried first: `(a) = :v` is a leaf
 *   leaf      := operand ( comparator operand | BETWEEN operand AND operand
 *                        | IN '(' operand ( ',' operand )* ')' )
 *              | call                            -- a bare function used as a condition
 *   operand   := '(' operand ')' [path tail] | call | :value | path
 *   call      := identifier '(' operand ( ',' operand )* ')'
 *
 * Keywords (AND, OR, NOT, BETWEEN, IN) are case-insensitive and never names; function names are
 * case-sensitive and any identifier parses as one (unknown names are reported by semantics.ts).
 * Parentheses that directly wrap another parenthesized condition or operand, `((a = :v))`, are
 * DynamoDB's "redundant parentheses" error, reported after a successful parse.
 *
 * Concurrency: one parser per call. Output: an unresolved SyntaxCondition (syntax.ts).
 */
import { TokenKind } from './lexer.js';
import { Parser } from './parser.js';
import type { Comparator } from './ast.js';
import type { ExpressionKind, SyntaxCall, SyntaxCondition, SyntaxOperand } from './syntax.js';

const CONDITION_KEYWORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);

const COMPARATORS: ReadonlyMap<TokenKind, Comparator> = new Map([
  [TokenKind.Equal, '='],
  [TokenKind.NotEqual, '<>'],
  [TokenKind.Less, '<'],
  [TokenKind.LessOrEqual, '<='],
  [TokenKind.Greater, '>'],
  [TokenKind.GreaterOrEqual, '>='],
]);

export interface ParsedCondition {
  readonly tree: SyntaxCondition;
  /** Whether the text has redundant parentheses (DynamoDB's first-ranked non-syntax error). */
  readonly redundantParentheses: boolean;
}

/** Parses condition-grammar text; throws DynamoDB's syntax error. `kind` names it in messages. */
export function parseConditionSyntax(text: string, kind: ExpressionKind): ParsedCondition {
  const parser = new ConditionParser(kind, text);
  const tree = parser.parseOr();
  if (tree === null) throw parser.syntaxError();
  parser.expectEnd();
  return { tree, redundantParentheses: parser.redundant };
}

class ConditionParser extends Parser {
  /** Set while parsing; saved and restored around alternatives that may be abandoned. */
  redundant = false;
  /** Nodes produced by a parenthesized group, to recognise a group directly inside another. */
  private readonly groupConditions = new Set<SyntaxCondition>();
  private readonly groupOperands = new Set<SyntaxOperand>();

  constructor(kind: ExpressionKind, text: string) {
    super(kind, text, CONDITION_KEYWORDS);
  }

  parseOr(): SyntaxCondition | null {
    let left = this.parseAnd();
    if (left === null) return null;
    while (this.acceptKeyword('OR')) {
      const right = this.parseAnd();
      if (right === null) return null;
      left = { kind: 'or', left, right };
    }
    return left;
  }

  private parseAnd(): SyntaxCondition | null {
    let left = this.parseNot();
    if (left === null) return null;
    while (this.acceptKeyword('AND')) {
      const right = this.parseNot();
      if (right === null) return null;
      left = { kind: 'and', left, right };
    }
    return left;
  }

  private parseNot(): SyntaxCondition | null {
    if (this.atKeyword('NOT')) {
      this.advance();
      const condition = this.parseNot();
      return condition === null ? null : { kind: 'not', condition };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): SyntaxCondition | null {
    const save = this.position;
    const redundant = this.redundant;
    const leaf = this.parseLeaf();
    if (leaf !== null) return leaf;
    this.position = save;
    this.redundant = redundant;
    if (!this.accept(TokenKind.LeftParen)) return null;
    const inner = this.parseOr();
    if (inner === null || !this.accept(TokenKind.RightParen)) return null;
    if (this.groupConditions.has(inner)) this.redundant = true;
    this.groupConditions.add(inner);
    return inner;
  }

  private parseLeaf(): SyntaxCondition | null {
    const left = this.parseOperand();
    if (left === null) return null;
    const comparator = COMPARATORS.get(this.peek());
    if (comparator !== undefined) {
      this.advance();
      const right = this.parseOperand();
      return right === null ? null : { kind: 'compare', op: comparator, left, right };
    }
    if (this.atKeyword('BETWEEN')) {
      this.advance();
      const lower = this.parseOperand();
      if (lower === null || !this.acceptKeyword('AND')) return null;
      const upper = this.parseOperand();
      return upper === null ? null : { kind: 'between', operand: left, lower, upper };
    }
    if (this.atKeyword('IN')) {
      this.advance();
      if (!this.accept(TokenKind.LeftParen)) return null;
      const list = this.parseOperandList();
      return list === null || !this.accept(TokenKind.RightParen) ? null : { kind: 'in', operand: left, list };
    }
    if (left.kind === 'call' && !this.groupOperands.has(left)) return { kind: 'function', call: left };
    return this.fail();
  }

  private parseOperandList(): SyntaxOperand[] | null {
    const first = this.parseOperand();
    if (first === null) return null;
    const list = [first];
    while (this.peek() === TokenKind.Comma) {
      this.advance();
      const next = this.parseOperand();
      if (next === null) return null;
      list.push(next);
    }
    this.fail(); // a longer list would have needed ',' here
    return list;
  }

  /** An operand, possibly parenthesized; a parenthesized path may continue: `(a.b).c`. */
  private parseOperand(): SyntaxOperand | null {
    if (this.peek() !== TokenKind.LeftParen) return this.parseBareOperand();
    const save = this.position;
    const redundant = this.redundant;
    this.advance();
    const inner = this.parseOperand();
    if (inner === null || !this.accept(TokenKind.RightParen)) {
      this.position = save;
      this.redundant = redundant;
      return null;
    }
    if (this.groupOperands.has(inner)) this.redundant = true;
    if (inner.kind === 'path' && (this.peek() === TokenKind.Dot || this.peek() === TokenKind.LeftBracket)) {
      const path = this.parsePathTail([...inner.elements]);
      if (path.elements.length > inner.elements.length) return path;
    }
    this.groupOperands.add(inner);
    return inner;
  }

  private parseBareOperand(): SyntaxOperand | null {
    const kind = this.peek();
    if (kind === TokenKind.ValuePlaceholder) {
      const token = this.text();
      this.advance();
      return { kind: 'value', token };
    }
    if (kind === TokenKind.Identifier && this.peekAt(1) === TokenKind.LeftParen && this.atName()) {
      return this.parseCall();
    }
    return this.parsePath();
  }

  private parseCall(): SyntaxCall | null {
    const name = this.text();
    this.advance(); // name
    this.advance(); // '('
    const args = this.parseOperandList();
    if (args === null || !this.accept(TokenKind.RightParen)) return null;
    return { kind: 'call', name, args };
  }
}
