/**
 * describePartitions: the partition manager's view of one table, JSON-friendly (keys as hex,
 * indexes by name), for `Database.describePartitions`, the server's `GET /silt/partitions/<table>`
 * and `silt partitions <table>`; and its rendering as a readable text table for the CLI.
 *
 * Keys are storage-key suffixes (`hash32(pk) u32be | enc(pk) | sort components`, engine/model/
 * FORMAT.md §2): a partition's range reads as hash ranges; hot keys are partition-key values, shown
 * decoded as well when they decode under the key schema.
 *
 * Pure and synchronous; reads the partition manager's in-memory state only.
 */
import { decodeKeyValue } from '../model/key-codec.js';
import type { ScalarAttributeType } from '../model/attribute-value.js';
import type { PartitionDescription } from '../partitions/index.js';
import type { TableContext } from './context.js';
import { resourceNotFound } from './errors.js';
import type { Table } from './table.js';

export interface HotKeyReport {
  /** Partition-key bytes (enc(pk)) in hex. */
  key: string;
  /** The partition-key value as text, when it decodes. */
  value?: string;
  units: number;
}

export interface PartitionReport {
  partitionId: number;
  /** The GSI the partition belongs to; null for the table (and its LSIs). */
  indexName: string | null;
  /** Range start (inclusive) and end (exclusive; null = the end of the key space), hex. */
  startKey: string;
  endKey: string | null;
  allocatedReadUnits: number;
  allocatedWriteUnits: number;
  consumedReadUnitsPerSecond: number;
  consumedWriteUnitsPerSecond: number;
  burstReadBalance: number;
  burstWriteBalance: number;
  throttles: Record<string, number>;
  splits: { atMs: number; cause: 'size' | 'heat' | 'throughput' | 'isolation'; from: number }[];
  hotKeys: HotKeyReport[];
}

export interface PartitionsDescription {
  TableName: string;
  Partitions: PartitionReport[];
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function decodedText(bytes: Uint8Array, type: ScalarAttributeType): string | undefined {
  try {
    const value = decodeKeyValue(bytes, type);
    return 'S' in value ? value.S : 'N' in value ? value.N : `0x${toHex(value.B)}`;
  } catch (error) {
    // Not a whole key value (a sketch entry cut mid-value): shown as hex only.
    if (error instanceof Error) return undefined;
    throw error;
  }
}

function report(table: Table, partition: PartitionDescription): PartitionReport {
  const index = partition.indexId === 0 ? undefined : table.indexes.find((candidate) => candidate.indexId === partition.indexId);
  const keyType = (index?.schema ?? table.schema).partitionKey.type;
  return {
    partitionId: partition.partitionId,
    indexName: index === undefined ? null : index.schema.name,
    startKey: toHex(partition.startKey),
    endKey: partition.endKey === null ? null : toHex(partition.endKey),
    allocatedReadUnits: partition.allocatedReadUnits,
    allocatedWriteUnits: partition.allocatedWriteUnits,
    consumedReadUnitsPerSecond: partition.consumedReadUnitsPerSecond,
    consumedWriteUnitsPerSecond: partition.consumedWriteUnitsPerSecond,
    burstReadBalance: partition.burstReadBalance,
    burstWriteBalance: partition.burstWriteBalance,
    throttles: { ...partition.throttles },
    splits: partition.splits.map((split) => ({ ...split })),
    hotKeys: partition.hotKeys.map((hot) => {
      const value = decodedText(hot.key, keyType);
      return value === undefined ? { key: toHex(hot.key), units: hot.units } : { key: toHex(hot.key), value, units: hot.units };
    }),
  };
}

/** The partitions of a table and its GSIs; ResourceNotFoundException for an unknown table. */
export function describePartitions(context: TableContext, tableName: string): PartitionsDescription {
  const table = context.table(tableName);
  if (table === undefined) throw resourceNotFound(tableName);
  return { TableName: table.name, Partitions: context.partitions.describe(table.tableId).map((partition) => report(table, partition)) };
}

// ---- text rendering (silt partitions) ----------------------------------------------------------------------------

/** The hash part of a range bound: its first 4 bytes (8 hex digits), "+" when the key goes on. */
function bound(hex: string | null, start: boolean): string {
  if (hex === null) return 'end';
  if (hex === '' && start) return '00000000';
  return hex.length <= 8 ? hex.padEnd(8, '0') : `${hex.slice(0, 8)}+`;
}

function units(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A readable table: one row per partition (range, allocated, consumed, burst, throttles, splits, hot keys). */
export function formatPartitions(description: PartitionsDescription): string {
  const header = ['id', 'index', 'range (hash)', 'alloc R/W', 'used R/W /s', 'burst R/W', 'throttles', 'splits', 'hot keys'];
  const rows = description.Partitions.map((partition) => {
    const throttles = Object.entries(partition.throttles)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason}=${count}`)
      .join(' ');
    const splits = partition.splits.map((split) => `${split.cause}@${Math.round(split.atMs / 1000)}s`).join(' ');
    const hot = partition.hotKeys
      .slice(0, 3)
      .map((key) => `${key.value ?? key.key}:${units(key.units)}`)
      .join(' ');
    return [
      String(partition.partitionId),
      partition.indexName ?? '(table)',
      `${bound(partition.startKey, true)}..${bound(partition.endKey, false)}`,
      `${units(partition.allocatedReadUnits)}/${units(partition.allocatedWriteUnits)}`,
      `${units(partition.consumedReadUnitsPerSecond)}/${units(partition.consumedWriteUnitsPerSecond)}`,
      `${Math.round(partition.burstReadBalance)}/${Math.round(partition.burstWriteBalance)}`,
      throttles === '' ? '-' : throttles,
      splits === '' ? '-' : splits,
      hot === '' ? '-' : hot,
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [`Table ${description.TableName}: ${description.Partitions.length} partitions`, line(header), ...rows.map(line)].join('\n') + '\n';
}
