/**
 * The api campaign's counterexamples as people read them: one line per schema and per operation,
 * values in a compact form (S as "text", N bare, B as 0xhex), conditions and updates as DynamoDB
 * expressions with attribute names written out. And the replay codec: a sequence as plain JSON
 * (bytes as {"$bytes": hex}), so a failure can be written to a regression file and re-run.
 */
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import type { Condition, SortCondition, TableSpec, TransactItem, UpdateAction } from './model.js';
import type { Op } from './ops.js';

export function valueText(value: AttributeValue): string {
  if ('S' in value) return JSON.stringify(value.S);
  if ('N' in value) return value.N;
  if ('B' in value) return `0x${Buffer.from(value.B).toString('hex')}`;
  if ('L' in value) return `[${value.L.map(valueText).join(', ')}]`;
  if ('M' in value) return itemLine(value.M);
  return JSON.stringify(toReplayJson(value));
}

export function itemLine(item: Item): string {
  return `{${Object.keys(item)
    .sort()
    .map((name) => `${name}: ${valueText(item[name]!)}`)
    .join(', ')}}`;
}

export function conditionText(condition: Condition): string {
  switch (condition.kind) {
    case 'exists':
      return `attribute_exists(${condition.attribute})`;
    case 'notExists':
      return `attribute_not_exists(${condition.attribute})`;
    case 'compare':
      return `${condition.attribute} ${condition.op} ${condition.value}`;
    case 'and':
    case 'or':
      return `(${conditionText(condition.left)}) ${condition.kind.toUpperCase()} (${conditionText(condition.right)})`;
    case 'not':
      return `NOT (${conditionText(condition.operand)})`;
  }
}

function actionText(action: UpdateAction): string {
  if (action.kind === 'set') return `SET ${action.attribute} = ${valueText(action.value)}`;
  if (action.kind === 'add') return `ADD ${action.attribute} ${action.value}`;
  return `REMOVE ${action.attribute}`;
}

function sortText(name: string, sort: SortCondition): string {
  if (sort.op === 'between') return `${name} BETWEEN ${valueText(sort.low)} AND ${valueText(sort.high)}`;
  if (sort.op === 'begins_with') return `begins_with(${name}, ${valueText(sort.prefix)})`;
  return `${name} ${sort.op} ${valueText(sort.value)}`;
}

const when = (condition: Condition | undefined): string => (condition === undefined ? '' : ` IF ${conditionText(condition)}`);

function transactText(t: TransactItem): string {
  if (t.kind === 'put') return `Put ${t.table} ${itemLine(t.item)}${when(t.condition)}`;
  if (t.kind === 'update') return `Update ${t.table} ${itemLine(t.key)} ${t.actions.map(actionText).join(' ')}${when(t.condition)}`;
  if (t.kind === 'delete') return `Delete ${t.table} ${itemLine(t.key)}${when(t.condition)}`;
  return `ConditionCheck ${t.table} ${itemLine(t.key)} IF ${conditionText(t.condition)}`;
}

export function schemaText(spec: TableSpec): string {
  const key = (k: { name: string; type: string } | undefined): string => (k === undefined ? '' : `${k.name} ${k.type}`);
  const parts = [`table ${spec.name} (${[key(spec.pk), key(spec.sk)].filter((s) => s !== '').join(', ')})`];
  const gsi = spec.gsi;
  if (gsi !== undefined) {
    const projection = gsi.projection.type === 'INCLUDE' ? `INCLUDE ${gsi.projection.attributes.join(',')}` : gsi.projection.type;
    parts.push(`gsi ${gsi.name} (${[key(gsi.pk), key(gsi.sk)].filter((s) => s !== '').join(', ')}) ${projection}`);
  }
  const lsi = spec.lsi;
  if (lsi !== undefined) {
    const projection = lsi.projection.type === 'INCLUDE' ? `INCLUDE ${lsi.projection.attributes.join(',')}` : lsi.projection.type;
    parts.push(`lsi ${lsi.name} (${[key(lsi.pk), key(lsi.sk)].filter((s) => s !== '').join(', ')}) ${projection}`);
  }
  if (spec.ttlAttribute !== undefined) parts.push(`ttl ${spec.ttlAttribute}`);
  return parts.join('; ');
}

export function opText(op: Op): string {
  switch (op.kind) {
    case 'put':
      return `PutItem ${op.table} ${itemLine(op.item)}${when(op.condition)}${op.returnOld ? ' RETURN ALL_OLD' : ''}${op.oldOnFailure ? ' ON-FAILURE ALL_OLD' : ''}`;
    case 'get':
      return `GetItem ${op.table} ${itemLine(op.key)}${op.consistent ? ' CONSISTENT' : ''}`;
    case 'update':
      return `UpdateItem ${op.table} ${itemLine(op.key)} ${op.actions.map(actionText).join(' ')}${when(op.condition)} RETURN ${op.returnValues}`;
    case 'delete':
      return `DeleteItem ${op.table} ${itemLine(op.key)}${when(op.condition)}${op.returnOld ? ' RETURN ALL_OLD' : ''}`;
    case 'query':
      return `Query ${op.table}${op.index === undefined ? '' : `.${op.index}`} partition ${valueText(op.partition)}${op.sort === undefined ? '' : ` AND ${sortText('sort', op.sort)}`} ${op.forward ? 'forward' : 'backward'}${op.limit === undefined ? '' : ` Limit ${op.limit}`}`;
    case 'scan':
      return `Scan ${op.table}${op.index === undefined ? '' : `.${op.index}`}${op.limit === undefined ? '' : ` Limit ${op.limit}`}${op.segments === undefined ? '' : ` TotalSegments ${op.segments}`}`;
    case 'batchWrite':
      return `BatchWriteItem ${op.requests.map((r) => ('put' in r ? `Put ${r.table} ${itemLine(r.put)}` : `Delete ${r.table} ${itemLine(r.delete)}`)).join('; ')}`;
    case 'batchGet':
      return `BatchGetItem ${op.keys.map((k) => `${k.table} ${itemLine(k.key)}`).join('; ')}`;
    case 'transactWrite':
      return `TransactWriteItems ${op.items.map(transactText).join('; ')}`;
    case 'transactGet':
      return `TransactGetItems ${op.keys.map((k) => `${k.table} ${itemLine(k.key)}`).join('; ')}`;
    case 'tick':
      return `clock +${op.advanceSeconds}s; TTL sweep`;
  }
}

/** The whole sequence: schemas first, then numbered operations. */
export function sequenceScript(specs: readonly TableSpec[], ops: readonly Op[]): string {
  return [...specs.map(schemaText), ...ops.map((op, i) => `${String(i + 1).padStart(3)}. ${opText(op)}`)].join('\n');
}

// ---- replay codec ------------------------------------------------------------------------------------

/** Plain JSON: every Uint8Array becomes {"$bytes": hex}. */
export function toReplayJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('hex') } : v)));
}

/** The inverse of toReplayJson. */
export function fromReplayJson<T>(json: unknown): T {
  return JSON.parse(JSON.stringify(json), (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const bytes = (v as Record<string, unknown>)['$bytes'];
      if (typeof bytes === 'string' && Object.keys(v).length === 1) return new Uint8Array(Buffer.from(bytes, 'hex'));
    }
    return v;
  }) as T;
}
