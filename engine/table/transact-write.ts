/**
 * TransactWriteItems (reference/dynamodb-facts.md §6): up to 100 Put, Update, Delete and
 * ConditionCheck actions across tables, applied all or none.
 *
 * Serializability: every action reads its item's latest submitted state (coordinator.read), every
 * condition is checked, and the writes of all actions are submitted as ONE store batch marked
 * transactional — with no await anywhere between the first read and the submit. Group commit keeps
 * submission order, so the transaction takes effect at one point in the order of all writes. While
 * the batch is in flight its items are marked: a single-item write to one gets
 * TransactionConflictException (items.ts), another transaction touching one is cancelled with reason
 * TransactionConflict, as DynamoDB's prepare step refuses an item with an ongoing transaction (§6.2).
 * A ConditionCheck writes nothing and so marks nothing; the check is still serializable because it
 * happens at the transaction's single point in the write order.
 *
 * Errors, in DynamoDB's split: problems visible in the request itself (shape, unknown table, key
 * schema, a Put item over 400 KB, two actions on one item, over 4 MB) are a ValidationException or
 * ResourceNotFoundException before anything runs; problems that depend on stored items (a false
 * condition, an Update growing the item past 400 KB or giving an index key the wrong type, an update
 * expression that does not fit the item, an item in another transaction) cancel the transaction with
 * one CancellationReason per action in request order ('None' for the actions that were fine).
 *
 * Capacity: each written item costs 2 × its write units (the larger of old and new item); an index
 * entry costs its ordinary write units (captured against the service by dynoxide: a transactional put
 * of an indexed item reports table 2, index 1 — indexes are maintained after commit, outside 2PC);
 * a ConditionCheck costs a transactional read of the item (2 per 4 KB). A replay of a committed
 * ClientRequestToken applies nothing and reports transactional read units for the same items (§6.1).
 *
 * Admission (admission.ts): before any item is read, every action admits on its item's partition (a
 * ConditionCheck as a read, the others as writes); once the mutations are known, every GSI entry they
 * write admits on its index's partition. A throttled action cancels the transaction with reason
 * ProvisionedThroughputExceeded (ThrottlingError on demand), 'None' on the others; nothing is written
 * or charged. The charge is the same units ConsumedCapacity reports, made when the batch is decided.
 */
import type { Item } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { checkItemSize, itemSizeBytes, ITEM_SIZE_TO_UPDATE_MESSAGE } from '../model/item-size.js';
import { validateItem, validateItemKeys, validateKey } from '../model/validate.js';
import { applyUpdate, evaluateCondition, type Condition, type UpdateActions } from '../expressions/index.js';
import { encodedWriteBatchBytes, type WriteOp } from '../lsm/write-batch.js';
import { CLIENT_REQUEST_TOKEN_LENGTH_MAX, TRANSACT_BYTES_MAX, TRANSACT_ITEMS_MAX, WRITE_BATCH_BYTES_MAX } from '../limits.js';
import { constraintMessage, isRecord, keyIdentity, returnConsumedCapacityOf } from './batch-get.js';
import { itemCollectionMetrics } from './batch-write.js';
import { CapacityMeter, indexWriteUnits, readUnitsForItem, writeUnitsForItem, type ReturnConsumedCapacity } from './capacity.js';
import type { TableContext } from './context.js';
import { TransactionCanceledException, type CancellationReason } from './errors.js';
import { compileRequest, type Input } from './expressions-of.js';
import { fingerprintOf, type IdempotencyCache } from './idempotency.js';
import { itemMutation } from './mutation.js';
import { MULTIPLE_ACTIONS_MESSAGE, TRANSACTION_DUPLICATE_ITEM_MESSAGE, validateTransactWriteItemsRequest } from './request-validation.js';
import type { Table } from './table.js';
import {
  admitIndexWrites,
  admitRead,
  admitWrite,
  chargeRead,
  chargeWriteTicket,
  isThrottled,
  throttleCancellation,
  type ReadTicket,
  type Throttled,
  type WriteTicket,
} from './admission.js';

type Output = Record<string, unknown>;

export const MULTIPLE_OPERATIONS_MESSAGE = TRANSACTION_DUPLICATE_ITEM_MESSAGE;
/** Observed from emulators checked against the service ([UNVERIFIED] exact text). */
export const TRANSACTION_SIZE_MESSAGE =
  'Collection size of items exceeded, which can also be caused by the aggregate size of the items in the transaction exceeding the 4MB limit';
export const CONDITION_FAILED_MESSAGE = 'The conditional request failed';
export const TRANSACTION_CONFLICT_MESSAGE = 'Transaction is ongoing for the item.';

