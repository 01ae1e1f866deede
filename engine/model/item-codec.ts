/**
 * The stored form of an item: a version byte, then MessagePack (msgpackr) of a compact tree.
 * Part of the on-disk format: see FORMAT.md ("Items", format version 1). Never renumber the tags.
 *
 *   S      msgpack str                  BOOL   msgpack true/false       NULL   msgpack nil
 *   B      msgpack bin                  N      msgpack int when the canonical number is an integer
 *                                              of at most 15 digits, else [TAG_N, "canonical"]
 *   L      [TAG_L, v1, v2, …]           M      [TAG_M, name1, v1, name2, v2, …]
 *   SS     [TAG_SS, "a", …]             NS     [TAG_NS, "canonical", …]   BS  [TAG_BS, bin, …]
 *   item   [name1, v1, name2, v2, …]    (the top level is a map without its tag)
 *
 * Maps are arrays of alternating names and values rather than msgpack maps, because a msgpack map
 * decoder must guard "__proto__" (msgpackr renames it) and builds an object we would rebuild anyway.
 *
 * Pure and synchronous. The decoder distrusts its input: a malformed tree is a CorruptionError.
 * decode(encode(item)) equals item for every validated item (tested).
 */
import { Packr } from 'msgpackr';
import { CorruptionError } from '../util/errors.js';
import type { AttributeValue, Item } from './attribute-value.js';
import { setEntry } from './validate.js';

/** Format version of the stored item; the first byte of every encoding. */
export const ITEM_FORMAT_VERSION = 1;
/** Tags of the compact tree (part of the on-disk format: never renumber). */
export const TAG_N = 1;
export const TAG_L = 2;
export const TAG_M = 3;
export const TAG_SS = 4;
export const TAG_NS = 5;
export const TAG_BS = 6;

// Records off (they need shared structures), copies of binary data on decode (a view would pin
// and alias the caller's block), no typed-array extensions.
const packr = new Packr({ useRecords: false, moreTypes: false, copyBuffers: true, bundleStrings: false });

type Tree = string | number | boolean | null | Uint8Array | Tree[];

/** A canonical integer of at most 15 digits: exact as a double and printed back identically. */
function isCompactInteger(canonical: string): boolean {
  const length = canonical.length;
  const start = canonical.charCodeAt(0) === 45 ? 1 : 0;
  if (length - start > 15) return false;
  for (let i = start; i < length; i++) {
    const code = canonical.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

function toTree(value: AttributeValue): Tree {
  if ('S' in value) return value.S;
  if ('N' in value) return isCompactInteger(value.N) ? Number(value.N) : [TAG_N, value.N];
  if ('B' in value) return value.B;
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('M' in value) return mapToTree(value.M, TAG_M);
  if ('L' in value) {
    const out: Tree[] = [TAG_L];
    for (const element of value.L) out.push(toTree(element));
    return out;
  }
  if ('SS' in value) return [TAG_SS, ...value.SS];
  if ('NS' in value) return [TAG_NS, ...value.NS];
  return [TAG_BS, ...value.BS];
}

function mapToTree(map: Item, tag: number | undefined): Tree[] {
  const out: Tree[] = tag === undefined ? [] : [tag];
  for (const name in map) {
    if (!Object.prototype.hasOwnProperty.call(map, name)) continue;
    out.push(name, toTree(map[name]!));
  }
  return out;
}

/** Encodes a validated item. */
export function encodeItem(item: Item): Uint8Array {
  const body = packr.pack(mapToTree(item, undefined));
  const out = new Uint8Array(body.length + 1);
  out[0] = ITEM_FORMAT_VERSION;
  out.set(body, 1);
  return out;
}

function corrupt(what: string): never {
  throw new CorruptionError(`stored item: ${what}`);
}

function asBytes(tree: Tree): Uint8Array {
  // msgpackr returns Node Buffers; expose plain Uint8Arrays (a view, the copy is already ours).
  const bytes = tree as Uint8Array;
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fromTree(tree: Tree): AttributeValue {
  switch (typeof tree) {
    case 'string':
      return { S: tree };
    case 'number':
      if (!Number.isSafeInteger(tree)) corrupt('number is not a compact integer');
      return { N: String(tree) };
    case 'boolean':
      return { BOOL: tree };
    case 'object':
      if (tree === null) return { NULL: true };
      if (tree instanceof Uint8Array) return { B: asBytes(tree) };
      return fromTaggedTree(tree);
    default:
      return corrupt(`unexpected ${typeof tree}`);
  }
}

function fromTaggedTree(tree: Tree[]): AttributeValue {
  const tag = tree[0];
  switch (tag) {
    case TAG_N:
      if (tree.length !== 2 || typeof tree[1] !== 'string') corrupt('bad number');
      return { N: tree[1] };
    case TAG_L: {
      const list: AttributeValue[] = new Array<AttributeValue>(tree.length - 1);
      for (let i = 1; i < tree.length; i++) list[i - 1] = fromTree(tree[i]!);
      return { L: list };
    }
    case TAG_M:
      return { M: treeToMap(tree, 1) };
    case TAG_SS:
    case TAG_NS: {
      const set: string[] = new Array<string>(tree.length - 1);
      for (let i = 1; i < tree.length; i++) {
        const element = tree[i];
        if (typeof element !== 'string') corrupt('bad set element');
        set[i - 1] = element;
      }
      if (set.length === 0) corrupt('empty set');
      return tag === TAG_SS ? { SS: set } : { NS: set };
    }
    case TAG_BS: {
      const set: Uint8Array[] = new Array<Uint8Array>(tree.length - 1);
      for (let i = 1; i < tree.length; i++) {
        const element = tree[i]!;
        if (!(element instanceof Uint8Array)) corrupt('bad binary set element');
        set[i - 1] = asBytes(element);
      }
      if (set.length === 0) corrupt('empty set');
      return { BS: set };
    }
    default:
      return corrupt(`unknown tag ${String(tag)}`);
  }
}

function treeToMap(tree: Tree[], start: number): Item {
  if ((tree.length - start) % 2 !== 0) corrupt('odd map entries');
  const map: Item = {};
  for (let i = start; i < tree.length; i += 2) {
    const name = tree[i];
    if (typeof name !== 'string') corrupt('map name is not a string');
    setEntry(map, name, fromTree(tree[i + 1]!));
  }
  return map;
}

/** Decodes a stored item; throws CorruptionError when the bytes are not one. */
export function decodeItem(bytes: Uint8Array): Item {
  if (bytes.length < 2) corrupt('too short');
  if (bytes[0] !== ITEM_FORMAT_VERSION) corrupt(`unknown format version ${String(bytes[0])}`);
  let tree: unknown;
  try {
    tree = packr.unpack(bytes.subarray(1));
  } catch (error) {
    throw new CorruptionError('stored item: undecodable MessagePack', { cause: error });
  }
  if (!Array.isArray(tree)) corrupt('top level is not a map');
  return treeToMap(tree as Tree[], 0);
}
