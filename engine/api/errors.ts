/**
 * Errors on the wire: every exception a request can end in becomes DynamoDB's JSON error body
 * `{"__type": "<namespace>#<Name>", "message": "..."}` with DynamoDB's HTTP status
 * (reference/dynamodb-facts.md §14.1–14.2):
 *
 *   1. The namespace is the one the service uses for that error: `com.amazon.coral.validate` for
 *      ValidationException, `com.amazon.coral.service` for protocol, parse and auth errors,
 *      `com.amazon.coral.availability` for ThrottlingException, `com.amazonaws.dynamodb.v20120810`
 *      for DynamoDB's modeled errors (and InternalServerError).
 *   2. The message member is `Message` for TransactionCanceledException,
 *      TransactionInProgressException and IdempotentParameterMismatchException (their API shapes
 *      say so) and for SerializationException (the service's JSON type errors spell it so, as
 *      dynalite captured: "note different capitalization for Message"), `message` for every other
 *      error; an error without a message has no member at all (malformed JSON, unknown operation).
 *   3. TransactionCanceledException carries `CancellationReasons`, ConditionalCheckFailedException
 *      an optional `Item`, both with attribute values encoded as on the wire (binary in base64).
 *      A data-plane throttle (ProvisionedThroughputExceededException, ThrottlingException) carries
 *      `ThrottlingReasons: [{reason, resource}]`.
 *   4. Status 400 for every client error; 500 only for InternalServerError. Anything that is not a
 *      DynamoDB or protocol error is a bug: the caller logs it, and the client gets a 500 with
 *      DynamoDB's InternalServerError text — never a stack trace or an internal message.
 */
import { DynamoDBError } from '../model/errors.js';
import { ConditionalCheckFailedException, ThroughputExceededException, TransactionCanceledException } from '../table/errors.js';
import { encodeShape, ITEM } from './codec.js';
import { ProtocolError } from './protocol-error.js';

export { ProtocolError } from './protocol-error.js';
export type { ProtocolErrorName } from './protocol-error.js';

export const INTERNAL_SERVER_ERROR_MESSAGE = 'The server encountered an internal error trying to fulfill the request.';

const CORAL_SERVICE = 'com.amazon.coral.service';
const CORAL_VALIDATE = 'com.amazon.coral.validate';
const CORAL_AVAILABILITY = 'com.amazon.coral.availability';
const DYNAMODB = 'com.amazonaws.dynamodb.v20120810';

const SERVICE_ERRORS: ReadonlySet<string> = new Set([
  'SerializationException',
  'UnknownOperationException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'AccessDeniedException',
]);

/** Errors whose message member is spelled `Message` on the wire. */
const CAPITALISED_MESSAGE: ReadonlySet<string> = new Set([
  'SerializationException',
  'TransactionCanceledException',
  'TransactionInProgressException',
  'IdempotentParameterMismatchException',
]);

/** The `__type` namespace DynamoDB uses for an error name. */
export function namespaceOf(name: string): string {
  if (name === 'ValidationException') return CORAL_VALIDATE;
  if (name === 'ThrottlingException') return CORAL_AVAILABILITY;
  if (SERVICE_ERRORS.has(name)) return CORAL_SERVICE;
  return DYNAMODB;
}

export interface WireError {
  statusCode: number;
  body: Record<string, unknown>;
  /** True when the error was not a DynamoDB or protocol error: a bug the caller must log. */
  unexpected: boolean;
}

/** DynamoDB's error body for `name` and `message` (no message member when `message` is undefined). */
export function errorBody(name: string, message: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { __type: `${namespaceOf(name)}#${name}` };
  if (message !== undefined) body[CAPITALISED_MESSAGE.has(name) ? 'Message' : 'message'] = message;
  return body;
}

/** Maps any thrown value to its wire form (rules 1–4 above). */
export function toWireError(error: unknown): WireError {
  if (error instanceof ProtocolError) {
    return { statusCode: error.statusCode, body: errorBody(error.name, error.hasMessage ? error.message : undefined), unexpected: false };
  }
  if (error instanceof DynamoDBError) {
    const body = errorBody(error.name, error.message);
    if (error instanceof TransactionCanceledException) {
      body['CancellationReasons'] = error.CancellationReasons.map((reason) =>
        reason.Item === undefined ? reason : { ...reason, Item: encodeShape(reason.Item, ITEM) },
      );
    } else if (error instanceof ConditionalCheckFailedException && error.Item !== undefined) {
      body['Item'] = encodeShape(error.Item, ITEM);
    } else if (error instanceof ThroughputExceededException) {
      body['ThrottlingReasons'] = error.ThrottlingReasons;
    }
    const unexpected = error.statusCode >= 500;
    return { statusCode: error.statusCode, body, unexpected };
  }
  return { statusCode: 500, body: errorBody('InternalServerError', INTERNAL_SERVER_ERROR_MESSAGE), unexpected: true };
}
