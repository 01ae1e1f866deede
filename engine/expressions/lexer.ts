/**
 * The lexer shared by DynamoDB's five expression kinds. It turns expression text into a flat token
 * stream held in typed arrays (kind, start, end), so lexing allocates three arrays and no objects.
 * Keywords (AND, SET, BETWEEN, …) are not token kinds: they are identifiers, and each parser decides,
 * case-insensitively, which identifiers are keywords in its grammar.
 *
 * The token rules are those DynamoDB's own lexer shows in its syntax errors:
 *  - an identifier is a letter followed by letters, digits and `_` (`_abc` is the token `_` then `abc`);
 *  - `#` and `:` followed by one or more of `[A-Za-z0-9_]` are placeholders; alone they are one-char
 *    tokens the parsers reject (`Syntax error; token: "#", near: ", #,"`);
 *  - digits form a number token (only list indexes use them);
 *  - `<>`, `<=`, `>=` are single tokens; whitespace is space, tab, CR and LF;
 *  - any other character is a one-character token that no grammar accepts.
 *
 * Concurrency: pure functions over immutable inputs. Invariants: tokens are in text order, do not
 * overlap, and the stream always ends with one EOF token whose start = end = text.length.
 */
import { ValidationException } from '../model/errors.js';
import type { ExpressionKind } from './syntax.js';

/** Token kinds; numbering is internal (never stored). */
export enum TokenKind {
  EOF = 0,
  Identifier,
  NamePlaceholder,
  ValuePlaceholder,
  Number,
  LeftParen,
  RightParen,
  LeftBracket,
  RightBracket,
  Comma,
  Dot,
  Equal,
  NotEqual,
  Less,
  LessOrEqual,
  Greater,
  GreaterOrEqual,
  Plus,
  Minus,
  Unknown,
}

export interface TokenStream {
  readonly text: string;
  /** Number of tokens including the final EOF. */
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isWordPart(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 0x5f;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const SINGLE_CHAR_KINDS: ReadonlyMap<number, TokenKind> = new Map([
  [0x28, TokenKind.LeftParen],
  [0x29, TokenKind.RightParen],
  [0x5b, TokenKind.LeftBracket],
  [0x5d, TokenKind.RightBracket],
  [0x2c, TokenKind.Comma],
  [0x2e, TokenKind.Dot],
  [0x3d, TokenKind.Equal],
  [0x2b, TokenKind.Plus],
  [0x2d, TokenKind.Minus],
]);

/** Tokenizes `text`. Never throws: characters no grammar accepts become Unknown tokens. */
export function tokenize(text: string): TokenStream {
  // Every token covers at least one character, so text.length + 1 slots always suffice.
  const capacity = text.length + 1;
  const kinds = new Uint8Array(capacity);
  const starts = new Uint32Array(capacity);
  const ends = new Uint32Array(capacity);
  let count = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      i++;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (isLetter(c)) {
      i++;
      while (i < n && isWordPart(text.charCodeAt(i))) i++;
      kind = TokenKind.Identifier;
    } else if (isDigit(c)) {
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      kind = TokenKind.Number;
    } else if ((c === 0x23 || c === 0x3a) && i + 1 < n && isWordPart(text.charCodeAt(i + 1))) {
      i += 2;
      while (i < n && isWordPart(text.charCodeAt(i))) i++;
      kind = c === 0x23 ? TokenKind.NamePlaceholder : TokenKind.ValuePlaceholder;
    } else if (c === 0x3c) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (next === 0x3e) {
        kind = TokenKind.NotEqual;
        i += 2;
      } else if (next === 0x3d) {
        kind = TokenKind.LessOrEqual;
        i += 2;
      } else {
        kind = TokenKind.Less;
        i++;
      }
    } else if (c === 0x3e) {
      if (i + 1 < n && text.charCodeAt(i + 1) === 0x3d) {
        kind = TokenKind.GreaterOrEqual;
        i += 2;
      } else {
        kind = TokenKind.Greater;
        i++;
      }
    } else {
      kind = SINGLE_CHAR_KINDS.get(c) ?? TokenKind.Unknown;
      // An unknown character is one code point, so a surrogate pair stays whole in messages.
      i += kind === TokenKind.Unknown && c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    }
    kinds[count] = kind;
    starts[count] = start;
    ends[count] = i;
    count++;
  }
  kinds[count] = TokenKind.EOF;
  starts[count] = n;
  ends[count] = n;
  count++;
  return { text, count, kinds, starts, ends };
}

/** The text of token `index` (`<EOF>` for the end). */
export function tokenText(tokens: TokenStream, index: number): string {
  if (tokens.kinds[index] === TokenKind.EOF) return '<EOF>';
  return tokens.text.slice(tokens.starts[index], tokens.ends[index]);
}

/**
 * DynamoDB's syntax error for token `index`: `near` is the source from the start of the previous
 * token to the end of the next one (or to the end of the text when there is no next token), which
 * reproduces every real message we have seen: `token: "_", near: "SET _123"`,
 * `token: ":", near: "hits : incr"`, `token: ")", near: "()"`, `token: "<EOF>", near: "= "`.
 */
export function syntaxError(kind: ExpressionKind, tokens: TokenStream, index: number): ValidationException {
  const from = index > 0 ? tokens.starts[index - 1]! : tokens.starts[index]!;
  const isEnd = tokens.kinds[index] === TokenKind.EOF;
  const nextIsEnd = isEnd || tokens.kinds[index + 1] === TokenKind.EOF;
  const to = nextIsEnd ? tokens.text.length : tokens.ends[index + 1]!;
  const near = tokens.text.slice(from, to);
  return new ValidationException(`Invalid ${kind}: Syntax error; token: "${tokenText(tokens, index)}", near: "${near}"`);
}

/** UTF-8 length of `text` without allocating (limits are in bytes). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
