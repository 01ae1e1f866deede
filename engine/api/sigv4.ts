/**
 * AWS Signature Version 4, the parts both sides compute (reference/dynamodb-facts.md §14.3): the
 * canonical request, the string to sign, the signing key and the signature. engine/api/auth.ts
 * verifies requests with them; `signRequest` signs one (for raw HTTP clients: tests, benchmarks).
 *
 *   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(SHA256(body))
 *   StringToSign     = "AWS4-HMAC-SHA256" \n <amz-date> \n <yyyymmdd>/<region>/<service>/aws4_request \n hex(SHA256(CanonicalRequest))
 *   SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, yyyymmdd), region), service), "aws4_request")
 *   Signature        = hex(HMAC(SigningKey, StringToSign))
 *
 * The canonical URI follows the AWS SDKs for every service but S3: dot segments removed, then each
 * character outside RFC 3986's unreserved set percent-encoded (the path on the wire is therefore
 * encoded twice). Signing keys are cached per (secret, day, region, service), bounded.
 * Pure apart from the bounded cache; synchronous.
 */
import { createHash, createHmac } from 'node:crypto';
import { SIGNING_KEY_CACHE_ENTRIES_MAX } from '../limits.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const SIGV4_TERMINATOR = 'aws4_request';
export const DYNAMODB_SERVICE = 'dynamodb';

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

const signingKeys = new Map<string, Buffer>();

/** The derived key for one day (yyyymmdd), region and service. */
export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${day}\n${region}\n${service}\n${secretAccessKey}`;
  const cached = signingKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), SIGV4_TERMINATOR);
  // Bounded: drop the oldest entry (Map iterates in insertion order).
  if (signingKeys.size >= SIGNING_KEY_CACHE_ENTRIES_MAX) signingKeys.delete(signingKeys.keys().next().value!);
  signingKeys.set(cacheKey, key);
  return key;
}

/** RFC 3986 percent-encoding of everything but unreserved characters (as the SDKs' escapeUri). */
export function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical URI of a path as sent on the wire. */
export function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return uriEscape(normalized).replace(/%2F/g, '/');
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape is kept as sent: it then simply fails to match the client's signature.
    return text;
  }
}

/** Query parameters of a raw query string (without `?`), decoded, in order. */
export function parseQuery(query: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? '' : part.slice(equals + 1);
    pairs.push([decodeComponent(name), decodeComponent(value)]);
  }
  return pairs;
}

/** Sorted `name=value` pairs, each side RFC 3986-encoded, `X-Amz-Signature` left out. */
export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEscape(name), uriEscape(value)] as const)
    .sort(([n1, v1], [n2, v2]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export interface CanonicalRequestParts {
  method: string;
  path: string;
  query: readonly (readonly [string, string])[];
  /** Header values by lower-case name. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Lower-case header names, sorted, as in SignedHeaders. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  let headers = '';
  for (const name of parts.signedHeaders) {
    const value = parts.headers[name] ?? '';
    headers += `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  }
  return [parts.method, canonicalUri(parts.path), canonicalQuery(parts.query), headers, parts.signedHeaders.join(';'), parts.payloadHash].join('\n');
}

export function credentialScope(day: string, region: string, service: string): string {
  return `${day}/${region}/${service}/${SIGV4_TERMINATOR}`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}

export function signatureOf(key: Uint8Array, toSign: string): string {
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** `20130609T100759Z` for an epoch time in ms (SigV4's ISO 8601 basic format). */
export function amzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RequestToSign {
  method: string;
  /** Path and optional query as sent: "/" or "/?a=b". */
  url: string;
  /** Headers to send, by lower-case name; `host` is required. */
  headers: Readonly<Record<string, string>>;
  body: Uint8Array | string;
}

/**
 * Signs a request with the Authorization header form: returns the headers to add (`x-amz-date`,
 * `authorization`, and `x-amz-security-token` with a session token). Every given header is signed.
 */
export function signRequest(request: RequestToSign, credentials: SigningCredentials, region: string, epochMs: number, service = DYNAMODB_SERVICE): Record<string, string> {
  const date = amzDate(epochMs);
  const added: Record<string, string> = { 'x-amz-date': date };
  if (credentials.sessionToken !== undefined) added['x-amz-security-token'] = credentials.sessionToken;
  const headers: Record<string, string> = { ...request.headers, ...added };
  const signedHeaders = Object.keys(headers).map((name) => name.toLowerCase()).sort();
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const queryAt = request.url.indexOf('?');
  const canonical = canonicalRequest({
    method: request.method,
    path: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
    query: queryAt < 0 ? [] : parseQuery(request.url.slice(queryAt + 1)),
    headers: lower,
    signedHeaders,
    payloadHash: sha256Hex(request.body),
  });
  const day = date.slice(0, 8);
  const scope = credentialScope(day, region, service);
  const signature = signatureOf(signingKey(credentials.secretAccessKey, day, region, service), stringToSign(date, scope, canonical));
  added['authorization'] = `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return added;
}
