/**
 * Every DynamoDB operation the wire protocol knows, by X-Amz-Target name. An operation is served
 * when the Database has its method (engine/api/pipeline.ts checks at dispatch); a target not listed
 * here is an UnknownOperationException whatever methods the Database has, so a request can never
 * reach a non-operation method (close, store internals) by naming it.
 */
import { createTable } from './create-table.js';
import { describeTable } from './describe-table.js';
import { listTables } from './list-tables.js';
import { updateTable } from './update-table.js';
import { deleteTable } from './delete-table.js';
import { describeLimits } from './describe-limits.js';
import { updateTimeToLive } from './update-time-to-live.js';
import { describeTimeToLive } from './describe-time-to-live.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';
import { listTagsOfResource } from './list-tags-of-resource.js';
import { putItem } from './put-item.js';
import { getItem } from './get-item.js';
import { updateItem } from './update-item.js';
import { deleteItem } from './delete-item.js';
import { query } from './query.js';
import { scan } from './scan.js';
import { batchGetItem } from './batch-get-item.js';
import { batchWriteItem } from './batch-write-item.js';
import { transactWriteItems } from './transact-write-items.js';
import { transactGetItems } from './transact-get-items.js';
import type { Operation } from './operation.js';

export type { Operation } from './operation.js';

const ALL: readonly Operation[] = [
  createTable,
  describeTable,
  listTables,
  updateTable,
  deleteTable,
  describeLimits,
  updateTimeToLive,
  describeTimeToLive,
  tagResource,
  untagResource,
  listTagsOfResource,
  putItem,
  getItem,
  updateItem,
  deleteItem,
  query,
  scan,
  batchGetItem,
  batchWriteItem,
  transactWriteItems,
  transactGetItems,
];

/** Operations by their wire name (a Map: "constructor" or "__proto__" are simply unknown names). */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(ALL.map((operation) => [operation.name, operation]));
