/**
 * GetItem's answer written from the stored item's bytes (engine/api/item-json.ts) is byte for byte
 * the answer the decode-then-serialise path writes — on random items, on every MessagePack form the
 * decoder accepts, with strings that need escaping or are not ASCII, past its scratch buffer — and
 * fails on corrupt bytes exactly where the decoder does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeShape, ITEM } from '../../engine/api/codec.js';
import { answerWithStoredItem } from '../../engine/api/item-json.js';
import type { Item } from '../../engine/model/attribute-value.js';
import { decodeItem, encodeItem } from '../../engine/model/item-codec.js';
import { CorruptionError } from '../../engine/util/errors.js';
import { item } from '../model/arbitraries.js';
import { referenceEncoding } from '../model/reference-encoding.js';

/** What the pipeline writes for the decoded item (encodeShape, then JSON.stringify, in UTF-8). */
function expected(stored: Uint8Array, rest: Record<string, unknown> = {}): string {
  return Buffer.from(JSON.stringify({ Item: encodeShape(decodeItem(stored), ITEM), ...rest }), 'utf8').toString('latin1');
}

function written(stored: Uint8Array, rest: Record<string, unknown> = {}): string {
  return Buffer.from(answerWithStoredItem(stored, JSON.stringify(rest))).toString('latin1');
}

const CAPACITY = { ConsumedCapacity: { TableName: 'Tbl', CapacityUnits: 0.5 } };

describe('answerWithStoredItem', () => {
  it('writes what decoding and JSON.stringify write, for random items in both encoders’ bytes', () => {
    fc.assert(
      fc.property(item, fc.boolean(), (value, withCapacity) => {
        const rest = withCapacity ? CAPACITY : {};
        for (const stored of [encodeItem(value), referenceEncoding(value)]) expect(written(stored, rest)).toBe(expected(stored, rest));
      }),
      { numRuns: 1000 },
    );
  });

  it('escapes and decodes strings and names as JSON.stringify of the decoded item does', () => {
    // Every ASCII character, alone and amid others (escaped in place), then the non-ASCII cases.
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));
    const strings = [
      ...ascii,
      ascii.join(''),
      'plain',
      '',
      'quote " and \\ backslash',
      'tab\tnew\nline\r\u0000\u001f\u007f',
      '"\\"\\', // escapes back to back, first and last
      'ASCII " then é after an escape',
      'é¿ 中文 😀',
      '\ud800 lone',
      'a\udc00b',
      '\u2028\u2029',
      '</script>',
    ];
    for (const S of strings) {
      const stored = encodeItem({ [S === '' ? 'empty' : S]: { S }, n: { SS: [S, `${S}!`] }, m: { M: { [`k${S}`]: { L: [{ S }] } } } });
      expect(written(stored)).toBe(expected(stored));
    }
    // Malformed UTF-8 in the stored bytes (bytes only corruption or an old writer could leave):
    // U+FFFD, as the decoder reads them. Item { s: S "a\xff\xc3b" } by hand.
    const malformed = new Uint8Array([1, 0x92, 0xa1, 0x73, 0xa4, 0x61, 0xff, 0xc3, 0x62]);
    expect(written(malformed)).toBe(expected(malformed));
    expect(decodeItem(malformed)).toEqual({ s: { S: 'a\ufffd\ufffdb' } });
  });

  it('writes every type, numbers and binary included, and wide MessagePack headers', () => {
    const value: Item = {
      s: { S: 'x' },
      n: { N: '-12.5E-7' },
      i: { N: '123456789012345' },
      b: { B: new Uint8Array([0, 1, 254, 255]) },
      t: { BOOL: true },
      f: { BOOL: false },
      z: { NULL: true },
      l: { L: [{ N: '1' }, { S: 'y' }, { L: [] }, { M: {} }] },
      m: { M: { a: { N: '-32' }, b: { BS: [new Uint8Array([7]), new Uint8Array(0)] } } },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '-1.5', '1E+100'] },
    };
    for (const stored of [encodeItem(value), referenceEncoding(value)]) expect(written(stored, CAPACITY)).toBe(expected(stored, CAPACITY));
    // str8 name, uint32 int, array16, float64 integer; bin16.
    for (const bytes of [
      [1, 0xdc, 0, 4, 0xd9, 1, 0x61, 0xce, 0, 0, 0, 5, 0xa1, 0x62, 0x92, 0x02, 0xcb, 0x40, 0x14, 0, 0, 0, 0, 0, 0],
      [1, 0x92, 0xa1, 0x62, 0xc5, 0, 2, 9, 8],
    ]) {
      const stored = new Uint8Array(bytes);
      expect(written(stored)).toBe(expected(stored));
    }
  });

  it('grows past its scratch buffer, and the next answer starts clean', () => {
    const big = encodeItem({ k: { S: 'k' }, v: { S: 'x'.repeat(300_000) }, w: { L: Array.from({ length: 5000 }, (_, i) => ({ S: `é${i}"` })) } });
    expect(written(big)).toBe(expected(big));
    const small = encodeItem({ k: { S: 'k' } });
    expect(written(small)).toBe('{"Item":{"k":{"S":"k"}}}');
  });

  it('refuses corrupt bytes wherever the decoder does, and only there', () => {
    const value: Item = { k: { S: 'key' }, l: { L: [{ N: '1.5' }, { B: new Uint8Array([1, 2]) }, { M: { a: { SS: ['x'] } } }] } };
    const stored = encodeItem(value);
    const cases: Uint8Array[] = [new Uint8Array(0), new Uint8Array([1]), new Uint8Array([2, 0x90])];
    for (let cut = 1; cut < stored.length; cut++) cases.push(stored.subarray(0, cut));
    cases.push(new Uint8Array([...stored, 0]));
    for (let at = 0; at < stored.length; at++) {
      for (const byte of [0x00, 0x7f, 0x90, 0xa5, 0xc1, 0xc4, 0xcb, 0xdc, 0xff]) {
        const flipped = stored.slice();
        flipped[at] = byte;
        cases.push(flipped);
      }
    }
    for (const bytes of cases) {
      let decoded: string | undefined;
      try {
        decoded = expected(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(CorruptionError);
      }
      if (decoded === undefined) expect(() => answerWithStoredItem(bytes, '{}')).toThrow(CorruptionError);
      else expect(written(bytes)).toBe(decoded);
    }
  });
});
