/**
 * ProtocolError: a rejection by the wire-protocol layer itself, before or around an operation —
 * malformed JSON, an unknown target, a missing or bad signature. Carries DynamoDB's exception name
 * and, when DynamoDB sends one, its message (some of these errors have none on the wire).
 * engine/api/errors.ts turns it into the JSON error body.
 */

/** Errors raised by the protocol layer itself (before an operation runs). */
export type ProtocolErrorName =
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'AccessDeniedException'
  | 'ValidationException';

/** A protocol-level rejection: a wire name and an optional message (some have none, as in DynamoDB). */
export class ProtocolError extends Error {
  readonly statusCode = 400;
  readonly hasMessage: boolean;
  constructor(
    override readonly name: ProtocolErrorName,
    message?: string,
  ) {
    super(message ?? '');
    this.hasMessage = message !== undefined;
  }
}
