/**
 * The recursive-descent parser core shared by the three grammars (parse-condition.ts,
 * parse-update.ts, parse-projection.ts): token access, keyword matching, document paths, and
 * DynamoDB's syntax-error reporting.
 *
 * Parse functions return a node, or null after recording a failure. Like the PEG grammars DynamoDB
 * emulators use, a failed alternative rewinds `position`; the reported syntax error is the furthest
 * token at which any alternative failed, which is where a deterministic parser would stop too.
 *
 * Concurrency: one Parser per parse call; not shared. Invariants: 0 <= position < tokens.count;
 * `furthestFailure` only grows.
 */
import { assert } from '../util/assert.js';
import { PATH_NESTING_LEVELS_MAX } from '../limits.js';
import { syntaxError, tokenize, TokenKind, type TokenStream } from './lexer.js';
import type { ExpressionKind, SyntaxPath, SyntaxPathElement } from './syntax.js';

export class Parser {
  readonly tokens: TokenStream;
  position = 0;
  furthestFailure = 0;

  /**
   * @param kind names the expression in error messages.
   * @param keywords upper-case words that are grammar keywords here, so never names or functions.
   */
  constructor(
    readonly kind: ExpressionKind,
    text: string,
    private readonly keywords: ReadonlySet<string>,
  ) {
    this.tokens = tokenize(text);
  }

  peek(): TokenKind {
    return this.tokens.kinds[this.position]!;
  }

  peekAt(offset: number): TokenKind {
    const index = Math.min(this.position + offset, this.tokens.count - 1);
    return this.tokens.kinds[index]!;
  }

  /** The text of the current token. */
  text(): string {
    return this.tokens.text.slice(this.tokens.starts[this.position], this.tokens.ends[this.position]);
  }

  advance(): void {
    assert(this.position < this.tokens.count - 1, 'cannot advance past EOF');
    this.position++;
  }

  /** Records that the grammar needed something else at the current token; returns null. */
  fail(): null {
    if (this.position > this.furthestFailure) this.furthestFailure = this.position;
    return null;
  }

  /** Consumes a token of `kind`, or records a failure. */
  accept(kind: TokenKind): boolean {
    if (this.peek() === kind) {
      this.advance();
      return true;
    }
    this.fail();
    return false;
  }

  /** Whether the current token is the keyword `upper` (case-insensitive). */
  atKeyword(upper: string): boolean {
    if (this.peek() !== TokenKind.Identifier) return false;
    const start = this.tokens.starts[this.position]!;
    const end = this.tokens.ends[this.position]!;
    if (end - start !== upper.length) return false;
    return this.tokens.text.slice(start, end).toUpperCase() === upper;
  }

  /** Consumes the keyword `upper`, or records a failure. */
  acceptKeyword(upper: string): boolean {
    if (this.atKeyword(upper)) {
      this.advance();
      return true;
    }
    this.fail();
    return false;
  }

  /** Whether the current token is an identifier that is not one of this grammar's keywords. */
  atName(): boolean {
    if (this.peek() !== TokenKind.Identifier) return false;
    // Keywords are at most 7 letters: longer identifiers need no case conversion.
    const length = this.tokens.ends[this.position]! - this.tokens.starts[this.position]!;
    return length > 7 || this.keywords.size === 0 || !this.keywords.has(this.text().toUpperCase());
  }

  /** The syntax error to throw: at the furthest failure, or here if the parse stopped early. */
  syntaxError(): Error {
    this.fail();
    return syntaxError(this.kind, this.tokens, this.furthestFailure);
  }

  /** Requires the whole input consumed. */
  expectEnd(): void {
    if (this.peek() !== TokenKind.EOF) throw this.syntaxError();
  }

  /** A path element name: an identifier (not a keyword) or a #placeholder. */
  parseName(): SyntaxPathElement | null {
    const kind = this.peek();
    if (kind === TokenKind.NamePlaceholder) {
      const token = this.text();
      this.advance();
      return { kind: 'placeholder', token };
    }
    if (this.atName()) {
      const name = this.text();
      this.advance();
      return { kind: 'name', name };
    }
    return this.fail();
  }

  /**
   * `name ( '.' name | '[' digits ']' )*`. A tail element that does not complete is not consumed
   * (`a.` parses `a` and leaves `.` for the caller to reject), as in DynamoDB.
   */
  parsePath(): SyntaxPath | null {
    const head = this.parseName();
    if (head === null) return null;
    return this.parsePathTail([head]);
  }

  /** Continues a path whose leading elements are already parsed (`(a).b` in conditions). */
  parsePathTail(elements: SyntaxPathElement[]): SyntaxPath {
    for (;;) {
      const save = this.position;
      const kind = this.peek();
      if (kind === TokenKind.Dot) {
        this.advance();
        const name = this.parseName();
        if (name !== null) {
          elements.push(name);
          continue;
        }
      } else if (kind === TokenKind.LeftBracket) {
        this.advance();
        const index = this.parseIndex();
        if (index !== null && this.accept(TokenKind.RightBracket)) {
          elements.push({ kind: 'index', index });
          continue;
        }
      } else {
        this.fail();
      }
      this.position = save;
      return { kind: 'path', elements };
    }
  }

  private parseIndex(): number | null {
    if (this.peek() !== TokenKind.Number) return this.fail();
    const index = Number(this.text());
    // An index no list can reach is rejected where it is written.
    if (!Number.isSafeInteger(index)) return this.fail();
    this.advance();
    return index;
  }
}

/** Nesting levels of a path: `a` has none, `a.b[0]` two. DynamoDB allows 32. */
export function nestingLevels(path: SyntaxPath): number {
  return path.elements.length - 1;
}

export function nestingTooDeep(path: SyntaxPath): boolean {
  return nestingLevels(path) > PATH_NESTING_LEVELS_MAX;
}
