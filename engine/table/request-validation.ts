/**
 * Request validation for every table operation, at DynamoDB's API edge: one function per
 * operation takes the request as `unknown` (it may come from JSON), checks its shape before any
 * table lookup exactly as the service does — SerializationException for a member of the wrong
 * JSON type, then "The parameter 'X' is required…", then the batched "N validation errors
 * detected: …", then the operation's own rules — and returns the normalised request in the AWS
 * SDK's input shape (attribute values validated and canonical, table ARNs resolved to names), so
 * the caller never re-checks it. What needs the table (key schema, indexes, expressions compiled
 * against the key, duplicate items in writes) follows, in the caller.
 *
 * The implementation is split by operation family under validation/; this file is the surface.
 */
export {
  validatePutItemRequest,
  checkPutItemRequest,
  validateGetItemRequest,
  validateUpdateItemRequest,
  validateDeleteItemRequest,
  RETURN_VALUES_ALL_OLD_MESSAGE,
} from './validation/items.js';
export type { CheckedPutItem } from './validation/items.js';
export { validateQueryRequest, validateScanRequest, KEY_CONDITION_MISSING_MESSAGE } from './validation/query-scan.js';
export {
  validateBatchGetItemRequest,
  validateBatchWriteItemRequest,
  DUPLICATE_KEYS_MESSAGE,
  BATCH_GET_TOO_MANY_MESSAGE,
  BATCH_WRITE_TOO_MANY_MESSAGE,
} from './validation/batch.js';
export {
  validateTransactWriteItemsRequest,
  validateTransactGetItemsRequest,
  INVALID_ACTION_MESSAGE,
  MULTIPLE_ACTIONS_MESSAGE,
  TRANSACTION_DUPLICATE_ITEM_MESSAGE,
} from './validation/transactions.js';
export {
  validateCreateTableRequest,
  validateDescribeTableRequest,
  validateListTablesRequest,
  validateUpdateTableRequest,
  validateDeleteTableRequest,
  validateUpdateTimeToLiveRequest,
  validateDescribeTimeToLiveRequest,
  validateTagResourceRequest,
  validateUntagResourceRequest,
  validateListTagsOfResourceRequest,
  tableNameOfResourceArn,
  DEFAULT_CALLER_ARN,
  UPDATE_TABLE_NOTHING_MESSAGE,
} from './validation/tables.js';
export { resolveTableName } from './validation/shape.js';
export { keyFingerprint, START_KEY_PREFIX } from './validation/common.js';
export type * from './validation/types.js';
