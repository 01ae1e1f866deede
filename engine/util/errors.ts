/**
 * The closed set of engine errors. Each has a stable `code`; tests match on class or code, never on
 * message text. DynamoDB-facing errors live in the table and api layers and are separate classes.
 */
export type ErrorCode =
  | 'SILT_CORRUPTION'
  | 'SILT_IO_ERROR'
  | 'SILT_INVALID_ARGUMENT'
  | 'SILT_CLOSED'
  | 'SILT_READ_ONLY'
  | 'SILT_LOCKED'
  | 'SILT_NOT_FOUND';

export abstract class SiltError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Stored bytes failed a checksum or a structural check. Never returned as data. */
export class CorruptionError extends SiltError {
  override readonly name = 'CorruptionError';
  readonly code = 'SILT_CORRUPTION';
}

/** The file system failed (EIO, ENOSPC, ...). `errno` carries the system code when there is one. */
export class IOError extends SiltError {
  override readonly name = 'IOError';
  readonly code = 'SILT_IO_ERROR';
  readonly errno: string | undefined;
  constructor(message: string, options?: { cause?: unknown; errno?: string }) {
    super(message, options);
    this.errno = options?.errno;
  }
}

export class InvalidArgumentError extends SiltError {
  override readonly name = 'InvalidArgumentError';
  readonly code = 'SILT_INVALID_ARGUMENT';
}

export class ClosedError extends SiltError {
  override readonly name = 'ClosedError';
  readonly code = 'SILT_CLOSED';
}

/** A write failed to become durable earlier; the store refuses writes until it is reopened. */
export class ReadOnlyError extends SiltError {
  override readonly name = 'ReadOnlyError';
  readonly code = 'SILT_READ_ONLY';
}

/** Another Store has the directory open. */
export class LockedError extends SiltError {
  override readonly name = 'LockedError';
  readonly code = 'SILT_LOCKED';
}

/** A file that must exist does not. */
export class NotFoundError extends SiltError {
  override readonly name = 'NotFoundError';
  readonly code = 'SILT_NOT_FOUND';
}
