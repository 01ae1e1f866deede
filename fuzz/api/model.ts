/**
 * A reference model of the DynamoDB data plane, small enough to trust by reading: tables are Maps
 * from a canonical key string to an item, conditions and updates are the few forms the model test
 * generates, evaluated here independently of engine/expressions. It only knows the DynamoDB
 * contract (reference/dynamodb-facts.md), never Silt's storage layout.
 *
 * Ordering: S compares by UTF-8 bytes, N numerically, B as unsigned bytes. Items with equal index
 * sort keys have no defined order in DynamoDB, so `query` returns them grouped (see QueryGroup).
 */
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';

export type KeyType = 'S' | 'N' | 'B';
export interface KeyAttributeSpec {
  name: string;
  type: KeyType;
}
export type ProjectionSpec = { type: 'ALL' } | { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: string[] };
export interface IndexSpec {
  name: string;
  pk: KeyAttributeSpec;
  sk?: KeyAttributeSpec;
  projection: ProjectionSpec;
}
export interface TableSpec {
  name: string;
  pk: KeyAttributeSpec;
  sk?: KeyAttributeSpec;
  gsi?: IndexSpec;
  /** A local secondary index (only on tables with a sort key): the table's partition key, sort key `m`. */
  lsi?: IndexSpec;
  /** The TTL attribute when TTL is enabled. */
  ttlAttribute?: string;
}

/** Conditions the test generates: the model's own tiny language. */
export type Condition =
  | { kind: 'exists'; attribute: string }
  | { kind: 'notExists'; attribute: string }
  | { kind: 'compare'; attribute: string; op: '=' | '<' | '>='; value: number }
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition };

/** One update action per attribute (DynamoDB rejects overlapping paths). */
export type UpdateAction = { kind: 'set'; attribute: string; value: AttributeValue } | { kind: 'add'; attribute: string; value: number } | { kind: 'remove'; attribute: string };

export type SortCondition =
  | { op: '=' | '<' | '<=' | '>' | '>='; value: AttributeValue }
  | { op: 'between'; low: AttributeValue; high: AttributeValue }
  | { op: 'begins_with'; prefix: AttributeValue };

export class ModelConditionFailed extends Error {
  constructor(readonly old: Item | undefined) {
    super('The conditional request failed');
  }
}

export class ModelTransactionCanceled extends Error {
  constructor(readonly codes: ('None' | 'ConditionalCheckFailed')[]) {
    super(`Transaction cancelled [${codes.join(', ')}]`);
  }
}

export type TransactItem =
  | { kind: 'put'; table: string; item: Item; condition?: Condition }
  | { kind: 'update'; table: string; key: Item; actions: UpdateAction[]; condition?: Condition }
  | { kind: 'delete'; table: string; key: Item; condition?: Condition }
  | { kind: 'check'; table: string; key: Item; condition: Condition };

/** Items sharing one sort-key value (or a whole unsorted partition), in query order. */
export interface QueryGroup {
  sortValue: AttributeValue | undefined;
  items: Item[];
}

