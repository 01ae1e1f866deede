/**
 * DynamoDB's exceptions: the name, the message and the HTTP status DynamoDB gives. Every layer that
 * rejects a request throws one of these (engine/api maps them to the wire shape
 * `{"__type": "<namespace>#<Name>", "message": ...}`). Messages are DynamoDB's contract: tests match
 * them exactly. Later layers add their exceptions here so the set stays closed and visible.
 */
export type DynamoDBErrorName =
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'ResourceInUseException'
  | 'ConditionalCheckFailedException'
  | 'TransactionCanceledException'
  | 'TransactionConflictException'
  | 'TransactionInProgressException'
  | 'IdempotentParameterMismatchException'
  | 'ProvisionedThroughputExceededException'
  | 'ThrottlingException'
  | 'RequestLimitExceeded'
  | 'ItemCollectionSizeLimitExceededException'
  | 'LimitExceededException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'MissingAuthenticationTokenException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'AccessDeniedException'
  | 'InternalServerError';

export class DynamoDBError extends Error {
  /** HTTP status: 400 for client errors, 500 only for InternalServerError. */
  readonly statusCode: number;
  constructor(
    override readonly name: DynamoDBErrorName,
    message: string,
    options?: { cause?: unknown; statusCode?: number },
  ) {
    super(message, options);
    this.statusCode = options?.statusCode ?? (name === 'InternalServerError' ? 500 : 400);
  }
}

export class ValidationException extends DynamoDBError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ValidationException', message, options);
  }
}

/**
 * The request's JSON has the wrong shape for a member (a number where a string belongs, a list
 * where a map belongs). The wire protocol raises it before any validation (reference §14.1).
 */
export class SerializationException extends DynamoDBError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SerializationException', message, options);
  }
}
