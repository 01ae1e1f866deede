/**
 * UpdateTable (reference/dynamodb-facts.md §2.2, §11.2, §13.1): provisioned throughput changes with
 * DynamoDB's decrease quota, billing-mode switches, deletion protection and table class, and the
 * online GSI operations — create one index (backfilled in the background, backfill.ts) or delete one
 * (purged in the background). One kind of change per call: a throughput change, or one GSI create,
 * or one GSI delete.
 *
 * The table goes UPDATING for `tableStatusDelayMs` (tables.ts advanceStatuses turns it ACTIVE on the
 * injected clock); while UPDATING another UpdateTable is ResourceInUseException. As observed on the
 * service, the response to a throughput change still shows the previous throughput; DescribeTable
 * shows the new one at once (Silt applies changes immediately).
 *
 * Concurrency: one thread. The whole decision — read the record, check, build the next record,
 * catalog.put — runs with no await, so two concurrent UpdateTables cannot both pass the checks.
 * The background job starts only once the new record is durable, so every write submitted before
 * the index existed is durable (and visible to the backfill's scan) by then.
 */
import {
  BILLING_MODE_SWITCH_WINDOW_MS,
  BILLING_MODE_SWITCHES_PER_WINDOW_MAX,
  CAPACITY_UNITS_MAX,
  GLOBAL_SECONDARY_INDEXES_MAX,
  PROJECTED_ATTRIBUTES_MAX,
  THROUGHPUT_DECREASE_INTERVAL_MS,
  THROUGHPUT_DECREASES_PER_DAY_MAX,
  THROUGHPUT_DECREASES_UNTHROTTLED_COUNT,
} from '../limits.js';
import { DynamoDBError, ValidationException } from '../model/errors.js';
import type { AttributeDefinition, IndexSchema, KeyAttribute, TableSchema, Throughput } from '../model/schema.js';
import { validateUpdateTableRequest, type UpdateTableInput } from './request-validation.js';
import { indexJobs, type OnlineIndexRecord, type ThroughputHistory } from './backfill.js';
import type { TableRecord } from './catalog.js';
import type { TableContext } from './context.js';
import { describeTable as render } from './describe.js';
import { resourceNotFound, tableInUse } from './errors.js';
import type { Input } from './expressions-of.js';
import { advanceStatuses, tableStatistics } from './tables.js';
import { Table } from './table.js';
import { settingsOf } from './admission.js';

type Output = Record<string, unknown>;
type GsiCreate = NonNullable<NonNullable<UpdateTableInput['GlobalSecondaryIndexUpdates']>[number]['Create']>;

const INVALID = 'One or more parameter values were invalid: ';
const ONE_ONLINE_INDEX = 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table';

/** TableRecord as UpdateTable persists it: the provisioned → on-demand switch times (JSON, with the record). */
export interface UpdatableTableRecord extends TableRecord {
  billingModeSwitchesMs?: number[];
}

function limitExceeded(message: string): DynamoDBError {
  return new DynamoDBError('LimitExceededException', message);
}

function throughputOf(input: { ReadCapacityUnits: number; WriteCapacityUnits: number }): Throughput {
  return { readCapacityUnits: input.ReadCapacityUnits, writeCapacityUnits: input.WriteCapacityUnits };
}

