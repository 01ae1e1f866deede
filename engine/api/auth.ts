/**
 * Request authentication, in DynamoDB's order and with its messages (reference/dynamodb-facts.md
 * §14.3; dynalite index.js, whose texts were captured from the service):
 *
 *   1. both the Authorization header and `X-Amz-Algorithm` in the query → InvalidSignatureException;
 *   2. neither, or a header not starting with `AWS4-` → MissingAuthenticationTokenException;
 *   3. a missing Credential / Signature / SignedHeaders parameter or date → IncompleteSignatureException.
 *
 * That is all the default mode checks (any credentials are accepted, as DynamoDB Local does, but
 * the header must be well formed). With a credentials file, SigV4 is verified fully:
 *
 *   4. the date is ISO 8601 basic format (IncompleteSignature) and within ±15 minutes of the
 *      server's clock (InvalidSignature "Signature expired" / "Signature not yet current");
 *   5. `host` is signed; the algorithm is AWS4-HMAC-SHA256; the credential has 5 parts and is
 *      scoped to a region, service `dynamodb`, terminator `aws4_request` and the request's day;
 *   6. the access key is known (UnrecognizedClientException);
 *   7. the signature matches, compared in constant time (InvalidSignatureException, with the
 *      canonical request and string to sign the server computed, as the service does);
 *   8. a session token, if the key has one configured or the request sends one, matches.
 *
 * Synchronous; the clock is injected. The credentials file format is in `parseCredentials`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import { InvalidArgumentError } from '../util/errors.js';
import { SIGNATURE_CLOCK_SKEW_MS } from '../limits.js';
import { ProtocolError } from './protocol-error.js';
import {
  DYNAMODB_SERVICE,
  SIGV4_ALGORITHM,
  SIGV4_TERMINATOR,
  amzDate,
  canonicalRequest,
  parseQuery,
  sha256Hex,
  signatureOf,
  signingKey,
  stringToSign,
} from './sigv4.js';

export interface AccessKey {
  secretAccessKey: string;
  /** When set, requests with this key must carry exactly this X-Amz-Security-Token. */
  sessionToken?: string;
}

/** Known access keys by access key id. */
export type Credentials = ReadonlyMap<string, AccessKey>;

/**
 * Parses a credentials file: a JSON object mapping each access key id to its secret access key,
 * or to `{ "secretAccessKey": "…", "sessionToken": "…" }` for temporary credentials:
 *
 *   { "AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
 *     "ASIATEMP": { "secretAccessKey": "…", "sessionToken": "…" } }
 */
