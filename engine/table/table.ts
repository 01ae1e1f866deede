/**
 * A table at runtime: its schema and ids, and the mapping from items to storage keys and index
 * entries (DESIGN.md decision 2; byte formats in engine/model/FORMAT.md).
 *
 * Storage:
 *   base item   key = storageKey(tableId, 0, pk, [sk?])                    value = encodeItem(item)
 *   index entry key = storageKey(tableId, indexId, indexPk, [indexSk?, pk, sk?])  value = encodeItem(projection)
 * An item lacking an index's key attributes has no entry in that index (sparse indexes).
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import type { KeyAttributeValue } from '../model/compare.js';
import { decodeItem, decodeSizedItem, encodeItem, type SizedItem } from '../model/item-codec.js';
import type { IndexSchema, KeyAttribute, PrimaryKeySchema, TableSchema } from '../model/schema.js';
import { BASE_TABLE_INDEX_ID, decodeStorageKey, encodeStorageKey, partitionPrefix, tableIndexPrefix } from '../model/storage-key.js';
import type { IndexRecord, TableRecord } from './catalog.js';

export interface IndexRuntime {
  readonly schema: IndexSchema;
  readonly record: IndexRecord;
  readonly indexId: number;
  readonly global: boolean;
}

export interface IndexEntry {
  readonly index: IndexRuntime;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly item: Item;
}

function keyValue(item: Item, attribute: KeyAttribute): KeyAttributeValue | undefined {
  const value: AttributeValue | undefined = Object.prototype.hasOwnProperty.call(item, attribute.name) ? item[attribute.name] : undefined;
  if (value === undefined || !(attribute.type in value)) return undefined;
  return value as KeyAttributeValue; // checked: the value has the declared scalar type
}

export class Table {
  readonly name: string;
  readonly tableId: number;
  readonly schema: TableSchema;
  readonly indexes: IndexRuntime[];
  /** Indexes that must be maintained on writes (every one but those being deleted). */
  readonly maintainedIndexes: readonly IndexRuntime[];
  /** Their schemas, as validateItemKeys takes them. */
  readonly maintainedIndexSchemas: readonly IndexSchema[];
  /** Whether any maintained index is local (item collections are then bounded and measured). */
  readonly hasLocalIndexes: boolean;
  readonly #keyNames: string[];

  constructor(readonly record: TableRecord) {
    this.name = record.schema.tableName;
    this.tableId = record.tableId;
    this.schema = record.schema;
    const schemas = [...record.schema.gsis, ...record.schema.lsis];
    this.indexes = record.indexes.flatMap((indexRecord) => {
      const schema = schemas.find((s) => s.name === indexRecord.name);
      return schema === undefined ? [] : [{ schema, record: indexRecord, indexId: indexRecord.indexId, global: schema.kind === 'GSI' }];
    });
    this.#keyNames = record.schema.sortKey === undefined ? [record.schema.partitionKey.name] : [record.schema.partitionKey.name, record.schema.sortKey.name];
    // Records are replaced, never mutated (catalog.ts), and a Table is rebuilt for each new record
    // (context.ts), so what is derived from the record is computed once here, not per request.
    this.maintainedIndexes = this.indexes.filter((index) => index.record.status !== 'DELETING');
    this.maintainedIndexSchemas = this.maintainedIndexes.map((index) => index.schema);
    this.hasLocalIndexes = this.maintainedIndexes.some((index) => !index.global);
  }

  get keyAttributeNames(): readonly string[] {
    return this.#keyNames;
  }

  index(name: string): IndexRuntime | undefined {
    return this.indexes.find((index) => index.schema.name === name);
  }

  /** The storage key of a validated item or key. */
  itemKey(item: Item): Uint8Array {
    const pk = keyValue(item, this.schema.partitionKey)!;
    const sk = this.schema.sortKey === undefined ? undefined : keyValue(item, this.schema.sortKey)!;
    return encodeStorageKey(this.tableId, BASE_TABLE_INDEX_ID, pk, sk === undefined ? [] : [sk]);
  }

  /** The primary-key attributes of an item. */
  keyOf(item: Item): Item {
    const key: Item = {};
    for (const name of this.#keyNames) key[name] = item[name]!;
    return key;
  }

  /** The item's entry in `index`, or undefined when the item lacks the index key (sparse). */
  indexEntry(index: IndexRuntime, item: Item): IndexEntry | undefined {
    const pk = keyValue(item, index.schema.partitionKey);
    if (pk === undefined) return undefined;
    const components: KeyAttributeValue[] = [];
    if (index.schema.sortKey !== undefined) {
      const sk = keyValue(item, index.schema.sortKey);
      if (sk === undefined) return undefined;
      components.push(sk);
    }
    components.push(keyValue(item, this.schema.partitionKey)!);
    if (this.schema.sortKey !== undefined) components.push(keyValue(item, this.schema.sortKey)!);
    const projected = this.project(index, item);
    return { index, key: encodeStorageKey(this.tableId, index.indexId, pk, components), value: encodeItem(projected), item: projected };
  }

  /** The attributes an index stores for an item. */
  project(index: IndexRuntime, item: Item): Item {
    const projection = index.schema.projection;
    if (projection.type === 'ALL') return item;
    const out: Item = {};
    const keep = (name: string): void => {
      if (Object.prototype.hasOwnProperty.call(item, name)) out[name] = item[name]!;
    };
    for (const name of this.#keyNames) keep(name);
    keep(index.schema.partitionKey.name);
    if (index.schema.sortKey !== undefined) keep(index.schema.sortKey.name);
    if (projection.type === 'INCLUDE') for (const name of projection.nonKeyAttributes) keep(name);
    return out;
  }

  /** Key schema of the table or of one of its indexes. */
  keySchema(index?: IndexRuntime): PrimaryKeySchema {
    return index === undefined ? this.schema : index.schema;
  }

  /** Every key of the table (indexId 0) or of one index starts with this. */
  prefix(index?: IndexRuntime): Uint8Array {
    return tableIndexPrefix(this.tableId, index?.indexId ?? BASE_TABLE_INDEX_ID);
  }

  partitionPrefix(partitionKey: KeyAttributeValue, index?: IndexRuntime): Uint8Array {
    return partitionPrefix(this.tableId, index?.indexId ?? BASE_TABLE_INDEX_ID, partitionKey);
  }

  /** Sort components of a key of the table or index, in storage order, and their types. */
  sortTypes(index?: IndexRuntime): ('S' | 'N' | 'B')[] {
    const types: ('S' | 'N' | 'B')[] = [];
    if (index !== undefined) {
      if (index.schema.sortKey !== undefined) types.push(index.schema.sortKey.type);
      types.push(this.schema.partitionKey.type);
    }
    if (this.schema.sortKey !== undefined) types.push(this.schema.sortKey.type);
    return types;
  }

  /** Decodes a stored item. */
  decode(value: Uint8Array): Item {
    return decodeItem(value);
  }

  /** Decodes a stored item with its size (itemSizeBytes), measured while decoding. */
  decodeSized(value: Uint8Array): SizedItem {
    return decodeSizedItem(value);
  }

  /** Rebuilds the storage key of an entry from its decoded key parts (for paging). */
  decodeKey(key: Uint8Array, index?: IndexRuntime): ReturnType<typeof decodeStorageKey> {
    const partitionType = (index?.schema ?? this.schema).partitionKey.type;
    return decodeStorageKey(key, partitionType, this.sortTypes(index));
  }
}
