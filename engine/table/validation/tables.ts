/**
 * Control-plane requests: CreateTable (the model's validateCreateTable), DescribeTable, ListTables,
 * UpdateTable, DeleteTable, UpdateTimeToLive, DescribeTimeToLive and the three tag operations, with
 * the service's order and messages (dynalite validations/*.js; reference/dynamodb-facts.md §2, §7).
 *
 * Control-plane TableName members are checked one at a time before the batched constraints:
 * "The parameter 'TableName' is required…", then the 3..255 length message. UpdateTable's members
 * newer than dynalite (BillingMode, SSESpecification, TableClass, DeletionProtectionEnabled,
 * OnDemandThroughput, AttributeDefinitions) carry the API model's constraints. What needs the table
 * (throughput unchanged, index exists, stream already enabled, TTL state) is the caller's.
 *
 * Pure and synchronous.
 */
import { DynamoDBError, ValidationException } from '../../model/errors.js';
import type { TableSchema } from '../../model/schema.js';
import { validateCreateTable } from '../../model/schema-validate.js';
import {
  CAPACITY_UNITS_MAX,
  CAPACITY_UNITS_MIN,
  KEY_ATTRIBUTE_NAME_BYTES_MAX,
  LIST_TABLES_LIMIT_MAX,
  TABLE_NAME_LENGTH_MAX,
  TABLE_NAME_LENGTH_MIN,
  TAG_KEY_LENGTH_MAX,
  TAG_VALUE_LENGTH_MAX,
} from '../../limits.js';
import { BOOLEAN, CONTROL_TABLE_NAME, INDEX_NAME, INVALID, NAME_PATTERN, STRING, struct } from './common.js';
import { checkRequest } from './shape.js';
import type { Json, Spec, StringSpec } from './shape.js';
import type {
  DeleteTableInput,
  DescribeTableInput,
  DescribeTimeToLiveInput,
  ListTablesInput,
  ListTagsOfResourceInput,
  TagResourceInput,
  UntagResourceInput,
  UpdateTableInput,
  UpdateTimeToLiveInput,
} from './types.js';

export const UPDATE_TABLE_NOTHING_MESSAGE =
  'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required';
/** Who the AccessDeniedException of a tag operation names; the embedding database may pass its own. */
export const DEFAULT_CALLER_ARN = 'arn:aws:iam::000000000000:user/silt';

const TABLE_NAME_ONLY: Record<string, Spec> = { TableName: CONTROL_TABLE_NAME };

const CAPACITY_UNITS: Spec = { type: 'Long', notNull: true, min: CAPACITY_UNITS_MIN };
const THROUGHPUT = struct({ WriteCapacityUnits: CAPACITY_UNITS, ReadCapacityUnits: CAPACITY_UNITS });
const ON_DEMAND = struct({ MaxReadRequestUnits: { type: 'Long' }, MaxWriteRequestUnits: { type: 'Long' } });
const REQUIRED_INDEX_NAME: StringSpec = { ...INDEX_NAME, notNull: true };
const enumOf = (values: readonly string[], notNull = false): StringSpec => (notNull ? { type: 'String', notNull, enum: values } : { type: 'String', enum: values });

const UPDATE_TABLE: Record<string, Spec> = {
  TableName: CONTROL_TABLE_NAME,
  ProvisionedThroughput: THROUGHPUT,
  GlobalSecondaryIndexUpdates: {
    type: 'List',
    member: struct({
      Update: struct({ IndexName: REQUIRED_INDEX_NAME, ProvisionedThroughput: THROUGHPUT, OnDemandThroughput: ON_DEMAND }),
      Create: struct({
        Projection: struct(
          { ProjectionType: enumOf(['ALL', 'INCLUDE', 'KEYS_ONLY']), NonKeyAttributes: { type: 'List', lengthMin: 1, member: STRING } },
          true,
        ),
        IndexName: REQUIRED_INDEX_NAME,
        ProvisionedThroughput: THROUGHPUT,
        KeySchema: {
          type: 'List',
          notNull: true,
          lengthMin: 1,
          lengthMax: 2,
          member: struct({
            AttributeName: { type: 'String', notNull: true, lengthMin: 1, lengthMax: KEY_ATTRIBUTE_NAME_BYTES_MAX },
            KeyType: enumOf(['HASH', 'RANGE'], true),
          }),
        },
        OnDemandThroughput: ON_DEMAND,
      }),
      Delete: struct({ IndexName: REQUIRED_INDEX_NAME }),
    }),
  },
  AttributeDefinitions: {
    type: 'List',
    member: struct({ AttributeName: { type: 'String', notNull: true }, AttributeType: enumOf(['B', 'N', 'S'], true) }),
  },
  BillingMode: enumOf(['PROVISIONED', 'PAY_PER_REQUEST']),
  StreamSpecification: struct({
    StreamEnabled: { type: 'Boolean', notNull: true },
    StreamViewType: enumOf(['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY']),
  }),
  SSESpecification: struct({ Enabled: BOOLEAN, SSEType: enumOf(['AES256', 'KMS']), KMSMasterKeyId: STRING }),
  TableClass: enumOf(['STANDARD', 'STANDARD_INFREQUENT_ACCESS']),
  DeletionProtectionEnabled: BOOLEAN,
  OnDemandThroughput: ON_DEMAND,
};

