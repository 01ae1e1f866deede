/**
 * Silt's public surface: what users of the `silt` package may import, by name. Everything else is
 * internal. The storage engine alone is also published as `silt/lsm` (engine/lsm/index.ts).
 */
export { Database } from './database.js';
export type { DatabaseOptions } from './database.js';
export { DocumentDatabase } from './document.js';
export type { TranslateConfig } from './document.js';
export { DynamoDBError, ValidationException } from './model/errors.js';
export type { DynamoDBErrorName } from './model/errors.js';
export { ConditionalCheckFailedException, TransactionCanceledException } from './table/errors.js';
export type { CancellationReason } from './table/errors.js';
export type { AttributeValue, Item, AttributeType, ScalarAttributeType } from './model/attribute-value.js';
export { ManualClock, SystemClock } from './util/clock.js';
export type { Clock } from './util/clock.js';
export { Store } from './lsm/store.js';
export type { SyncMode } from './lsm/options.js';
export type { Env } from './vfs/env.js';
export { inProcessHandler, createInProcessClient } from './api/in-process.js';
export type { InProcessHandler } from './api/in-process.js';
export { startServer } from './api/server.js';
export type { ServerOptions, SiltServer } from './api/server.js';
export { parseCredentials } from './api/auth.js';
export type { AccessKey, Credentials } from './api/auth.js';
export { createLogger } from './api/logger.js';
export type { Logger, LogLevel } from './api/logger.js';
