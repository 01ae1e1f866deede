/**
 * The DynamoDB exceptions the table layer raises, with DynamoDB's messages. Constructors here keep
 * the texts in one place; the classes are the model layer's (engine/model/errors.ts).
 */
import { DynamoDBError } from '../model/errors.js';

export function resourceNotFound(tableName?: string): DynamoDBError {
  return new DynamoDBError('ResourceNotFoundException', tableName === undefined ? 'Requested resource not found' : `Requested resource not found: Table: ${tableName} not found`);
}

export function tableInUse(message: string): DynamoDBError {
  return new DynamoDBError('ResourceInUseException', message);
}

/** ConditionalCheckFailedException, optionally carrying the existing item (ReturnValuesOnConditionCheckFailure ALL_OLD). */
export class ConditionalCheckFailedException extends DynamoDBError {
  constructor(readonly Item?: Record<string, unknown>) {
    super('ConditionalCheckFailedException', 'The conditional request failed');
  }
}

export interface CancellationReason {
  Code: 'None' | 'ConditionalCheckFailed' | 'ItemCollectionSizeLimitExceeded' | 'TransactionConflict' | 'ProvisionedThroughputExceeded' | 'ThrottlingError' | 'ValidationError';
  Message?: string;
  Item?: Record<string, unknown>;
}

/** TransactionCanceledException with one reason per request item, in request order. */
export class TransactionCanceledException extends DynamoDBError {
  constructor(readonly CancellationReasons: CancellationReason[]) {
    super('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${CancellationReasons.map((r) => r.Code).join(', ')}]`);
  }
}

/** One entry of an exception's ThrottlingReasons (facts §11.4): `<Table|Index><Read|Write><LimitType>` and the ARN. */
export interface ThrottlingReason {
  reason: string;
  resource: string;
}

/** ProvisionedThroughputExceededException or ThrottlingException of the data plane, with its reasons. */
export class ThroughputExceededException extends DynamoDBError {
  constructor(
    name: 'ProvisionedThroughputExceededException' | 'ThrottlingException',
    message: string,
    readonly ThrottlingReasons: ThrottlingReason[],
  ) {
    super(name, message);
  }
}

export function transactionConflict(): DynamoDBError {
  return new DynamoDBError('TransactionConflictException', 'Operation was rejected because there is an ongoing transaction for the item');
}
