/**
 * Malformed requests below the operation: raw bodies (truncated, non-object, invalid UTF-8, random
 * bytes, bad gzip), content types, targets, methods, and signatures against the server that holds
 * credentials. Each is derived from a base request (bases.ts) so the rest of the request is sound.
 */
import fc from 'fast-check';
import { BASES, type BaseRequest } from './bases.js';
import { dynamoHeaders, TARGET_PREFIX, type SignKind, type WireCase } from './cases.js';

/** Operations whose input may be empty ({}), so a `null` body succeeds. */
const EMPTY_INPUT_OK = new Set(['ListTables', 'DescribeLimits']);

// (No trailing blanks: an HTTP parser trims header values, so 'PutItem ' arrives as PutItem.)
const UNKNOWN_TARGETS = ['Nope', '__proto__', 'constructor', 'close', 'store', 'putItem', 'Put Item', '', 'toString', 'hasOwnProperty'];
const BAD_CONTENT_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data', 'json'];
const GOOD_CONTENT_TYPES = ['application/json', 'application/x-amz-json-1.1', 'APPLICATION/X-AMZ-JSON-1.0; charset=utf-8'];
const NON_OBJECT_BODIES = ['[]', '[1]', '5', '"x"', 'true', '-0', '1e999'];

export type TransportChoice =
  | { kind: 'truncate'; base: number; at: number }
  | { kind: 'non-object'; base: number; pick: number }
  | { kind: 'null-body'; base: number }
  | { kind: 'invalid-utf8'; base: number; at: number }
  | { kind: 'random-bytes'; base: number; bytes: number[] }
  | { kind: 'empty-body'; base: number }
  | { kind: 'bad-content-type'; base: number; pick: number }
  | { kind: 'good-content-type'; base: number; pick: number }
  | { kind: 'no-content-type'; base: number }
  | { kind: 'unknown-target'; base: number; pick: number }
  | { kind: 'no-target'; base: number }
  | { kind: 'wrong-version'; base: number }
  | { kind: 'method'; base: number; pick: number }
  | { kind: 'gzip'; base: number }
  | { kind: 'bad-gzip'; base: number }
  | { kind: 'unsupported-encoding'; base: number }
  | { kind: 'no-authorization'; base: number }
  | { kind: 'sign'; base: number; sign: SignKind }
  | { kind: 'declared-length'; base: number };

const base = (index: number): BaseRequest => BASES[index % BASES.length]!;
const text = (b: BaseRequest): string => JSON.stringify(b.body);
const kept = (b: BaseRequest, extra: string[]): string[] => [...new Set([b.outcome, ...extra])];

