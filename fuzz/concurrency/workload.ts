/**
 * One concurrency history: a few clients' API calls on a handful of keys, all started at once and
 * interleaved by a fast-check scheduler (call starts and every gated file operation are scheduler
 * tasks), with store flushes and compactions among them. Then the history is checked:
 *
 *   registers (table `reg`, item r<k>, attribute v): PutItem/DeleteItem returning the old value,
 *     conditional UpdateItem (compare-and-set), consistent GetItem — each key linearizable;
 *   lists (table `lst`, item l<k>, attribute l): UpdateItem list_append returning the new list,
 *     TransactWriteItems appending to several lists, TransactGetItems and GetItem reading them —
 *     strictly serializable (list-append.ts).
 *
 * A call that got TransactionConflictException (or a cancellation for a conflict) provably did
 * nothing and is left out; any other unexpected error fails the history. After every call, each
 * key is read once more, alone, so the final state is part of what is checked.
 */
import fc from 'fast-check';
import type * as sdk from '@aws-sdk/client-dynamodb';
import { checkRegisterHistory, type RegisterOp, type TimedOp } from './linearizability.js';
import { checkListAppendHistory, type MicroOp, type Txn } from './list-append.js';

type Out<T> = Omit<T, '$metadata'>;

/** What the workload calls: the Database, or a deliberately broken stand-in (proof of power). */
export interface ConcurrencyTarget {
  putItem(input: sdk.PutItemCommandInput): Promise<Out<sdk.PutItemCommandOutput>>;
  getItem(input: sdk.GetItemCommandInput): Promise<Out<sdk.GetItemCommandOutput>>;
  updateItem(input: sdk.UpdateItemCommandInput): Promise<Out<sdk.UpdateItemCommandOutput>>;
  deleteItem(input: sdk.DeleteItemCommandInput): Promise<Out<sdk.DeleteItemCommandOutput>>;
  transactWriteItems(input: sdk.TransactWriteItemsCommandInput): Promise<Out<sdk.TransactWriteItemsCommandOutput>>;
  transactGetItems(input: sdk.TransactGetItemsCommandInput): Promise<Out<sdk.TransactGetItemsCommandOutput>>;
  flush(): Promise<void>;
  compact(): Promise<void>;
}

export const REGISTER_TABLE = 'reg';
export const LIST_TABLE = 'lst';
export const REGISTER_KEYS = 3;
export const LIST_KEYS = 3;

export type ClientOp =
  | { kind: 'put'; key: number }
  | { kind: 'cas'; key: number; expected: number }
  | { kind: 'delete'; key: number }
  | { kind: 'get'; key: number }
  | { kind: 'append'; key: number }
  | { kind: 'txAppend'; keys: number[] }
  | { kind: 'txRead'; keys: number[] }
  | { kind: 'listGet'; key: number }
  | { kind: 'flush' }
  | { kind: 'compact' };

const registerKey = fc.nat(REGISTER_KEYS - 1);
const listKey = fc.nat(LIST_KEYS - 1);
const listKeys = fc.uniqueArray(listKey, { minLength: 1, maxLength: LIST_KEYS });

export const clientOp: fc.Arbitrary<ClientOp> = fc.oneof(
  { weight: 3, arbitrary: registerKey.map((key): ClientOp => ({ kind: 'put', key })) },
  { weight: 3, arbitrary: fc.record({ key: registerKey, expected: fc.nat() }).map((r): ClientOp => ({ kind: 'cas', ...r })) },
  { weight: 1, arbitrary: registerKey.map((key): ClientOp => ({ kind: 'delete', key })) },
  { weight: 3, arbitrary: registerKey.map((key): ClientOp => ({ kind: 'get', key })) },
  { weight: 3, arbitrary: listKey.map((key): ClientOp => ({ kind: 'append', key })) },
  { weight: 3, arbitrary: listKeys.map((keys): ClientOp => ({ kind: 'txAppend', keys })) },
  { weight: 2, arbitrary: listKeys.map((keys): ClientOp => ({ kind: 'txRead', keys })) },
  { weight: 2, arbitrary: listKey.map((key): ClientOp => ({ kind: 'listGet', key })) },
  { weight: 1, arbitrary: fc.constant<ClientOp>({ kind: 'flush' }) },
  { weight: 1, arbitrary: fc.constant<ClientOp>({ kind: 'compact' }) },
);

/** The value a compare-and-set expects: absent, or the value the call numbered below it writes. */
export function casExpected(op: Extract<ClientOp, { kind: 'cas' }>, index: number): string | undefined {
  const pick = op.expected % (index + 1);
  return pick === 0 ? undefined : `v${pick - 1}`;
}