const ACTION_KINDS = ['ConditionCheck', 'Put', 'Delete', 'Update'] as const;
type ActionKind = (typeof ACTION_KINDS)[number];

interface Action {
  readonly kind: ActionKind;
  readonly table: Table;
  readonly requestName: string;
  readonly key: Uint8Array;
  readonly keyItem: Item;
  /** Put only: the new item. */
  readonly item: Item | undefined;
  readonly condition: Condition | undefined;
  readonly update: UpdateActions | undefined;
  readonly returnOldOnFailure: boolean;
}

/** What a replay of the transaction needs: its output without capacity, and what it charged per item. */
export interface TransactionResult {
  readonly output: Output;
  readonly charged: readonly { readonly tableName: string; readonly sizeBytes: number }[];
}

export type TransactionTokens = IdempotencyCache<TransactionResult>;

const EXPRESSION_MEMBERS = ['ConditionExpression', 'UpdateExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'] as const;

/** Only the members a transaction action defines reach the compiler (legacy parameters do not exist here). */
function expressionInput(action: Input): Input {
  const sub: Record<string, unknown> = {};
  for (const member of EXPRESSION_MEMBERS) if (action[member] !== undefined && action[member] !== null) sub[member] = action[member];
  return sub;
}

function prepareAction(context: TableContext, element: unknown, index: number): Action {
  const present = isRecord(element) ? ACTION_KINDS.filter((kind) => element[kind] !== undefined && element[kind] !== null) : [];
  if (present.length !== 1) throw new ValidationException(MULTIPLE_ACTIONS_MESSAGE);
  const kind = present[0]!;
  const body = (element as Input)[kind]; // element is a record: present is non-empty
  const path = `transactItems.${index + 1}.member.${kind === 'ConditionCheck' ? 'conditionCheck' : kind.toLowerCase()}`;
  if (!isRecord(body)) throw new ValidationException(constraintMessage('null', path, 'Member must not be null'));
  const requiredText = kind === 'ConditionCheck' ? 'ConditionExpression' : kind === 'Update' ? 'UpdateExpression' : undefined;
  if (requiredText !== undefined && (body[requiredText] === undefined || body[requiredText] === null)) {
    throw new ValidationException(constraintMessage('null', `${path}.${requiredText[0]!.toLowerCase()}${requiredText.slice(1)}`, 'Member must not be null'));
  }
  const onFailure = body['ReturnValuesOnConditionCheckFailure'];
  if (onFailure !== undefined && onFailure !== null && onFailure !== 'ALL_OLD' && onFailure !== 'NONE') {
    throw new ValidationException('ReturnValuesOnConditionCheckFailure can only be ALL_OLD or NONE');
  }
  const table = context.requireTable(body['TableName']);
  let item: Item | undefined;
  let keyItem: Item;
  if (kind === 'Put') {
    item = validateItem(body['Item']);
    validateItemKeys(item, table.schema, table.maintainedIndexSchemas);
    checkItemSize(item); // a Put's size is known from the request: a plain ValidationException
    keyItem = table.keyOf(item);
  } else {
    keyItem = validateKey(body['Key'], table.schema);
  }
  const { condition, update } = compileRequest(kind === 'Update' ? 'UpdateItem' : 'DeleteItem', expressionInput(body), table.keyAttributeNames);
  return {
    kind,
    table,
    requestName: body['TableName'] as string, // requireTable checked it is a string
    key: table.itemKey(keyItem),
    keyItem,
    item,
    condition,
    update,
    returnOldOnFailure: onFailure === 'ALL_OLD',
  };
}

/**
 * Resolves a request that passed validateTransactWriteItemsRequest (shape, bounds, one action per
 * element, values, Put sizes, expression parameters) against its tables; then the rules that need
 * them: two actions on one item, the 4 MB aggregate.
 */
