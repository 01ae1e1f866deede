/**
 * Expression back half micro-benchmark: evaluate a typical ConditionExpression, apply a typical
 * UpdateExpression, and project a typical ProjectionExpression, on an 18-attribute item with a
 * nested map and a list (the shape of a user/order record). Trees are built directly (no parsing),
 * as the request path does after its parse cache. Each task runs a batch per iteration; the table
 * reports time per operation.
 */
import { Bench } from 'tinybench';
import { perOpRows } from './per-op-table.js';
import type { Condition, DocumentPath, Projection, UpdateActions } from '../../engine/expressions/ast.js';
import { evaluateCondition } from '../../engine/expressions/evaluate.js';
import { project } from '../../engine/expressions/project.js';
import { applyUpdate } from '../../engine/expressions/update.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';

const BATCH = 10_000;

function path(...names: (string | number)[]): DocumentPath {
  return {
    type: 'path',
    elements: names.map((n) => (typeof n === 'number' ? { type: 'index', index: n } : { type: 'name', name: n })),
  };
}

const literal = (value: AttributeValue) => ({ type: 'literal', value }) as const;

function makeItem(): Item {
  const item: Item = {
    pk: { S: 'USER#000123' },
    sk: { S: 'ORDER#2024-05-01#0001' },
    status: { S: 'ACTIVE' },
    version: { N: '17' },
    total: { N: '129.95' },
    currency: { S: 'EUR' },
    tags: { SS: ['gift', 'priority', 'eu'] },
    address: { M: { street: { S: 'Main St 1' }, city: { S: 'Berlin' }, zip: { S: '10115' }, geo: { M: { lat: { N: '52.52' }, lon: { N: '13.405' } } } } },
    lines: { L: [{ M: { sku: { S: 'A-1' }, qty: { N: '2' } } }, { M: { sku: { S: 'B-7' }, qty: { N: '1' } } }, { M: { sku: { S: 'C-3' }, qty: { N: '5' } } }] },
    deleted: { BOOL: false },
    note: { NULL: true },
  };
  for (let i = 0; i < 7; i++) item[`extra${i}`] = { S: `value-${i}-`.repeat(4) };
  return item;
}

/** attribute_exists(pk) AND #status = :active AND version = :v AND size(lines) <= :max AND NOT contains(tags, :blocked) */
const condition: Condition = {
  type: 'and',
  left: {
    type: 'and',
    left: {
      type: 'and',
      left: { type: 'attributeExists', path: path('pk') },
      right: { type: 'compare', op: '=', left: path('status'), right: literal({ S: 'ACTIVE' }) },
    },
    right: { type: 'compare', op: '=', left: path('version'), right: literal({ N: '17' }) },
  },
  right: {
    type: 'and',
    left: { type: 'compare', op: '<=', left: { type: 'size', path: path('lines') }, right: literal({ N: '10' }) },
    right: { type: 'not', condition: { type: 'contains', path: path('tags'), operand: literal({ S: 'blocked' }) } },
  },
};

/** SET version = version + :one, #status = :s, address.city = :c, lines[1].qty = :q REMOVE note ADD tags :t */
const update: UpdateActions = {
  set: [
    { path: path('version'), value: { type: 'arithmetic', op: '+', left: path('version'), right: literal({ N: '1' }) } },
    { path: path('status'), value: literal({ S: 'SHIPPED' }) },
    { path: path('address', 'city'), value: literal({ S: 'Hamburg' }) },
    { path: path('lines', 1, 'qty'), value: literal({ N: '3' }) },
  ],
  remove: [path('note')],
  add: [{ path: path('tags'), value: literal({ SS: ['shipped'] }) }],
  delete: [],
};

/** pk, #status, total, address.city, lines[0].sku, lines[2].sku */
const projection: Projection = [path('pk'), path('status'), path('total'), path('address', 'city'), path('lines', 0, 'sku'), path('lines', 2, 'sku')];

export async function run(): Promise<void> {
  const item = makeItem();
  if (!evaluateCondition(condition, item)) throw new Error('benchmark condition should hold');
  let sink = 0;
  const bench = new Bench({ time: 500, warmupTime: 100 });
  bench
    .add(`evaluate condition (5 terms) ×${BATCH}`, () => {
      for (let i = 0; i < BATCH; i++) if (evaluateCondition(condition, item)) sink++;
    })
    .add(`apply update (4 SET, REMOVE, ADD) ×${BATCH}`, () => {
      for (let i = 0; i < BATCH; i++) sink += Object.keys(applyUpdate(item, update).item).length;
    })
    .add(`apply update + UPDATED_NEW ×${BATCH}`, () => {
      for (let i = 0; i < BATCH; i++) sink += Object.keys(applyUpdate(item, update).updatedNew).length;
    })
    .add(`project 6 paths ×${BATCH}`, () => {
      for (let i = 0; i < BATCH; i++) sink += Object.keys(project(item, projection)).length;
    });
  await bench.run();
  const rows = perOpRows(bench, () => BATCH);
  console.table(rows);
  if (sink === -1) console.log('unreachable sink');
}
