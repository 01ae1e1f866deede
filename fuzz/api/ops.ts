/**
 * What the API model test generates: random table schemas (S/N/B keys, with and without sort key,
 * an optional GSI that may reuse the table's sort key, TTL) and, for those schemas, random operation
 * sequences drawn from small value pools so that operations collide on the same items.
 *
 * Attribute names: table key `pk` [+ `sk`]; GSI key `g` or `sk`, [+ `h` or `sk`]; LSI sort key `m`; plain `a` (N),
 * `b` (S); TTL attribute `ttl` (N, epoch seconds).
 */
import fc from 'fast-check';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { compareKeyValues, type Condition, type IndexSpec, type KeyType, type SortCondition, type TableSpec, type TransactItem, type UpdateAction } from './model.js';

/** The ManualClock's start: TTL values are placed around it. */
export const START_MS = 1_700_000_000_000;
const START_S = START_MS / 1000;

// Values chosen to exercise ordering: UTF-8 vs UTF-16 order (é, U+FFFF, an astral emoji), negative
// and fractional numbers, bytes with the high bit set. Numbers are in canonical form.
const STRINGS = ['a', 'ab', 'b', 'é', '\uffff', '😀'];
const NUMBERS = ['-10', '-1.5', '0', '2', '10', '100.25'];
const BYTES = [[0], [0, 1], [1], [127, 128], [255], [255, 0]];
// Ticks advance the clock by multiples of 30 s, so a TTL can land exactly on "now" (not yet expired).
const TTL_SECONDS = [START_S - 3600, START_S + 30, START_S + 60, START_S + 150, START_S + 240, START_S + 600, START_S - 10 * 365 * 86_400];

export function keyValue(type: KeyType, index: number): AttributeValue {
  if (type === 'S') return { S: STRINGS[index % STRINGS.length]! };
  if (type === 'N') return { N: NUMBERS[index % NUMBERS.length]! };
  return { B: new Uint8Array(BYTES[index % BYTES.length]!) };
}

const keyType = fc.constantFrom<KeyType>('S', 'N', 'B');

function tableSpec(name: string): fc.Arbitrary<TableSpec> {
  return fc
    .record({
      pk: keyType,
      sk: fc.option(keyType, { nil: undefined }),
      gsi: fc.option(
        fc.record({
          pkOnSortKey: fc.boolean(),
          pk: fc.constantFrom<KeyType>('S', 'N'),
          sk: fc.option(fc.record({ onSortKey: fc.boolean(), type: keyType }), { nil: undefined }),
          projection: fc.constantFrom<IndexSpec['projection']>({ type: 'ALL' }, { type: 'KEYS_ONLY' }, { type: 'INCLUDE', attributes: ['a'] }, { type: 'INCLUDE', attributes: ['b', 'ttl'] }),
        }),
        { nil: undefined },
      ),
      lsi: fc.option(fc.record({ type: keyType, projection: fc.constantFrom<IndexSpec['projection']>({ type: 'ALL' }, { type: 'KEYS_ONLY' }, { type: 'INCLUDE', attributes: ['a'] }) }), { nil: undefined }),
      ttl: fc.boolean(),
    })
    .map(({ pk, sk, gsi, lsi, ttl }) => {
      const spec: TableSpec = { name, pk: { name: 'pk', type: pk } };
      if (sk !== undefined) spec.sk = { name: 'sk', type: sk };
      if (gsi !== undefined) {
        // A GSI keyed on the table's sort key shares that attribute (and its type).
        const pkOnSort = gsi.pkOnSortKey && spec.sk !== undefined;
        const index: IndexSpec = { name: 'gsi', pk: pkOnSort ? spec.sk! : { name: 'g', type: gsi.pk }, projection: gsi.projection };
        if (gsi.sk !== undefined) index.sk = gsi.sk.onSortKey && spec.sk !== undefined && !pkOnSort ? spec.sk : { name: 'h', type: gsi.sk.type };
        spec.gsi = index;
      }
      if (lsi !== undefined && spec.sk !== undefined) spec.lsi = { name: 'lsi', pk: spec.pk, sk: { name: 'm', type: lsi.type }, projection: lsi.projection };
      if (ttl) spec.ttlAttribute = 'ttl';
      return spec;
    });
}

export const schemas: fc.Arbitrary<TableSpec[]> = fc.integer({ min: 1, max: 2 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => tableSpec(`Table${i}`))));

