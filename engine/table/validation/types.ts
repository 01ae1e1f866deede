/**
 * The normalised requests the validators return: the AWS SDK's command input shapes (DESIGN.md
 * decision 9), with every AttributeValue validated and canonical (numbers normalised), unknown and
 * null members dropped, and a table ARN in a TableName (or a batch's RequestItems key) replaced by
 * the table's name. ExpressionAttributeValues are shape-checked only: ExpressionContext validates
 * their values with DynamoDB's wrapped message. Types only.
 */
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import type {
  AttributeDefinition,
  BillingMode,
  KeySchemaElement,
  OnDemandThroughput,
  Projection,
  ProvisionedThroughput,
  SSESpecification,
  StreamSpecification,
  TableClass,
  Tag,
} from '../../model/schema.js';
import type {
  AttributeValueUpdate,
  ConditionalOperator,
  ExpectedAttributeValue,
  LegacyCondition,
} from '../../expressions/legacy.js';
import type { ReturnConsumedCapacity } from '../capacity.js';

export type ReturnValue = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
export type ReturnItemCollectionMetrics = 'SIZE' | 'NONE';
export type ReturnValuesOnConditionCheckFailure = 'ALL_OLD' | 'NONE';
export type Select = 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';

interface ExpressionMaps {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

export interface PutItemInput extends ExpressionMaps {
  TableName: string;
  Item: Item;
  ConditionExpression?: string;
  Expected?: Record<string, ExpectedAttributeValue>;
  ConditionalOperator?: ConditionalOperator;
  ReturnValues?: ReturnValue;
  ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: ReturnItemCollectionMetrics;
}

export interface DeleteItemInput extends Omit<PutItemInput, 'Item'> {
  Key: Item;
}

export interface UpdateItemInput extends DeleteItemInput {
  UpdateExpression?: string;
  AttributeUpdates?: Record<string, AttributeValueUpdate>;
}

export interface GetItemInput {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  ExpressionAttributeNames?: Record<string, string>;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

export interface ScanInput extends ExpressionMaps {
  TableName: string;
  IndexName?: string;
  Select?: Select;
  AttributesToGet?: string[];
  Limit?: number;
  ConsistentRead?: boolean;
  ExclusiveStartKey?: Item;
  ProjectionExpression?: string;
  FilterExpression?: string;
  ScanFilter?: Record<string, LegacyCondition>;
  ConditionalOperator?: ConditionalOperator;
  Segment?: number;
  TotalSegments?: number;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

export interface QueryInput extends Omit<ScanInput, 'ScanFilter' | 'Segment' | 'TotalSegments'> {
  KeyConditionExpression?: string;
  KeyConditions?: Record<string, LegacyCondition>;
  QueryFilter?: Record<string, LegacyCondition>;
  ScanIndexForward?: boolean;
}

export interface KeysAndAttributes {
  Keys: Item[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  ExpressionAttributeNames?: Record<string, string>;
}

export interface BatchGetItemInput {
  RequestItems: Record<string, KeysAndAttributes>;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

export interface BatchWriteItemInput {
  RequestItems: Record<string, WriteRequest[]>;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: ReturnItemCollectionMetrics;
}

interface TransactAction extends ExpressionMaps {
  TableName: string;
  ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
}
export interface ConditionCheck extends TransactAction {
  Key: Item;
  ConditionExpression: string;
}
export interface TransactPut extends TransactAction {
  Item: Item;
  ConditionExpression?: string;
}
export interface TransactDelete extends TransactAction {
  Key: Item;
  ConditionExpression?: string;
}
export interface TransactUpdate extends TransactAction {
  Key: Item;
  UpdateExpression: string;
  ConditionExpression?: string;
}
export type TransactWriteItem =
  | { ConditionCheck: ConditionCheck }
  | { Put: TransactPut }
  | { Delete: TransactDelete }
  | { Update: TransactUpdate };

export interface TransactWriteItemsInput {
  TransactItems: TransactWriteItem[];
  ClientRequestToken?: string;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: ReturnItemCollectionMetrics;
}

export interface TransactGetItem {
  Get: { TableName: string; Key: Item; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> };
}
export interface TransactGetItemsInput {
  TransactItems: TransactGetItem[];
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

export interface TableNameInput {
  TableName: string;
}
export type DescribeTableInput = TableNameInput;
export type DeleteTableInput = TableNameInput;
export type DescribeTimeToLiveInput = TableNameInput;

export interface ListTablesInput {
  ExclusiveStartTableName?: string;
  Limit?: number;
}

export interface GlobalSecondaryIndexUpdate {
  Create?: {
    IndexName: string;
    KeySchema: KeySchemaElement[];
    Projection: Projection;
    ProvisionedThroughput?: ProvisionedThroughput;
    OnDemandThroughput?: OnDemandThroughput;
  };
  Update?: { IndexName: string; ProvisionedThroughput?: ProvisionedThroughput; OnDemandThroughput?: OnDemandThroughput };
  Delete?: { IndexName: string };
}

export interface UpdateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  BillingMode?: BillingMode;
  ProvisionedThroughput?: ProvisionedThroughput;
  GlobalSecondaryIndexUpdates?: GlobalSecondaryIndexUpdate[];
  StreamSpecification?: StreamSpecification;
  SSESpecification?: SSESpecification;
  TableClass?: TableClass;
  DeletionProtectionEnabled?: boolean;
  OnDemandThroughput?: OnDemandThroughput;
}

export interface UpdateTimeToLiveInput {
  TableName: string;
  TimeToLiveSpecification: { Enabled: boolean; AttributeName: string };
}

export interface TagResourceInput {
  ResourceArn: string;
  Tags: Tag[];
}
export interface UntagResourceInput {
  ResourceArn: string;
  TagKeys: string[];
}
export interface ListTagsOfResourceInput {
  ResourceArn: string;
  NextToken?: string;
}
