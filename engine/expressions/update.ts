/**
 * Applies a resolved UpdateExpression (or translated legacy AttributeUpdates) to an item, with
 * DynamoDB's semantics and messages (reference/dynamodb-facts.md §10.4):
 *
 *  - Every right-hand side is evaluated against the item as it was before the update (so
 *    `SET a = b, b = a` swaps), and every list index refers to the list before the update:
 *    `REMOVE a[1] SET a[3] = :v` on [2,3,4,5,6,7] gives [2,4,:v,6,7] (DocumentEditor).
 *  - SET of a list index past the end appends; several such appends land in index order, ADDs
 *    to list elements included. REMOVE of a missing attribute, map member or list element past
 *    the end is a no-op; REMOVE on an item that does not exist is always a no-op (DynamoDB allows
 *    even `REMOVE x.y` there).
 *  - A path whose parent is missing or not a map (name step) / list (index step) fails with
 *    "The document path provided in the update expression is invalid for update".
 *  - ADD: a number adds (a missing value counts as 0); a set unions (a missing value counts as
 *    empty); works on nested paths too (DynamoDB accepts them despite the documentation).
 *    DELETE: subtracts set elements; a set left empty is removed; a missing value is a no-op.
 *  - Static operand errors (what the parser can see: literals of the wrong type) come first, with
 *    the "Invalid UpdateExpression: Incorrect operand type …" texts; then runtime errors: a missing
 *    path operand ("The provided expression refers to an attribute that does not exist in the
 *    item"), a non-number in + / -, a non-list in list_append, a type clash in ADD / DELETE ("An
 *    operand in the update expression has an incorrect data type"; with `legacy`, AttributeUpdates'
 *    "Type mismatch for attribute to update"). Number overflow and precision errors come from
 *    engine/model/number.ts. The 400 KB check of the result belongs to the table layer.
 *
 * UPDATED_OLD / UPDATED_NEW are the projections of the old and new item onto the updated paths,
 * as DynamoDB returns them (nested updates return only the updated parts; an appended list element
 * is found at its new position, so `SET l[7] = :v` on a 3-element list returns nothing for l).
 *
 * Concurrency: synchronous and pure; the result shares untouched subtrees (and literal values) with
 * the inputs, which callers must treat as immutable.
 */
import type { AttributeValue, AttributeType, Item } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import { binaryKey } from '../model/compare.js';
import { ValidationException } from '../model/errors.js';
import { addNumbers, subtractNumbers } from '../model/number.js';
import { unreachable } from '../util/assert.js';
import type { DocumentPath, UpdateActions, UpdateOperand, UpdateValue } from './ast.js';
import { DocumentEditor, getPath } from './document.js';
import { project } from './project.js';

export const MISSING_ATTRIBUTE_MESSAGE = 'The provided expression refers to an attribute that does not exist in the item';
export const OPERAND_TYPE_MESSAGE = 'An operand in the update expression has an incorrect data type';
export const LEGACY_TYPE_MISMATCH_MESSAGE = 'Type mismatch for attribute to update';

export interface ApplyUpdateOptions {
  /** The key of the item: an update of an absent item starts from it (DynamoDB's upsert). */
  readonly key?: Item;
  /** AttributeUpdates semantics: ADD of a list appends, type clashes use the legacy message. */
  readonly legacy?: boolean;
}

export interface UpdateResult {
  /** The new item. */
  readonly item: Item;
  /** ReturnValues UPDATED_OLD: the old item projected on the updated paths ({} for a new item). */
  readonly updatedOld: Item;
  /** ReturnValues UPDATED_NEW: the new item projected on the updated paths. */
  readonly updatedNew: Item;
}

const EMPTY_ITEM: Item = Object.freeze({}) as Item;

/** The word DynamoDB prints for an ADD / DELETE operand of the wrong type. */
const ACTION_TYPE_WORDS: Partial<Record<AttributeType, string>> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  BOOL: 'BOOLEAN',
  NULL: 'NULL',
  M: 'MAP',
  L: 'LIST',
};

function incorrectOperandType(operatorOrFunction: string, value: AttributeValue): ValidationException {
  return new ValidationException(
    'Invalid UpdateExpression: Incorrect operand type for operator or function; ' +
      `operator or function: ${operatorOrFunction}, operand type: ${typeOf(value)}`,
  );
}