const encoder = new TextEncoder();

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** DynamoDB's key order for two values of the same scalar type. */
export function compareKeyValues(a: AttributeValue, b: AttributeValue): number {
  if ('S' in a && 'S' in b) return compareBytes(encoder.encode(a.S), encoder.encode(b.S));
  if ('N' in a && 'N' in b) return Math.sign(Number(a.N) - Number(b.N));
  if ('B' in a && 'B' in b) return compareBytes(a.B, b.B);
  throw new Error(`model: cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A value as plain JSON that is equal exactly when the values are equal (B as hex, sets sorted). */
export function canonicalValue(value: AttributeValue): unknown {
  if ('B' in value) return { B: hex(value.B) };
  if ('BS' in value) return { BS: value.BS.map(hex).sort() };
  if ('SS' in value) return { SS: [...value.SS].sort() };
  if ('NS' in value) return { NS: [...value.NS].sort() };
  if ('L' in value) return { L: value.L.map(canonicalValue) };
  if ('M' in value) return { M: canonicalItem(value.M) };
  return value;
}

export function canonicalItem(item: Item): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const name of Object.keys(item).sort()) result[name] = canonicalValue(item[name]!);
  return result;
}

export function itemText(item: Item): string {
  return JSON.stringify(canonicalItem(item));
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(canonicalValue(a)) === JSON.stringify(canonicalValue(b));
}

function pick(item: Item, names: readonly string[]): Item {
  const result: Item = {};
  for (const name of names) if (item[name] !== undefined) result[name] = item[name];
  return result;
}

/** The table's index called `name` (GSI or LSI); undefined for the base table. */
export function indexNamed(spec: TableSpec, name: string | undefined): IndexSpec | undefined {
  if (name === undefined) return undefined;
  const index = [spec.gsi, spec.lsi].find((candidate) => candidate?.name === name);
  if (index === undefined) throw new Error(`model: table ${spec.name} has no index ${name}`);
  return index;
}

export function tableKeyNames(spec: TableSpec): string[] {
  return spec.sk === undefined ? [spec.pk.name] : [spec.pk.name, spec.sk.name];
}

export function indexKeyNames(index: IndexSpec): string[] {
  return index.sk === undefined ? [index.pk.name] : [index.pk.name, index.sk.name];
}

/** Is `value` of the declared key type (an item with a wrong-typed index key is rejected upstream)? */
function hasType(value: AttributeValue | undefined, type: KeyType): boolean {
  return value !== undefined && type in value;
}

export function evaluate(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case 'exists':
      return item?.[condition.attribute] !== undefined;
    case 'notExists':
      return item?.[condition.attribute] === undefined;
    case 'compare': {
      const value = item?.[condition.attribute];
      // A missing attribute or one of another type makes a comparison false.
      if (value === undefined || !('N' in value)) return false;
      const n = Number(value.N);
      return condition.op === '=' ? n === condition.value : condition.op === '<' ? n < condition.value : n >= condition.value;
    }
    case 'and':
      return evaluate(condition.left, item) && evaluate(condition.right, item);
    case 'or':
      return evaluate(condition.left, item) || evaluate(condition.right, item);
    case 'not':
      return !evaluate(condition.operand, item);
  }
}

export interface UpdateResult {
  item: Item;
  updatedOld: Item;
  updatedNew: Item;
}

export function applyActions(old: Item | undefined, key: Item, actions: readonly UpdateAction[]): UpdateResult {
  const item: Item = { ...(old ?? key) };
  const updatedOld: Item = {};
  const updatedNew: Item = {};
  for (const action of actions) {
    const before = item[action.attribute];
    if (before !== undefined) updatedOld[action.attribute] = before;
    if (action.kind === 'set') item[action.attribute] = action.value;
    else if (action.kind === 'remove') delete item[action.attribute];
    else {
      // ADD: a missing number starts at 0. The test only ADDs to attributes that are numbers.
      const base = before !== undefined && 'N' in before ? Number(before.N) : 0;
      item[action.attribute] = { N: String(base + action.value) };
    }
    const after = item[action.attribute];
    if (after !== undefined) updatedNew[action.attribute] = after;
  }
  return { item, updatedOld, updatedNew };
}

class ModelTable {
  readonly items = new Map<string, Item>();
  constructor(readonly spec: TableSpec) {}

  keyText(item: Item): string {
    return JSON.stringify(tableKeyNames(this.spec).map((name) => canonicalValue(item[name]!)));
  }

  keyOf(item: Item): Item {
    return pick(item, tableKeyNames(this.spec));
  }

  /** The index's view of an item: undefined when the item lacks an index key (sparse index). */
  indexed(index: IndexSpec, item: Item): Item | undefined {
    if (!hasType(item[index.pk.name], index.pk.type)) return undefined;
    if (index.sk !== undefined && !hasType(item[index.sk.name], index.sk.type)) return undefined;
    const keys = [...tableKeyNames(this.spec), ...indexKeyNames(index)];
    if (index.projection.type === 'ALL') return { ...item };
    if (index.projection.type === 'KEYS_ONLY') return pick(item, keys);
    return pick(item, [...keys, ...index.projection.attributes]);
  }

  /** A table key then, for an index, its key: the members of a LastEvaluatedKey. */
  lastKeyOf(item: Item, index: IndexSpec | undefined): Item {
    return pick(item, index === undefined ? tableKeyNames(this.spec) : [...new Set([...tableKeyNames(this.spec), ...indexKeyNames(index)])]);
  }
}

export class Model {
  readonly tables = new Map<string, ModelTable>();

  /** Every condition goes through here (a method, so a proof-of-power test can break one rule). */
  evaluate(condition: Condition, item: Item | undefined): boolean {
    return evaluate(condition, item);
  }

  createTable(spec: TableSpec): void {
    this.tables.set(spec.name, new ModelTable(spec));
  }

  table(name: string): ModelTable {
    const table = this.tables.get(name);
    if (table === undefined) throw new Error(`model: no table ${name}`);
    return table;
  }

  get(tableName: string, key: Item): Item | undefined {
    const table = this.table(tableName);
    return table.items.get(table.keyText(key));
  }

  put(tableName: string, item: Item, condition?: Condition): Item | undefined {
    const table = this.table(tableName);
    const old = table.items.get(table.keyText(item));
    if (condition !== undefined && !this.evaluate(condition, old)) throw new ModelConditionFailed(old);
    table.items.set(table.keyText(item), item);
    return old;
  }

  delete(tableName: string, key: Item, condition?: Condition): Item | undefined {
    const table = this.table(tableName);
    const old = table.items.get(table.keyText(key));
    if (condition !== undefined && !this.evaluate(condition, old)) throw new ModelConditionFailed(old);
    table.items.delete(table.keyText(key));
    return old;
  }

  update(tableName: string, key: Item, actions: readonly UpdateAction[], condition?: Condition): UpdateResult & { old: Item | undefined } {
    const table = this.table(tableName);
    const old = table.items.get(table.keyText(key));
    if (condition !== undefined && !this.evaluate(condition, old)) throw new ModelConditionFailed(old);
    const result = applyActions(old, key, actions);
    table.items.set(table.keyText(key), result.item);
    return { ...result, old };
  }

  /** All conditions are checked against the state before the transaction; then every write applies. */
  transactWrite(items: readonly TransactItem[]): void {
    const codes = items.map((entry) => {
      const key = entry.kind === 'put' ? entry.item : entry.key;
      const ok = entry.condition === undefined || this.evaluate(entry.condition, this.get(entry.table, key));
      return ok ? ('None' as const) : ('ConditionalCheckFailed' as const);
    });
    if (codes.includes('ConditionalCheckFailed')) throw new ModelTransactionCanceled(codes);
    for (const entry of items) {
      if (entry.kind === 'put') this.put(entry.table, entry.item);
      else if (entry.kind === 'update') this.update(entry.table, entry.key, entry.actions);
      else if (entry.kind === 'delete') this.delete(entry.table, entry.key);
    }
  }

  /** The items of a table or its index (projected), in no particular order. */
  scan(tableName: string, indexName?: string): Item[] {
    const table = this.table(tableName);
    const index = indexNamed(table.spec, indexName);
    const items: Item[] = [];
    for (const item of table.items.values()) {
      const view = index === undefined ? item : table.indexed(index, item);
      if (view !== undefined) items.push(view);
    }
    return items;
  }

  /** One partition in query order, grouped by sort-key value (ties have no defined order). */
  query(tableName: string, indexName: string | undefined, partition: AttributeValue, sort: SortCondition | undefined, forward: boolean): QueryGroup[] {
    const table = this.table(tableName);
    const index = indexNamed(table.spec, indexName);
    const pkName = index === undefined ? table.spec.pk.name : index.pk.name;
    const skName = index === undefined ? table.spec.sk?.name : index.sk?.name;
    const items = this.scan(tableName, indexName).filter((item) => sameValue(item[pkName], partition) && (sort === undefined || matchesSort(item[skName!]!, sort)));
    if (skName === undefined) return items.length === 0 ? [] : [{ sortValue: undefined, items }];
    items.sort((a, b) => compareKeyValues(a[skName]!, b[skName]!));
    if (!forward) items.reverse();
    const groups: QueryGroup[] = [];
    for (const item of items) {
      const last = groups[groups.length - 1];
      if (last !== undefined && sameValue(last.sortValue, item[skName])) last.items.push(item);
      else groups.push({ sortValue: item[skName], items: [item] });
    }
    return groups;
  }

  /** The LastEvaluatedKey a page ending at `item` carries. */
  lastEvaluatedKey(tableName: string, indexName: string | undefined, item: Item): Item {
    const table = this.table(tableName);
    return table.lastKeyOf(item, indexNamed(table.spec, indexName));
  }

  /**
   * Deletes every item whose TTL attribute has passed: epoch seconds below now, and not more than
   * five years in the past (older values are ignored as malformed). The test's TTL values sit hours
   * from now or ten years back, never near the five-year edge, so 365-day years are exact enough.
   */
  sweepExpired(nowMs: number): number {
    let deleted = 0;
    const nowSeconds = nowMs / 1000;
    for (const table of this.tables.values()) {
      const attribute = table.spec.ttlAttribute;
      if (attribute === undefined) continue;
      for (const [keyText, item] of [...table.items]) {
        const value = item[attribute];
        if (value === undefined || !('N' in value)) continue;
        const seconds = Number(value.N);
        if (seconds < nowSeconds && seconds >= nowSeconds - 5 * 365 * 86_400) {
          table.items.delete(keyText);
          deleted++;
        }
      }
    }
    return deleted;
  }
}

function matchesSort(value: AttributeValue, sort: SortCondition): boolean {
  switch (sort.op) {
    case '=':
      return compareKeyValues(value, sort.value) === 0;
    case '<':
      return compareKeyValues(value, sort.value) < 0;
    case '<=':
      return compareKeyValues(value, sort.value) <= 0;
    case '>':
      return compareKeyValues(value, sort.value) > 0;
    case '>=':
      return compareKeyValues(value, sort.value) >= 0;
    case 'between':
      return compareKeyValues(value, sort.low) >= 0 && compareKeyValues(value, sort.high) <= 0;
    case 'begins_with': {
      const bytes = 'S' in value ? encoder.encode(value.S) : 'B' in value ? value.B : undefined;
      const prefix = 'S' in sort.prefix ? encoder.encode(sort.prefix.S) : 'B' in sort.prefix ? sort.prefix.B : undefined;
      if (bytes === undefined || prefix === undefined) return false;
      return compareBytes(bytes.subarray(0, prefix.length), prefix) === 0;
    }
  }
}
