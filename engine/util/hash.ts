/**
 * A fast 32-bit hash over bytes for bloom filters (MurmurHash3 x86_32). Part of the SSTable filter
 * format: changing it changes what filters on disk mean, so it is frozen.
 */
export function hash32(data: Uint8Array, seed = 0xbc9f1d34): number {
  return hash32Range(data, 0, data.length, seed);
}

/**
 * hash32 of data[start, end), computed in place: hot paths hash a part of a key, and a subarray per
 * call costs more than the hash itself. hash32Range(d, s, e, seed) === hash32(d.subarray(s, e), seed).
 */
export function hash32Range(data: Uint8Array, start: number, end: number, seed = 0xbc9f1d34): number {
  let h = seed >>> 0;
  const length = end - start;
  const blocksEnd = start + (length & ~3);
  for (let i = start; i < blocksEnd; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail !== 0) {
    let k = 0;
    if (tail === 3) k ^= data[blocksEnd + 2]! << 16;
    if (tail >= 2) k ^= data[blocksEnd + 1]! << 8;
    k ^= data[blocksEnd]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
