/**
 * Evaluates resolved ConditionExpression / FilterExpression trees (and the legacy Expected,
 * QueryFilter and ScanFilter, which translate onto the same trees) against one item, with
 * DynamoDB's semantics (reference/dynamodb-facts.md §10.1):
 *
 *  - `=`: same type and equal value (numbers numerically, sets unordered, lists and maps deeply);
 *    false when either side is missing. `<>` is its exact negation, so it is true when the types
 *    differ or a side is missing.
 *  - `< <= > >=` and BETWEEN: only S (UTF-8 byte order), N (numeric) and B (unsigned bytes), all
 *    sides of the same type; anything else, or a missing side, is false (never an error).
 *  - IN: the operand equals (as `=`) one of the listed values.
 *  - attribute_exists / attribute_not_exists: presence; a NULL value exists.
 *  - attribute_type(path, :t): the value at path has the type named by :t (an S naming one of the
 *    ten types; the parser rejects any other literal, and anything else evaluates to false here).
 *  - begins_with: S prefix of S, or B byte prefix of B; other types false.
 *  - contains: S substring of S; B byte subsequence of B (as the legacy CONTAINS documents);
 *    membership in SS/NS/BS of an element of the matching scalar type; L: some element `=` it.
 *  - size(path): S → UTF-16 code units (JS length: verified against DynamoDB, size("é𝄞") = 3, as
 *    dynalite does); B → bytes; sets and L → element count; M → member count. On N, BOOL or NULL
 *    there is no size: the operand counts as missing (so a comparison with it is false and `<>` is
 *    true), as dynalite does. DynamoDB's "Incorrect operand type … operator or function: size"
 *    error applies only to what the parser can see statically, and `size` takes only a path here.
 *
 * Concurrency: synchronous and pure; never allocates on the common paths except size() results.
 * An absent item behaves as an item without attributes.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import { attributeValuesEqual, compareUtf8 } from '../model/compare.js';
import { compareNumbers } from '../model/number.js';
import { unreachable } from '../util/assert.js';
import { bytesEqual, compareBytes } from '../util/bytes.js';
import type { Condition, Operand } from './ast.js';
import { getPath } from './document.js';

const EMPTY_ITEM: Item = Object.freeze({}) as Item;

/** Whether `condition` holds for `item` (undefined: the item does not exist). */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  return holds(condition, item ?? EMPTY_ITEM);
}

function holds(condition: Condition, item: Item): boolean {
  switch (condition.type) {
    case 'and':
      return holds(condition.left, item) && holds(condition.right, item);
    case 'or':
      return holds(condition.left, item) || holds(condition.right, item);
    case 'not':
      return !holds(condition.condition, item);
    case 'compare': {
      const left = resolveOperand(condition.left, item);
      const right = resolveOperand(condition.right, item);
      switch (condition.op) {
        case '=':
          return left !== undefined && right !== undefined && attributeValuesEqual(left, right);
        case '<>':
          return left === undefined || right === undefined || !attributeValuesEqual(left, right);
        default: {
          if (left === undefined || right === undefined) return false;
          const order = compareScalars(left, right);
          if (order === undefined) return false;
          if (condition.op === '<') return order < 0;
          if (condition.op === '<=') return order <= 0;
          if (condition.op === '>') return order > 0;
          return order >= 0;
        }
      }
    }
    case 'between': {
      const value = resolveOperand(condition.operand, item);
      if (value === undefined) return false;
      const lower = resolveOperand(condition.lower, item);
      const upper = resolveOperand(condition.upper, item);
      if (lower === undefined || upper === undefined) return false;
      const fromLower = compareScalars(lower, value);
      if (fromLower === undefined || fromLower > 0) return false;
      const toUpper = compareScalars(value, upper);
      return toUpper !== undefined && toUpper <= 0;
    }
    case 'in': {
      const value = resolveOperand(condition.operand, item);
      if (value === undefined) return false;
      for (const candidate of condition.list) {
        const resolved = resolveOperand(candidate, item);
        if (resolved !== undefined && attributeValuesEqual(value, resolved)) return true;
      }
      return false;
    }
    case 'attributeExists':
      return getPath(item, condition.path) !== undefined;
    case 'attributeNotExists':
      return getPath(item, condition.path) === undefined;
    case 'attributeType': {
      const value = getPath(item, condition.path);
      if (value === undefined) return false;
      const typeName = resolveOperand(condition.attributeType, item);
      return typeName !== undefined && 'S' in typeName && typeOf(value) === typeName.S;
    }
    case 'beginsWith': {
      const value = getPath(item, condition.path);
      if (value === undefined) return false;
      const prefix = resolveOperand(condition.prefix, item);
      if (prefix === undefined) return false;
      if ('S' in value) return 'S' in prefix && value.S.startsWith(prefix.S);
      if ('B' in value) return 'B' in prefix && isBytePrefix(prefix.B, value.B);
      return false;
    }
    case 'contains': {
      const haystack = getPath(item, condition.path);
      if (haystack === undefined) return false;
      const needle = resolveOperand(condition.operand, item);
      if (needle === undefined) return false;
      return contains(haystack, needle);
    }
    default:
      return unreachable(condition);
  }
}

