/**
 * BatchGetItem (reference/dynamodb-facts.md §5.1): up to 100 keys across tables, each table with its
 * own projection and consistency; missing items are omitted; a response over 16 MB stops early and
 * returns the rest in UnprocessedKeys, shaped like RequestItems so it can be sent again.
 *
 * Reads are synchronous against durable store state, like GetItem: the batch as a whole is
 * read-committed, as DynamoDB documents (§6.1 isolation), and never conflicts with transactions.
 * Capacity: every key is charged as its own GetItem (each item rounded to 4 KB separately, a missing
 * item the minimum); keys left unprocessed are not charged. Each key admits on its partition
 * (admission.ts); a throttled key is left in UnprocessedKeys, and only when no key at all could be
 * read does the call fail with the throttle's exception (facts §5.1).
 */
import type { Item } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { itemSizeBytes } from '../model/item-size.js';
import { validateKey } from '../model/validate.js';
import { project, type Projection } from '../expressions/index.js';
import { BATCH_GET_KEYS_MAX, BATCH_GET_RESPONSE_BYTES_MAX } from '../limits.js';
import { CapacityMeter, readUnitsForItem, type ReturnConsumedCapacity } from './capacity.js';
import type { TableContext } from './context.js';
import { compileRequest, type Input } from './expressions-of.js';
import { BATCH_GET_TOO_MANY_MESSAGE, DUPLICATE_KEYS_MESSAGE, validateBatchGetItemRequest } from './request-validation.js';
import type { Table } from './table.js';
import { admitRead, chargeRead, isThrottled, throttleError, type Throttled } from './admission.js';

type Output = Record<string, unknown>;

/** The per-table members of KeysAndAttributes that travel into UnprocessedKeys unchanged. */
const CARRIED_MEMBERS = ['AttributesToGet', 'ConsistentRead', 'ExpressionAttributeNames', 'ProjectionExpression'] as const;

interface TableRequest {
  /** The name as the request spelled it (a name or an ARN): Responses and UnprocessedKeys use it. */
  readonly requestName: string;
  readonly request: Input;
  readonly table: Table;
  readonly consistent: boolean;
  readonly projection: Projection | undefined;
  readonly keys: Item[];
}

export function returnConsumedCapacityOf(input: Input): ReturnConsumedCapacity {
  const value = input['ReturnConsumedCapacity'];
  return value === 'TOTAL' || value === 'INDEXES' ? value : 'NONE';
}

/** DynamoDB's request-shape message for one failed constraint. */
export function constraintMessage(value: string, path: string, constraint: string): string {
  return `1 validation error detected: Value ${value} at '${path}' failed to satisfy constraint: ${constraint}`;
}

export function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Key storage bytes as a map key: the storage key already names the table and canonical key values. */
export function keyIdentity(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

/**
 * Resolves the tables and keys of a request that passed validateBatchGetItemRequest (the shape, the
 * 100-key bound and duplicate key maps); the checks here that repeat it keep this layer safe when
 * called directly. Duplicates are judged again on storage keys, which equate equal numbers however
 * they are spelled.
 */
function prepare(context: TableContext, input: Input): TableRequest[] {
  const requestItems = input['RequestItems'];
  if (!isRecord(requestItems)) throw new ValidationException(constraintMessage('null', 'requestItems', 'Member must not be null'));
  if (Object.keys(requestItems).length === 0) throw new ValidationException(constraintMessage("'{}'", 'requestItems', 'Member must have length greater than or equal to 1'));
  // DynamoDB counts keys across every table before it looks any table up.
  let keyCount = 0;
  for (const [name, request] of Object.entries(requestItems)) {
    if (!isRecord(request) || !Array.isArray(request['Keys'])) {
      throw new ValidationException(constraintMessage('null', `requestItems.${name}.member.keys`, 'Member must not be null'));
    }
    keyCount += request['Keys'].length;
  }
  if (keyCount > BATCH_GET_KEYS_MAX) throw new ValidationException(BATCH_GET_TOO_MANY_MESSAGE);

  const prepared: TableRequest[] = [];
  for (const [requestName, value] of Object.entries(requestItems)) {
    const request = value as Input; // checked in the counting loop above
    const table = context.requireTable(requestName);
    const { projection } = compileRequest('BatchGetItem', request);
    const seen = new Set<string>();
    const keys: Item[] = [];
    for (const rawKey of request['Keys'] as unknown[]) {
      const key = validateKey(rawKey ?? {}, table.schema); // null is an empty key map (validation/batch.ts)
      const identity = keyIdentity(table.itemKey(key));
      if (seen.has(identity)) throw new ValidationException(DUPLICATE_KEYS_MESSAGE);
      seen.add(identity);
      keys.push(key);
    }
    prepared.push({ requestName, request, table, consistent: request['ConsistentRead'] === true, projection, keys });
  }
  return prepared;
}

function unprocessedEntry(request: TableRequest, keys: Item[]): Output {
  const entry: Output = { Keys: keys };
  for (const member of CARRIED_MEMBERS) {
    const value = request.request[member];
    if (value !== undefined && value !== null) entry[member] = value;
  }
  return entry;
}

export function batchGetItem(context: TableContext, rawInput: Input): Output {
  const input = validateBatchGetItemRequest(rawInput) as unknown as Input; // the SDK shape, validated
  const requests = prepare(context, input);
  const meter = new CapacityMeter(returnConsumedCapacityOf(input));
  const responses: Record<string, Item[]> = {};
  const unprocessed: Record<string, Output> = {};
  let responseBytes = 0;
  let full = false;
  let processed = 0;
  let firstThrottle: Throttled | undefined;
  for (const request of requests) {
    const items: Item[] = [];
    responses[request.requestName] = items;
    const left: Item[] = [];
    for (let i = 0; i < request.keys.length; i++) {
      const key = request.keys[i]!;
      if (full) {
        left.push(key);
        continue;
      }
      const storageKey = request.table.itemKey(key);
      const ticket = admitRead(context, request.table, 0, storageKey);
      if (isThrottled(ticket)) {
        firstThrottle ??= ticket;
        left.push(key);
        continue;
      }
      const bytes = context.store.get(storageKey, context.readView(request.consistent));
      const item = bytes === undefined ? undefined : request.table.decode(bytes);
      const sizeBytes = item === undefined ? 0 : itemSizeBytes(item);
      // The item that would carry the response past 16 MB, and every key after it, is left for a retry.
      if (responseBytes + sizeBytes > BATCH_GET_RESPONSE_BYTES_MAX) {
        full = true;
        left.push(key);
        continue;
      }
      responseBytes += sizeBytes;
      processed++;
      const units = readUnitsForItem(sizeBytes, request.consistent);
      meter.addRead(request.table.name, units);
      chargeRead(context, request.table, 0, ticket, units, storageKey);
      if (item !== undefined) items.push(request.projection === undefined ? item : project(item, request.projection));
    }
    if (left.length > 0) unprocessed[request.requestName] = unprocessedEntry(request, left);
  }
  // Nothing could be read for throughput reasons: the whole call is throttled (nothing was charged).
  if (processed === 0 && firstThrottle !== undefined) throw throttleError(context, firstThrottle);
  const output: Output = { Responses: responses, UnprocessedKeys: unprocessed };
  const consumed = meter.all();
  if (consumed !== undefined) output['ConsumedCapacity'] = consumed;
  return output;
}
