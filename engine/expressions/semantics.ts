/**
 * The checks DynamoDB makes on an expression that depend on its text alone ("static" checks), run
 * once per parse; their outcome is cached with the tree. The checks that depend on placeholder
 * values live in resolve.ts and use the helpers at the bottom of this file.
 *
 * DynamoDB reports one error per request, by category, in a fixed order (observed through dynalite,
 * whose tests ran against the real service). After syntax errors:
 *  - conditions: redundant parentheses, invalid function name, misused function, reserved word,
 *    then (at resolution) undefined placeholder, operand count, distinct operands, function/type;
 *  - updates: reserved word, invalid function name, repeated section, then (at resolution)
 *    undefined name, undefined value, path overlap, path conflict, ADD/DELETE operand, function;
 *  - projections: reserved word, then undefined name, path overlap, path conflict.
 * Within a category the first occurrence wins, taking functions in the order they complete (inner
 * calls before outer ones). Limits with no dynalite counterpart (IN operands, nesting depth,
 * update operator count) rank after these static categories.
 *
 * Concurrency: pure functions.
 */
import { typeOf, type AttributeType, type AttributeValue } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { AssertionError } from '../util/assert.js';
import { compareBytes } from '../util/bytes.js';
import { IN_OPERANDS_MAX, UPDATE_EXPRESSION_OPERATORS_MAX } from '../limits.js';
import { nestingLevels, nestingTooDeep } from './parser.js';
import { isReservedWord } from './reserved-words.js';
import type { DocumentPath } from './ast.js';
import type { ParsedCondition } from './parse-condition.js';
import type {
  ExpressionKind,
  SyntaxCall,
  SyntaxCondition,
  SyntaxOperand,
  SyntaxPath,
  SyntaxProjection,
  SyntaxSetValue,
  SyntaxUpdate,
} from './syntax.js';

export const CONDITION_FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ['attribute_exists', 1],
  ['attribute_not_exists', 1],
  ['attribute_type', 2],
  ['begins_with', 2],
  ['contains', 2],
  ['size', 1],
]);

export const UPDATE_FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ['if_not_exists', 2],
  ['list_append', 2],
]);

export function invalid(kind: ExpressionKind, message: string): ValidationException {
  return new ValidationException(`Invalid ${kind}: ${message}`);
}

/** First occurrence per category; `report` throws the highest-ranked one. */
class FirstErrors {
  private readonly messages: (string | undefined)[];
  constructor(categoryCount: number) {
    this.messages = new Array<string | undefined>(categoryCount);
  }
  note(category: number, message: string): void {
    if (this.messages[category] === undefined) this.messages[category] = message;
  }
  report(kind: ExpressionKind): void {
    for (const message of this.messages) if (message !== undefined) throw invalid(kind, message);
  }
}

function misused(name: string): string {
  return `The function is not allowed to be used this way in an expression; function: ${name}`;
}

/** Reserved words written plainly and nesting depth, for every path. */
function checkPath(path: SyntaxPath, errors: FirstErrors, reservedCategory: number, depthCategory: number): void {
  for (const element of path.elements) {
    if (element.kind === 'name' && isReservedWord(element.name)) {
      errors.note(reservedCategory, `Attribute name is a reserved keyword; reserved keyword: ${element.name}`);
    }
  }
  if (nestingTooDeep(path)) {
    errors.note(depthCategory, `The document path has too many nesting levels; nesting levels: ${nestingLevels(path)}`);
  }
}

// ---- Conditions -----------------------------------------------------------------------------------

const enum ConditionCategory {
  Parentheses,
  UnknownFunction,
  MisusedFunction,
  Reserved,
  InOperands,
  Depth,
  Count,
}

/** Throws the highest-ranked static error of a parsed condition, if any. */
export function checkConditionStatic(parsed: ParsedCondition, kind: ExpressionKind): void {
  const errors = new FirstErrors(ConditionCategory.Count);
  if (parsed.redundantParentheses) errors.note(ConditionCategory.Parentheses, 'The expression has redundant parentheses;');
  walkCondition(parsed.tree, errors);
  noteMisusedSize(parsed.tree, errors);
  errors.report(kind);
}

