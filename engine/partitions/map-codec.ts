/**
 * The durable encoding of a partition map: one store entry per (tableId, indexId), under the
 * system table id 0 beside the catalog. The byte grammar, a worked example and the reasons are in
 * FORMAT.md (this file repeats the layout; keep the two in step). Part of the on-disk format:
 * never renumber a tag.
 *
 *   key   := 00 00 00 00 00 00 'P' tableId:u32be indexId:u16be
 *   value := version:u8(=1) body crc:u32le          crc = maskCrc(crc32c(version | body))
 *   body  := billingMode:u8 readUnits:f64le writeUnits:f64le caps:u8 [maxRead:f64le] [maxWrite:f64le]
 *            flags:u8 partitionKeyType:u8 nextPartitionId:varint partitionCount:varint partition*
 *   partition := id:varint startLength:varint start:bytes splitCount:varint split*
 *   split := atMs:f64le cause:u8 from:varint
 *
 * Decoding checks the checksum first, then every length and tag, then the map's invariants, and
 * throws CorruptionError on any mismatch: a damaged map is reported, never used.
 *
 * Pure and synchronous.
 */
import type { ScalarAttributeType } from '../model/attribute-value.js';
import { compareBytes, readUint32BE, writeUint32BE } from '../util/bytes.js';
import { crc32c, maskCrc, unmaskCrc } from '../util/crc32c.js';
import { CorruptionError } from '../util/errors.js';
import { readVarint, varintLength, writeVarint, type VarintResult } from '../util/varint.js';
import type { PartitionMap, PartitionRange } from './partition-map.js';
import type { BillingMode, SplitCause, SplitRecord, ThroughputSettings } from './types.js';

export const MAP_FORMAT_VERSION = 1;
/** The catalog's system prefix (tableId 0, indexId 0); the catalog uses tags 'T' and 'N'. */
const SYSTEM_PREFIX_BYTES = 6;
/** 'P': partition maps. Part of the on-disk format. */
export const MAP_KEY_TAG = 0x50;
const MAP_KEY_BYTES = SYSTEM_PREFIX_BYTES + 1 + 4 + 2;
const CRC_BYTES = 4;

// Tags: part of the on-disk format, never renumber.
const BILLING_MODES: readonly BillingMode[] = ['PROVISIONED', 'PAY_PER_REQUEST'];
const KEY_TYPES: readonly (ScalarAttributeType | undefined)[] = [undefined, 'S', 'N', 'B'];
const CAUSES: readonly SplitCause[] = ['size', 'heat', 'throughput', 'isolation'];
const CAP_MAX_READ = 1;
const CAP_MAX_WRITE = 2;
const FLAG_HAS_LSI = 1;

export function mapKey(tableId: number, indexId: number): Uint8Array {
  const key = new Uint8Array(MAP_KEY_BYTES);
  key[SYSTEM_PREFIX_BYTES] = MAP_KEY_TAG;
  writeUint32BE(key, SYSTEM_PREFIX_BYTES + 1, tableId);
  key[SYSTEM_PREFIX_BYTES + 5] = indexId >>> 8;
  key[SYSTEM_PREFIX_BYTES + 6] = indexId & 0xff;
  return key;
}

/** The range [gte, lt) holding every map key (of one table when `tableId` is given). */
export function mapKeyRange(tableId?: number): { gte: Uint8Array; lt: Uint8Array } {
  if (tableId === undefined) {
    const gte = new Uint8Array(SYSTEM_PREFIX_BYTES + 1);
    gte[SYSTEM_PREFIX_BYTES] = MAP_KEY_TAG;
    const lt = gte.slice();
    lt[SYSTEM_PREFIX_BYTES] = MAP_KEY_TAG + 1;
    return { gte, lt };
  }
  const gte = mapKey(tableId, 0);
  if (tableId < 0xffff_ffff) return { gte, lt: mapKey(tableId + 1, 0) };
  const lt = new Uint8Array(SYSTEM_PREFIX_BYTES + 1);
  lt[SYSTEM_PREFIX_BYTES] = MAP_KEY_TAG + 1;
  return { gte, lt };
}

/** (tableId, indexId) of a map key. */
export function decodeMapKey(key: Uint8Array): { tableId: number; indexId: number } {
  if (key.length !== MAP_KEY_BYTES || key[SYSTEM_PREFIX_BYTES] !== MAP_KEY_TAG) throw new CorruptionError('partition map: malformed key');
  return { tableId: readUint32BE(key, SYSTEM_PREFIX_BYTES + 1), indexId: (key[SYSTEM_PREFIX_BYTES + 5]! << 8) | key[SYSTEM_PREFIX_BYTES + 6]! };
}

class Writer {
  readonly bytes: number[] = [];
  readonly #f64 = new DataView(new ArrayBuffer(8));
  u8(value: number): void {
    this.bytes.push(value & 0xff);
  }
  f64(value: number): void {
    this.#f64.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.bytes.push(this.#f64.getUint8(i));
  }
  varint(value: number): void {
    const out = new Uint8Array(varintLength(value));
    writeVarint(out, 0, value);
    for (const byte of out) this.bytes.push(byte);
  }
  raw(data: Uint8Array): void {
    for (const byte of data) this.bytes.push(byte);
  }
}

