/**
 * The http campaign's oracle for one response: the status is one of the case's outcomes; an error
 * has DynamoDB's shape (`__type` "<namespace>#<Name>" with the namespace DynamoDB uses for that
 * name, the message member spelled as the service spells it, a string, no stack trace or internal
 * JavaScript error text); every response carries x-amzn-RequestId and an x-amz-crc32 that matches
 * its body. Never a 500, never a dropped connection. Written from reference/dynamodb-facts.md §14,
 * independently of engine/api/errors.ts.
 */
import { crc32 } from 'node:zlib';
import type { WireCase } from './cases.js';

const SERVICE = new Set(['SerializationException', 'UnknownOperationException', 'MissingAuthenticationTokenException', 'IncompleteSignatureException', 'InvalidSignatureException', 'UnrecognizedClientException', 'AccessDeniedException']);
const CAPITAL_MESSAGE = new Set(['SerializationException', 'TransactionCanceledException', 'TransactionInProgressException', 'IdempotentParameterMismatchException']);
const INTERNAL_TEXT = /\n\s+at |TypeError|ReferenceError|RangeError|Cannot read propert|is not a function|undefined is not|\[object Object\]/;

export function namespaceFor(name: string): string {
  if (name === 'ValidationException') return 'com.amazon.coral.validate';
  if (name === 'ThrottlingException') return 'com.amazon.coral.availability';
  if (SERVICE.has(name)) return 'com.amazon.coral.service';
  return 'com.amazonaws.dynamodb.v20120810';
}

export interface WireResponse {
  /** 0 when the connection failed or closed before a response. */
  status: number;
  /** By lower-case name. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** The outcome a response shows ('OK', '404', '413', an error name), or a description of what is wrong with it. */
export function outcomeOf(response: WireResponse): { outcome: string } | { problem: string } {
  const { status, headers, body } = response;
  if (status === 0) return { problem: `no response: ${body.toString('utf8')}` };
  if (headers['x-amzn-requestid'] === undefined) return { problem: `status ${status} without x-amzn-RequestId` };
  const sentCrc = headers['x-amz-crc32'];
  if (sentCrc !== String(crc32(body))) return { problem: `x-amz-crc32 ${sentCrc} does not match the body (${crc32(body)})` };
  if (status === 200) return { outcome: 'OK' };
  if (status === 413) return { outcome: '413' };
  if (status === 404) {
    const text = body.toString('utf8');
    return text === '<UnknownOperationException/>\n' ? { outcome: '404' } : { problem: `404 with body ${JSON.stringify(text.slice(0, 200))}` };
  }
  if (status !== 400) return { problem: `HTTP ${status}: ${body.toString('utf8').slice(0, 300)}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { problem: `400 whose body is not JSON: ${JSON.stringify(body.toString('utf8').slice(0, 200))}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: `400 whose body is not an object: ${body.toString('utf8').slice(0, 200)}` };
  const error = parsed as Record<string, unknown>;
  const type = error['__type'];
  if (typeof type !== 'string') return { problem: `400 without a __type: ${body.toString('utf8').slice(0, 200)}` };
  const hash = type.indexOf('#');
  const name = type.slice(hash + 1);
  if (hash < 0 || type.slice(0, hash) !== namespaceFor(name)) return { problem: `__type ${type}: expected namespace ${namespaceFor(name)}` };
  const member = CAPITAL_MESSAGE.has(name) ? 'Message' : 'message';
  const wrong = member === 'Message' ? 'message' : 'Message';
  if (wrong in error) return { problem: `${name} carries "${wrong}" (DynamoDB spells it "${member}")` };
  const message = error[member];
  if (message !== undefined && typeof message !== 'string') return { problem: `${name} ${member} is not a string: ${JSON.stringify(message)}` };
  if (typeof message === 'string' && INTERNAL_TEXT.test(message)) return { problem: `${name} message leaks an internal error: ${message.slice(0, 300)}` };
  return { outcome: name };
}

/** Undefined when the response is right for the case; otherwise what is wrong. */
export function checkResponse(c: WireCase, response: WireResponse): string | undefined {
  const result = outcomeOf(response);
  if ('problem' in result) {
    // A body past the bound is refused mid-upload: the server may close before the client has read the 413.
    if (response.status === 0 && c.outcomes.length === 1 && c.outcomes[0] === '413') return undefined;
    return result.problem;
  }
  if (!c.outcomes.includes(result.outcome)) {
    const detail = response.status === 400 ? `: ${response.body.toString('utf8').slice(0, 300)}` : '';
    return `got ${result.outcome}${detail}; expected one of ${c.outcomes.join(', ')}`;
  }
  return undefined;
}
