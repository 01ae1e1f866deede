/**
 * Document paths inside items: reading the value at a path, and editing an item along paths with
 * DynamoDB's rules (a name step needs a map, an index step needs a list; SET past a list's end
 * appends; REMOVE of a list element shifts the later ones down).
 *
 * Concurrency: synchronous and pure. Items are treated as immutable values: `getPath` never copies,
 * and `DocumentEditor` copies only the containers on the paths it edits (copy-on-write), so its
 * result shares every untouched subtree with its input. Callers must not mutate items in place.
 *
 * Invariants of `DocumentEditor`:
 *  1. It mutates only containers it created itself (tracked in `owned`), never its input.
 *  2. While editing, every list keeps its original length and positions: removals are recorded and
 *     appends queued, and both are applied in `finish()`. So every index in every path refers to
 *     the list as it was before the update, as DynamoDB specifies for one UpdateExpression.
 *  3. Appends to one list land in ascending order of their (past-the-end) indexes.
 *  4. Map members are never `delete`d (which would leave objects in V8's slow dictionary mode):
 *     removals are recorded and `finish()` rebuilds each affected record and re-links it.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { assert } from '../util/assert.js';
import type { DocumentPath, PathElement } from './ast.js';

export const INVALID_UPDATE_PATH_MESSAGE = 'The document path provided in the update expression is invalid for update';

/** An own property of a record, never one inherited from Object.prototype ("constructor", "__proto__"). */
export function ownValue(record: Readonly<Record<string, AttributeValue>>, name: string): AttributeValue | undefined {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

/** Sets an own property; "__proto__" becomes a plain data property instead of changing the prototype. */
export function setOwn(record: Record<string, AttributeValue>, name: string, value: AttributeValue): void {
  if (name === '__proto__') {
    Object.defineProperty(record, name, { value, writable: true, enumerable: true, configurable: true });
  } else {
    record[name] = value;
  }
}

/**
 * Copies a record's own enumerable properties. Spread defines properties (it never runs the
 * "__proto__" setter) and is V8's fastest clone: ~10× a keyed-store loop.
 */
export function copyRecord(record: Readonly<Record<string, AttributeValue>>): Record<string, AttributeValue> {
  return { ...record };
}

/** A copy without `names`, built fresh: `delete` would drop the object into slow dictionary mode. */
function withoutNames(record: Readonly<Record<string, AttributeValue>>, names: ReadonlySet<string>): Record<string, AttributeValue> {
  if (names.size === 1) {
    const [name] = names;
    const { [name!]: _removed, ...rest } = record;
    return rest;
  }
  const copy: Record<string, AttributeValue> = {};
  for (const name of Object.keys(record)) if (!names.has(name)) setOwn(copy, name, record[name]!);
  return copy;
}

/** One step down from `value`: a map member or a list element; undefined when absent or the wrong shape. */
export function stepInto(value: AttributeValue, element: PathElement): AttributeValue | undefined {
  if (element.type === 'name') return 'M' in value ? ownValue(value.M, element.name) : undefined;
  return 'L' in value ? value.L[element.index] : undefined;
}

/** The value at `path` in `item`, or undefined when any step is missing or of the wrong shape. */
export function getPath(item: Item | undefined, path: DocumentPath): AttributeValue | undefined {
  if (item === undefined) return undefined;
  const elements = path.elements;
  const first = elements[0];
  assert(first !== undefined && first.type === 'name', 'a document path starts with a name');
  let value = ownValue(item, first.name);
  for (let i = 1; i < elements.length && value !== undefined; i++) value = stepInto(value, elements[i]!);
  return value;
}

/** The container an edit's last step lands in. */
type Parent =
  | { readonly kind: 'map'; readonly record: Record<string, AttributeValue> }
  | { readonly kind: 'list'; readonly list: AttributeValue[] };

/** Structural edits to one list, applied in `finish()` (invariant 2). */
interface ListEdits {
  readonly removed: Set<number>;
  readonly appends: { readonly index: number; readonly value: AttributeValue }[];
}

/**
 * Applies many edits to one item as a single DynamoDB update. Paths must not overlap (the update
 * parser rejects overlapping paths), so no edit ever lands inside a value another edit replaced.
 */
export class DocumentEditor {
  private readonly root: Record<string, AttributeValue>;
  private readonly owned = new Set<object>();
  private readonly listEdits = new Map<AttributeValue[], ListEdits>();
  /** Owned map records with members to drop, and the `{M: record}` value holding each (root: none). */
  private readonly mapRemovals = new Map<Record<string, AttributeValue>, Set<string>>();
  private readonly holders = new Map<Record<string, AttributeValue>, { M: Record<string, AttributeValue> }>();
  private finished = false;

  constructor(base: Item) {
    this.root = copyRecord(base);
    this.owned.add(this.root);
  }

  /**
   * Replaces the value at `path` with `compute(existing)` (existing is undefined when absent); a
   * result of undefined removes it. Throws DynamoDB's invalid-path ValidationException when a
   * parent is missing or of the wrong shape for the next step.
   */
  update(path: DocumentPath, compute: (existing: AttributeValue | undefined) => AttributeValue | undefined): void {
    assert(!this.finished, 'editor already finished');
    const parent = this.parentOf(path);
    const last = path.elements[path.elements.length - 1]!;
    if (parent.kind === 'map') {
      if (last.type !== 'name') throw new ValidationException(INVALID_UPDATE_PATH_MESSAGE);
      const removals = this.mapRemovals.get(parent.record);
      assert(removals === undefined || !removals.has(last.name), 'overlapping paths reached a removed map member');
      const existing = ownValue(parent.record, last.name);
      const result = compute(existing);
      if (result !== undefined) setOwn(parent.record, last.name, result);
      else if (existing !== undefined) {
        if (removals === undefined) this.mapRemovals.set(parent.record, new Set([last.name]));
        else removals.add(last.name);
      }
      return;
    }
    if (last.type !== 'index') throw new ValidationException(INVALID_UPDATE_PATH_MESSAGE);
    const list = parent.list;
    assert(this.listEdits.get(list)?.removed.has(last.index) !== true, 'overlapping paths reached a removed list element');
    const inside = last.index < list.length;
    const result = compute(inside ? list[last.index] : undefined);
    if (inside) {
      if (result === undefined) this.editsOf(list).removed.add(last.index);
      else list[last.index] = result;
    } else if (result !== undefined) {
      this.editsOf(list).appends.push({ index: last.index, value: result });
    }
  }

  set(path: DocumentPath, value: AttributeValue): void {
    this.update(path, () => value);
  }

  remove(path: DocumentPath): void {
    this.update(path, () => undefined);
  }

  /** Applies the queued list removals and appends and returns the edited item. */
  finish(): Item {
    assert(!this.finished, 'editor already finished');
    this.finished = true;
    let root = this.root;
    for (const [record, names] of this.mapRemovals) {
      const rebuilt = withoutNames(record, names);
      const holder = this.holders.get(record);
      if (holder !== undefined) holder.M = rebuilt;
      else {
        assert(record === this.root, 'every owned record but the root has a holder');
        root = rebuilt;
      }
    }
    for (const [list, edits] of this.listEdits) {
      if (edits.removed.size > 0) {
        let kept = 0;
        for (let i = 0; i < list.length; i++) if (!edits.removed.has(i)) list[kept++] = list[i]!;
        list.length = kept;
      }
      if (edits.appends.length > 1) edits.appends.sort((a, b) => a.index - b.index);
      for (const append of edits.appends) list.push(append.value);
    }
    return root;
  }

  /** Walks to the container of the path's last step, copying every container on the way. */
  private parentOf(path: DocumentPath): Parent {
    const elements = path.elements;
    assert(elements.length > 0 && elements[0]!.type === 'name', 'a document path starts with a name');
    let parent: Parent = { kind: 'map', record: this.root };
    for (let i = 0; i < elements.length - 1; i++) {
      const element = elements[i]!;
      const next = elements[i + 1]!;
      let child: AttributeValue | undefined;
      if (parent.kind === 'map') {
        if (element.type !== 'name') throw new ValidationException(INVALID_UPDATE_PATH_MESSAGE);
        child = ownValue(parent.record, element.name);
      } else {
        if (element.type !== 'index') throw new ValidationException(INVALID_UPDATE_PATH_MESSAGE);
        assert(this.listEdits.get(parent.list)?.removed.has(element.index) !== true, 'overlapping paths reached a removed list element');
        child = parent.list[element.index];
      }
      if (child === undefined) throw new ValidationException(INVALID_UPDATE_PATH_MESSAGE);
      const owned = this.ownedContainer(child, next);
      if (owned === undefined) throw new ValidationException(INVALID_UPDATE_PATH_MESSAGE);
      if (owned.value !== child) {
        if (parent.kind === 'map') setOwn(parent.record, (element as { name: string }).name, owned.value);
        else parent.list[(element as { index: number }).index] = owned.value;
      }
      parent = owned.parent;
    }
    return parent;
  }

  /** The value itself if this editor made it, else a copy with a fresh container (invariant 1). */
  private ownedContainer(value: AttributeValue, next: PathElement): { value: AttributeValue; parent: Parent } | undefined {
    if (next.type === 'name') {
      if (!('M' in value)) return undefined;
      if (this.owned.has(value.M)) return { value, parent: { kind: 'map', record: value.M } };
      const record = copyRecord(value.M);
      const holder = { M: record };
      this.owned.add(record);
      this.holders.set(record, holder);
      return { value: holder, parent: { kind: 'map', record } };
    }
    if (!('L' in value)) return undefined;
    if (this.owned.has(value.L)) return { value, parent: { kind: 'list', list: value.L } };
    const list = value.L.slice();
    this.owned.add(list);
    return { value: { L: list }, parent: { kind: 'list', list } };
  }

  private editsOf(list: AttributeValue[]): ListEdits {
    let edits = this.listEdits.get(list);
    if (edits === undefined) {
      edits = { removed: new Set(), appends: [] };
      this.listEdits.set(list, edits);
    }
    return edits;
  }
}

/** SET one path (past a list's end appends); returns a new item sharing untouched parts with `item`. */
export function setPath(item: Item, path: DocumentPath, value: AttributeValue): Item {
  const editor = new DocumentEditor(item);
  editor.set(path, value);
  return editor.finish();
}

/** REMOVE one path (a missing leaf is a no-op; later list elements shift down). */
export function removePath(item: Item, path: DocumentPath): Item {
  const editor = new DocumentEditor(item);
  editor.remove(path);
  return editor.finish();
}
