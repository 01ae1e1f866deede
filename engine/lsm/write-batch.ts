/**
 * The write-batch encoding: the payload of a WAL record (RecordType.WriteBatch), so part of the
 * on-disk format. Byte grammar: engine/lsm/wal/FORMAT.md, "Write-batch payload".
 *
 *   batch := firstSeq:u64le count:u32le op{count}
 *   op    := ValueType.Put:u8 keyLength:varint key valueLength:varint value
 *          | ValueType.Delete:u8 keyLength:varint key
 *
 * Op i has sequence number firstSeq + i: one batch is applied atomically with consecutive sequences.
 *
 * Concurrency: pure functions.
 *
 * Invariants:
 * 1. Encoding validates at the boundary (InvalidArgumentError) everything the decoder would reject:
 *    what is written can be read back.
 * 2. Decoding trusts nothing: any structural problem is a CorruptionError, never an out-of-bounds
 *    read or a partial batch.
 */
import {
  SEQUENCE_MAX,
  STORE_KEY_BYTES_MAX,
  STORE_VALUE_BYTES_MAX,
  WRITE_BATCH_BYTES_MAX,
  WRITE_BATCH_OPS_MAX,
} from '../limits.js';
import { assert } from '../util/assert.js';
import { readUint32LE, readUint64LE, writeUint32LE, writeUint64LE } from '../util/bytes.js';
import { CorruptionError, InvalidArgumentError } from '../util/errors.js';
import { readVarint, varintLength, writeVarint, type VarintResult } from '../util/varint.js';
import { ValueType } from './internal-key.js';

/** A write-batch entry. */
export type WriteOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'delete'; key: Uint8Array };

/** firstSeq(8) + count(4). */
export const WRITE_BATCH_HEADER_BYTES = 12;
/** The smallest op: a type byte and an empty key's length. Bounds `count` against the payload size. */
const OP_BYTES_MIN = 2;

/** Bytes encodeWriteBatch will produce for `ops`. */
export function encodedWriteBatchBytes(ops: readonly WriteOp[]): number {
  let total = WRITE_BATCH_HEADER_BYTES;
  for (const op of ops) {
    const keyBytes = op.key.length;
    total += 1 + varintLength(keyBytes) + keyBytes;
    if (op.type === 'put') {
      const valueBytes = op.value.length;
      total += varintLength(valueBytes) + valueBytes;
    }
  }
  return total;
}

/**
 * Payload: [firstSeq 8 bytes LE][count u32 LE] then per op: [ValueType u8][keyLen varint][key]
 * [valueLen varint][value] (value part only for Put). Op i has sequence firstSeq + i.
 * InvalidArgumentError when a key, value, the op count, the size or the sequence range is out of bounds.
 */
export function encodeWriteBatch(firstSeq: number, ops: readonly WriteOp[]): Uint8Array {
  const out = new Uint8Array(encodedWriteBatchBytes(ops));
  encodeWriteBatchInto(out, 0, firstSeq, ops);
  return out;
}

/**
 * encodeWriteBatch into out[offset, offset + encodedWriteBatchBytes(ops)) (a caller's reusable
 * buffer: a fresh array per batch costs an off-heap allocation in V8). Returns the end offset.
 * Same validation; nothing is written when it throws.
 */
export function encodeWriteBatchInto(out: Uint8Array, offset: number, firstSeq: number, ops: readonly WriteOp[]): number {
  validateBatch(firstSeq, ops);
  const totalBytes = encodedWriteBatchBytes(ops);
  if (totalBytes > WRITE_BATCH_BYTES_MAX) {
    throw new InvalidArgumentError(`write batch of ${totalBytes} bytes exceeds ${WRITE_BATCH_BYTES_MAX}`);
  }
  assert(offset + totalBytes <= out.length, 'write batch buffer too small');
  const start = offset;
  writeUint64LE(out, offset, firstSeq);
  writeUint32LE(out, offset + 8, ops.length);
  offset += WRITE_BATCH_HEADER_BYTES;
  for (const op of ops) {
    out[offset++] = op.type === 'put' ? ValueType.Put : ValueType.Delete;
    offset = writeVarint(out, offset, op.key.length);
    out.set(op.key, offset);
    offset += op.key.length;
    if (op.type === 'put') {
      offset = writeVarint(out, offset, op.value.length);
      out.set(op.value, offset);
      offset += op.value.length;
    }
  }
  assert(offset - start === totalBytes, 'write batch size mismatch');
  return offset;
}