export function opText(op: ClientOp, index: number): string {
  switch (op.kind) {
    case 'put':
      return `#${index} PutItem r${op.key} v=v${index} RETURN ALL_OLD`;
    case 'cas':
      return `#${index} UpdateItem r${op.key} SET v=v${index} IF ${casExpected(op, index) === undefined ? 'attribute_not_exists(v)' : `v = ${casExpected(op, index)}`}`;
    case 'delete':
      return `#${index} DeleteItem r${op.key} RETURN ALL_OLD`;
    case 'get':
      return `#${index} GetItem r${op.key} (consistent)`;
    case 'append':
      return `#${index} UpdateItem l${op.key} SET l = list_append(l, [${index}]) RETURN ALL_NEW`;
    case 'txAppend':
      return `#${index} TransactWriteItems append ${index} to ${op.keys.map((k) => `l${k}`).join(', ')}`;
    case 'txRead':
      return `#${index} TransactGetItems ${op.keys.map((k) => `l${k}`).join(', ')}`;
    case 'listGet':
      return `#${index} GetItem l${op.key} (consistent)`;
    case 'flush':
      return `#${index} store.flush()`;
    case 'compact':
      return `#${index} store.compactUntilIdle()`;
  }
}

const APPEND = 'SET #l = list_append(if_not_exists(#l, :empty), :v)';
const appendValues = (value: number): Record<string, sdk.AttributeValue> => ({ ':empty': { L: [] }, ':v': { L: [{ N: String(value) }] } });

function listOf(item: Record<string, sdk.AttributeValue> | undefined): number[] {
  return (item?.['l']?.L ?? []).map((v) => Number(v.N));
}

function registerOf(item: Record<string, sdk.AttributeValue> | undefined): string | undefined {
  return item?.['v']?.S;
}

function registerOpResult(op: RegisterOp): string {
  const show = (v: string | undefined): string => v ?? '(absent)';
  if (op.kind === 'write' || op.kind === 'delete') return `old ${show(op.old)}`;
  if (op.kind === 'cas') return op.ok ? 'ok' : 'ConditionalCheckFailed';
  return show(op.value);
}

/** Errors that prove the call did nothing. */
function isConflict(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e.name === 'TransactionConflictException') return true;
  return e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
}

export interface HistoryCounts {
  operations: number;
  conflicts: number;
  registerOps: number;
  transactions: number;
}

export interface HistoryVerdict {
  /** Undefined when the history is linearizable and serializable. */
  problem: string | undefined;
  counts: HistoryCounts;
}