function incorrectActionOperandType(action: 'ADD' | 'DELETE', value: AttributeValue): ValidationException {
  const type = typeOf(value);
  return new ValidationException(
    'Invalid UpdateExpression: Incorrect operand type for operator or function; ' +
      `operator: ${action}, operand type: ${ACTION_TYPE_WORDS[type] ?? type}`,
  );
}

/**
 * Applies `actions` to `item` (undefined: the item does not exist; `options.key` seeds it).
 * Throws ValidationException with DynamoDB's message; never returns a partial update.
 */
export function applyUpdate(item: Item | undefined, actions: UpdateActions, options: ApplyUpdateOptions = {}): UpdateResult {
  const legacy = options.legacy === true;
  checkStatically(actions, legacy);
  const base = item ?? options.key ?? EMPTY_ITEM;
  const values: AttributeValue[] = [];
  for (const action of actions.set) values.push(evaluateValue(action.value, base));

  const editor = new DocumentEditor(base);
  for (let i = 0; i < actions.set.length; i++) editor.set(actions.set[i]!.path, values[i]!);
  if (item !== undefined) for (const path of actions.remove) editor.remove(path);
  const mismatch = legacy ? LEGACY_TYPE_MISMATCH_MESSAGE : OPERAND_TYPE_MESSAGE;
  for (const action of actions.add) {
    const operand = action.value.value;
    editor.update(action.path, (existing) => addTo(existing, operand, mismatch));
  }
  for (const action of actions.delete) {
    const operand = action.value.value;
    editor.update(action.path, (existing) => deleteFrom(existing, operand, mismatch));
  }
  return new UpdateOutcome(editor.finish(), item, actions);
}

/** The errors DynamoDB reports from the expression alone, before looking at the item. */
function checkStatically(actions: UpdateActions, legacy: boolean): void {
  for (const action of actions.add) {
    const value = action.value.value;
    const type = typeOf(value);
    const allowed = type === 'N' || type === 'SS' || type === 'NS' || type === 'BS' || (legacy && type === 'L');
    if (!allowed) throw incorrectActionOperandType('ADD', value);
  }
  for (const action of actions.delete) {
    const type = typeOf(action.value.value);
    if (type !== 'SS' && type !== 'NS' && type !== 'BS') throw incorrectActionOperandType('DELETE', action.value.value);
  }
  for (const action of actions.set) checkValueStatically(action.value);
}

function checkValueStatically(value: UpdateValue): void {
  switch (value.type) {
    case 'arithmetic':
      checkOperandStatically(value.left, value.op, 'N');
      checkOperandStatically(value.right, value.op, 'N');
      return;
    case 'listAppend':
      checkOperandStatically(value.first, 'list_append', 'L');
      checkOperandStatically(value.second, 'list_append', 'L');
      return;
    case 'ifNotExists':
      checkValueStatically(value.fallback);
      return;
    case 'path':
    case 'literal':
      return;
    default:
      unreachable(value);
  }
}

function checkOperandStatically(operand: UpdateOperand, operatorOrFunction: string, required: 'N' | 'L'): void {
  if (operand.type === 'literal' && !(required in operand.value)) throw incorrectOperandType(operatorOrFunction, operand.value);
  checkValueStatically(operand);
}

function evaluateValue(value: UpdateValue, item: Item): AttributeValue {
  if (value.type !== 'arithmetic') return evaluateOperand(value, item);
  const left = evaluateOperand(value.left, item);
  if (!('N' in left)) throw new ValidationException(OPERAND_TYPE_MESSAGE);
  const right = evaluateOperand(value.right, item);
  if (!('N' in right)) throw new ValidationException(OPERAND_TYPE_MESSAGE);
  return { N: value.op === '+' ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) };
}

function evaluateOperand(operand: UpdateOperand, item: Item): AttributeValue {
  switch (operand.type) {
    case 'path': {
      const value = getPath(item, operand);
      if (value === undefined) throw new ValidationException(MISSING_ATTRIBUTE_MESSAGE);
      return value;
    }
    case 'literal':
      return operand.value;
    case 'ifNotExists':
      return getPath(item, operand.path) ?? evaluateOperand(operand.fallback, item);
    case 'listAppend': {
      const first = evaluateOperand(operand.first, item);
      if (!('L' in first)) throw new ValidationException(OPERAND_TYPE_MESSAGE);
      const second = evaluateOperand(operand.second, item);
      if (!('L' in second)) throw new ValidationException(OPERAND_TYPE_MESSAGE);
      return { L: first.L.concat(second.L) };
    }
    default:
      return unreachable(operand);
  }
}