export function encodeMap(map: PartitionMap): Uint8Array {
  const w = new Writer();
  const s = map.settings;
  w.u8(MAP_FORMAT_VERSION);
  w.u8(BILLING_MODES.indexOf(s.billingMode));
  w.f64(s.readUnitsPerSecond);
  w.f64(s.writeUnitsPerSecond);
  w.u8((s.maxReadUnitsPerSecond !== undefined ? CAP_MAX_READ : 0) | (s.maxWriteUnitsPerSecond !== undefined ? CAP_MAX_WRITE : 0));
  if (s.maxReadUnitsPerSecond !== undefined) w.f64(s.maxReadUnitsPerSecond);
  if (s.maxWriteUnitsPerSecond !== undefined) w.f64(s.maxWriteUnitsPerSecond);
  w.u8(map.hasLsi ? FLAG_HAS_LSI : 0);
  w.u8(KEY_TYPES.indexOf(map.partitionKeyType));
  w.varint(map.nextPartitionId);
  w.varint(map.partitions.length);
  for (const p of map.partitions) {
    w.varint(p.id);
    w.varint(p.start.length);
    w.raw(p.start);
    w.varint(p.splits.length);
    for (const split of p.splits) {
      w.f64(split.atMs);
      w.u8(CAUSES.indexOf(split.cause));
      w.varint(split.from);
    }
  }
  const out = new Uint8Array(w.bytes.length + CRC_BYTES);
  out.set(w.bytes);
  new DataView(out.buffer).setUint32(w.bytes.length, maskCrc(crc32c(out.subarray(0, w.bytes.length))), true);
  return out;
}

class Reader {
  offset = 0;
  readonly #view: DataView;
  readonly #varint: VarintResult = { value: 0, offset: 0 };
  constructor(readonly bytes: Uint8Array, readonly end: number) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  #need(count: number): void {
    if (this.offset + count > this.end) throw new CorruptionError('partition map: truncated');
  }
  u8(): number {
    this.#need(1);
    return this.bytes[this.offset++]!;
  }
  f64(): number {
    this.#need(8);
    const value = this.#view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }
  varint(): number {
    if (!readVarint(this.bytes, this.offset, this.end, this.#varint)) throw new CorruptionError('partition map: bad varint');
    this.offset = this.#varint.offset;
    return this.#varint.value;
  }
  raw(length: number): Uint8Array {
    this.#need(length);
    const out = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

function tag<T>(values: readonly T[], index: number, what: string): T {
  if (index >= values.length) throw new CorruptionError(`partition map: unknown ${what} tag ${index}`);
  return values[index]!;
}

function units(value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new CorruptionError('partition map: bad throughput figure');
  return value;
}

export function decodeMap(tableId: number, indexId: number, bytes: Uint8Array): PartitionMap {
  if (bytes.length < 1 + CRC_BYTES) throw new CorruptionError('partition map: too short');
  const bodyEnd = bytes.length - CRC_BYTES;
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bodyEnd, true);
  if (unmaskCrc(stored) !== crc32c(bytes.subarray(0, bodyEnd))) throw new CorruptionError('partition map: checksum mismatch');
  const r = new Reader(bytes, bodyEnd);
  const version = r.u8();
  if (version !== MAP_FORMAT_VERSION) throw new CorruptionError(`partition map: unknown version ${version}`);
  const settings: ThroughputSettings = {
    billingMode: tag(BILLING_MODES, r.u8(), 'billing mode'),
    readUnitsPerSecond: units(r.f64()),
    writeUnitsPerSecond: units(r.f64()),
  };
  const caps = r.u8();
  if ((caps & ~(CAP_MAX_READ | CAP_MAX_WRITE)) !== 0) throw new CorruptionError('partition map: bad caps');
  if ((caps & CAP_MAX_READ) !== 0) settings.maxReadUnitsPerSecond = units(r.f64());
  if ((caps & CAP_MAX_WRITE) !== 0) settings.maxWriteUnitsPerSecond = units(r.f64());
  const flags = r.u8();
  if ((flags & ~FLAG_HAS_LSI) !== 0) throw new CorruptionError('partition map: bad flags');
  const partitionKeyType = tag(KEY_TYPES, r.u8(), 'key type');
  const nextPartitionId = r.varint();
  const count = r.varint();
  if (count < 1 || count > bodyEnd) throw new CorruptionError('partition map: bad partition count');
  const partitions: PartitionRange[] = [];
  const ids = new Set<number>();
  for (let i = 0; i < count; i++) {
    const id = r.varint();
    const start = r.raw(r.varint());
    const splitCount = r.varint();
    if (splitCount > bodyEnd) throw new CorruptionError('partition map: bad split count');
    const splits: SplitRecord[] = [];
    for (let j = 0; j < splitCount; j++) splits.push({ atMs: r.f64(), cause: tag(CAUSES, r.u8(), 'split cause'), from: r.varint() });
    if (id >= nextPartitionId || ids.has(id)) throw new CorruptionError('partition map: bad partition id');
    if (i === 0 ? start.length !== 0 : compareBytes(partitions[i - 1]!.start, start) >= 0) {
      throw new CorruptionError('partition map: ranges not contiguous');
    }
    ids.add(id);
    partitions.push({ id, start, splits });
  }
  if (r.offset !== bodyEnd) throw new CorruptionError('partition map: trailing bytes');
  return { tableId, indexId, settings, hasLsi: flags === FLAG_HAS_LSI, partitionKeyType, nextPartitionId, partitions };
}