export async function updateTable(context: TableContext, input: Input): Promise<Output> {
  const request = validateUpdateTableRequest(input);
  await advanceStatuses(context);
  // From here to catalog.put: no await (see the header).
  const name = request.TableName;
  const record: UpdatableTableRecord | undefined = context.catalog.get(name);
  if (record === undefined) throw resourceNotFound(name);
  if (record.status === 'CREATING') throw tableInUse(`Attempt to change a resource which is still in use: Table is being created: ${name}`);
  if (record.status === 'UPDATING') throw tableInUse(`Attempt to change a resource which is still in use: Table is being updated: ${name}`);
  if (record.status === 'DELETING') throw tableInUse(`Attempt to change a resource which is still in use: Table is being deleted: ${name}`);
  for (const member of ['StreamSpecification', 'SSESpecification', 'OnDemandThroughput'] as const) {
    if (request[member] !== undefined) throw new ValidationException(`Silt does not support changing ${member} with UpdateTable`);
  }
  const now = context.clock.now();
  const updates = request.GlobalSecondaryIndexUpdates ?? [];
  const creates = updates.flatMap((update) => (update.Create === undefined ? [] : [update.Create]));
  const deletes = updates.flatMap((update) => (update.Delete === undefined ? [] : [update.Delete.IndexName]));
  const indexUpdates = updates.flatMap((update) => (update.Update === undefined ? [] : [update.Update]));
  if (creates.length + deletes.length > 1) throw limitExceeded(ONE_ONLINE_INDEX);
  if (creates.length + deletes.length === 1 && request.ProvisionedThroughput !== undefined) {
    // One kind of change per call (facts §2.2). [UNVERIFIED] wording.
    throw new ValidationException(`${INVALID}ProvisionedThroughput cannot be updated in the same request that creates or deletes a global secondary index`);
  }

  let schema: TableSchema = { ...record.schema, gsis: record.schema.gsis.map((index) => ({ ...index })) };
  let indexes: OnlineIndexRecord[] = record.indexes.map((index) => ({ ...index }));
  let history = { ...record.throughputHistory };
  let switches = record.billingModeSwitchesMs;
  let nextIndexId = record.nextIndexId;
  let job: { kind: 'backfill' | 'purge'; indexId: number } | undefined;

  // ---- billing mode and table throughput --------------------------------------------------------
  const requestedMode = request.BillingMode ?? schema.billingMode;
  const switching = requestedMode !== schema.billingMode;
  if (requestedMode === 'PAY_PER_REQUEST' && request.ProvisionedThroughput !== undefined) {
    throw new ValidationException(`${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
  }
  if (switching && requestedMode === 'PAY_PER_REQUEST') {
    const recent = (switches ?? []).filter((at) => at > now - BILLING_MODE_SWITCH_WINDOW_MS);
    if (recent.length >= BILLING_MODE_SWITCHES_PER_WINDOW_MAX) {
      // [UNVERIFIED] wording; the quota is the current guide's (facts §2.2).
      throw limitExceeded(
        `Subscriber limit exceeded: Billing mode changes to PAY_PER_REQUEST are limited to ${BILLING_MODE_SWITCHES_PER_WINDOW_MAX} in a 24 hour window. Table: ${name}`,
      );
    }
    switches = [...recent, now];
    delete schema.throughput;
    schema.gsis = schema.gsis.map((index) => {
      const next = { ...index };
      delete next.throughput;
      return next;
    });
  }
  if (switching && requestedMode === 'PROVISIONED') {
    if (request.ProvisionedThroughput === undefined) {
      throw new ValidationException(`${INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`);
    }
    for (const index of schema.gsis) {
      if (!indexUpdates.some((update) => update.IndexName === index.name && update.ProvisionedThroughput !== undefined)) {
        throw new ValidationException(`${INVALID}ProvisionedThroughput must be specified for index: ${index.name}`); // [UNVERIFIED] wording
      }
    }
    schema.throughput = throughputOf(request.ProvisionedThroughput);
  } else if (request.ProvisionedThroughput !== undefined) {
    const current = schema.throughput;
    const wanted = throughputOf(request.ProvisionedThroughput);
    if (current === undefined) throw new ValidationException(`${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    if (current.readCapacityUnits === wanted.readCapacityUnits && current.writeCapacityUnits === wanted.writeCapacityUnits) {
      throw new ValidationException(
        'The provisioned throughput for the table will not change. The requested value equals the current value. ' +
          `Current ReadCapacityUnits provisioned for the table: ${current.readCapacityUnits}. Requested ReadCapacityUnits: ${wanted.readCapacityUnits}. ` +
          `Current WriteCapacityUnits provisioned for the table: ${current.writeCapacityUnits}. Requested WriteCapacityUnits: ${wanted.writeCapacityUnits}. ` +
          'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
      );
    }
    const decreased = wanted.readCapacityUnits < current.readCapacityUnits || wanted.writeCapacityUnits < current.writeCapacityUnits;
    const increased = wanted.readCapacityUnits > current.readCapacityUnits || wanted.writeCapacityUnits > current.writeCapacityUnits;
    if (decreased) checkDecrease(history, now);
    history = recordThroughputChange(history, now, increased, decreased);
    schema.throughput = wanted;
  }

  // ---- GSI throughput updates ----------------------------------------------------------------------
  // Every check before any change: a request that decreases a table and a GSI is rejected whole.
  for (const update of indexUpdates) {
    const position = schema.gsis.findIndex((index) => index.name === update.IndexName);
    const indexRecord = indexes.find((index) => index.name === update.IndexName);
    if (position < 0 || indexRecord === undefined) throw indexNotFound(update.IndexName, name);
    if (update.ProvisionedThroughput === undefined) continue;
    if (requestedMode === 'PAY_PER_REQUEST') {
      throw new ValidationException(`${INVALID}ProvisionedThroughput should not be specified for index: ${update.IndexName} when BillingMode is PAY_PER_REQUEST`);
    }
    const wanted = throughputOf(update.ProvisionedThroughput);
    const current = switching ? undefined : schema.gsis[position]!.throughput;
    if (current !== undefined) {
      if (current.readCapacityUnits === wanted.readCapacityUnits && current.writeCapacityUnits === wanted.writeCapacityUnits) {
        throw new ValidationException(
          `The provisioned throughput for the index ${update.IndexName} will not change. The requested value equals the current value. ` +
            `Current ReadCapacityUnits provisioned for the index: ${current.readCapacityUnits}. Requested ReadCapacityUnits: ${wanted.readCapacityUnits}. ` +
            `Current WriteCapacityUnits provisioned for the index: ${current.writeCapacityUnits}. Requested WriteCapacityUnits: ${wanted.writeCapacityUnits}. ` +
            'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
        ); // [UNVERIFIED] index wording, modelled on the table's
      }
      const decreased = wanted.readCapacityUnits < current.readCapacityUnits || wanted.writeCapacityUnits < current.writeCapacityUnits;
      const increased = wanted.readCapacityUnits > current.readCapacityUnits || wanted.writeCapacityUnits > current.writeCapacityUnits;
      const indexHistory = indexRecord.throughputHistory ?? { decreasesToday: 0 };
      if (decreased) checkDecrease(indexHistory, now);
      indexRecord.throughputHistory = recordThroughputChange(indexHistory, now, increased, decreased);
    }
    schema.gsis[position] = { ...schema.gsis[position]!, throughput: wanted };
  }

  // ---- GSI create / delete -----------------------------------------------------------------------
  const create = creates[0];
  const deleteName = deletes[0];
  if (create !== undefined || deleteName !== undefined) {
    const target = deleteName ?? create!.IndexName;
    const inFlight = indexes.filter((index) => (index.status === 'CREATING' || index.status === 'DELETING') && !(index.name === deleteName && index.status === 'CREATING'));
    if (inFlight.length > 0) throw limitExceeded(ONE_ONLINE_INDEX);
    if (create !== undefined) {
      const index = validateCreate(schema, create, request.AttributeDefinitions ?? [], requestedMode);
      if (schema.gsis.length >= GLOBAL_SECONDARY_INDEXES_MAX) {
        throw limitExceeded(`Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of ${GLOBAL_SECONDARY_INDEXES_MAX}`);
      }
      schema = addDefinitions(schema, index, request.AttributeDefinitions ?? []);
      schema.gsis = [...schema.gsis, index];
      const indexId = nextIndexId++;
      indexes = [...indexes, { name: index.name, indexId, status: 'CREATING', backfilling: true, addedLater: true, activeAfterMs: now + context.settings.indexStatusDelayMs }];
      job = { kind: 'backfill', indexId };
    } else {
      const indexRecord = indexes.find((index) => index.name === target);
      if (indexRecord === undefined || !schema.gsis.some((index) => index.name === target)) throw indexNotFound(target, name);
      if (indexRecord.status === 'DELETING') throw limitExceeded(ONE_ONLINE_INDEX);
      indexes = indexes.map((index) => (index.name === target ? { ...index, status: 'DELETING', backfilling: false } : index));
      job = { kind: 'purge', indexId: indexRecord.indexId };
    }
  }

  // ---- table class and deletion protection --------------------------------------------------------
  if (request.TableClass !== undefined) schema.tableClass = request.TableClass;
  if (request.DeletionProtectionEnabled !== undefined) schema.deletionProtectionEnabled = request.DeletionProtectionEnabled;
  if (switching) schema.billingMode = requestedMode;

  const next: UpdatableTableRecord = {
    ...record,
    schema,
    indexes,
    throughputHistory: history,
    nextIndexId,
    status: 'UPDATING',
    statusChangeAtMs: now + context.settings.tableStatusDelayMs,
  };
  if (switches !== undefined) next.billingModeSwitchesMs = switches;
  const persisted = context.catalog.put(next);
  // The response: the new indexes and change times, but the previous throughput and decrease count
  // (observed service behaviour: those show once the table is ACTIVE again).
  const shown: TableRecord =
    request.ProvisionedThroughput !== undefined && !switching
      ? {
          ...next,
          schema: { ...schema, throughput: record.schema.throughput! },
          throughputHistory: { ...history, decreasesToday: decreasesToday(record.throughputHistory, now) },
        }
      : next;
  const description = render(context, shown, tableStatistics(context, new Table(next)));
  await persisted;
  // The partition maps follow the durable record: a new GSI gets its map, a changed throughput or
  // billing mode is applied (raising it may split; decreases never merge). An on-demand switch keeps
  // at least the previous provisioned level (facts §11.2).
  const partitions = context.partitions;
  if (switching || request.ProvisionedThroughput !== undefined) {
    await partitions.setThroughput(record.tableId, 0, settingsOf(schema, undefined, {}, settingsOf(record.schema)));
  }
  for (const gsi of schema.gsis) {
    const indexRecord = indexes.find((index) => index.name === gsi.name);
    if (indexRecord === undefined) continue;
    if (job?.kind === 'backfill' && job.indexId === indexRecord.indexId) {
      await partitions.createMap(record.tableId, indexRecord.indexId, settingsOf(schema, gsi), false, gsi.partitionKey.type);
    } else if (switching || indexUpdates.some((update) => update.IndexName === gsi.name && update.ProvisionedThroughput !== undefined)) {
      const before = record.schema.gsis.find((index) => index.name === gsi.name);
      await partitions.setThroughput(record.tableId, indexRecord.indexId, settingsOf(schema, gsi, {}, before === undefined ? undefined : settingsOf(record.schema, before)));
    }
  }
  if (job !== undefined) {
    const jobs = indexJobs(context);
    if (job.kind === 'backfill') jobs.startBackfill(name, job.indexId);
    else jobs.startPurge(name, job.indexId);
  }
  return { TableDescription: description };
}

/** [UNVERIFIED] wording: observed as "Requested resource not found: Index: <i> for table: <t>"-like text. */
function indexNotFound(indexName: string, tableName: string): DynamoDBError {
  return new DynamoDBError('ResourceNotFoundException', `Requested resource not found: Index: ${indexName} for table: ${tableName} not found`);
}

function undefinedKeys(keys: readonly string[], defined: readonly string[]): ValidationException {
  return new ValidationException(
    `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(', ')}], AttributeDefinitions: [${defined.join(', ')}]`,
  );
}

/** The new GSI's schema, checked as CreateTable checks its GSIs (messages from schema-validate.ts). */
function validateCreate(schema: TableSchema, create: GsiCreate, requestDefinitions: readonly AttributeDefinition[], mode: TableSchema['billingMode']): IndexSchema {
  const name = create.IndexName;
  const definitions = mergedDefinitions(schema, requestDefinitions);
  const keyNames = create.KeySchema.map((key) => key.AttributeName);
  const typeOf = (attribute: string): KeyAttribute['type'] | undefined => definitions.find((definition) => definition.AttributeName === attribute)?.AttributeType;
  if (keyNames.some((attribute) => typeOf(attribute) === undefined)) throw undefinedKeys(keyNames, definitions.map((definition) => definition.AttributeName));
  if (keyNames.length === 2 && keyNames[0] === keyNames[1]) throw new ValidationException('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  if (create.KeySchema[0]!.KeyType !== 'HASH') throw new ValidationException('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (create.KeySchema.length === 2 && create.KeySchema[1]!.KeyType !== 'RANGE') {
    throw new ValidationException('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  }
  const projectionType = create.Projection.ProjectionType;
  if (projectionType === undefined) throw new ValidationException(`${INVALID}Unknown ProjectionType: null`);
  if (create.Projection.NonKeyAttributes !== undefined && projectionType !== 'INCLUDE') {
    throw new ValidationException(`${INVALID}ProjectionType is ${projectionType}, but NonKeyAttributes is specified`);
  }
  if ([...schema.gsis, ...schema.lsis].some((index) => index.name === name)) throw new ValidationException(`${INVALID}Duplicate index name: ${name}`);
  const projected = [...schema.gsis, ...schema.lsis].reduce((sum, index) => sum + index.projection.nonKeyAttributes.length, 0);
  if (projected + (create.Projection.NonKeyAttributes?.length ?? 0) > PROJECTED_ATTRIBUTES_MAX) {
    throw new ValidationException(`${INVALID}Number of attributes projected into all of the secondary indexes exceeds the limit of ${PROJECTED_ATTRIBUTES_MAX}`);
  }
  if (mode === 'PAY_PER_REQUEST' && create.ProvisionedThroughput !== undefined) {
    throw new ValidationException(`${INVALID}ProvisionedThroughput should not be specified for index: ${name} when BillingMode is PAY_PER_REQUEST`);
  }
  if (mode === 'PROVISIONED' && create.ProvisionedThroughput === undefined) throw new ValidationException(`${INVALID}ProvisionedThroughput must be specified for index: ${name}`);
  const index: IndexSchema = {
    name,
    kind: 'GSI',
    partitionKey: { name: keyNames[0]!, type: typeOf(keyNames[0]!)! },
    projection: { type: projectionType, nonKeyAttributes: [...(create.Projection.NonKeyAttributes ?? [])] },
  };
  if (keyNames[1] !== undefined) index.sortKey = { name: keyNames[1], type: typeOf(keyNames[1])! };
  if (create.ProvisionedThroughput !== undefined) {
    for (const member of ['ReadCapacityUnits', 'WriteCapacityUnits'] as const) {
      const units = create.ProvisionedThroughput[member];
      if (units > CAPACITY_UNITS_MAX) throw new ValidationException(`Given value ${units} for ${member} is out of bounds for index ${name}`);
    }
    index.throughput = throughputOf(create.ProvisionedThroughput);
  }
  return index;
}

/** The table's definitions, then the request's for attributes the table does not define (DynamoDB ignores the rest). */
function mergedDefinitions(schema: TableSchema, requestDefinitions: readonly AttributeDefinition[]): AttributeDefinition[] {
  const out = [...schema.attributeDefinitions];
  for (const definition of requestDefinitions) if (!out.some((known) => known.AttributeName === definition.AttributeName)) out.push(definition);
  return out;
}

/** The schema with the definitions the new index's keys need. */
function addDefinitions(schema: TableSchema, index: IndexSchema, requestDefinitions: readonly AttributeDefinition[]): TableSchema {
  const definitions = [...schema.attributeDefinitions];
  for (const key of index.sortKey === undefined ? [index.partitionKey] : [index.partitionKey, index.sortKey]) {
    if (definitions.some((definition) => definition.AttributeName === key.name)) continue;
    const fromRequest = requestDefinitions.find((definition) => definition.AttributeName === key.name)!;
    definitions.push({ AttributeName: fromRequest.AttributeName, AttributeType: fromRequest.AttributeType });
  }
  return { ...schema, attributeDefinitions: definitions };
}

// ---- the decrease quota (facts §2.2) -------------------------------------------------------------------

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The service's timestamp format in this message: "Sunday, March 24, 2019 9:07:28 AM UTC". */
export function formatQuotaTime(ms: number): string {
  const date = new Date(ms);
  const hours = date.getUTCHours();
  const two = (value: number): string => String(value).padStart(2, '0');
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
  return `${WEEKDAYS[date.getUTCDay()]!}, ${MONTHS[date.getUTCMonth()]!} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${clock} UTC`;
}

/** Decreases made so far in the UTC day of `nowMs`. */
export function decreasesToday(history: ThroughputHistory, nowMs: number): number {
  return history.decreaseDay === Math.floor(nowMs / DAY_MS) ? history.decreasesToday : 0;
}

/**
 * Throws DynamoDB's LimitExceededException when a decrease now would break the quota. The service's
 * own text states the rule: the first 4 decreases of a UTC day at any time, then at most one every
 * 3600 seconds, and 27 in the day at most.
 */
export function checkDecrease(history: ThroughputHistory, nowMs: number): void {
  const count = decreasesToday(history, nowMs);
  if (count < THROUGHPUT_DECREASES_UNTHROTTLED_COUNT) return;
  const last = history.lastDecreaseMs!;
  const nextByInterval = last + THROUGHPUT_DECREASE_INTERVAL_MS;
  const nextDay = (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS;
  const exhausted = count >= THROUGHPUT_DECREASES_PER_DAY_MAX;
  if (!exhausted && nowMs >= nextByInterval) return;
  throw limitExceeded(
    'Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. ' +
      `After the first ${THROUGHPUT_DECREASES_UNTHROTTLED_COUNT} decreases, each subsequent decrease in the same UTC day can be performed at most once every ${THROUGHPUT_DECREASE_INTERVAL_MS / 1000} seconds. ` +
      `Number of decreases today: ${count}. Last decrease at ${formatQuotaTime(last)}. Next decrease can be made at ${formatQuotaTime(exhausted ? nextDay : Math.min(nextByInterval, nextDay))}`,
  );
}

/** The history after a change at `nowMs` (the day's count restarts on a new UTC day). */
export function recordThroughputChange(history: ThroughputHistory, nowMs: number, increased: boolean, decreased: boolean): ThroughputHistory {
  const next: ThroughputHistory = { ...history, decreasesToday: decreasesToday(history, nowMs), decreaseDay: Math.floor(nowMs / DAY_MS) };
  if (increased) next.lastIncreaseMs = nowMs;
  if (decreased) {
    next.lastDecreaseMs = nowMs;
    next.decreasesToday++;
  }
  return next;
}
