/**
 * The JSON codec between DynamoDB's wire format and the AWS SDK v3 shapes the Database takes and
 * returns. The two differ only in binary: on the wire `B` and `BS` members are base64 strings, in
 * the SDK shapes they are Uint8Array. Numbers are strings in both (`{"N": "1.5"}`), so they pass
 * through untouched, as does everything else.
 *
 * Each operation declares where attribute values sit in its input and output (a `Shape`: an
 * item, a list of items, a structure of them…); `decodeShape` turns base64 into bytes at those
 * places in a freshly parsed request, `encodeShape` turns bytes into base64 in an output.
 *
 * Invariants:
 *   1. `parseJson` bounds nesting on the raw text BEFORE JSON.parse recurses (REQUEST_JSON_DEPTH_MAX),
 *      so no later walk (these, or the model's validators) can recurse deeper than that.
 *   2. Keys from the request are never assigned with `obj[key] = …`: JSON.parse defines its keys
 *      as own data properties (so `"__proto__"` is an ordinary member, never a prototype), decoding
 *      mutates value objects in place under the fixed members `B`/`BS`, and encoding copies with
 *      spread and `defineProperty` — a request cannot reach `Object.prototype`.
 *   3. Decoding only converts what has the right JSON type; anything else is left for the table
 *      layer's validation, which reports it with DynamoDB's messages. A malformed base64 string is
 *      a SerializationException here, with dynalite's texts.
 *   4. `encodeShape` never mutates its input (outputs may share objects with the database): it
 *      copies only along the paths that hold binary.
 */
import { NESTING_MESSAGE } from '../model/validate.js';
import { REQUEST_JSON_DEPTH_MAX } from '../limits.js';
import { ProtocolError } from './protocol-error.js';

// ---- Shapes --------------------------------------------------------------------------------------

/** Where attribute values sit in a JSON document. */
export type Shape =
  | { readonly kind: 'value' }
  /** A map of attribute name → value (an item, a key, ExpressionAttributeValues). */
  | { readonly kind: 'item' }
  | { readonly kind: 'list'; readonly of: Shape }
  | { readonly kind: 'map'; readonly of: Shape }
  | { readonly kind: 'struct'; readonly members: Readonly<Record<string, Shape>> };

export const VALUE: Shape = { kind: 'value' };
export const ITEM: Shape = { kind: 'item' };
export const listOf = (of: Shape): Shape => ({ kind: 'list', of });
export const mapOf = (of: Shape): Shape => ({ kind: 'map', of });
export const struct = (members: Readonly<Record<string, Shape>>): Shape => ({ kind: 'struct', members });

// ---- Parsing -------------------------------------------------------------------------------------

/**
 * Parses a request body. Malformed JSON is a SerializationException without a message (as
 * DynamoDB and dynalite answer); nesting beyond REQUEST_JSON_DEPTH_MAX is refused before parsing
 * with the message DynamoDB gives for over-nested items (the only deep structure a request has).
 */
export function parseJson(text: string): unknown {
  if (text.length > REQUEST_JSON_DEPTH_MAX && !openingsAtMost(text, REQUEST_JSON_DEPTH_MAX) && jsonDepthExceeds(text, REQUEST_JSON_DEPTH_MAX)) {
    throw new ProtocolError('ValidationException', NESTING_MESSAGE);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's own message is not DynamoDB's: the wire error carries none.
    throw new ProtocolError('SerializationException');
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether the text holds at most `limit` opening brackets and braces in all: then no nesting can
 * exceed `limit`. Native indexOf calls, so the usual request (a dozen braces) skips the
 * character-by-character pass of jsonDepthExceeds.
 */
function openingsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++count > limit) return false;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++count > limit) return false;
  return true;
}

/** Whether `[`/`{` nesting outside strings ever exceeds `depthMax` (one linear pass, no recursion). */
export function jsonDepthExceeds(text: string, depthMax: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > depthMax) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

// ---- Decoding (wire → SDK shapes), in place on a freshly parsed request ---------------------------

type Json = Record<string, unknown>;

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts base64 to bytes wherever `shape` says attribute values are (invariants 2 and 3). */
export function decodeShape(json: unknown, shape: Shape): void {
  switch (shape.kind) {
    case 'value':
      decodeValue(json);
      return;
    case 'item':
      if (isJsonObject(json)) for (const name of Object.keys(json)) decodeValue(json[name]);
      return;
    case 'list':
      if (Array.isArray(json)) for (const element of json) decodeShape(element, shape.of);
      return;
    case 'map':
      if (isJsonObject(json)) for (const key of Object.keys(json)) decodeShape(json[key], shape.of);
      return;
    case 'struct':
      if (!isJsonObject(json)) return;
      for (const member of Object.keys(shape.members)) {
        if (Object.hasOwn(json, member)) decodeShape(json[member], shape.members[member]!);
      }
      return;
  }
}

