/** Shared helpers for the log tests: build real log files through LogWriter on a MemoryFileSystem. */
import { LOG_HEADER_BYTES, LogChecksums, type LogKind, RecordType } from '../../../engine/lsm/wal/format.js';
import { LogWriter } from '../../../engine/lsm/wal/writer.js';
import { writeUint32LE } from '../../../engine/util/bytes.js';
import { crc32c, maskCrc } from '../../../engine/util/crc32c.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';

export interface BuiltLog {
  data: Uint8Array;
  /** Start offset of each data record, then the file size. */
  boundaries: number[];
}

/** One group (one addRecordsSync call) per inner array. */
export async function buildLog(fileNumber: number, kind: LogKind, groups: readonly (readonly Uint8Array[])[]): Promise<BuiltLog> {
  const fs = new MemoryFileSystem();
  const writer = new LogWriter(await fs.createWritable('/log'), fileNumber);
  await writer.start(kind);
  const type = kind === 'wal' ? RecordType.WriteBatch : RecordType.VersionEdit;
  const boundaries: number[] = [];
  for (const group of groups) {
    let offset = writer.size;
    for (const payload of group) {
      boundaries.push(offset);
      offset += LOG_HEADER_BYTES + payload.length;
    }
    writer.addRecordsSync(type, group);
  }
  boundaries.push(writer.size);
  await writer.close();
  return { data: await fs.readFile('/log'), boundaries };
}

/** A record with valid checksums for `fileNumber` and an arbitrary type byte (the writer refuses those). */
export function forgeRecord(fileNumber: number, type: number, payload: Uint8Array, length = payload.length): Uint8Array {
  const seed = new LogChecksums(fileNumber).seed;
  const out = new Uint8Array(LOG_HEADER_BYTES + payload.length);
  writeUint32LE(out, 8, length);
  out[12] = type;
  out.set(payload, LOG_HEADER_BYTES);
  writeUint32LE(out, 4, maskCrc(crc32c(out.subarray(8, 13), seed)));
  const typeAndPayload = new Uint8Array(1 + payload.length);
  typeAndPayload[0] = type;
  typeAndPayload.set(payload, 1);
  writeUint32LE(out, 0, maskCrc(crc32c(typeAndPayload, seed)));
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesOf(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
