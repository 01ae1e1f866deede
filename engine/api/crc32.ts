/**
 * CRC-32 of a response body for the `x-amz-crc32` header: the gzip / `java.util.zip.CRC32`
 * polynomial (RFC 1952, reflected 0xEDB88320), as botocore and the Go SDK check it
 * (reference/dynamodb-facts.md §14.1). Not CRC-32C: that one (engine/util/crc32c.ts) guards storage.
 *
 * Node 20.15+ has it natively as `zlib.crc32`; older Node 20 releases get the table fallback below.
 * Pure and synchronous.
 */
import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, initial?: number) => number;

/** The 256-entry table of the reflected polynomial, built on first use of the fallback. */
let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Byte-at-a-time table CRC-32; `initial` continues a running CRC as zlib's does. */
export function crc32Table(data: Uint8Array, initial = 0): number {
  const t = crcTable();
  let crc = ~initial >>> 0;
  for (let i = 0; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

// `zlib.crc32` is typed by @types/node 20.19 but missing before Node 20.15: look it up at run time.
const native: Crc32 | undefined = typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? zlib.crc32 : undefined;

/** CRC-32 of `data` as an unsigned 32-bit integer (what `x-amz-crc32` carries in decimal). */
export const crc32: Crc32 = native ?? crc32Table;