function prepare(context: TableContext, input: Input): Action[] {
  const items = input['TransactItems'];
  if (!Array.isArray(items)) throw new ValidationException(constraintMessage('null', 'transactItems', 'Member must not be null'));
  if (items.length === 0) throw new ValidationException(constraintMessage("'[]'", 'transactItems', 'Member must have length greater than or equal to 1'));
  if (items.length > TRANSACT_ITEMS_MAX) {
    throw new ValidationException(constraintMessage(`'[${items.length} items]'`, 'transactItems', `Member must have length less than or equal to ${TRANSACT_ITEMS_MAX}`));
  }
  const token = input['ClientRequestToken'];
  if (token !== undefined && token !== null) {
    if (typeof token !== 'string' || token.length < 1 || token.length > CLIENT_REQUEST_TOKEN_LENGTH_MAX) {
      throw new ValidationException(
        constraintMessage(`'${String(token)}'`, 'clientRequestToken', `Member must have length less than or equal to ${CLIENT_REQUEST_TOKEN_LENGTH_MAX}`),
      );
    }
  }
  const actions = items.map((element, index) => prepareAction(context, element, index));
  const seen = new Set<string>();
  let requestBytes = 0;
  for (const action of actions) {
    const identity = keyIdentity(action.key);
    if (seen.has(identity)) throw new ValidationException(MULTIPLE_OPERATIONS_MESSAGE);
    seen.add(identity);
    requestBytes += itemSizeBytes(action.item ?? action.keyItem);
  }
  if (requestBytes > TRANSACT_BYTES_MAX) throw new ValidationException(TRANSACTION_SIZE_MESSAGE);
  return actions;
}

interface Effect {
  readonly action: Action;
  readonly old: Item | undefined;
  /** The item after the action; undefined for a delete; `old` for a ConditionCheck. */
  readonly next: Item | undefined;
}

/** Every action's outcome against the latest submitted state. Synchronous; throws the cancellation. */
function evaluate(context: TableContext, actions: readonly Action[]): Effect[] {
  const reasons: CancellationReason[] = [];
  const effects: Effect[] = [];
  let cancelled = false;
  for (const action of actions) {
    const reason = evaluateOne(context, action, effects);
    if (reason.Code !== 'None') cancelled = true;
    reasons.push(reason);
  }
  if (cancelled) throw new TransactionCanceledException(reasons);
  return effects;
}

function evaluateOne(context: TableContext, action: Action, effects: Effect[]): CancellationReason {
  const { table, key } = action;
  if (context.coordinator.inTransaction(key)) return { Code: 'TransactionConflict', Message: TRANSACTION_CONFLICT_MESSAGE };
  const bytes = context.coordinator.read(key);
  const old = bytes === undefined ? undefined : table.decode(bytes);
  try {
    if (action.condition !== undefined && !evaluateCondition(action.condition, old)) {
      const reason: CancellationReason = { Code: 'ConditionalCheckFailed', Message: CONDITION_FAILED_MESSAGE };
      if (action.returnOldOnFailure && old !== undefined) reason.Item = old;
      return reason;
    }
    let next: Item | undefined;
    switch (action.kind) {
      case 'ConditionCheck':
        next = old;
        break;
      case 'Put':
        next = action.item;
        break;
      case 'Delete':
        next = undefined;
        break;
      case 'Update': {
        next = action.update === undefined ? (old ?? action.keyItem) : applyUpdate(old, action.update, { key: action.keyItem }).item;
        validateItemKeys(next, table.schema, table.maintainedIndexSchemas);
        checkItemSize(next, ITEM_SIZE_TO_UPDATE_MESSAGE);
        break;
      }
    }
    effects.push({ action, old, next });
    return { Code: 'None' };
  } catch (error) {
    // Item-dependent validation failures cancel the transaction rather than failing the request.
    if (error instanceof ValidationException) return { Code: 'ValidationError', Message: error.message };
    throw error;
  }
}

/**
 * Admits every action on its item's partition before anything is read: a ConditionCheck as a read,
 * the others as writes. One throttled action cancels the transaction ('None' for the others).
 */
function admitActions(context: TableContext, actions: readonly Action[]): (ReadTicket | WriteTicket | undefined)[] {
  const tickets: (ReadTicket | WriteTicket | undefined)[] = [];
  const throttles: (Throttled | undefined)[] = [];
  let throttled = false;
  for (const action of actions) {
    const ticket = action.kind === 'ConditionCheck' ? admitRead(context, action.table, 0, action.key) : admitWrite(context, action.table, action.key);
    if (isThrottled(ticket)) {
      throttled = true;
      throttles.push(ticket);
      tickets.push(undefined);
    } else {
      throttles.push(undefined);
      tickets.push(ticket);
    }
  }
  if (throttled) throw new TransactionCanceledException(throttles.map((throttle) => (throttle === undefined ? { Code: 'None' } : throttleCancellation(throttle))));
  return tickets;
}

/** Admits the GSI entries of every write (evaluate kept the actions' order: effects[i] is actions[i]). */
function admitIndexEntries(
  context: TableContext,
  effects: readonly Effect[],
  mutations: readonly (ReturnType<typeof itemMutation> | undefined)[],
  tickets: readonly (ReadTicket | WriteTicket | undefined)[],
): void {
  let throttled = false;
  const reasons: CancellationReason[] = effects.map(({ action }, i) => {
    const mutation = mutations[i];
    if (mutation === undefined) return { Code: 'None' };
    const throttle = admitIndexWrites(context, action.table, tickets[i] as WriteTicket | undefined, mutation.indexChanges);
    if (throttle === undefined) return { Code: 'None' };
    throttled = true;
    return throttleCancellation(throttle);
  });
  if (throttled) throw new TransactionCanceledException(reasons);
}

