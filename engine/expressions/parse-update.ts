/**
 * Parser for UpdateExpression:
 *
 *   update    := section+                                  -- any order; each at most once
 *   section   := SET set ( ',' set )* | REMOVE path ( ',' path )*
 *              | ADD path :value ( ',' path :value )* | DELETE path :value ( ',' path :value )*
 *   set       := path '=' value
 *   value     := operand [ ('+' | '-') operand ] | '(' value ')'
 *   operand   := '(' operand ')' | call | :value | path
 *   call      := identifier '(' operand ( ',' operand )* ')'
 *
 * Section keywords are case-insensitive and never names. A repeated section parses and is reported
 * by semantics.ts (`The "SET" section can only be used once in an update expression;`), so that
 * errors DynamoDB ranks higher (reserved words, unknown functions) win.
 *
 * Concurrency: one parser per call. Output: an unresolved SyntaxUpdate (syntax.ts).
 */
import { TokenKind } from './lexer.js';
import { Parser } from './parser.js';
import type { SyntaxCall, SyntaxOperand, SyntaxSetValue, SyntaxUpdate, SyntaxUpdateAction, SyntaxValue } from './syntax.js';

const SECTIONS = ['SET', 'REMOVE', 'ADD', 'DELETE'] as const;
type Section = (typeof SECTIONS)[number];
const UPDATE_KEYWORDS: ReadonlySet<string> = new Set(SECTIONS);

/** Parses UpdateExpression text; throws DynamoDB's syntax error. */
export function parseUpdateSyntax(text: string): SyntaxUpdate {
  const parser = new UpdateParser(text);
  const actions: SyntaxUpdateAction[] = [];
  const sections: Section[] = [];
  do {
    const section = parser.parseSection(actions);
    if (section === null) throw parser.syntaxError();
    sections.push(section);
  } while (parser.peek() !== TokenKind.EOF);
  return { actions, sections };
}

class UpdateParser extends Parser {
  constructor(text: string) {
    super('UpdateExpression', text, UPDATE_KEYWORDS);
  }

  /** Parses one section into `actions`; returns its keyword, or null on a syntax error. */
  parseSection(actions: SyntaxUpdateAction[]): Section | null {
    const section = SECTIONS.find((word) => this.atKeyword(word));
    if (section === undefined) return this.fail();
    this.advance();
    for (;;) {
      const action = this.parseAction(section);
      if (action === null) return null;
      actions.push(action);
      if (this.peek() !== TokenKind.Comma) break;
      this.advance();
    }
    // The section ends here: what follows must start another section or end the text.
    if (this.peek() !== TokenKind.EOF && !SECTIONS.some((word) => this.atKeyword(word))) return this.fail();
    return section;
  }

  private parseAction(section: Section): SyntaxUpdateAction | null {
    const path = this.parsePath();
    if (path === null) return null;
    switch (section) {
      case 'SET': {
        if (!this.accept(TokenKind.Equal)) return null;
        const value = this.parseSetValue();
        return value === null ? null : { clause: 'SET', path, value };
      }
      case 'REMOVE':
        return { clause: 'REMOVE', path };
      case 'ADD':
      case 'DELETE': {
        const value = this.parseValue();
        return value === null ? null : { clause: section, path, value };
      }
    }
  }

  private parseSetValue(): SyntaxSetValue | null {
    const save = this.position;
    const arithmetic = this.parseArithmetic();
    if (arithmetic !== null) return arithmetic;
    this.position = save;
    if (!this.accept(TokenKind.LeftParen)) return null;
    const inner = this.parseSetValue();
    return inner === null || !this.accept(TokenKind.RightParen) ? null : inner;
  }

  private parseArithmetic(): SyntaxSetValue | null {
    const left = this.parseOperand();
    if (left === null) return null;
    const kind = this.peek();
    if (kind !== TokenKind.Plus && kind !== TokenKind.Minus) {
      this.fail(); // an operator could have followed
      return left;
    }
    this.advance();
    const right = this.parseOperand();
    return right === null ? null : { kind: 'arithmetic', op: kind === TokenKind.Plus ? '+' : '-', left, right };
  }

  private parseOperand(): SyntaxOperand | null {
    const kind = this.peek();
    if (kind === TokenKind.LeftParen) {
      const save = this.position;
      this.advance();
      const inner = this.parseOperand();
      if (inner !== null && this.accept(TokenKind.RightParen)) return inner;
      this.position = save;
      return null;
    }
    if (kind === TokenKind.ValuePlaceholder) return this.parseValue();
    if (kind === TokenKind.Identifier && this.peekAt(1) === TokenKind.LeftParen && this.atName()) return this.parseCall();
    return this.parsePath();
  }

  private parseValue(): SyntaxValue | null {
    if (this.peek() !== TokenKind.ValuePlaceholder) return this.fail();
    const token = this.text();
    this.advance();
    return { kind: 'value', token };
  }

  private parseCall(): SyntaxCall | null {
    const name = this.text();
    this.advance(); // name
    this.advance(); // '('
    const args: SyntaxOperand[] = [];
    for (;;) {
      const arg = this.parseOperand();
      if (arg === null) return null;
      args.push(arg);
      if (this.peek() !== TokenKind.Comma) break;
      this.advance();
    }
    return this.accept(TokenKind.RightParen) ? { kind: 'call', name, args } : null;
  }
}
