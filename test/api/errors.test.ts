/**
 * Wire errors: every DynamoDB error name gets the namespace and message-member casing the service
 * uses, client errors are 400 and only InternalServerError is 500, and anything that is not a
 * DynamoDB or protocol error becomes a flagged 500 with DynamoDB's text and nothing of its own.
 */
import { describe, expect, it } from 'vitest';
import { errorBody, INTERNAL_SERVER_ERROR_MESSAGE, namespaceOf, ProtocolError, toWireError } from '../../engine/api/errors.js';
import { DynamoDBError, SerializationException, ValidationException, type DynamoDBErrorName } from '../../engine/model/errors.js';
import { ConditionalCheckFailedException, TransactionCanceledException } from '../../engine/table/errors.js';

const NAMES: Record<DynamoDBErrorName, string> = {
  ValidationException: 'com.amazon.coral.validate',
  ResourceNotFoundException: 'com.amazonaws.dynamodb.v20120810',
  ResourceInUseException: 'com.amazonaws.dynamodb.v20120810',
  ConditionalCheckFailedException: 'com.amazonaws.dynamodb.v20120810',
  TransactionCanceledException: 'com.amazonaws.dynamodb.v20120810',
  TransactionConflictException: 'com.amazonaws.dynamodb.v20120810',
  TransactionInProgressException: 'com.amazonaws.dynamodb.v20120810',
  IdempotentParameterMismatchException: 'com.amazonaws.dynamodb.v20120810',
  ProvisionedThroughputExceededException: 'com.amazonaws.dynamodb.v20120810',
  ThrottlingException: 'com.amazon.coral.availability',
  RequestLimitExceeded: 'com.amazonaws.dynamodb.v20120810',
  ItemCollectionSizeLimitExceededException: 'com.amazonaws.dynamodb.v20120810',
  LimitExceededException: 'com.amazonaws.dynamodb.v20120810',
  SerializationException: 'com.amazon.coral.service',
  UnknownOperationException: 'com.amazon.coral.service',
  MissingAuthenticationTokenException: 'com.amazon.coral.service',
  InvalidSignatureException: 'com.amazon.coral.service',
  UnrecognizedClientException: 'com.amazon.coral.service',
  AccessDeniedException: 'com.amazon.coral.service',
  InternalServerError: 'com.amazonaws.dynamodb.v20120810',
};
const CAPITALISED = new Set(['TransactionCanceledException', 'TransactionInProgressException', 'IdempotentParameterMismatchException', 'SerializationException']);

describe('wire errors', () => {
  it('every DynamoDB error name has its namespace, casing and status', () => {
    for (const [name, namespace] of Object.entries(NAMES) as [DynamoDBErrorName, string][]) {
      expect(namespaceOf(name)).toBe(namespace);
      const wire = toWireError(new DynamoDBError(name, 'text'));
      expect(wire.body).toEqual({ __type: `${namespace}#${name}`, [CAPITALISED.has(name) ? 'Message' : 'message']: 'text' });
      expect(wire.statusCode).toBe(name === 'InternalServerError' ? 500 : 400);
      expect(wire.unexpected).toBe(name === 'InternalServerError');
    }
    expect(namespaceOf('IncompleteSignatureException')).toBe('com.amazon.coral.service');
  });

  it('subclasses keep their names; protocol errors may have no message', () => {
    expect(toWireError(new ValidationException('v')).body).toEqual({ __type: 'com.amazon.coral.validate#ValidationException', message: 'v' });
    expect(toWireError(new SerializationException('s')).body).toEqual({ __type: 'com.amazon.coral.service#SerializationException', Message: 's' });
    expect(toWireError(new ProtocolError('UnknownOperationException')).body).toEqual({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    expect(errorBody('IncompleteSignatureException', 'm')).toEqual({ __type: 'com.amazon.coral.service#IncompleteSignatureException', message: 'm' });
  });

  it('carries Item and CancellationReasons with binary as base64', () => {
    const item = { pk: { S: 'a' }, b: { B: new Uint8Array([1, 2]) } };
    expect(toWireError(new ConditionalCheckFailedException(item)).body).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      message: 'The conditional request failed',
      Item: { pk: { S: 'a' }, b: { B: 'AQI=' } },
    });
    expect(toWireError(new ConditionalCheckFailedException()).body).not.toHaveProperty('Item');
    const canceled = toWireError(new TransactionCanceledException([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: item }]));
    expect(canceled.body['CancellationReasons']).toEqual([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: { S: 'a' }, b: { B: 'AQI=' } } }]);
  });

  it('anything else is an unexpected 500 with DynamoDB\'s text only', () => {
    for (const thrown of [new TypeError('x is undefined'), new RangeError('deep'), 'a string', undefined, { name: 'ValidationException', message: 'forged' }]) {
      const wire = toWireError(thrown);
      expect(wire).toEqual({
        statusCode: 500,
        unexpected: true,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: INTERNAL_SERVER_ERROR_MESSAGE },
      });
    }
  });
});