function decodeValue(value: unknown): void {
  if (!isJsonObject(value)) return;
  if (Object.hasOwn(value, 'B') && typeof value['B'] === 'string') value['B'] = base64ToBytes(value['B']);
  if (Object.hasOwn(value, 'BS') && Array.isArray(value['BS'])) {
    const set: unknown[] = value['BS'];
    for (let i = 0; i < set.length; i++) {
      const element = set[i];
      if (typeof element === 'string') set[i] = base64ToBytes(element);
    }
  }
  if (Object.hasOwn(value, 'L') && Array.isArray(value['L'])) for (const element of value['L'] as unknown[]) decodeValue(element);
  if (Object.hasOwn(value, 'M') && isJsonObject(value['M'])) {
    const map = value['M'];
    for (const name of Object.keys(map)) decodeValue(map[name]);
  }
}

const BASE64_BAD_CHARACTER = /[^a-zA-Z0-9+/=]|=[^=]/;

/** Strict RFC 4648 base64 → bytes, with dynalite's messages for what the service rejects. */
export function base64ToBytes(text: string): Uint8Array {
  const fail = (reason: string): ProtocolError =>
    new ProtocolError('SerializationException', `'${text}' can not be converted to a Blob: ${reason}`);
  if (text.length % 4 !== 0) throw fail(`Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`);
  const bad = BASE64_BAD_CHARACTER.exec(text);
  if (bad !== null) throw fail(`Invalid Base64 character: '${bad[0][0]!}'`);
  const buffer = Buffer.from(text, 'base64');
  // Non-canonical trailing bits ("+/+=") decode silently in Node; the service refuses them.
  if (buffer.toString('base64') !== text) throw fail('Invalid last non-pad Base64 character dectected');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// ---- Encoding (SDK shapes → wire), copy-on-write --------------------------------------------------

/** Returns `value` with bytes as base64 wherever `shape` says attribute values are (invariant 4). */
export function encodeShape(value: unknown, shape: Shape): unknown {
  switch (shape.kind) {
    case 'value':
      return encodeValue(value);
    case 'item':
      return isJsonObject(value) ? mapValues(value, encodeValue) : value;
    case 'list':
      return Array.isArray(value) ? mapList(value, (element) => encodeShape(element, shape.of)) : value;
    case 'map':
      return isJsonObject(value) ? mapValues(value, (element) => encodeShape(element, shape.of)) : value;
    case 'struct': {
      if (!isJsonObject(value)) return value;
      let out: Json | undefined;
      for (const member of Object.keys(shape.members)) {
        if (!Object.hasOwn(value, member)) continue;
        const before = value[member];
        const after = encodeShape(before, shape.members[member]!);
        if (after === before) continue;
        out ??= { ...value };
        out[member] = after; // a fixed member name from the shape, never a request key
      }
      return out ?? value;
    }
  }
}

function encodeValue(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  const b = value['B'];
  if (b instanceof Uint8Array) return { ...value, B: bytesToBase64(b) };
  const bs = value['BS'];
  if (Array.isArray(bs)) {
    const encoded = mapList(bs, (element) => (element instanceof Uint8Array ? bytesToBase64(element) : element));
    return encoded === bs ? value : { ...value, BS: encoded };
  }
  const list = value['L'];
  if (Array.isArray(list)) {
    const encoded = mapList(list, encodeValue);
    return encoded === list ? value : { ...value, L: encoded };
  }
  const map = value['M'];
  if (isJsonObject(map)) {
    const encoded = mapValues(map, encodeValue);
    return encoded === map ? value : { ...value, M: encoded };
  }
  return value;
}

/** `list` with `f` applied, or `list` itself when `f` changed nothing. */
function mapList(list: readonly unknown[], f: (element: unknown) => unknown): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const before = list[i];
    const after = f(before);
    if (after !== before && out === undefined) out = list.slice(0, i);
    if (out !== undefined) out.push(after);
  }
  return out ?? list;
}

/** `map` with `f` applied to each own value, or `map` itself when nothing changed. */
function mapValues(map: Json, f: (element: unknown) => unknown): Json {
  let out: Json | undefined;
  for (const key of Object.keys(map)) {
    const before = map[key];
    const after = f(before);
    if (after === before) continue;
    out ??= { ...map };
    // Keys are attribute names ("__proto__" included): define, never assign (invariant 2).
    Object.defineProperty(out, key, { value: after, enumerable: true, writable: true, configurable: true });
  }
  return out ?? map;
}