function chargeTransactional(meter: CapacityMeter, table: Table, sizeBytes: number, indexChanges: ReturnType<typeof itemMutation>['indexChanges']): void {
  meter.addWrite(table.name, writeUnitsForItem(sizeBytes, true));
  for (const change of indexChanges) {
    const units = indexWriteUnits(change.oldBytes, change.newBytes, change.keyChanged);
    if (units > 0) meter.addWrite(table.name, units, { name: change.index.schema.name, global: change.index.global });
  }
}

function replayCapacity(mode: ReturnConsumedCapacity, result: TransactionResult): Output {
  const meter = new CapacityMeter(mode);
  for (const { tableName, sizeBytes } of result.charged) meter.addRead(tableName, readUnitsForItem(sizeBytes, true, true));
  const output: Output = { ...result.output };
  const consumed = meter.all();
  if (consumed !== undefined) output['ConsumedCapacity'] = consumed;
  return output;
}

export async function transactWriteItems(context: TableContext, tokens: TransactionTokens, rawInput: Input): Promise<Output> {
  const input = validateTransactWriteItemsRequest(rawInput) as unknown as Input; // the SDK shape, validated
  const actions = prepare(context, input);
  const mode = returnConsumedCapacityOf(input);
  const token = typeof input['ClientRequestToken'] === 'string' ? input['ClientRequestToken'] : undefined;
  const fingerprint = token === undefined ? '' : fingerprintOf(input['TransactItems']);
  if (token !== undefined) {
    const lookup = tokens.lookup(token, fingerprint, context.clock.now());
    if (lookup.kind === 'replay') return replayCapacity(mode, lookup.completed.result);
  }

  // From the first read to the submit: no await (the transaction's single point in the write order).
  const tickets = admitActions(context, actions);
  const effects = evaluate(context, actions);
  const meter = new CapacityMeter(mode);
  const charged: { tableName: string; sizeBytes: number }[] = [];
  const ops: WriteOp[] = [];
  const mutations = effects.map(({ action, old, next }) =>
    // A delete of a missing item still writes a tombstone: it marks the item for the transaction.
    action.kind === 'ConditionCheck' ? undefined : itemMutation(action.table, action.key, old, next, itemSizeBytes),
  );
  admitIndexEntries(context, effects, mutations, tickets);
  effects.forEach(({ action, old, next }, i) => {
    const oldSize = old === undefined ? 0 : itemSizeBytes(old);
    const mutation = mutations[i];
    if (mutation === undefined) {
      const units = readUnitsForItem(oldSize, true, true);
      meter.addRead(action.table.name, units);
      chargeRead(context, action.table, 0, tickets[i] as ReadTicket, units, action.key);
      charged.push({ tableName: action.table.name, sizeBytes: oldSize });
      return;
    }
    for (const op of mutation.ops) ops.push(op);
    const newSize = next === undefined ? 0 : itemSizeBytes(next);
    const sizeBytes = Math.max(oldSize, newSize);
    chargeTransactional(meter, action.table, sizeBytes, mutation.indexChanges);
    chargeWriteTicket(context, action.table, tickets[i] as WriteTicket | undefined, action.key, oldSize, newSize, mutation.indexChanges, true, false);
    charged.push({ tableName: action.table.name, sizeBytes });
  });
  if (encodedWriteBatchBytes(ops) > WRITE_BATCH_BYTES_MAX) throw new ValidationException(TRANSACTION_SIZE_MESSAGE);
  if (token !== undefined) tokens.begin(token, fingerprint);
  try {
    await context.coordinator.submit(ops, true);
  } catch (error) {
    if (token !== undefined) tokens.abandon(token);
    throw error;
  }

  const output: Output = {};
  if (input['ReturnItemCollectionMetrics'] === 'SIZE') {
    const written = effects.filter((effect) => effect.action.kind !== 'ConditionCheck').map((effect) => effect.action);
    const metrics = itemCollectionMetrics(context, written);
    if (Object.keys(metrics).length > 0) output['ItemCollectionMetrics'] = metrics;
  }
  if (token !== undefined) tokens.complete(token, context.clock.now(), { output: { ...output }, charged });
  const consumed = meter.all();
  if (consumed !== undefined) output['ConsumedCapacity'] = consumed;
  return output;
}