/** ADD `operand` to `existing` (checked statically: N, a set, or with legacy a list). */
function addTo(existing: AttributeValue | undefined, operand: AttributeValue, mismatch: string): AttributeValue {
  if (existing === undefined) return operand;
  if ('N' in operand) {
    if (!('N' in existing)) throw new ValidationException(mismatch);
    return { N: addNumbers(existing.N, operand.N) };
  }
  if ('SS' in operand) {
    if (!('SS' in existing)) throw new ValidationException(mismatch);
    return { SS: union(existing.SS, operand.SS, (s) => s) };
  }
  if ('NS' in operand) {
    if (!('NS' in existing)) throw new ValidationException(mismatch);
    return { NS: union(existing.NS, operand.NS, (n) => n) }; // canonical numbers: string identity
  }
  if ('BS' in operand) {
    if (!('BS' in existing)) throw new ValidationException(mismatch);
    return { BS: union(existing.BS, operand.BS, binaryKey) };
  }
  if ('L' in operand) {
    if (!('L' in existing)) throw new ValidationException(mismatch);
    return { L: existing.L.concat(operand.L) };
  }
  throw new ValidationException(mismatch);
}

/** DELETE `operand`'s elements from `existing`; undefined removes the attribute. */
function deleteFrom(existing: AttributeValue | undefined, operand: AttributeValue, mismatch: string): AttributeValue | undefined {
  if (existing === undefined) return undefined;
  let remaining: AttributeValue;
  if ('SS' in operand) {
    if (!('SS' in existing)) throw new ValidationException(mismatch);
    remaining = { SS: difference(existing.SS, operand.SS, (s) => s) };
  } else if ('NS' in operand) {
    if (!('NS' in existing)) throw new ValidationException(mismatch);
    remaining = { NS: difference(existing.NS, operand.NS, (n) => n) };
  } else if ('BS' in operand) {
    if (!('BS' in existing)) throw new ValidationException(mismatch);
    remaining = { BS: difference(existing.BS, operand.BS, binaryKey) };
  } else {
    throw new ValidationException(mismatch);
  }
  const size = 'SS' in remaining ? remaining.SS.length : 'NS' in remaining ? remaining.NS.length : (remaining as { BS: Uint8Array[] }).BS.length;
  return size === 0 ? undefined : remaining;
}

function union<T>(existing: readonly T[], added: readonly T[], identity: (member: T) => string): T[] {
  const seen = new Set(existing.map(identity));
  const result = existing.slice();
  for (const member of added) {
    const id = identity(member);
    if (!seen.has(id)) {
      seen.add(id);
      result.push(member);
    }
  }
  return result;
}

function difference<T>(existing: readonly T[], removed: readonly T[], identity: (member: T) => string): T[] {
  const gone = new Set(removed.map(identity));
  return existing.filter((member) => !gone.has(identity(member)));
}

/** Every path an update touches, cached per (immutable) UpdateActions so projections compile once. */
const touchedPathsCache = new WeakMap<UpdateActions, DocumentPath[]>();

function touchedPaths(actions: UpdateActions): DocumentPath[] {
  let paths = touchedPathsCache.get(actions);
  if (paths === undefined) {
    paths = [
      ...actions.set.map((action) => action.path),
      ...actions.remove,
      ...actions.add.map((action) => action.path),
      ...actions.delete.map((action) => action.path),
    ];
    touchedPathsCache.set(actions, paths);
  }
  return paths;
}

/** UPDATED_OLD / UPDATED_NEW are computed only when asked for (most updates return NONE). */
class UpdateOutcome implements UpdateResult {
  private old: Item | undefined;
  private new: Item | undefined;

  constructor(
    readonly item: Item,
    private readonly previous: Item | undefined,
    private readonly actions: UpdateActions,
  ) {}

  get updatedOld(): Item {
    this.old ??= this.previous === undefined ? {} : project(this.previous, touchedPaths(this.actions));
    return this.old;
  }

  get updatedNew(): Item {
    this.new ??= project(this.item, touchedPaths(this.actions));
    return this.new;
  }
}
