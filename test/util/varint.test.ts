import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../engine/util/assert.js';
import { readVarint, VARINT_MAX_BYTES, varintLength, writeVarint, type VarintResult } from '../../engine/util/varint.js';

function encode(value: number): Uint8Array {
  const out = new Uint8Array(VARINT_MAX_BYTES);
  const end = writeVarint(out, 0, value);
  return out.slice(0, end);
}

function decode(bytes: Uint8Array, offset = 0, end = bytes.length): VarintResult | undefined {
  const result: VarintResult = { value: -1, offset: -1 };
  return readVarint(bytes, offset, end, result) ? result : undefined;
}

describe('varint', () => {
  it('encodes known values as LEB128', () => {
    expect([...encode(0)]).toEqual([0]);
    expect([...encode(1)]).toEqual([1]);
    expect([...encode(127)]).toEqual([0x7f]);
    expect([...encode(128)]).toEqual([0x80, 0x01]);
    expect([...encode(300)]).toEqual([0xac, 0x02]);
    expect([...encode(16_383)]).toEqual([0xff, 0x7f]);
    expect([...encode(16_384)]).toEqual([0x80, 0x80, 0x01]);
    expect([...encode(2 ** 32)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(encode(Number.MAX_SAFE_INTEGER).length).toBe(VARINT_MAX_BYTES);
  });

  it('round-trips every safe integer, with varintLength equal to the bytes written', () => {
    const values = fc.oneof(
      fc.nat(),
      fc.maxSafeNat(),
      fc.integer({ min: 0, max: 52 }).map((bits) => 2 ** bits),
      fc.integer({ min: 1, max: 53 }).map((bits) => 2 ** bits - 1),
    );
    fc.assert(
      fc.property(values, fc.nat({ max: 10 }), (value, padding) => {
        const out = new Uint8Array(padding + VARINT_MAX_BYTES + 3).fill(0xee);
        const end = writeVarint(out, padding, value);
        expect(end - padding).toBe(varintLength(value));
        const decoded = decode(out, padding, out.length);
        expect(decoded).toEqual({ value, offset: end });
      }),
    );
  });

  it('decodes consecutive varints', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { maxLength: 20 }), (values) => {
        const out = new Uint8Array(values.length * VARINT_MAX_BYTES);
        let end = 0;
        for (const value of values) end = writeVarint(out, end, value);
        const result: VarintResult = { value: 0, offset: 0 };
        let offset = 0;
        for (const value of values) {
          expect(readVarint(out, offset, end, result)).toBe(true);
          expect(result.value).toBe(value);
          offset = result.offset;
        }
        expect(offset).toBe(end);
      }),
    );
  });

  it('reports a truncated varint instead of reading past `end`', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (value) => {
        const bytes = encode(value);
        for (let cut = 0; cut < bytes.length; cut++) {
          expect(decode(bytes, 0, cut)).toBeUndefined();
          // The bytes are there in the array, but beyond `end`: still truncated.
          expect(decode(bytes.slice(), 0, cut)).toBeUndefined();
        }
      }),
    );
    expect(decode(new Uint8Array([0x80, 0x80]))).toBeUndefined();
    expect(decode(new Uint8Array(0))).toBeUndefined();
  });

  it('rejects a varint longer than VARINT_MAX_BYTES', () => {
    const overlong = new Uint8Array(VARINT_MAX_BYTES + 1).fill(0x80);
    overlong[VARINT_MAX_BYTES] = 0x01;
    expect(decode(overlong)).toBeUndefined();
    // A padded (non-canonical) encoding within the length limit still decodes: only length is checked.
    const padded = new Uint8Array(VARINT_MAX_BYTES).fill(0x80);
    padded[VARINT_MAX_BYTES - 1] = 0x00;
    expect(decode(padded)).toEqual({ value: 0, offset: VARINT_MAX_BYTES });
  });

  it('rejects a value beyond 2^53 - 1', () => {
    const max = encode(Number.MAX_SAFE_INTEGER);
    expect(decode(max)?.value).toBe(Number.MAX_SAFE_INTEGER);
    const tooBig = max.slice();
    tooBig[tooBig.length - 1] = 0x7f; // 56 bits of ones
    expect(decode(tooBig)).toBeUndefined();
    const justOver = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]); // 2^53
    expect(decode(justOver)).toBeUndefined();
  });

  it('refuses to encode negative, fractional or unsafe numbers', () => {
    const out = new Uint8Array(16);
    for (const bad of [-1, 0.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity]) {
      expect(() => writeVarint(out, 0, bad)).toThrow(AssertionError);
    }
  });
});