/** Runs `ops` concurrently under `scheduler` on `target`, then checks the histories. */
export async function runHistory(target: ConcurrencyTarget, scheduler: fc.Scheduler, ops: readonly ClientOp[]): Promise<HistoryVerdict> {
  let clock = 0;
  const registers: TimedOp<RegisterOp>[][] = Array.from({ length: REGISTER_KEYS }, () => []);
  const txns: Txn[] = [];
  const counts: HistoryCounts = { operations: 0, conflicts: 0, registerOps: 0, transactions: 0 };
  const unexpected: string[] = [];

  const runOne = async (op: ClientOp, index: number): Promise<void> => {
    const label = opText(op, index);
    const invokedAt = ++clock;
    const register = (o: RegisterOp, key: number): void => {
      registers[key]!.push({ label, invokedAt, completedAt: ++clock, op: o });
    };
    const txn = (microOps: MicroOp[], committed = true): void => {
      txns.push({ label, invokedAt, completedAt: ++clock, committed, ops: microOps });
    };
    const value = `v${index}`;
    try {
      switch (op.kind) {
        case 'put': {
          const out = await target.putItem({ TableName: REGISTER_TABLE, Item: { pk: { S: `r${op.key}` }, v: { S: value } }, ReturnValues: 'ALL_OLD' });
          register({ kind: 'write', value, old: registerOf(out.Attributes) }, op.key);
          return;
        }
        case 'delete': {
          const out = await target.deleteItem({ TableName: REGISTER_TABLE, Key: { pk: { S: `r${op.key}` } }, ReturnValues: 'ALL_OLD' });
          register({ kind: 'delete', old: registerOf(out.Attributes) }, op.key);
          return;
        }
        case 'cas': {
          const expected = casExpected(op, index);
          const condition = expected === undefined ? { ConditionExpression: 'attribute_not_exists(v)' } : { ConditionExpression: 'v = :e', ExpressionAttributeValues: { ':e': { S: expected }, ':n': { S: value } } };
          try {
            await target.updateItem({ TableName: REGISTER_TABLE, Key: { pk: { S: `r${op.key}` } }, UpdateExpression: 'SET v = :n', ...condition, ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':n': { S: value } } });
            register({ kind: 'cas', expected, value, ok: true }, op.key);
          } catch (error) {
            if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
            register({ kind: 'cas', expected, value, ok: false }, op.key);
          }
          return;
        }
        case 'get': {
          const out = await target.getItem({ TableName: REGISTER_TABLE, Key: { pk: { S: `r${op.key}` } }, ConsistentRead: true });
          register({ kind: 'read', value: registerOf(out.Item) }, op.key);
          return;
        }
        case 'append': {
          const out = await target.updateItem({ TableName: LIST_TABLE, Key: { pk: { S: `l${op.key}` } }, UpdateExpression: APPEND, ExpressionAttributeNames: { '#l': 'l' }, ExpressionAttributeValues: appendValues(index), ReturnValues: 'ALL_NEW' });
          txn([{ kind: 'append', key: `l${op.key}`, value: index }, { kind: 'read', key: `l${op.key}`, list: listOf(out.Attributes) }]);
          return;
        }
        case 'txAppend': {
          const appends: MicroOp[] = op.keys.map((key) => ({ kind: 'append', key: `l${key}`, value: index }));
          try {
            await target.transactWriteItems({ TransactItems: op.keys.map((key) => ({ Update: { TableName: LIST_TABLE, Key: { pk: { S: `l${key}` } }, UpdateExpression: APPEND, ExpressionAttributeNames: { '#l': 'l' }, ExpressionAttributeValues: appendValues(index) } })) });
          } catch (error) {
            if (!isConflict(error)) throw error;
            counts.conflicts++;
            txn(appends, false);
            return;
          }
          txn(appends);
          return;
        }
        case 'txRead': {
          const out = await target.transactGetItems({ TransactItems: op.keys.map((key) => ({ Get: { TableName: LIST_TABLE, Key: { pk: { S: `l${key}` } } } })) });
          txn(op.keys.map((key, i) => ({ kind: 'read', key: `l${key}`, list: listOf(out.Responses?.[i]?.Item) })));
          return;
        }
        case 'listGet': {
          const out = await target.getItem({ TableName: LIST_TABLE, Key: { pk: { S: `l${op.key}` } }, ConsistentRead: true });
          txn([{ kind: 'read', key: `l${op.key}`, list: listOf(out.Item) }]);
          return;
        }
        case 'flush':
          await target.flush();
          return;
        case 'compact':
          await target.compact();
          return;
      }
    } catch (error) {
      if (isConflict(error)) {
        counts.conflicts++;
        return;
      }
      unexpected.push(`${label}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  };

  const started = ops.map((op, index) => scheduler.schedule(Promise.resolve(index), `start ${opText(op, index)}`).then(() => runOne(op, index)));
  await scheduler.waitFor(Promise.all(started));
  counts.operations = ops.length;
  if (unexpected.length > 0) return { problem: `unexpected errors: ${unexpected.join('; ')}`, counts };

  // Final reads, one at a time, after everything.
  const final = ops.length;
  for (let key = 0; key < REGISTER_KEYS; key++) await scheduler.waitFor(runOne({ kind: 'get', key }, final + key));
  for (let key = 0; key < LIST_KEYS; key++) await scheduler.waitFor(runOne({ kind: 'listGet', key }, final + REGISTER_KEYS + key));
  if (unexpected.length > 0) return { problem: `unexpected errors: ${unexpected.join('; ')}`, counts };

  for (let key = 0; key < REGISTER_KEYS; key++) {
    const history = registers[key]!;
    counts.registerOps += history.length;
    const result = checkRegisterHistory(history);
    if (!result.ok) {
      const lines = history.map((h) => `[${h.invokedAt}..${h.completedAt}] ${h.label} → ${registerOpResult(h.op)}`);
      return { problem: `register r${key} is not linearizable: ${lines.join('; ')}; longest linearizable prefix: ${result.order.join(' → ')}`, counts };
    }
  }
  counts.transactions = txns.length;
  const result = checkListAppendHistory(txns);
  if (!result.ok) {
    const lines = txns.map((t) => `[${t.invokedAt}..${t.completedAt}] ${t.label}${t.committed ? '' : ' (aborted)'}: ${t.ops.map((o) => (o.kind === 'append' ? `append ${o.key} ${o.value}` : `read ${o.key} [${o.list}]`)).join(', ')}`);
    return { problem: `list histories are not strictly serializable: ${result.anomalies.join('; ') || `cycle ${result.cycle}`}; history: ${lines.join('; ')}`, counts };
  }
  return { problem: undefined, counts };
}
