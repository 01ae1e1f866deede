/**
 * ProjectionExpression (and legacy AttributesToGet, and ReturnValues UPDATED_OLD/UPDATED_NEW):
 * keeps only the selected paths of an item (reference/dynamodb-facts.md §10.5).
 *
 *  - A missing path is simply absent from the result.
 *  - A nested path returns the enclosing structure holding only the selected parts:
 *    `a.b` on {a: {M: {b, c}}} → {a: {M: {b}}}.
 *  - Selected list elements keep their relative order and are compacted, as DynamoDB does:
 *    `l[3], l[1]` on a 5-element list → {l: {L: [l1, l3]}}; `l[9]` on it → nothing.
 *  - An enclosing map or list none of whose selected parts exist is absent (never an empty M/L).
 *
 * Concurrency: synchronous and pure. The compiled form of a projection is cached per projection
 * array (projections are immutable trees, usually compiled once per request and applied to every
 * item of a Query or Scan page). Results share the selected subtrees with the input item.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import type { DocumentPath, Projection } from './ast.js';
import { ownValue, setOwn } from './document.js';

/** What to keep of one value: all of it, or some members / elements. */
interface Selection {
  whole: boolean;
  names: Map<string, Selection> | undefined;
  /** Element index → selection, kept sorted ascending once compiled. */
  indexes: Map<number, Selection> | undefined;
}

const compiled = new WeakMap<Projection, Selection>();

function newSelection(): Selection {
  return { whole: false, names: undefined, indexes: undefined };
}

/** Builds the selection tree of a projection (paths sharing prefixes share nodes). */
function compileProjection(projection: readonly DocumentPath[]): Selection {
  const root = newSelection();
  root.names = new Map();
  for (const path of projection) {
    let node = root;
    for (const element of path.elements) {
      let child: Selection | undefined;
      if (element.type === 'name') {
        node.names ??= new Map();
        child = node.names.get(element.name);
        if (child === undefined) node.names.set(element.name, (child = newSelection()));
      } else {
        node.indexes ??= new Map();
        child = node.indexes.get(element.index);
        if (child === undefined) node.indexes.set(element.index, (child = newSelection()));
      }
      node = child;
    }
    node.whole = true;
  }
  sortIndexes(root);
  return root;
}

function sortIndexes(node: Selection): void {
  if (node.indexes !== undefined) {
    node.indexes = new Map([...node.indexes].sort((a, b) => a[0] - b[0]));
    for (const child of node.indexes.values()) sortIndexes(child);
  }
  if (node.names !== undefined) for (const child of node.names.values()) sortIndexes(child);
}

/** The item restricted to `projection`. */
export function project(item: Item, projection: Projection): Item {
  let root = compiled.get(projection);
  if (root === undefined) {
    root = compileProjection(projection);
    compiled.set(projection, root);
  }
  const result: Item = {};
  for (const [name, selection] of root.names!) {
    const value = ownValue(item, name);
    if (value === undefined) continue;
    const selected = select(value, selection);
    if (selected !== undefined) setOwn(result, name, selected);
  }
  return result;
}

function select(value: AttributeValue, selection: Selection): AttributeValue | undefined {
  if (selection.whole) return value;
  if (selection.names !== undefined && 'M' in value) {
    let record: Record<string, AttributeValue> | undefined;
    for (const [name, child] of selection.names) {
      const member = ownValue(value.M, name);
      if (member === undefined) continue;
      const selected = select(member, child);
      if (selected === undefined) continue;
      record ??= {};
      setOwn(record, name, selected);
    }
    return record === undefined ? undefined : { M: record };
  }
  if (selection.indexes !== undefined && 'L' in value) {
    let list: AttributeValue[] | undefined;
    for (const [index, child] of selection.indexes) {
      if (index >= value.L.length) break; // ascending: the rest are past the end too
      const selected = select(value.L[index]!, child);
      if (selected === undefined) continue;
      (list ??= []).push(selected);
    }
    return list === undefined ? undefined : { L: list };
  }
  return undefined;
}
