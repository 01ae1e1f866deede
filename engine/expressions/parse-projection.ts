/**
 * Parser for ProjectionExpression: `path ( ',' path )*`. No keywords, no parentheses, no values
 * (`:a` is a syntax error, which is how DynamoDB rejects ExpressionAttributeValues here).
 *
 * Concurrency: one parser per call. Output: the unresolved paths in source order.
 */
import { TokenKind } from './lexer.js';
import { Parser } from './parser.js';
import type { SyntaxPath, SyntaxProjection } from './syntax.js';

const NO_KEYWORDS: ReadonlySet<string> = new Set();

/** Parses ProjectionExpression text; throws DynamoDB's syntax error. */
export function parseProjectionSyntax(text: string): SyntaxProjection {
  const parser = new Parser('ProjectionExpression', text, NO_KEYWORDS);
  const paths: SyntaxPath[] = [];
  for (;;) {
    const path = parser.parsePath();
    if (path === null) throw parser.syntaxError();
    paths.push(path);
    if (parser.peek() !== TokenKind.Comma) break;
    parser.advance();
  }
  parser.expectEnd();
  return paths;
}
