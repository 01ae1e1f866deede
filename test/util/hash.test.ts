import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../engine/util/bytes.js';
import { hash32 } from '../../engine/util/hash.js';

/** MurmurHash3 x86_32 written from the reference C, with BigInt arithmetic: slow and independent. */
function referenceMurmur3(data: Uint8Array, seed: number): number {
  const mask = 0xffffffffn;
  const mul = (a: bigint, b: bigint): bigint => (a * b) & mask;
  const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (32n - r))) & mask;
  const c1 = 0xcc9e2d51n;
  const c2 = 0x1b873593n;
  let h = BigInt(seed >>> 0);
  const blockCount = Math.floor(data.length / 4);
  for (let i = 0; i < blockCount; i++) {
    let k = 0n;
    for (let j = 3; j >= 0; j--) k = (k << 8n) | BigInt(data[i * 4 + j]!);
    k = mul(rotl(mul(k, c1), 15n), c2);
    h ^= k;
    h = (mul(rotl(h, 13n), 5n) + 0xe6546b64n) & mask;
  }
  let k = 0n;
  const tail = data.length % 4;
  for (let j = tail - 1; j >= 0; j--) k = (k << 8n) | BigInt(data[blockCount * 4 + j]!);
  if (tail > 0) h ^= mul(rotl(mul(k, c1), 15n), c2);
  h ^= BigInt(data.length);
  h ^= h >> 16n;
  h = mul(h, 0x85ebca6bn);
  h ^= h >> 13n;
  h = mul(h, 0xc2b2ae35n);
  h ^= h >> 16n;
  return Number(h);
}

describe('hash32 (MurmurHash3 x86_32)', () => {
  it('matches published MurmurHash3 test vectors', () => {
    expect(hash32(new Uint8Array(0), 0)).toBe(0);
    expect(hash32(new Uint8Array(0), 1)).toBe(0x514e28b7);
    expect(hash32(new Uint8Array(0), 0xffffffff)).toBe(0x81f16f39);
    expect(hash32(new Uint8Array(4), 0)).toBe(0x2362f9de);
    expect(hash32(utf8('test'), 0)).toBe(0xba6bd213);
    expect(hash32(utf8('Hello, world!'), 1234)).toBe(0xfaf6cdb3);
    expect(hash32(utf8('The quick brown fox jumps over the lazy dog'), 0)).toBe(0x2e4ff723);
  });

  it('agrees with an independent reference for every length and seed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 0xffffffff }), (data, seed) => {
        expect(hash32(data, seed)).toBe(referenceMurmur3(data, seed));
      }),
    );
  });

  it('keeps the default seed and its values (bloom filters on disk depend on them)', () => {
    expect(hash32(utf8('silt'))).toBe(referenceMurmur3(utf8('silt'), 0xbc9f1d34));
    expect(hash32(new Uint8Array(0))).toBe(referenceMurmur3(new Uint8Array(0), 0xbc9f1d34));
    expect([hash32(utf8('')), hash32(utf8('a')), hash32(utf8('silt')), hash32(utf8('key-000123'))]).toEqual(FROZEN);
  });

  it('is an unsigned 32-bit number and depends only on the bytes of the view', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 5 }), (data, pad) => {
        const backing = new Uint8Array(data.length + 2 * pad).fill(0xaa);
        backing.set(data, pad);
        const h = hash32(backing.subarray(pad, pad + data.length));
        expect(h).toBe(hash32(data));
        expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
      }),
    );
  });
});

const FROZEN = [0x3f177186, 0x6dba6b55, 0x01174c31, 0x9a1c6c6d];

describe('hash32Range', () => {
  it('equals hash32 of the subarray for every range of a buffer', async () => {
    const { hash32, hash32Range } = await import('../../engine/util/hash.js');
    const data = new Uint8Array(40);
    for (let i = 0; i < data.length; i++) data[i] = (i * 97 + 13) & 0xff;
    for (let start = 0; start <= data.length; start++) {
      for (let end = start; end <= data.length; end++) {
        expect(hash32Range(data, start, end, 0x5117d00d)).toBe(hash32(data.subarray(start, end), 0x5117d00d));
      }
    }
  });
});