export function parseCredentials(text: string): Credentials {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`credentials file is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidArgumentError('credentials file must be a JSON object: { "<access key id>": "<secret access key>", ... }');
  }
  const keys = new Map<string, AccessKey>();
  for (const [id, entry] of Object.entries(json)) {
    if (id === '') throw new InvalidArgumentError('credentials file: an access key id is empty');
    if (typeof entry === 'string' && entry !== '') {
      keys.set(id, { secretAccessKey: entry });
    } else if (typeof entry === 'object' && entry !== null && typeof (entry as AccessKey).secretAccessKey === 'string' && (entry as AccessKey).secretAccessKey !== '') {
      const { secretAccessKey, sessionToken } = entry as { secretAccessKey: string; sessionToken?: unknown };
      if (sessionToken !== undefined && typeof sessionToken !== 'string') throw new InvalidArgumentError(`credentials file: sessionToken of ${id} must be a string`);
      keys.set(id, sessionToken === undefined ? { secretAccessKey } : { secretAccessKey, sessionToken });
    } else {
      throw new InvalidArgumentError(`credentials file: ${id} must map to a secret access key (a non-empty string) or { "secretAccessKey": ... }`);
    }
  }
  if (keys.size === 0) throw new InvalidArgumentError('credentials file holds no access keys');
  return keys;
}

/** What authentication reads from a request. */
export interface AuthRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Headers by lower-case name. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as sent (before any Content-Encoding is undone): SigV4 hashes these bytes. */
  body: Uint8Array;
}

export interface AuthenticatorOptions {
  /** Verify SigV4 against these keys; absent: accept any well-formed Authorization (steps 1–3). */
  credentials?: Credentials;
  clock: Clock;
}

const BASIC_DATE = /^\d{8}T\d{6}Z$/;
const REGION = /^[A-Za-z0-9-]+$/;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid';

function header(headers: AuthRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

interface AuthorizationParams {
  Credential?: string;
  SignedHeaders?: string;
  Signature?: string;
}

/** The Authorization header as the SDKs write it (no empty, repeated or trimmed parameters). */
const USUAL_AUTHORIZATION = /^AWS4-[!-+\--~]* Credential=[^, ]+, SignedHeaders=[^, ]+, Signature=[^, ]+$/;

const COMMA = 0x2c;
const SPACE = 0x20;

/**
 * The Credential, SignedHeaders and Signature parameters of an Authorization header: the text after
 * the algorithm, split at commas and spaces into `name=value` parts (names and values trimmed, a
 * later part overriding an earlier one). One scan with no regular expression or map: every request
 * over HTTP runs it.
 */
function authorizationParams(authorization: string): AuthorizationParams {
  const params: AuthorizationParams = {};
  let start = 0;
  let first = true;
  for (let i = 0; i <= authorization.length; i++) {
    const c = i === authorization.length ? COMMA : authorization.charCodeAt(i);
    if (c !== COMMA && c !== SPACE) continue;
    if (first) {
      first = false; // the algorithm
    } else if (i > start) {
      const equals = authorization.indexOf('=', start);
      if (equals > start && equals < i) {
        const name = authorization.slice(start, equals).trim();
        if (name === 'Credential' || name === 'SignedHeaders' || name === 'Signature') params[name] = authorization.slice(equals + 1, i).trim();
      }
    }
    start = i + 1;
  }
  return params;
}

interface Signed {
  algorithm: string;
  credential: string;
  signedHeaders: string;
  signature: string;
  /** The date as sent (X-Amz-Date, or the Date header). */
  date: string;
  query: [string, string][];
  token: string | undefined;
}

export class Authenticator {
  readonly #credentials: Credentials | undefined;
  readonly #clock: Clock;

  constructor(options: AuthenticatorOptions) {
    this.#credentials = options.credentials;
    this.#clock = options.clock;
  }

  /** Whether signatures are verified (a credentials file was given). */
  get verifying(): boolean {
    return this.#credentials !== undefined;
  }

  /** Throws the ProtocolError DynamoDB would answer, or returns when the request may proceed. */
  check(request: AuthRequest): void {
    if (this.#credentials === undefined && this.#usualForm(request)) return;
    const signed = this.#wellFormed(request);
    if (this.#credentials !== undefined) this.#verify(request, signed, this.#credentials);
  }

  /**
   * Steps 1–3 for the form every SDK sends — a header `AWS4-… Credential=…, SignedHeaders=…,
   * Signature=…`, X-Amz-Date, no query string — in one anchored match: true when well formed.
   * Anything else (false) takes #wellFormed, which finds the same answer for these requests and
   * DynamoDB's message for the others.
   */
  #usualForm(request: AuthRequest): boolean {
    if (request.url.indexOf('?') >= 0) return false;
    const authorization = request.headers['authorization'];
    if (typeof authorization !== 'string' || !USUAL_AUTHORIZATION.test(authorization)) return false;
    const date = request.headers['x-amz-date'];
    return typeof date === 'string' && date !== '';
  }

  /** Steps 1–3. */
  #wellFormed(request: AuthRequest): Signed {
    const queryAt = request.url.indexOf('?');
    const query = queryAt < 0 ? [] : parseQuery(request.url.slice(queryAt + 1));
    const param = (name: string): string | undefined => query.find(([key]) => key === name)?.[1];
    const authorization = header(request.headers, 'authorization');
    const inQuery = query.some(([key]) => key === 'X-Amz-Algorithm');
    if (authorization !== undefined && inQuery) {
      throw new ProtocolError('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
    }
    if ((authorization === undefined && !inQuery) || (authorization !== undefined && authorization.trim().slice(0, 5) !== 'AWS4-')) {
      throw new ProtocolError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
    }
    let message = '';
    if (authorization !== undefined) {
      const params = authorizationParams(authorization);
      if (!params.Credential) message += "Authorization header requires 'Credential' parameter. ";
      if (!params.Signature) message += "Authorization header requires 'Signature' parameter. ";
      if (!params.SignedHeaders) message += "Authorization header requires 'SignedHeaders' parameter. ";
      const date = header(request.headers, 'x-amz-date') ?? header(request.headers, 'date');
      if (!date) message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
      if (message !== '') throw new ProtocolError('IncompleteSignatureException', `${message}Authorization=${authorization}`);
      return {
        algorithm: authorization.trim().split(/\s/, 1)[0]!,
        credential: params.Credential!,
        signedHeaders: params.SignedHeaders!,
        signature: params.Signature!,
        date: date!,
        query,
        token: header(request.headers, 'x-amz-security-token'),
      };
    }
    for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
      if (!param(name)) message += `AWS query-string parameters must include '${name}'. `;
    }
    if (message !== '') throw new ProtocolError('IncompleteSignatureException', `${message}Re-examine the query-string parameters.`);
    return {
      algorithm: param('X-Amz-Algorithm')!,
      credential: param('X-Amz-Credential')!,
      signedHeaders: param('X-Amz-SignedHeaders')!,
      signature: param('X-Amz-Signature')!,
      date: param('X-Amz-Date')!,
      query,
      token: param('X-Amz-Security-Token') ?? header(request.headers, 'x-amz-security-token'),
    };
  }

  /** Steps 4–8. */
  #verify(request: AuthRequest, signed: Signed, credentials: Credentials): void {
    const date = basicDate(signed.date);
    if (date === undefined) {
      throw new ProtocolError('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${signed.date}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    }
    const nowMs = this.#clock.now();
    const dateMs = epochOfBasic(date);
    if (dateMs < nowMs - SIGNATURE_CLOCK_SKEW_MS) {
      throw new ProtocolError('InvalidSignatureException', `Signature expired: ${date} is now earlier than ${amzDate(nowMs - SIGNATURE_CLOCK_SKEW_MS)} (${amzDate(nowMs)} - 15 min.)`);
    }
    if (dateMs > nowMs + SIGNATURE_CLOCK_SKEW_MS) {
      throw new ProtocolError('InvalidSignatureException', `Signature not yet current: ${date} is still later than ${amzDate(nowMs + SIGNATURE_CLOCK_SKEW_MS)} (${amzDate(nowMs)} + 15 min.)`);
    }
    const signedHeaders = signed.signedHeaders.split(';').map((name) => name.trim().toLowerCase());
    if (!signedHeaders.includes('host')) {
      throw new ProtocolError('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    if (signed.algorithm !== SIGV4_ALGORITHM) {
      throw new ProtocolError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${signed.algorithm}' (only AWS4-HMAC-SHA256 for now). `);
    }
    const parts = signed.credential.replace(/\/+$/, '').split('/');
    if (parts.length !== 5) {
      throw new ProtocolError('IncompleteSignatureException', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${signed.credential}'`);
    }
    const [accessKeyId, day, region, service, terminator] = parts as [string, string, string, string, string];
    const scopeErrors: string[] = [];
    if (!REGION.test(region)) scopeErrors.push(`Credential should be scoped to a valid region, not '${region}'.`);
    if (service !== DYNAMODB_SERVICE) scopeErrors.push(`Credential should be scoped to correct service: '${DYNAMODB_SERVICE}'.`);
    if (terminator !== SIGV4_TERMINATOR) scopeErrors.push(`Credential should be scoped with a valid terminator: '${SIGV4_TERMINATOR}', not '${terminator}'.`);
    if (day !== date.slice(0, 8)) {
      scopeErrors.push(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${date.slice(0, 8)}', from '${date}'.`);
    }
    if (scopeErrors.length > 0) throw new ProtocolError('InvalidSignatureException', scopeErrors.join(' '));
    const key = credentials.get(accessKeyId);
    if (key === undefined) throw new ProtocolError('UnrecognizedClientException', `${INVALID_TOKEN}.`);

    const queryAt = request.url.indexOf('?');
    const canonical = canonicalRequest({
      method: request.method,
      path: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
      query: signed.query,
      headers: lowerHeaders(request.headers),
      signedHeaders: [...signedHeaders].sort(),
      payloadHash: sha256Hex(request.body),
    });
    const scope = parts.slice(1).join('/');
    const toSign = stringToSign(date, scope, canonical);
    const expected = signatureOf(signingKey(key.secretAccessKey, day, region, service), toSign);
    if (!constantTimeEqual(expected, signed.signature)) {
      throw new ProtocolError(
        'InvalidSignatureException',
        `${MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${toSign}'\n`,
      );
    }
    if (signed.token !== key.sessionToken) throw new ProtocolError('UnrecognizedClientException', INVALID_TOKEN);
  }
}

function lowerHeaders(headers: AuthRequest['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  // Node already lower-cases incoming header names; the in-process transport passes them lower-cased.
  for (const name of Object.keys(headers)) out[name.toLowerCase()] = header(headers, name);
  return out;
}

/** The date in ISO 8601 basic format: as sent, or converted from an RFC 1123 Date header. */
function basicDate(sent: string): string | undefined {
  if (BASIC_DATE.test(sent)) return Number.isNaN(epochOfBasic(sent)) ? undefined : sent;
  // A Date header (RFC 1123) is allowed instead of X-Amz-Date.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(sent)) return undefined;
  const ms = Date.parse(sent);
  return Number.isNaN(ms) ? undefined : amzDate(ms);
}

function epochOfBasic(date: string): number {
  return Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
}

function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