function walkCondition(c: SyntaxCondition, errors: FirstErrors): void {
  switch (c.kind) {
    case 'compare':
      walkOperands([c.left, c.right], errors);
      return;
    case 'between':
      walkOperands([c.operand, c.lower, c.upper], errors);
      return;
    case 'in':
      walkOperands([c.operand, ...c.list], errors);
      if (c.list.length > IN_OPERANDS_MAX) {
        errors.note(
          ConditionCategory.InOperands,
          `The IN operator is provided with too many operands; number of operands: ${c.list.length}`,
        );
      }
      return;
    case 'and':
    case 'or':
      walkCondition(c.left, errors);
      walkCondition(c.right, errors);
      noteMisusedSize(c.left, errors);
      noteMisusedSize(c.right, errors);
      return;
    case 'not':
      walkCondition(c.condition, errors);
      noteMisusedSize(c.condition, errors);
      return;
    case 'function':
      walkCall(c.call, errors);
      return;
  }
}

/** size() yields a number, not a truth value: it cannot stand as a condition. */
function noteMisusedSize(c: SyntaxCondition, errors: FirstErrors): void {
  if (c.kind === 'function' && c.call.name === 'size') errors.note(ConditionCategory.MisusedFunction, misused('size'));
}

function walkOperands(operands: readonly SyntaxOperand[], errors: FirstErrors): void {
  for (const operand of operands) walkOperand(operand, errors);
  // Only size() yields an operand; every other function is a condition.
  for (const operand of operands) {
    if (operand.kind === 'call' && operand.name !== 'size') errors.note(ConditionCategory.MisusedFunction, misused(operand.name));
  }
}

function walkOperand(operand: SyntaxOperand, errors: FirstErrors): void {
  if (operand.kind === 'path') checkPath(operand, errors, ConditionCategory.Reserved, ConditionCategory.Depth);
  else if (operand.kind === 'call') walkCall(operand, errors);
}

function walkCall(call: SyntaxCall, errors: FirstErrors): void {
  walkOperands(call.args, errors);
  if (!CONDITION_FUNCTIONS.has(call.name)) errors.note(ConditionCategory.UnknownFunction, `Invalid function name; function: ${call.name}`);
}

// ---- Updates --------------------------------------------------------------------------------------

const enum UpdateCategory {
  Reserved,
  UnknownFunction,
  Section,
  Operators,
  Depth,
  Count,
}

/** Throws the highest-ranked static error of a parsed update, if any. */
export function checkUpdateStatic(update: SyntaxUpdate): void {
  const errors = new FirstErrors(UpdateCategory.Count);
  const seen = new Set<string>();
  for (const section of update.sections) {
    if (seen.has(section)) errors.note(UpdateCategory.Section, `The "${section}" section can only be used once in an update expression;`);
    seen.add(section);
  }
  let operatorCount = 0;
  const walkOperand = (operand: SyntaxOperand): void => {
    if (operand.kind === 'path') checkPath(operand, errors, UpdateCategory.Reserved, UpdateCategory.Depth);
    else if (operand.kind === 'call') {
      operatorCount++;
      for (const arg of operand.args) walkOperand(arg);
      if (!UPDATE_FUNCTIONS.has(operand.name)) errors.note(UpdateCategory.UnknownFunction, `Invalid function name; function: ${operand.name}`);
    }
  };
  const walkSetValue = (value: SyntaxSetValue): void => {
    if (value.kind === 'arithmetic') {
      operatorCount++;
      walkOperand(value.left);
      walkOperand(value.right);
    } else walkOperand(value);
  };
  for (const action of update.actions) {
    checkPath(action.path, errors, UpdateCategory.Reserved, UpdateCategory.Depth);
    if (action.clause === 'SET') walkSetValue(action.value);
  }
  if (operatorCount > UPDATE_EXPRESSION_OPERATORS_MAX) {
    errors.note(UpdateCategory.Operators, `The expression contains too many operators; operator count: ${operatorCount}`);
  }
  errors.report('UpdateExpression');
}

// ---- Projections ----------------------------------------------------------------------------------

/** Throws the highest-ranked static error of a parsed projection, if any. */
export function checkProjectionStatic(paths: SyntaxProjection): void {
  const errors = new FirstErrors(2);
  for (const path of paths) checkPath(path, errors, 0, 1);
  errors.report('ProjectionExpression');
}

// ---- Helpers for the checks at resolution ---------------------------------------------------------

/** DynamoDB's path notation in messages: `[a, b, [1]]`. */
export function pathText(path: DocumentPath): string {
  return `[${path.elements.map((e) => (e.type === 'name' ? e.name : `[${e.index}]`)).join(', ')}]`;
}