const LIST_TABLES: Record<string, Spec> = {
  Limit: { type: 'Integer', min: 1, max: LIST_TABLES_LIMIT_MAX },
  ExclusiveStartTableName: { type: 'String', regex: NAME_PATTERN, lengthMin: TABLE_NAME_LENGTH_MIN, lengthMax: TABLE_NAME_LENGTH_MAX },
};

const UPDATE_TIME_TO_LIVE: Record<string, Spec> = {
  TableName: CONTROL_TABLE_NAME,
  TimeToLiveSpecification: struct(
    { AttributeName: { type: 'String', notNull: true, lengthMax: KEY_ATTRIBUTE_NAME_BYTES_MAX }, Enabled: { type: 'Boolean', notNull: true } },
    true,
  ),
};

const TAG_KEY: Spec = { type: 'String', notNull: true, lengthMin: 1, lengthMax: TAG_KEY_LENGTH_MAX };
const TAG_RESOURCE: Record<string, Spec> = {
  ResourceArn: STRING,
  Tags: { type: 'List', member: struct({ Key: TAG_KEY, Value: { type: 'String', notNull: true, lengthMax: TAG_VALUE_LENGTH_MAX } }) },
};
const UNTAG_RESOURCE: Record<string, Spec> = { ResourceArn: STRING, TagKeys: { type: 'List', member: TAG_KEY } };
const LIST_TAGS: Record<string, Spec> = { ResourceArn: STRING, NextToken: STRING };

export function validateCreateTableRequest(input: unknown): TableSchema {
  return validateCreateTable(input);
}

export function validateDescribeTableRequest(input: unknown): DescribeTableInput {
  return checkRequest(input, TABLE_NAME_ONLY) as unknown as DescribeTableInput; // checked against TABLE_NAME_ONLY
}

export function validateDeleteTableRequest(input: unknown): DeleteTableInput {
  return checkRequest(input, TABLE_NAME_ONLY) as unknown as DeleteTableInput; // checked against TABLE_NAME_ONLY
}

export function validateDescribeTimeToLiveRequest(input: unknown): DescribeTimeToLiveInput {
  return checkRequest(input, TABLE_NAME_ONLY) as unknown as DescribeTimeToLiveInput; // checked against TABLE_NAME_ONLY
}

export function validateListTablesRequest(input: unknown): ListTablesInput {
  return checkRequest(input, LIST_TABLES) as ListTablesInput; // checked against LIST_TABLES
}

function checkUnitsBounds(throughput: Json | undefined, suffix: string): void {
  if (throughput === undefined) return;
  for (const member of ['ReadCapacityUnits', 'WriteCapacityUnits']) {
    const units = throughput[member] as number;
    if (units > CAPACITY_UNITS_MAX) throw new ValidationException(`Given value ${units} for ${member} is out of bounds${suffix}`);
  }
}