export function transportCase(choice: TransportChoice): WireCase {
  const b = base(choice.base);
  const headers = dynamoHeaders(b.operation);
  const make = (what: string, fields: Partial<WireCase> & Pick<WireCase, 'outcomes'>): WireCase => ({ label: `${b.name}: ${what}`, method: 'POST', headers, body: { text: text(b) }, sign: 'open', ...fields });
  switch (choice.kind) {
    case 'truncate': {
      const body = text(b);
      const at = choice.at % body.length;
      // A proper prefix of a JSON object is never valid JSON; an empty body is its own error.
      return make(`body truncated at ${at} of ${body.length}`, { body: { text: body.slice(0, at) }, outcomes: ['SerializationException'] });
    }
    case 'non-object': {
      const body = NON_OBJECT_BODIES[choice.pick % NON_OBJECT_BODIES.length]!;
      return make(`body ${body}`, { body: { text: body }, outcomes: ['SerializationException'] });
    }
    case 'null-body':
      return make('body null', { body: { text: 'null' }, outcomes: EMPTY_INPUT_OK.has(b.operation) ? ['OK'] : ['ValidationException'] });
    case 'invalid-utf8': {
      // Bytes that are not UTF-8 inside the first string of the body (the decoder makes them U+FFFD).
      const body = Buffer.from(text(b), 'utf8');
      const quotes = [...body.keys()].filter((i) => body[i] === 0x22);
      const at = quotes.length === 0 ? 0 : quotes[choice.at % quotes.length]! + 1;
      const mangled = Buffer.concat([body.subarray(0, at), Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), body.subarray(at)]);
      return make(`invalid UTF-8 at byte ${at}`, { body: { base64: mangled.toString('base64') }, outcomes: kept(b, ['SerializationException', 'ValidationException', 'ResourceNotFoundException']) });
    }
    case 'random-bytes':
      return make(`random body ${Buffer.from(choice.bytes).toString('hex').slice(0, 40)}`, {
        body: { base64: Buffer.from(choice.bytes).toString('base64') },
        outcomes: ['SerializationException', 'ValidationException', ...(EMPTY_INPUT_OK.has(b.operation) ? ['OK'] : [])],
      });
    case 'empty-body':
      return make('empty body', { body: { text: '' }, outcomes: ['SerializationException'] });
    case 'bad-content-type': {
      const type = BAD_CONTENT_TYPES[choice.pick % BAD_CONTENT_TYPES.length]!;
      return make(`Content-Type ${type}`, { headers: { ...headers, 'Content-Type': type }, outcomes: ['404'] });
    }
    case 'good-content-type': {
      const type = GOOD_CONTENT_TYPES[choice.pick % GOOD_CONTENT_TYPES.length]!;
      return make(`Content-Type ${type}`, { headers: { ...headers, 'Content-Type': type }, outcomes: [b.outcome] });
    }
    case 'no-content-type': {
      const { 'Content-Type': _dropped, ...rest } = headers;
      return make('no Content-Type', { headers: rest, outcomes: ['404'] });
    }
    case 'unknown-target': {
      const target = TARGET_PREFIX + UNKNOWN_TARGETS[choice.pick % UNKNOWN_TARGETS.length]!;
      return make(`X-Amz-Target ${JSON.stringify(target)}`, { headers: { ...headers, 'X-Amz-Target': target }, outcomes: ['UnknownOperationException'] });
    }
    case 'no-target': {
      const { 'X-Amz-Target': _dropped, ...rest } = headers;
      return make('no X-Amz-Target', { headers: rest, outcomes: ['UnknownOperationException'] });
    }
    case 'wrong-version':
      return make('X-Amz-Target of another API version', { headers: { ...headers, 'X-Amz-Target': `DynamoDB_20111205.${b.operation}` }, outcomes: ['UnknownOperationException'] });
    case 'method': {
      const method = ['PUT', 'DELETE', 'PATCH'][choice.pick % 3]!;
      return make(`method ${method}`, { method, outcomes: ['404'] });
    }
    case 'gzip':
      return make('gzip body', { headers: { ...headers, 'Content-Encoding': 'gzip' }, body: { gzipOf: text(b) }, outcomes: [b.outcome] });
    case 'bad-gzip':
      return make('Content-Encoding gzip on a plain body', { headers: { ...headers, 'Content-Encoding': 'gzip' }, outcomes: ['SerializationException'] });
    case 'unsupported-encoding':
      return make('Content-Encoding br', { headers: { ...headers, 'Content-Encoding': 'br' }, outcomes: ['SerializationException'] });
    case 'no-authorization':
      return make('no Authorization', { sign: 'missing', outcomes: ['MissingAuthenticationTokenException'] });
    case 'sign': {
      const outcomes: Record<SignKind, string[]> = {
        open: [b.outcome],
        valid: [b.outcome],
        'tamper-body': ['InvalidSignatureException'],
        'wrong-secret': ['InvalidSignatureException'],
        'unknown-key': ['UnrecognizedClientException'],
        expired: ['InvalidSignatureException'],
        'wrong-service': ['InvalidSignatureException', 'IncompleteSignatureException'],
        missing: ['MissingAuthenticationTokenException'],
        garbage: ['IncompleteSignatureException'],
        'no-host': ['InvalidSignatureException', 'IncompleteSignatureException'],
      };
      return make(`signature ${choice.sign}`, { sign: choice.sign, outcomes: outcomes[choice.sign] });
    }
    case 'declared-length':
      return make('Content-Length 999999999 declared', { declaredLength: 999_999_999, outcomes: ['413'] });
  }
}

const baseIndex = fc.nat();
const SIGN_KINDS: SignKind[] = ['valid', 'tamper-body', 'wrong-secret', 'unknown-key', 'expired', 'wrong-service', 'missing', 'garbage', 'no-host'];

export const transportChoices: fc.Arbitrary<TransportChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('truncate' as const), base: baseIndex, at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('non-object' as const), base: baseIndex, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('null-body' as const), base: baseIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('invalid-utf8' as const), base: baseIndex, at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('random-bytes' as const), base: baseIndex, bytes: fc.array(fc.nat(255), { minLength: 1, maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('empty-body' as const), base: baseIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad-content-type' as const), base: baseIndex, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('good-content-type' as const), base: baseIndex, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('no-content-type' as const), base: baseIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown-target' as const), base: baseIndex, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('no-target' as const), base: baseIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrong-version' as const), base: baseIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('method' as const), base: baseIndex, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gzip' as const), base: baseIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad-gzip' as const), base: baseIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unsupported-encoding' as const), base: baseIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('no-authorization' as const), base: baseIndex }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sign' as const), base: baseIndex, sign: fc.constantFrom(...SIGN_KINDS) }) },
);

/** Transport cases only a real socket can send. */
export const socketOnlyChoices: fc.Arbitrary<TransportChoice> = fc.record({ kind: fc.constant('declared-length' as const), base: baseIndex });

