/**
 * Small builders for hand-written expression trees in tests: `P('a.b[2].c')` is the document path
 * a → b → [2] → c (names without dots or brackets), `L(value)` a literal operand.
 */
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import type { Condition, DocumentPath, Literal, Operand, PathElement } from '../../engine/expressions/ast.js';

export function P(text: string): DocumentPath {
  const elements: PathElement[] = [];
  for (const part of text.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (part.startsWith('[')) elements.push({ type: 'index', index: Number(part.slice(1, -1)) });
    else elements.push({ type: 'name', name: part });
  }
  return { type: 'path', elements };
}

export function L(value: AttributeValue): Literal {
  return { type: 'literal', value };
}

export function size(path: string): Operand {
  return { type: 'size', path: P(path) };
}

export function cmp(left: Operand, op: '=' | '<>' | '<' | '<=' | '>' | '>=', right: Operand): Condition {
  return { type: 'compare', op, left, right };
}

export const S = (s: string): AttributeValue => ({ S: s });
export const N = (n: string): AttributeValue => ({ N: n });
export const B = (...bytes: number[]): AttributeValue => ({ B: Uint8Array.from(bytes) });
