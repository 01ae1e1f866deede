/**
 * Table definitions: the AWS SDK's CreateTableInput shapes (DESIGN.md decision 9), and the
 * normalised TableSchema that validateCreateTable (schema-validate.ts) returns for later layers.
 *
 * Types only, plus tiny helpers; pure.
 */
import type { ScalarAttributeType } from './attribute-value.js';

// ---- The SDK's shapes ------------------------------------------------------------------------------

export type KeyType = 'HASH' | 'RANGE';
export interface KeySchemaElement {
  AttributeName: string;
  KeyType: KeyType;
}
export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: ScalarAttributeType;
}
export type ProjectionType = 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
export interface Projection {
  ProjectionType?: ProjectionType;
  NonKeyAttributes?: string[];
}
export interface ProvisionedThroughput {
  ReadCapacityUnits: number;
  WriteCapacityUnits: number;
}
export interface OnDemandThroughput {
  MaxReadRequestUnits?: number;
  MaxWriteRequestUnits?: number;
}
export interface GlobalSecondaryIndex {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
  ProvisionedThroughput?: ProvisionedThroughput;
  OnDemandThroughput?: OnDemandThroughput;
}
export interface LocalSecondaryIndex {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
}
export type BillingMode = 'PROVISIONED' | 'PAY_PER_REQUEST';
export type StreamViewType = 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
export interface StreamSpecification {
  StreamEnabled: boolean;
  StreamViewType?: StreamViewType;
}
export type SSEType = 'AES256' | 'KMS';
export interface SSESpecification {
  Enabled?: boolean;
  SSEType?: SSEType;
  KMSMasterKeyId?: string;
}
export type TableClass = 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
export interface Tag {
  Key: string;
  Value: string;
}

export interface CreateTableInput {
  TableName: string;
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  LocalSecondaryIndexes?: LocalSecondaryIndex[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  BillingMode?: BillingMode;
  ProvisionedThroughput?: ProvisionedThroughput;
  StreamSpecification?: StreamSpecification;
  SSESpecification?: SSESpecification;
  Tags?: Tag[];
  TableClass?: TableClass;
  DeletionProtectionEnabled?: boolean;
  OnDemandThroughput?: OnDemandThroughput;
}

// ---- The normalised schema -------------------------------------------------------------------------

export interface KeyAttribute {
  name: string;
  type: ScalarAttributeType;
}

/** What key validation and the storage key need: the key attributes and their types. */
export interface PrimaryKeySchema {
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}

export interface Throughput {
  readCapacityUnits: number;
  writeCapacityUnits: number;
}

export interface IndexSchema extends PrimaryKeySchema {
  name: string;
  kind: 'GSI' | 'LSI';
  /** KEYS_ONLY and ALL have no non-key attributes; INCLUDE lists them. */
  projection: { type: ProjectionType; nonKeyAttributes: string[] };
  /** Provisioned GSIs only; LSIs share the table's. */
  throughput?: Throughput;
}

export interface TableSchema extends PrimaryKeySchema {
  tableName: string;
  attributeDefinitions: AttributeDefinition[];
  gsis: IndexSchema[];
  lsis: IndexSchema[];
  billingMode: BillingMode;
  /** Present exactly when billingMode is PROVISIONED. */
  throughput?: Throughput;
  stream: { enabled: boolean; viewType?: StreamViewType };
  sse: { enabled: boolean; type?: SSEType; kmsMasterKeyId?: string };
  tableClass: TableClass;
  deletionProtectionEnabled: boolean;
  tags: Tag[];
}

/** Names of a key schema's attributes, partition key first. */
export function keyAttributeNames(schema: PrimaryKeySchema): string[] {
  return schema.sortKey === undefined ? [schema.partitionKey.name] : [schema.partitionKey.name, schema.sortKey.name];
}
