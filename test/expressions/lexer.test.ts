import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntaxError, tokenize, TokenKind, tokenText, utf8ByteLength } from '../../engine/expressions/lexer.js';

function kinds(text: string): TokenKind[] {
  const tokens = tokenize(text);
  return Array.from(tokens.kinds.subarray(0, tokens.count));
}

function texts(text: string): string[] {
  const tokens = tokenize(text);
  return Array.from({ length: tokens.count }, (_, i) => tokenText(tokens, i));
}

describe('lexer', () => {
  it('splits identifiers, placeholders, numbers and punctuation', () => {
    expect(texts('a.b[12] = :v AND #n1 <> x_1')).toEqual(['a', '.', 'b', '[', '12', ']', '=', ':v', 'AND', '#n1', '<>', 'x_1', '<EOF>']);
    expect(kinds('( ) , + - < <= > >= =')).toEqual([
      TokenKind.LeftParen,
      TokenKind.RightParen,
      TokenKind.Comma,
      TokenKind.Plus,
      TokenKind.Minus,
      TokenKind.Less,
      TokenKind.LessOrEqual,
      TokenKind.Greater,
      TokenKind.GreaterOrEqual,
      TokenKind.Equal,
      TokenKind.EOF,
    ]);
    expect(kinds('#a :b')).toEqual([TokenKind.NamePlaceholder, TokenKind.ValuePlaceholder, TokenKind.EOF]);
    expect(texts('#_0:_')).toEqual(['#_0', ':_', '<EOF>']);
  });

  it('makes one-character tokens of what it does not know', () => {
    expect(texts('_abc')).toEqual(['_', 'abc', '<EOF>']);
    expect(texts('# :')).toEqual(['#', ':', '<EOF>']);
    expect(kinds('#')).toEqual([TokenKind.Unknown, TokenKind.EOF]);
    expect(texts('a!!b')).toEqual(['a', '!', '!', 'b', '<EOF>']);
    expect(texts('1a')).toEqual(['1', 'a', '<EOF>']);
    expect(texts('😀x')).toEqual(['😀', 'x', '<EOF>']);
    expect(texts('\f')).toEqual(['\f', '<EOF>']);
  });

  it('skips only space, tab, CR and LF, and ends with EOF at the text length', () => {
    const tokens = tokenize(' \t\r\na \n');
    expect(tokens.count).toBe(2);
    expect(tokens.starts[0]).toBe(4);
    expect(tokens.starts[1]).toBe(7);
    expect(tokens.ends[1]).toBe(7);
  });

  it('tokens are ordered, disjoint and cover every non-blank character', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom('a', 'Z', '1', '_', '#', ':', '.', '[', ']', '<', '>', '=', ' ', '\t', '(', '!', 'é') }), (text) => {
        const tokens = tokenize(text);
        let covered = 0;
        let previousEnd = 0;
        for (let i = 0; i < tokens.count; i++) {
          expect(tokens.starts[i]!).toBeGreaterThanOrEqual(previousEnd);
          expect(text.slice(previousEnd, tokens.starts[i]).trim()).toBe('');
          previousEnd = tokens.ends[i]!;
          covered += tokens.ends[i]! - tokens.starts[i]!;
        }
        expect(tokens.kinds[tokens.count - 1]).toBe(TokenKind.EOF);
        expect(covered).toBe(text.replace(/[ \t\r\n]/g, '').length);
      }),
    );
  });

  it('forms near from the previous token to the next one', () => {
    const message = (text: string, index: number) => syntaxError('UpdateExpression', tokenize(text), index).message;
    expect(message('SET _123 = :v', 1)).toBe('Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123"');
    expect(message('ADD hits : incr', 2)).toBe('Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"');
    expect(message('SET a = ', 3)).toBe('Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "= "');
    expect(message('SET', 1)).toBe('Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"');
    expect(message('x', 0)).toBe('Invalid UpdateExpression: Syntax error; token: "x", near: "x"');
  });

  it('counts UTF-8 bytes as Buffer does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
    );
  });
});
