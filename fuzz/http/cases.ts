/**
 * What the http campaign sends: a WireCase is one request (method, headers, body, how to sign it)
 * with the outcomes it may get. Cases come from three sources:
 *
 *   mutations  a base request (bases.ts) with one member retyped, nulled, removed, given a hostile
 *              string, or an unknown member added (`__proto__`, `constructor` …) at any depth;
 *   limits     every bound of engine/limits.ts that a request can reach, at the bound (must pass
 *              validation) and one past it (ValidationException) — limits.ts;
 *   transport  raw bodies (truncated, non-object, invalid UTF-8, deep nesting, gzip, huge), bad
 *              content types and targets, and bad signatures against a server with credentials —
 *              transport.ts.
 *
 * Outcomes are written as 'OK' (HTTP 200), '404' (`<UnknownOperationException/>`), '413' (empty
 * body), or a DynamoDB error name (HTTP 400 with that `__type`). A case is plain JSON, so a failure
 * replays from its regression file. Large bodies are described, not stored (`repeat`).
 */
import { gzipSync } from 'node:zlib';
import type { Json } from './bases.js';

export type BodySpec =
  | { text: string }
  | { base64: string }
  /** `prefix` then `fill` repeated up to `bytes` bytes in total (huge bodies without storing them). */
  | { prefix: string; fill: string; bytes: number }
  /** The gzip of `text` (or of `fill` × `bytes`), sent with Content-Encoding: gzip by the case's headers. */
  | { gzipOf: string }
  | { gzipFill: string; bytes: number };

/** How the request is signed: `open` goes to the server without credentials, the rest to the one with. */
export type SignKind = 'open' | 'valid' | 'tamper-body' | 'wrong-secret' | 'unknown-key' | 'expired' | 'wrong-service' | 'missing' | 'garbage' | 'no-host';

export interface WireCase {
  label: string;
  method: string;
  /** Headers besides Host, Content-Length and the signature's (names as sent). */
  headers: Record<string, string>;
  body: BodySpec;
  sign: SignKind;
  /** Content-Length sent instead of the body's length (socket transport only). */
  declaredLength?: number;
  outcomes: string[];
}

export const TARGET_PREFIX = 'DynamoDB_20120810.';
export const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** A well-formed Authorization header the open server accepts (it checks the form, not the signature). */
export const OPEN_AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc';

export function dynamoHeaders(operation: string): Record<string, string> {
  return { 'Content-Type': CONTENT_TYPE, 'X-Amz-Target': TARGET_PREFIX + operation };
}

/** The body bytes a spec describes. */
export function bodyBytes(body: BodySpec): Buffer {
  if ('text' in body) return Buffer.from(body.text, 'utf8');
  if ('base64' in body) return Buffer.from(body.base64, 'base64');
  if ('gzipOf' in body) return gzipSync(Buffer.from(body.gzipOf, 'utf8'));
  if ('gzipFill' in body) return gzipSync(Buffer.alloc(body.bytes, body.gzipFill));
  const prefix = Buffer.from(body.prefix, 'utf8');
  const out = Buffer.alloc(Math.max(body.bytes, prefix.length), body.fill);
  prefix.copy(out);
  return out;
}

/** A JSON text in which object members named `__proto__` are ordinary members (JSON.stringify keeps own properties). */
export function jsonText(value: Json): string {
  return JSON.stringify(value);
}

/** Sets an own member `name` on `object`, even `__proto__` (an assignment would set the prototype). */
export function defineMember(object: { [key: string]: Json }, name: string, value: Json): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `value` (own members kept as own members, `__proto__` included). */
export function cloneJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const copy: { [key: string]: Json } = {};
  for (const name of Object.keys(value)) defineMember(copy, name, cloneJson(value[name]!));
  return copy;
}

export type Path = (string | number)[];

/** Every node of `value` with its path (the root has the empty path). */
export function pathsOf(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...path, i], out));
    else for (const name of Object.keys(value)) pathsOf(value[name]!, [...path, name], out);
  }
  return out;
}

export function getAt(value: Json, path: Path): Json {
  let node = value;
  for (const step of path) node = (node as Record<string | number, Json>)[step]!;
  return node;
}

/** Replaces (or with `undefined`, removes) the node at a non-empty path, in place. */
export function setAt(root: Json, path: Path, replacement: Json | undefined): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (replacement === undefined) parent.splice(last as number, 1);
    else parent[last as number] = replacement;
  } else if (replacement === undefined) {
    delete parent[last as string];
  } else {
    defineMember(parent as { [key: string]: Json }, last as string, replacement);
  }
}

export function pathText(path: Path): string {
  return path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('').replace(/^\./, '') || '(root)';
}

export function jsonType(value: Json): 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'boolean' | 'number' | 'string' | 'object';
}