export type Op =
  | { kind: 'put'; table: string; item: Item; condition: Condition | undefined; returnOld: boolean; oldOnFailure: boolean }
  | { kind: 'get'; table: string; key: Item; consistent: boolean }
  | { kind: 'update'; table: string; key: Item; actions: UpdateAction[]; condition: Condition | undefined; returnValues: 'NONE' | 'ALL_OLD' | 'ALL_NEW' | 'UPDATED_OLD' | 'UPDATED_NEW' }
  | { kind: 'delete'; table: string; key: Item; condition: Condition | undefined; returnOld: boolean }
  | { kind: 'query'; table: string; index?: string; partition: AttributeValue; sort?: SortCondition; forward: boolean; limit?: number }
  | { kind: 'scan'; table: string; index?: string; limit?: number; segments?: number }
  | { kind: 'batchWrite'; requests: ({ table: string; put: Item } | { table: string; delete: Item })[] }
  | { kind: 'batchGet'; keys: { table: string; key: Item }[] }
  | { kind: 'transactWrite'; items: TransactItem[] }
  | { kind: 'transactGet'; keys: { table: string; key: Item }[] }
  | { kind: 'tick'; advanceSeconds: number };

export interface Capabilities {
  query: boolean;
  scan: boolean;
  batch: boolean;
  transactions: boolean;
  ttl: boolean;
}

function keyOf(spec: TableSpec): fc.Arbitrary<Item> {
  return fc.record({ p: fc.nat(2), s: fc.nat(5) }).map(({ p, s }) => {
    const key: Item = { pk: keyValue(spec.pk.type, p) };
    if (spec.sk !== undefined) key[spec.sk.name] = keyValue(spec.sk.type, s);
    return key;
  });
}

/** Non-key attributes an item of `spec` may carry, each with its value pool. */
function attributePools(spec: TableSpec): Map<string, fc.Arbitrary<AttributeValue>> {
  const pools = new Map<string, fc.Arbitrary<AttributeValue>>([
    ['a', fc.integer({ min: -3, max: 3 }).map((n) => ({ N: String(n) }))],
    ['b', fc.constantFrom('x', 'y', 'zz').map((s) => ({ S: s }))],
  ]);
  const gsi = spec.gsi;
  if (gsi !== undefined) {
    if (gsi.pk.name !== 'sk') pools.set(gsi.pk.name, fc.nat(2).map((i) => keyValue(gsi.pk.type, i)));
    if (gsi.sk !== undefined && gsi.sk.name !== 'sk') pools.set(gsi.sk.name, fc.nat(5).map((i) => keyValue(gsi.sk!.type, i)));
  }
  const lsi = spec.lsi;
  if (lsi?.sk !== undefined) pools.set(lsi.sk.name, fc.nat(5).map((i) => keyValue(lsi.sk!.type, i)));
  if (spec.ttlAttribute !== undefined) pools.set('ttl', fc.constantFrom(...TTL_SECONDS).map((s) => ({ N: String(s) })));
  return pools;
}

function itemOf(spec: TableSpec): fc.Arbitrary<Item> {
  const pools = attributePools(spec);
  const optional = Object.fromEntries([...pools].map(([name, pool]) => [name, fc.option(pool, { nil: undefined, freq: 3 })]));
  return fc.tuple(keyOf(spec), fc.record(optional)).map(([key, attributes]) => {
    const item: Item = { ...key };
    for (const [name, value] of Object.entries(attributes)) if (value !== undefined) item[name] = value;
    return item;
  });
}

function conditionOf(spec: TableSpec): fc.Arbitrary<Condition> {
  const names = ['pk', ...attributePools(spec).keys()];
  const leaf: fc.Arbitrary<Condition> = fc.oneof(
    fc.constantFrom(...names).map((attribute): Condition => ({ kind: 'exists', attribute })),
    fc.constantFrom(...names).map((attribute): Condition => ({ kind: 'notExists', attribute })),
    fc.record({ op: fc.constantFrom<'=' | '<' | '>='>('=', '<', '>='), value: fc.integer({ min: -3, max: 3 }) }).map(({ op, value }): Condition => ({ kind: 'compare', attribute: 'a', op, value })),
  );
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom<'and' | 'or'>('and', 'or'), left: leaf, right: leaf }) },
    { weight: 1, arbitrary: leaf.map((operand): Condition => ({ kind: 'not', operand })) },
  );
}