export function samePath(a: DocumentPath, b: DocumentPath): boolean {
  if (a.elements.length !== b.elements.length) return false;
  for (let i = 0; i < a.elements.length; i++) {
    const x = a.elements[i]!;
    const y = b.elements[i]!;
    if (x.type === 'name' ? y.type !== 'name' || x.name !== y.name : y.type !== 'index' || x.index !== y.index) return false;
  }
  return true;
}

/**
 * DynamoDB's overlap and conflict rules for the paths of one update or projection, in source order:
 * a path that is a prefix of (or equal to) an earlier one overlaps it; two paths that agree up to an
 * element that is a name in one and an index in the other conflict. The service (as dynalite) stops
 * at the first overlap, while a later conflict replaces an earlier one; overlap ranks first.
 */
export function findPathClash(paths: readonly DocumentPath[]): string | undefined {
  let overlap: string | undefined;
  let conflict: string | undefined;
  const accepted: DocumentPath[] = [];
  const clash = (kind: string, one: DocumentPath, two: DocumentPath): string =>
    `Two document paths ${kind} with each other; must remove or rewrite one of these paths; path one: ${pathText(one)}, path two: ${pathText(two)}`;
  for (const path of paths) {
    for (const earlier of accepted) {
      const shared = Math.min(earlier.elements.length, path.elements.length);
      let diverged = false;
      for (let i = 0; i < shared && !diverged; i++) {
        const x = earlier.elements[i]!;
        const y = path.elements[i]!;
        if (x.type !== y.type) {
          conflict = clash('conflict', earlier, path);
          diverged = true;
        } else if (x.type === 'name' ? x.name !== (y as { name: string }).name : x.index !== (y as { index: number }).index) {
          diverged = true;
        }
      }
      if (!diverged) {
        overlap = clash('overlap', earlier, path);
        return overlap;
      }
    }
    accepted.push(path);
  }
  return overlap ?? conflict;
}

/** The type descriptor DynamoDB names in operand-type messages. */
export function literalType(value: AttributeValue): AttributeType {
  return typeOf(value);
}

/** `{N:5}`, as in the BETWEEN messages (binary in base64, as on the wire). */
export function literalText(value: AttributeValue): string {
  if ('S' in value) return `{S:${value.S}}`;
  if ('N' in value) return `{N:${value.N}}`;
  if ('B' in value) return `{B:${base64(value.B)}}`;
  return `{${typeOf(value)}}`;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Orders two S, N or B values of the same type: UTF-8 bytes, numeric value, unsigned bytes. */
export function compareScalars(a: AttributeValue, b: AttributeValue): number {
  if ('S' in a && 'S' in b) return compareUtf8Strings(a.S, b.S);
  if ('N' in a && 'N' in b) return compareDecimals(a.N, b.N);
  if ('B' in a && 'B' in b) return compareBytes(a.B, b.B);
  throw new AssertionError('compareScalars needs two values of one scalar type');
}

function compareUtf8Strings(a: string, b: string): number {
  // UTF-16 order differs from code-point (UTF-8) order only for surrogates vs U+E000..U+FFFF.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

function utf8Rank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

interface Decimal {
  readonly sign: -1 | 0 | 1;
  /** Significant digits, no leading or trailing zeros ('' for zero). */
  readonly digits: string;
  /** Decimal exponent of the first significant digit. */
  readonly exponent: number;
}

/** Parses a DynamoDB number (already validated: `-?digits[.digits][e±digits]`). */
function parseDecimal(text: string): Decimal {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (match === null) throw new AssertionError(`not a number: ${text}`);
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';
  const all = whole + fraction;
  const first = all.search(/[1-9]/);
  if (first < 0) return { sign: 0, digits: '', exponent: 0 };
  const digits = all.slice(first).replace(/0+$/, '');
  const exponent = whole.length - first - 1 + Number(match[4] ?? '0');
  return { sign: match[1] === '-' ? -1 : 1, digits, exponent };
}

function compareDecimals(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (x.sign !== y.sign) return x.sign - y.sign;
  if (x.sign === 0) return 0;
  // Equal exponents: the digit strings compare lexicographically (a prefix is the smaller).
  const magnitude = x.exponent !== y.exponent ? x.exponent - y.exponent : x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0;
  return x.sign * Math.sign(magnitude);
}
