/**
 * The properties block: facts about a table that the store reads at open without scanning it.
 *
 *   properties := field*
 *   field      := tag varint ‖ length varint ‖ bytes[length]
 *
 * Numeric fields hold one varint in their bytes; key fields hold an encoded internal key; the creator
 * field holds UTF-8. Tags are part of the on-disk format (never renumber). A reader skips unknown
 * tags, so later versions can add fields; every tag listed below is required in format version 1.
 *
 * Concurrency: pure functions.
 */
import { fromUtf8, utf8 } from '../../util/bytes.js';
import { readVarint, varintLength, writeVarint, type VarintResult } from '../../util/varint.js';
import { CompressionType, corruption } from './format.js';

export interface TableProperties {
  readonly entryCount: number;
  readonly deletionCount: number;
  /** Sum of encoded internal key lengths (user key + 8) and of value lengths, before compression. */
  readonly rawKeyBytes: number;
  readonly rawValueBytes: number;
  readonly dataBlockCount: number;
  /** Data blocks stored LZ4-compressed (the rest were stored raw because compression did not pay). */
  readonly compressedBlockCount: number;
  /** Bytes of the data blocks on disk, trailers included. */
  readonly dataBytes: number;
  readonly smallestSeq: number;
  readonly largestSeq: number;
  /** Encoded internal keys. */
  readonly smallestKey: Uint8Array;
  readonly largestKey: Uint8Array;
  /** The builder's setting (individual blocks may still be raw). */
  readonly compression: 'lz4' | 'none';
  readonly blockBytes: number;
  readonly restartInterval: number;
  readonly bloomBitsPerKey: number;
  /** Creation info: which software wrote the file. */
  readonly creator: string;
}

/** Part of the on-disk format: never renumber. */
const Tag = {
  EntryCount: 1,
  DeletionCount: 2,
  RawKeyBytes: 3,
  RawValueBytes: 4,
  DataBlockCount: 5,
  CompressedBlockCount: 6,
  DataBytes: 7,
  SmallestSeq: 8,
  LargestSeq: 9,
  SmallestKey: 10,
  LargestKey: 11,
  Compression: 12,
  BlockBytes: 13,
  RestartInterval: 14,
  BloomBitsPerKey: 15,
  Creator: 16,
} as const;

const TAG_COUNT = 16;

export const TABLE_CREATOR = 'silt sstable v1';

export function encodeProperties(p: TableProperties): Uint8Array {
  const fields: Array<[number, Uint8Array]> = [];
  const number = (tag: number, value: number): void => {
    const bytes = new Uint8Array(varintLength(value));
    writeVarint(bytes, 0, value);
    fields.push([tag, bytes]);
  };
  number(Tag.EntryCount, p.entryCount);
  number(Tag.DeletionCount, p.deletionCount);
  number(Tag.RawKeyBytes, p.rawKeyBytes);
  number(Tag.RawValueBytes, p.rawValueBytes);
  number(Tag.DataBlockCount, p.dataBlockCount);
  number(Tag.CompressedBlockCount, p.compressedBlockCount);
  number(Tag.DataBytes, p.dataBytes);
  number(Tag.SmallestSeq, p.smallestSeq);
  number(Tag.LargestSeq, p.largestSeq);
  fields.push([Tag.SmallestKey, p.smallestKey]);
  fields.push([Tag.LargestKey, p.largestKey]);
  number(Tag.Compression, p.compression === 'lz4' ? CompressionType.Lz4 : CompressionType.None);
  number(Tag.BlockBytes, p.blockBytes);
  number(Tag.RestartInterval, p.restartInterval);
  number(Tag.BloomBitsPerKey, p.bloomBitsPerKey);
  fields.push([Tag.Creator, utf8(p.creator)]);

  let total = 0;
  for (const [tag, bytes] of fields) total += varintLength(tag) + varintLength(bytes.length) + bytes.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const [tag, bytes] of fields) {
    offset = writeVarint(out, offset, tag);
    offset = writeVarint(out, offset, bytes.length);
    out.set(bytes, offset);
    offset += bytes.length;
  }
  return out;
}

/** Decodes a checksum-verified properties payload; CorruptionError when malformed or incomplete. */
export function decodeProperties(payload: Uint8Array, fileNumber: number): TableProperties {
  const v: VarintResult = { value: 0, offset: 0 };
  const numbers = new Map<number, number>();
  const blobs = new Map<number, Uint8Array>();
  let offset = 0;
  while (offset < payload.length) {
    if (!readVarint(payload, offset, payload.length, v)) throw corruption(fileNumber, 'properties: bad tag');
    const tag = v.value;
    if (!readVarint(payload, v.offset, payload.length, v)) throw corruption(fileNumber, 'properties: bad length');
    const start = v.offset;
    const end = start + v.value;
    if (end > payload.length) throw corruption(fileNumber, `properties: field ${tag} overruns the block`);
    offset = end;
    if (tag < 1 || tag > TAG_COUNT) continue; // A field from a later version: skip it.
    if (numbers.has(tag) || blobs.has(tag)) throw corruption(fileNumber, `properties: field ${tag} repeated`);
    if (tag === Tag.SmallestKey || tag === Tag.LargestKey || tag === Tag.Creator) {
      blobs.set(tag, payload.slice(start, end));
    } else {
      if (!readVarint(payload, start, end, v) || v.offset !== end) throw corruption(fileNumber, `properties: bad number in field ${tag}`);
      numbers.set(tag, v.value);
    }
  }
  const num = (tag: number): number => {
    const value = numbers.get(tag);
    if (value === undefined) throw corruption(fileNumber, `properties: missing field ${tag}`);
    return value;
  };
  const blob = (tag: number): Uint8Array => {
    const value = blobs.get(tag);
    if (value === undefined) throw corruption(fileNumber, `properties: missing field ${tag}`);
    return value;
  };
  const compression = num(Tag.Compression);
  if (compression !== CompressionType.None && compression !== CompressionType.Lz4) {
    throw corruption(fileNumber, `properties: unknown compression ${compression}`);
  }
  return {
    entryCount: num(Tag.EntryCount),
    deletionCount: num(Tag.DeletionCount),
    rawKeyBytes: num(Tag.RawKeyBytes),
    rawValueBytes: num(Tag.RawValueBytes),
    dataBlockCount: num(Tag.DataBlockCount),
    compressedBlockCount: num(Tag.CompressedBlockCount),
    dataBytes: num(Tag.DataBytes),
    smallestSeq: num(Tag.SmallestSeq),
    largestSeq: num(Tag.LargestSeq),
    smallestKey: blob(Tag.SmallestKey),
    largestKey: blob(Tag.LargestKey),
    compression: compression === CompressionType.Lz4 ? 'lz4' : 'none',
    blockBytes: num(Tag.BlockBytes),
    restartInterval: num(Tag.RestartInterval),
    bloomBitsPerKey: num(Tag.BloomBitsPerKey),
    creator: fromUtf8(blob(Tag.Creator)),
  };
}