function actionsOf(spec: TableSpec): fc.Arbitrary<UpdateAction[]> {
  const pools = attributePools(spec);
  const action = fc.constantFrom(...pools.keys()).chain((attribute): fc.Arbitrary<UpdateAction> => {
    const choices: fc.Arbitrary<UpdateAction>[] = [pools.get(attribute)!.map((value): UpdateAction => ({ kind: 'set', attribute, value })), fc.constant<UpdateAction>({ kind: 'remove', attribute })];
    if (attribute === 'a') choices.push(fc.integer({ min: -2, max: 2 }).map((value): UpdateAction => ({ kind: 'add', attribute, value })));
    return fc.oneof(...choices);
  });
  return fc.uniqueArray(action, { minLength: 1, maxLength: 3, selector: (a) => a.attribute });
}

function sortConditionOf(attribute: { type: KeyType }): fc.Arbitrary<SortCondition> {
  const value = fc.nat(5).map((i) => keyValue(attribute.type, i));
  const choices: fc.Arbitrary<SortCondition>[] = [
    fc.record({ op: fc.constantFrom<'=' | '<' | '<=' | '>' | '>='>('=', '<', '<=', '>', '>='), value }),
    fc.tuple(value, value).map(([x, y]): SortCondition => (compareKeyValues(x, y) <= 0 ? { op: 'between', low: x, high: y } : { op: 'between', low: y, high: x })),
  ];
  if (attribute.type === 'S') choices.push(fc.constantFrom('a', 'é', '😀', '\uffff').map((prefix): SortCondition => ({ op: 'begins_with', prefix: { S: prefix } })));
  if (attribute.type === 'B') choices.push(fc.constantFrom([0], [127], [255]).map((prefix): SortCondition => ({ op: 'begins_with', prefix: { B: new Uint8Array(prefix) } })));
  return fc.oneof(...choices);
}

function queryOf(spec: TableSpec): fc.Arbitrary<Op> {
  const targets: { index?: IndexSpec }[] = [{}, ...[spec.gsi, spec.lsi].flatMap((index) => (index === undefined ? [] : [{ index }]))];
  return fc.constantFrom(...targets).chain(({ index }) => {
    const pk = index === undefined ? spec.pk : index.pk;
    const sk = index === undefined ? spec.sk : index.sk;
    return fc
      .record({
        p: fc.nat(5),
        sort: sk === undefined ? fc.constant(undefined) : fc.option(sortConditionOf(sk), { nil: undefined }),
        forward: fc.boolean(),
        limit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      })
      .map(({ p, sort, forward, limit }): Op => ({
        kind: 'query',
        table: spec.name,
        ...(index === undefined ? {} : { index: index.name }),
        partition: keyValue(pk.type, p % (pk.name === 'pk' || pk.name === 'g' ? 3 : 6)),
        ...(sort === undefined ? {} : { sort }),
        forward,
        ...(limit === undefined ? {} : { limit }),
      }));
  });
}

