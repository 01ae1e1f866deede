/**
 * TransactGetItems (reference/dynamodb-facts.md §6.1): up to 100 Get actions across tables, read as
 * one serializable snapshot; Responses is ordered like TransactItems, `{}` for a missing item.
 *
 * Every item is read synchronously from the store's durable state, with no await between the reads,
 * so they all see one point in the write order. An item whose transactional write is still in flight
 * cancels the read with reason TransactionConflict, as DynamoDB aborts a read transaction that finds
 * an item prepared by a write transaction (§6.2).
 *
 * Capacity: each item costs a transactional read, 2 units per 4 KB (a missing item the minimum).
 * Each item admits on its partition (admission.ts); a throttled item cancels the read with reason
 * ProvisionedThroughputExceeded (or ThrottlingError on demand) and nothing is charged.
 */
import type { Item } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { itemSizeBytes } from '../model/item-size.js';
import { validateKey } from '../model/validate.js';
import { project, type Projection } from '../expressions/index.js';
import { TRANSACT_BYTES_MAX, TRANSACT_ITEMS_MAX } from '../limits.js';
import { constraintMessage, isRecord, keyIdentity, returnConsumedCapacityOf } from './batch-get.js';
import { CapacityMeter, readUnitsForItem } from './capacity.js';
import type { TableContext } from './context.js';
import { TransactionCanceledException, type CancellationReason } from './errors.js';
import { compileRequest, type Input } from './expressions-of.js';
import { validateTransactGetItemsRequest } from './request-validation.js';
import type { Table } from './table.js';
import { admitRead, chargeRead, isThrottled, throttleCancellation, type ReadTicket } from './admission.js';
import { MULTIPLE_OPERATIONS_MESSAGE, TRANSACTION_CONFLICT_MESSAGE, TRANSACTION_SIZE_MESSAGE } from './transact-write.js';

type Output = Record<string, unknown>;

export const GET_ONLY_MESSAGE = 'TransactItems can only contain Get';

interface Get {
  readonly table: Table;
  readonly key: Uint8Array;
  readonly projection: Projection | undefined;
}

const GET_MEMBERS = ['ProjectionExpression', 'ExpressionAttributeNames'] as const;

function prepareGet(context: TableContext, element: unknown, index: number): Get {
  if (!isRecord(element)) throw new ValidationException(GET_ONLY_MESSAGE);
  const body = element['Get'];
  if (!isRecord(body)) throw new ValidationException(constraintMessage('null', `transactItems.${index + 1}.member.get`, 'Member must not be null'));
  const table = context.requireTable(body['TableName']);
  const keyItem = validateKey(body['Key'], table.schema);
  const expressions: Record<string, unknown> = {};
  for (const member of GET_MEMBERS) if (body[member] !== undefined && body[member] !== null) expressions[member] = body[member];
  const { projection } = compileRequest('GetItem', expressions);
  return { table, key: table.itemKey(keyItem), projection };
}

function prepare(context: TableContext, input: Input): Get[] {
  const items = input['TransactItems'];
  if (!Array.isArray(items)) throw new ValidationException(constraintMessage('null', 'transactItems', 'Member must not be null'));
  if (items.length === 0) throw new ValidationException(constraintMessage("'[]'", 'transactItems', 'Member must have length greater than or equal to 1'));
  if (items.length > TRANSACT_ITEMS_MAX) {
    throw new ValidationException(constraintMessage(`'[${items.length} items]'`, 'transactItems', `Member must have length less than or equal to ${TRANSACT_ITEMS_MAX}`));
  }
  const gets = items.map((element, index) => prepareGet(context, element, index));
  const seen = new Set<string>();
  for (const get of gets) {
    const identity = keyIdentity(get.key);
    if (seen.has(identity)) throw new ValidationException(MULTIPLE_OPERATIONS_MESSAGE);
    seen.add(identity);
  }
  return gets;
}

export function transactGetItems(context: TableContext, rawInput: Input): Output {
  const input = validateTransactGetItemsRequest(rawInput) as unknown as Input; // the SDK shape, validated
  const gets = prepare(context, input);
  const meter = new CapacityMeter(returnConsumedCapacityOf(input));
  // One synchronous pass: every read sees the same durable state.
  const items: (Item | undefined)[] = [];
  const reasons: CancellationReason[] = [];
  const tickets: ReadTicket[] = [];
  let conflict = false;
  for (const get of gets) {
    if (context.coordinator.inTransaction(get.key)) {
      conflict = true;
      reasons.push({ Code: 'TransactionConflict', Message: TRANSACTION_CONFLICT_MESSAGE });
      items.push(undefined);
      continue;
    }
    const ticket = admitRead(context, get.table, 0, get.key);
    if (isThrottled(ticket)) {
      conflict = true;
      reasons.push(throttleCancellation(ticket));
      items.push(undefined);
      continue;
    }
    tickets.push(ticket);
    reasons.push({ Code: 'None' });
    const bytes = context.store.get(get.key);
    items.push(bytes === undefined ? undefined : get.table.decode(bytes));
  }
  if (conflict) throw new TransactionCanceledException(reasons);

  let totalBytes = 0;
  const responses: Output[] = [];
  gets.forEach((get, i) => {
    const item = items[i];
    const sizeBytes = item === undefined ? 0 : itemSizeBytes(item);
    totalBytes += sizeBytes;
    const units = readUnitsForItem(sizeBytes, true, true);
    meter.addRead(get.table.name, units);
    chargeRead(context, get.table, 0, tickets[i], units, get.key);
    responses.push(item === undefined ? {} : { Item: get.projection === undefined ? item : project(item, get.projection) });
  });
  // 100 items of 400 KB could exceed the transaction's 4 MB aggregate.
  if (totalBytes > TRANSACT_BYTES_MAX) throw new ValidationException(TRANSACTION_SIZE_MESSAGE);
  const output: Output = { Responses: responses };
  const consumed = meter.all();
  if (consumed !== undefined) output['ConsumedCapacity'] = consumed;
  return output;
}
