/**
 * The write ops for replacing one item (old → new, either may be absent) together with its index
 * entries, as one atomic batch (DESIGN.md decision 1: index maintenance is in the same batch as the
 * base item). Also reports, per index, what changed so capacity can be charged as DynamoDB does.
 */
import type { Item } from '../model/attribute-value.js';
import { encodeItem } from '../model/item-codec.js';
import { bytesEqual } from '../util/bytes.js';
import type { WriteOp } from '../lsm/write-batch.js';
import type { IndexRuntime, Table } from './table.js';

export interface IndexChange {
  readonly index: IndexRuntime;
  /** Size in bytes of the old and new index entries (undefined when absent). */
  readonly oldBytes: number | undefined;
  readonly newBytes: number | undefined;
  readonly keyChanged: boolean;
  /** Storage keys of the old and new index entries (undefined when absent): where capacity is admitted. */
  readonly oldKey: Uint8Array | undefined;
  readonly newKey: Uint8Array | undefined;
}

export interface Mutation {
  readonly ops: WriteOp[];
  readonly indexChanges: IndexChange[];
  /** The encoded new item (undefined for a delete). */
  readonly value: Uint8Array | undefined;
}

export function itemMutation(table: Table, key: Uint8Array, oldItem: Item | undefined, newItem: Item | undefined, entrySize: (item: Item) => number): Mutation {
  const ops: WriteOp[] = [];
  const value = newItem === undefined ? undefined : encodeItem(newItem);
  if (value === undefined) ops.push({ type: 'delete', key });
  else ops.push({ type: 'put', key, value });
  const indexChanges: IndexChange[] = [];
  for (const index of table.maintainedIndexes) {
    const before = oldItem === undefined ? undefined : table.indexEntry(index, oldItem);
    const after = newItem === undefined ? undefined : table.indexEntry(index, newItem);
    if (before === undefined && after === undefined) continue;
    const keyChanged = before === undefined || after === undefined || !bytesEqual(before.key, after.key);
    if (before !== undefined && keyChanged) ops.push({ type: 'delete', key: before.key });
    if (after !== undefined && (keyChanged || !bytesEqual(before!.value, after.value))) ops.push({ type: 'put', key: after.key, value: after.value });
    if (!keyChanged && bytesEqual(before!.value, after!.value)) continue; // nothing written to this index
    indexChanges.push({
      index,
      oldBytes: before === undefined ? undefined : entrySize(before.item),
      newBytes: after === undefined ? undefined : entrySize(after.item),
      keyChanged,
      oldKey: before?.key,
      newKey: after?.key,
    });
  }
  return { ops, indexChanges, value };
}