export function validateUpdateTableRequest(input: unknown): UpdateTableInput {
  const data = checkRequest(input, UPDATE_TABLE);
  const updates = data['GlobalSecondaryIndexUpdates'] as Json[] | undefined;
  const changes = ['ProvisionedThroughput', 'BillingMode', 'StreamSpecification', 'SSESpecification', 'TableClass', 'DeletionProtectionEnabled', 'OnDemandThroughput'];
  if (!changes.some((name) => data[name] !== undefined) && (updates === undefined || updates.length === 0)) {
    throw new ValidationException(UPDATE_TABLE_NOTHING_MESSAGE);
  }
  checkUnitsBounds(data['ProvisionedThroughput'] as Json | undefined, '');
  const indexNames = new Set<string>();
  for (const update of updates ?? []) {
    const actions = ['Update', 'Create', 'Delete'].filter((name) => update[name] !== undefined);
    if (actions.length === 0) {
      throw new ValidationException(
        `${INVALID}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`,
      );
    }
    if (actions.length > 1) {
      throw new ValidationException(`${INVALID}Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object`);
    }
    const action = update[actions[0]!] as Json;
    const indexName = action['IndexName'] as string;
    if (indexNames.has(indexName)) {
      throw new ValidationException(`${INVALID}Only one global secondary index update per index is allowed simultaneously. Index: ${indexName}`);
    }
    indexNames.add(indexName);
    if (actions[0] === 'Update') checkUnitsBounds(action['ProvisionedThroughput'] as Json | undefined, ` for index ${indexName}`);
  }
  return data as unknown as UpdateTableInput; // checked against UPDATE_TABLE above
}

export function validateUpdateTimeToLiveRequest(input: unknown): UpdateTimeToLiveInput {
  const data = checkRequest(input, UPDATE_TIME_TO_LIVE);
  const specification = data['TimeToLiveSpecification'] as Json;
  if (specification['AttributeName'] === '') throw new ValidationException('TimeToLiveSpecification.AttributeName must be non empty');
  return data as unknown as UpdateTimeToLiveInput; // checked against UPDATE_TIME_TO_LIVE above
}

// ---- Tags --------------------------------------------------------------------------------------------

const ANY_ARN = /^.+:.+:.+:.+:.+:.+\/.+$/;
const TABLE_ARN = /^arn:aws:dynamodb:.+:\d+:table\/[^/]{2}[^/]+$/;

/** The ResourceArn rules the three tag operations share, then the list member (null / empty). */
function checkResource(data: Json, operation: string, callerArn: string, list?: { member: string; emptyMessage: string }): void {
  const arn = data['ResourceArn'] as string | undefined;
  if (arn === undefined) throw new ValidationException('Invalid TableArn');
  if (!ANY_ARN.test(arn)) {
    throw new DynamoDBError('AccessDeniedException', `User: ${callerArn} is not authorized to perform: dynamodb:${operation} on resource: ${arn === '' ? '*' : arn}`);
  }
  if (list !== undefined && data[list.member] === undefined) {
    const path = list.member[0]!.toLowerCase() + list.member.slice(1);
    throw new ValidationException(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  }
  if (!TABLE_ARN.test(arn)) throw new ValidationException(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  if (list !== undefined && (data[list.member] as unknown[]).length === 0) throw new ValidationException(list.emptyMessage);
}

export function validateTagResourceRequest(input: unknown, callerArn = DEFAULT_CALLER_ARN): TagResourceInput {
  const data = checkRequest(input, TAG_RESOURCE);
  checkResource(data, 'TagResource', callerArn, { member: 'Tags', emptyMessage: 'Atleast one Tag needs to be provided as Input.' });
  return data as unknown as TagResourceInput; // checked against TAG_RESOURCE above
}

export function validateUntagResourceRequest(input: unknown, callerArn = DEFAULT_CALLER_ARN): UntagResourceInput {
  const data = checkRequest(input, UNTAG_RESOURCE);
  checkResource(data, 'UntagResource', callerArn, { member: 'TagKeys', emptyMessage: 'Atleast one Tag Key needs to be provided as Input.' });
  return data as unknown as UntagResourceInput; // checked against UNTAG_RESOURCE above
}

export function validateListTagsOfResourceRequest(input: unknown, callerArn = DEFAULT_CALLER_ARN): ListTagsOfResourceInput {
  const data = checkRequest(input, LIST_TAGS);
  checkResource(data, 'ListTagsOfResource', callerArn);
  return data as unknown as ListTagsOfResourceInput; // checked against LIST_TAGS above
}

/** The table name of a table ARN that passed a tag operation's checks. */
export function tableNameOfResourceArn(arn: string): string {
  return arn.slice(arn.indexOf(':table/') + ':table/'.length);
}
