/**
 * The JSON codec: the nesting scan agrees with the real depth of any JSON text, base64 is strict
 * with dynalite's messages, binary round-trips through encode/decode at the declared positions,
 * encoding never mutates its input, and request keys like "__proto__" stay ordinary members.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeShape, encodeShape, ITEM, jsonDepthExceeds, listOf, parseJson, struct } from '../../engine/api/codec.js';
import { ProtocolError } from '../../engine/api/protocol-error.js';
import { REQUEST_JSON_DEPTH_MAX } from '../../engine/limits.js';

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { 'k"[{': value };
  return value;
}

describe('jsonDepthExceeds', () => {
  it('agrees with the parsed depth, whatever strings hold', () => {
    const leaf = fc.oneof(fc.string(), fc.constantFrom('[[[', '}}}', '\\"[', '"{"'), fc.integer());
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.tuple(fc.nat({ max: 40 }), leaf).map(([d, l]) => nested(d, l))), fc.nat({ max: 45 }), (value, bound) => {
        const text = JSON.stringify(value);
        expect(jsonDepthExceeds(text, bound)).toBe(depthOf(value) > bound);
      }),
    );
  });

  it('parseJson refuses over-deep text before parsing, and malformed text without a message', () => {
    const deep = `${'['.repeat(REQUEST_JSON_DEPTH_MAX + 1)}${']'.repeat(REQUEST_JSON_DEPTH_MAX + 1)}`;
    expect(() => parseJson(deep)).toThrow(ProtocolError);
    expect(() => parseJson(deep)).toThrow(/Nesting Levels have exceeded supported limits/);
    const atBound = `${'['.repeat(REQUEST_JSON_DEPTH_MAX)}${']'.repeat(REQUEST_JSON_DEPTH_MAX)}`;
    expect(depthOf(parseJson(atBound))).toBe(REQUEST_JSON_DEPTH_MAX);
    try {
      parseJson('{"a":');
      expect.fail('parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).name).toBe('SerializationException');
      expect((error as ProtocolError).hasMessage).toBe(false);
    }
  });

  it('keeps "__proto__" an own member and never touches Object.prototype', () => {
    const parsed = parseJson('{"__proto__":{"polluted":1},"a":{"constructor":{"prototype":{"x":1}}}}') as Record<string, unknown>;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('base64', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Uint8Array.from(base64ToBytes(bytesToBase64(bytes)))).toEqual(bytes);
      }),
    );
  });

  it('refuses what the service refuses, with its messages', () => {
    expect(() => base64ToBytes('abc')).toThrow("'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3");
    expect(() => base64ToBytes('ab-_')).toThrow("'ab-_' can not be converted to a Blob: Invalid Base64 character: '-'");
    expect(() => base64ToBytes('a=bc')).toThrow("Invalid Base64 character: '='");
    expect(() => base64ToBytes('AB==')).toThrow('Invalid last non-pad Base64 character dectected');
  });
});

const attributeValue: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ value: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ S: fc.string() }),
    fc.record({ N: fc.integer().map(String) }),
    fc.record({ B: fc.uint8Array({ minLength: 1, maxLength: 20 }) }),
    fc.record({ BS: fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }) }),
    fc.record({ L: fc.array(tie('value'), { maxLength: 4 }) }),
    fc.record({ M: fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), tie('value'), { maxKeys: 3 }) }),
  ),
})).value;
const item = fc.dictionary(fc.constantFrom('pk', 'x', '__proto__', 'constructor', 'toString'), attributeValue, { minKeys: 1, maxKeys: 4 });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

describe('encodeShape / decodeShape', () => {
  const shape = struct({ Items: listOf(ITEM), LastEvaluatedKey: ITEM });

  it('binary becomes base64 on the wire and bytes again after decoding, nothing else changes', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 3 }), (items) => {
        const output = deepFreeze({ Items: items, Count: items.length });
        const wire = JSON.stringify(encodeShape(output, shape));
        expect(wire.includes('{"0":')).toBe(false); // no Uint8Array serialised as an object
        const decoded = JSON.parse(wire) as unknown;
        decodeShape(decoded, shape);
        expect(normalise(decoded)).toEqual(normalise(output));
      }),
    );
  });

  it('returns its input itself when there is no binary', () => {
    const output = { Items: [{ a: { S: 'x' }, m: { M: { b: { L: [{ N: '1' }] } } } }], Count: 1 };
    expect(encodeShape(output, shape)).toBe(output);
  });

  it('leaves wrongly typed members for validation to report', () => {
    const request = { Items: 'not a list', LastEvaluatedKey: { a: { B: 12 }, b: { BS: [1, 'AQ=='] }, c: null } };
    decodeShape(request, shape);
    expect(request.LastEvaluatedKey.a).toEqual({ B: 12 });
    expect(request.LastEvaluatedKey.b.BS[0]).toBe(1);
    expect(request.LastEvaluatedKey.b.BS[1]).toEqual(new Uint8Array([1]));
  });
});

/** Bytes as arrays and own keys sorted, so values compare structurally with toEqual. */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null) {
    const out: [string, unknown][] = Object.keys(value).sort().map((key) => [key, normalise((value as Record<string, unknown>)[key])]);
    return out;
  }
  return value;
}
