import { expect } from 'vitest';
import { DynamoDBError } from '../../../engine/model/errors.js';

/** The DynamoDB error `run` throws (fails the test if it returns or throws anything else). */
export function failure(run: () => unknown): DynamoDBError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DynamoDBError);
    return error as DynamoDBError;
  }
  throw new Error('expected a DynamoDB error, but the request was accepted');
}

/** Asserts the exception name and exact message. */
export function expectError(run: () => unknown, name: string, message: string): void {
  const error = failure(run);
  expect({ name: error.name, message: error.message }).toStrictEqual({ name, message });
}

export const validation = (run: () => unknown, message: string) => expectError(run, 'ValidationException', message);
export const serialization = (run: () => unknown, message: string) => expectError(run, 'SerializationException', message);

/** "N validation error(s) detected: …" for the given constraint texts. */
export function constraints(...errors: string[]): string {
  return `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.join('; ')}`;
}
export function constraint(value: string | null, path: string, text: string): string {
  return `Value ${value === null ? 'null' : `'${value}'`} at '${path}' failed to satisfy constraint: ${text}`;
}