function validateBatch(firstSeq: number, ops: readonly WriteOp[]): void {
  if (ops.length > WRITE_BATCH_OPS_MAX) {
    throw new InvalidArgumentError(`write batch of ${ops.length} ops exceeds ${WRITE_BATCH_OPS_MAX}`);
  }
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 0 || firstSeq + Math.max(ops.length - 1, 0) > SEQUENCE_MAX) {
    throw new InvalidArgumentError(`write batch sequence range out of bounds: ${firstSeq} + ${ops.length}`);
  }
  for (const op of ops) {
    if (op.key.length > STORE_KEY_BYTES_MAX) {
      throw new InvalidArgumentError(`key of ${op.key.length} bytes exceeds ${STORE_KEY_BYTES_MAX}`);
    }
    if (op.type === 'put' && op.value.length > STORE_VALUE_BYTES_MAX) {
      throw new InvalidArgumentError(`value of ${op.value.length} bytes exceeds ${STORE_VALUE_BYTES_MAX}`);
    }
  }
}

export interface DecodedWriteBatch {
  firstSeq: number;
  /** Keys and values are subarray views of the payload passed to decodeWriteBatch (no copies). */
  ops: WriteOp[];
}

const scratch: VarintResult = { value: 0, offset: 0 };

/**
 * Decodes a write-batch payload. CorruptionError on any structural problem: short header, sequence
 * out of range, count over the limit or not matching the ops present, unknown op type, truncated or
 * overlong varint, key or value over its limit or past the end, trailing bytes.
 */
export function decodeWriteBatch(payload: Uint8Array): DecodedWriteBatch {
  const end = payload.length;
  if (end < WRITE_BATCH_HEADER_BYTES) corrupt(`write batch of ${end} bytes is shorter than its header`);
  const firstSeq = readUint64LE(payload, 0);
  const count = readUint32LE(payload, 8);
  if (firstSeq < 0) corrupt('write batch first sequence exceeds 2^53 - 1');
  if (count > WRITE_BATCH_OPS_MAX) corrupt(`write batch count ${count} exceeds ${WRITE_BATCH_OPS_MAX}`);
  if (firstSeq + Math.max(count - 1, 0) > SEQUENCE_MAX) corrupt('write batch sequence range exceeds 2^53 - 1');
  if (count * OP_BYTES_MIN > end - WRITE_BATCH_HEADER_BYTES) {
    corrupt(`write batch count ${count} does not fit in ${end} bytes`);
  }
  const ops: WriteOp[] = [];
  let offset = WRITE_BATCH_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (offset >= end) corrupt(`write batch holds ${i} ops, header says ${count}`);
    const type = payload[offset++]!;
    if (type !== ValueType.Put && type !== ValueType.Delete) corrupt(`write batch op ${i} has unknown type ${type}`);
    if (!readVarint(payload, offset, end, scratch)) corrupt(`write batch op ${i}: bad key length`);
    const keyBytes = scratch.value;
    offset = scratch.offset;
    if (keyBytes > STORE_KEY_BYTES_MAX || keyBytes > end - offset) corrupt(`write batch op ${i}: bad key length ${keyBytes}`);
    const key = payload.subarray(offset, offset + keyBytes);
    offset += keyBytes;
    if (type === ValueType.Delete) {
      ops.push({ type: 'delete', key });
      continue;
    }
    if (!readVarint(payload, offset, end, scratch)) corrupt(`write batch op ${i}: bad value length`);
    const valueBytes = scratch.value;
    offset = scratch.offset;
    if (valueBytes > STORE_VALUE_BYTES_MAX || valueBytes > end - offset) {
      corrupt(`write batch op ${i}: bad value length ${valueBytes}`);
    }
    ops.push({ type: 'put', key, value: payload.subarray(offset, offset + valueBytes) });
    offset += valueBytes;
  }
  if (offset !== end) corrupt(`write batch has ${end - offset} trailing bytes after ${count} ops`);
  return { firstSeq, ops };
}

function corrupt(reason: string): never {
  throw new CorruptionError(reason);
}