/** The value an operand denotes in `item`, or undefined when it has none. */
export function resolveOperand(operand: Operand, item: Item): AttributeValue | undefined {
  switch (operand.type) {
    case 'path':
      return getPath(item, operand);
    case 'literal':
      return operand.value;
    case 'size': {
      const value = getPath(item, operand.path);
      if (value === undefined) return undefined;
      const size = sizeOf(value);
      return size === undefined ? undefined : { N: String(size) };
    }
    default:
      return unreachable(operand);
  }
}

/** DynamoDB's size(): see the header; undefined for N, BOOL and NULL. */
export function sizeOf(value: AttributeValue): number | undefined {
  if ('S' in value) return value.S.length;
  if ('B' in value) return value.B.length;
  if ('L' in value) return value.L.length;
  if ('M' in value) return Object.keys(value.M).length;
  if ('SS' in value) return value.SS.length;
  if ('NS' in value) return value.NS.length;
  if ('BS' in value) return value.BS.length;
  return undefined;
}

/** Order of two scalars of one type (S, N or B); undefined for other types or a type mismatch. */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('S' in a) return 'S' in b ? compareUtf8(a.S, b.S) : undefined;
  if ('N' in a) return 'N' in b ? compareNumbers(a.N, b.N) : undefined;
  if ('B' in a) return 'B' in b ? compareBytes(a.B, b.B) : undefined;
  return undefined;
}

/** contains(haystack, needle) for present values: see the header. */
export function contains(haystack: AttributeValue, needle: AttributeValue): boolean {
  if ('S' in haystack) return 'S' in needle && haystack.S.includes(needle.S);
  if ('B' in haystack) return 'B' in needle && indexOfBytes(haystack.B, needle.B) >= 0;
  if ('SS' in haystack) return 'S' in needle && haystack.SS.includes(needle.S);
  // Canonical numbers make numeric membership a string comparison.
  if ('NS' in haystack) return 'N' in needle && haystack.NS.includes(needle.N);
  if ('BS' in haystack) {
    if (!('B' in needle)) return false;
    for (const member of haystack.BS) if (bytesEqual(member, needle.B)) return true;
    return false;
  }
  if ('L' in haystack) {
    for (const element of haystack.L) if (attributeValuesEqual(element, needle)) return true;
    return false;
  }
  return false;
}

function isBytePrefix(prefix: Uint8Array, bytes: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== bytes[i]) return false;
  return true;
}

/** First index of `needle` inside `haystack` (naive search: attribute values are small). */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const last = haystack.length - needle.length;
  outer: for (let start = 0; start <= last; start++) {
    for (let i = 0; i < needle.length; i++) if (haystack[start + i] !== needle[i]) continue outer;
    return start;
  }
  return -1;
}
