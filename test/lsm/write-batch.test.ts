import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SEQUENCE_MAX, STORE_KEY_BYTES_MAX, STORE_VALUE_BYTES_MAX, WRITE_BATCH_OPS_MAX } from '../../engine/limits.js';
import {
  WRITE_BATCH_HEADER_BYTES,
  decodeWriteBatch,
  encodeWriteBatch,
  encodeWriteBatchInto,
  encodedWriteBatchBytes,
  type WriteOp,
} from '../../engine/lsm/write-batch.js';
import { utf8 } from '../../engine/util/bytes.js';
import { CorruptionError, InvalidArgumentError } from '../../engine/util/errors.js';

const opArbitrary: fc.Arbitrary<WriteOp> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key: fc.uint8Array({ maxLength: 300 }), value: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ type: fc.constant('delete' as const), key: fc.uint8Array({ maxLength: 300 }) }),
);

function plain(ops: readonly WriteOp[]): unknown[] {
  return ops.map((op) => (op.type === 'put' ? { type: 'put', key: [...op.key], value: [...op.value] } : { type: 'delete', key: [...op.key] }));
}

const example: WriteOp[] = [
  { type: 'put', key: utf8('a'), value: utf8('hi') },
  { type: 'delete', key: utf8('b') },
];

describe('write batch encoding', () => {
  it('encodes the FORMAT.md example byte for byte', () => {
    const encoded = encodeWriteBatch(5, example);
    expect(Buffer.from(encoded).toString('hex')).toBe('0500000000000000' + '02000000' + '01' + '01' + '61' + '02' + '6869' + '00' + '01' + '62');
    expect(encodedWriteBatchBytes(example)).toBe(encoded.length);
  });

  it('round-trips random batches, with sizes predicted exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.array(opArbitrary, { maxLength: 40 }), (seqSeed, ops) => {
        const firstSeq = Math.max(0, seqSeed - ops.length);
        const encoded = encodeWriteBatch(firstSeq, ops);
        expect(encoded.length).toBe(encodedWriteBatchBytes(ops));
        const decoded = decodeWriteBatch(encoded);
        expect(decoded.firstSeq).toBe(firstSeq);
        expect(plain(decoded.ops)).toEqual(plain(ops));
      }),
    );
  });

  it('encodes into the caller buffer at an offset exactly as into a fresh one, leaving the rest alone', () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArbitrary, { maxLength: 10 }), { minLength: 1, maxLength: 5 }), fc.nat(50), (batches, gap) => {
        const total = batches.reduce((sum, ops) => sum + encodedWriteBatchBytes(ops), 0);
        const out = new Uint8Array(gap + total + 7).fill(0xa5);
        let offset = gap;
        batches.forEach((ops, i) => {
          const end = encodeWriteBatchInto(out, offset, 100 * i, ops);
          expect([...out.subarray(offset, end)]).toEqual([...encodeWriteBatch(100 * i, ops)]);
          offset = end;
        });
        expect(out.subarray(0, gap).every((b) => b === 0xa5)).toBe(true);
        expect(out.subarray(offset).every((b) => b === 0xa5)).toBe(true);
      }),
    );
  });

  it('encodes long keys and values with multi-byte varint lengths', () => {
    const ops: WriteOp[] = [{ type: 'put', key: new Uint8Array(200).fill(1), value: new Uint8Array(70_000).fill(2) }];
    const encoded = encodeWriteBatch(SEQUENCE_MAX, ops);
    expect(encoded.length).toBe(WRITE_BATCH_HEADER_BYTES + 1 + 2 + 200 + 3 + 70_000);
    expect(plain(decodeWriteBatch(encoded).ops)).toEqual(plain(ops));
  });

  it('returns keys and values as views of the payload', () => {
    const encoded = encodeWriteBatch(1, example);
    const { ops } = decodeWriteBatch(encoded);
    expect(ops[0]!.key.buffer).toBe(encoded.buffer);
    expect(ops[0]!.type === 'put' && ops[0]!.value.buffer).toBe(encoded.buffer);
  });

  it('allows an empty batch', () => {
    expect(decodeWriteBatch(encodeWriteBatch(9, []))).toEqual({ firstSeq: 9, ops: [] });
  });

  it('rejects what the decoder would reject, with InvalidArgumentError', () => {
    const key = utf8('k');
    expect(() => encodeWriteBatch(-1, example)).toThrow(InvalidArgumentError);
    expect(() => encodeWriteBatch(1.5, example)).toThrow(InvalidArgumentError);
    expect(() => encodeWriteBatch(SEQUENCE_MAX, example)).toThrow(InvalidArgumentError); // the second op overflows
    expect(() => encodeWriteBatch(SEQUENCE_MAX - 1, example)).not.toThrow();
    expect(() => encodeWriteBatch(1, [{ type: 'delete', key: new Uint8Array(STORE_KEY_BYTES_MAX + 1) }])).toThrow(InvalidArgumentError);
    expect(() => encodeWriteBatch(1, [{ type: 'put', key, value: new Uint8Array(STORE_VALUE_BYTES_MAX + 1) }])).toThrow(InvalidArgumentError);
    const tooMany = new Array<WriteOp>(WRITE_BATCH_OPS_MAX + 1).fill({ type: 'delete', key });
    expect(() => encodeWriteBatch(1, tooMany)).toThrow(InvalidArgumentError);
  });
});