function unique<T extends { table: string }>(entries: T[], key: (entry: T) => Item): T[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const text = `${entry.table}/${JSON.stringify(Object.entries(key(entry)).sort(), (_, v: unknown) => (v instanceof Uint8Array ? [...v] : v))}`;
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

export function opsFor(specs: TableSpec[], capabilities: Capabilities, maxLength: number): fc.Arbitrary<Op[]> {
  const perTable = (build: (spec: TableSpec) => fc.Arbitrary<Op>): fc.Arbitrary<Op> => fc.constantFrom(...specs).chain(build);
  const keyed = fc.constantFrom(...specs).chain((spec) => keyOf(spec).map((key) => ({ table: spec.name, key })));
  const conditional = (spec: TableSpec): fc.Arbitrary<Condition | undefined> => fc.option(conditionOf(spec), { nil: undefined, freq: 2 });
  const choices: { weight: number; arbitrary: fc.Arbitrary<Op> }[] = [
    { weight: 6, arbitrary: perTable((spec) => fc.record({ item: itemOf(spec), condition: conditional(spec), returnOld: fc.boolean(), oldOnFailure: fc.boolean() }).map((r): Op => ({ kind: 'put', table: spec.name, ...r }))) },
    { weight: 2, arbitrary: keyed.chain(({ table, key }) => fc.boolean().map((consistent): Op => ({ kind: 'get', table, key, consistent }))) },
    {
      weight: 5,
      arbitrary: perTable((spec) =>
        fc
          .record({ key: keyOf(spec), actions: actionsOf(spec), condition: conditional(spec), returnValues: fc.constantFrom('NONE', 'ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW') as fc.Arbitrary<'NONE'> })
          .map((r): Op => ({ kind: 'update', table: spec.name, ...r })),
      ),
    },
    { weight: 3, arbitrary: perTable((spec) => fc.record({ key: keyOf(spec), condition: conditional(spec), returnOld: fc.boolean() }).map((r): Op => ({ kind: 'delete', table: spec.name, ...r }))) },
  ];
  if (capabilities.query) choices.push({ weight: 4, arbitrary: perTable(queryOf) });
  if (capabilities.scan) {
    choices.push({
      weight: 2,
      arbitrary: perTable((spec) =>
        fc
          .record({ index: fc.constantFrom(undefined, spec.gsi?.name, spec.lsi?.name), limit: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), segments: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) })
          .map(({ index, limit, segments }): Op => ({ kind: 'scan', table: spec.name, ...(index === undefined ? {} : { index }), ...(limit === undefined ? {} : { limit }), ...(segments === undefined ? {} : { segments }) })),
      ),
    });
  }
  if (capabilities.batch) {
    const request = fc.constantFrom(...specs).chain((spec) => fc.oneof(itemOf(spec).map((put) => ({ table: spec.name, put })), keyOf(spec).map((key) => ({ table: spec.name, delete: key }))));
    const keyFor = (spec: TableSpec, item: Item): Item => Object.fromEntries(Object.entries(item).filter(([name]) => name === 'pk' || name === spec.sk?.name));
    const specOf = (name: string): TableSpec => specs.find((spec) => spec.name === name)!;
    choices.push({ weight: 2, arbitrary: fc.array(request, { minLength: 1, maxLength: 8 }).map((requests): Op => ({ kind: 'batchWrite', requests: unique(requests, (r) => ('put' in r ? keyFor(specOf(r.table), r.put) : r.delete)) })) });
    choices.push({ weight: 2, arbitrary: fc.array(keyed, { minLength: 1, maxLength: 8 }).map((keys): Op => ({ kind: 'batchGet', keys: unique(keys, (k) => k.key) })) });
  }
  if (capabilities.transactions) {
    const entry = fc.constantFrom(...specs).chain((spec) =>
      fc.oneof(
        fc.record({ item: itemOf(spec), condition: conditional(spec) }).map(({ item, condition }): TransactItem => ({ kind: 'put', table: spec.name, item, ...(condition === undefined ? {} : { condition }) })),
        fc.record({ key: keyOf(spec), actions: actionsOf(spec), condition: conditional(spec) }).map(({ key, actions, condition }): TransactItem => ({ kind: 'update', table: spec.name, key, actions, ...(condition === undefined ? {} : { condition }) })),
        fc.record({ key: keyOf(spec), condition: conditional(spec) }).map(({ key, condition }): TransactItem => ({ kind: 'delete', table: spec.name, key, ...(condition === undefined ? {} : { condition }) })),
        fc.record({ key: keyOf(spec), condition: conditionOf(spec) }).map(({ key, condition }): TransactItem => ({ kind: 'check', table: spec.name, key, condition })),
      ),
    );
    const keyFor = (item: TransactItem): Item => {
      if (item.kind !== 'put') return item.key;
      const spec = specs.find((s) => s.name === item.table)!;
      return Object.fromEntries(Object.entries(item.item).filter(([name]) => name === 'pk' || name === spec.sk?.name));
    };
    choices.push({ weight: 3, arbitrary: fc.array(entry, { minLength: 1, maxLength: 4 }).map((items): Op => ({ kind: 'transactWrite', items: unique(items, keyFor) })) });
    choices.push({ weight: 1, arbitrary: fc.array(keyed, { minLength: 1, maxLength: 4 }).map((keys): Op => ({ kind: 'transactGet', keys: unique(keys, (k) => k.key) })) });
  }
  if (capabilities.ttl && specs.some((spec) => spec.ttlAttribute !== undefined)) {
    choices.push({ weight: 2, arbitrary: fc.constantFrom(30, 60, 120).map((advanceSeconds): Op => ({ kind: 'tick', advanceSeconds })) });
  }
  return fc.array(fc.oneof(...choices), { minLength: 1, maxLength, size: 'max' });
}
