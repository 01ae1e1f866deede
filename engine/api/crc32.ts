/**
 * CRC-32 of a response body for the `x-amz-crc32` header: the gzip / `java.util.zip.CRC32`
 * polynomial (RFC 1952, reflected 0xEDB88320), as botocore and the Go SDK check it
 * (reference/dynamodb-facts.md §14.1). Not CRC-32C: that one (engine/util/crc32c.ts) guards storage.
 *
 * Node 20.15+ has it natively as `zlib.crc32`, but a call costs ~190 ns before the first byte (its
 * argument checks and the binding), more than the bytes of a typical answer: a 153-byte GetItem
 * body took 217 ns natively and 116 ns with the slice-by-8 table below, a 30-byte one 96 and 44 ns;
 * at 1,000 bytes native wins (307 against 717 ns). So bodies under NATIVE_BYTES_MIN take the table,
 * longer ones zlib (or the table on Node 20 releases before 20.15).
 * Pure and synchronous.
 */
import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, initial?: number) => number;

/** From this many bytes on, zlib's crc32 is faster than the table (see the header). */
const NATIVE_BYTES_MIN = 256;

/**
 * Slice-by-8 tables of the reflected polynomial, built on first use: table k (entries k × 256 …)
 * advances a byte's CRC through k further zero bytes, so eight bytes fold in with eight lookups.
 */
let tables: Uint32Array | undefined;

function crcTables(): Uint32Array {
  if (tables !== undefined) return tables;
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const previous = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = (previous >>> 8) ^ t[previous & 0xff]!;
    }
  }
  tables = t;
  return t;
}

/** Slice-by-8 table CRC-32; `initial` continues a running CRC as zlib's does. */
export function crc32Table(data: Uint8Array, initial = 0): number {
  const t = crcTables();
  let crc = ~initial;
  const length = data.length;
  const whole = length - (length & 7);
  let i = 0;
  for (; i < whole; i += 8) {
    const low = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    crc =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

// `zlib.crc32` is typed by @types/node 20.19 but missing before Node 20.15: look it up at run time.
const native: Crc32 | undefined = typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? zlib.crc32 : undefined;

/** CRC-32 of `data` as an unsigned 32-bit integer (what `x-amz-crc32` carries in decimal). */
export const crc32: Crc32 =
  native === undefined ? crc32Table : (data, initial = 0) => (data.length < NATIVE_BYTES_MIN ? crc32Table(data, initial) : native(data, initial));