describe('write batch decoding damage', () => {
  const valid = encodeWriteBatch(5, example);

  it('rejects every truncation', () => {
    for (let length = 0; length < valid.length; length++) {
      expect(() => decodeWriteBatch(valid.subarray(0, length)), `length ${length}`).toThrow(CorruptionError);
    }
  });

  it('rejects trailing bytes', () => {
    const longer = new Uint8Array(valid.length + 1);
    longer.set(valid);
    expect(() => decodeWriteBatch(longer)).toThrow(CorruptionError);
  });

  it('rejects a count that does not match the ops present', () => {
    for (const count of [0, 1, 3, 4, 0xffffffff]) {
      const damaged = valid.slice();
      damaged[8] = count & 0xff;
      damaged[9] = (count >>> 8) & 0xff;
      damaged[10] = (count >>> 16) & 0xff;
      damaged[11] = count >>> 24;
      expect(() => decodeWriteBatch(damaged), `count ${count}`).toThrow(CorruptionError);
    }
  });

  it('rejects an unknown op type', () => {
    for (const type of [2, 3, 0x80, 0xff]) {
      const damaged = valid.slice();
      damaged[WRITE_BATCH_HEADER_BYTES] = type;
      expect(() => decodeWriteBatch(damaged)).toThrow(CorruptionError);
    }
  });

  it('rejects a truncated or overlong varint, and lengths past the end', () => {
    // Header, count 1, a delete whose key length varint never ends.
    const header = [...valid.subarray(0, 8), 1, 0, 0, 0];
    expect(() => decodeWriteBatch(Uint8Array.from([...header, 0, 0x80]))).toThrow(CorruptionError);
    expect(() => decodeWriteBatch(Uint8Array.from([...header, 0, ...new Array<number>(9).fill(0xff), 0]))).toThrow(CorruptionError);
    expect(() => decodeWriteBatch(Uint8Array.from([...header, 0, 5, 1, 2]))).toThrow(CorruptionError);
    expect(() => decodeWriteBatch(Uint8Array.from([...header, 1, 1, 0x61, 9, 1]))).toThrow(CorruptionError);
    expect(() => decodeWriteBatch(Uint8Array.from([...header, 1, 1, 0x61, 0x80]))).toThrow(CorruptionError);
  });

  it('rejects a first sequence beyond 2^53 - 1', () => {
    const damaged = valid.slice();
    damaged[7] = 0x01;
    expect(() => decodeWriteBatch(damaged)).toThrow(CorruptionError);
  });

  it('never throws anything but CorruptionError on mutated or random input', () => {
    fc.assert(
      fc.property(
        fc.array(opArbitrary, { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (ops, mutations) => {
          const damaged = encodeWriteBatch(3, ops).slice();
          for (const [position, xor] of mutations) damaged[position % damaged.length]! ^= xor;
          try {
            const decoded = decodeWriteBatch(damaged);
            // A decode that succeeds accounts for every byte: re-encoding yields a batch of the same size
            // (varints may be non-minimal, so only a size check up to that slack).
            expect(encodedWriteBatchBytes(decoded.ops)).toBeLessThanOrEqual(damaged.length);
          } catch (error) {
            expect(error).toBeInstanceOf(CorruptionError);
          }
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeWriteBatch(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptionError);
        }
      }),
    );
  });
});
