import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DocumentPath, Projection } from '../../engine/expressions/ast.js';
import { getPath } from '../../engine/expressions/document.js';
import { project } from '../../engine/expressions/project.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { pathsClash } from './arbitraries.js';
import { itemArb, pathArb } from './eval-arbitraries.js';
import { N, P, S } from './eval-helpers.js';
import { referenceGet } from './reference-evaluator.js';

const item: Item = {
  id: S('1'),
  title: S('Book'),
  tags: { SS: ['a', 'b'] },
  related: { L: [S('r0'), S('r1'), S('r2'), S('r3'), { M: { x: N('1'), y: N('2') } }] },
  info: { M: { pages: N('100'), price: { M: { usd: N('10'), eur: N('9') } }, list: { L: [N('7'), N('8')] } } },
};

const paths = (...texts: string[]): Projection => texts.map(P);

const cases: [string, Projection, Item][] = [
  ['top-level names', paths('id', 'title'), { id: S('1'), title: S('Book') }],
  ['a missing attribute is absent', paths('id', 'nope'), { id: S('1') }],
  ['a whole set', paths('tags'), { tags: { SS: ['a', 'b'] } }],
  ['one list element', paths('related[0]'), { related: { L: [S('r0')] } }],
  ['list elements keep their order and are compacted', paths('related[3]', 'related[1]'), { related: { L: [S('r1'), S('r3')] } }],
  ['a list element past the end is absent', paths('related[9]'), {}],
  ['past-the-end elements among present ones', paths('related[9]', 'related[2]'), { related: { L: [S('r2')] } }],
  ['a member inside a list element', paths('related[4].y'), { related: { L: [{ M: { y: N('2') } }] } }],
  ['a nested map member', paths('info.price.usd'), { info: { M: { price: { M: { usd: N('10') } } } } }],
  [
    'nested paths share their enclosing map',
    paths('info.pages', 'info.price.eur'),
    { info: { M: { pages: N('100'), price: { M: { eur: N('9') } } } } },
  ],
  ['a missing nested member leaves no empty map', paths('info.nope'), {}],
  ['a name step on a list is absent', paths('related.x'), {}],
  ['an index step on a map is absent', paths('info[0]'), {}],
  ['an index inside a nested list', paths('info.list[1]'), { info: { M: { list: { L: [N('8')] } } } }],
];

describe('project', () => {
  it.each(cases)('%s', (_name, projection, expected) => {
    expect(project(item, projection)).toEqual(expected);
  });

  it('returns the same result when a projection is applied again (compiled once)', () => {
    const projection = paths('related[3]', 'related[1]', 'info.pages');
    expect(project(item, projection)).toEqual(project(item, projection));
    expect(project({ related: { L: [S('r0'), S('r1')] } }, projection)).toEqual({ related: { L: [S('r1')] } });
  });

  it('projecting every top-level name returns the item', () => {
    fc.assert(
      fc.property(itemArb, (it) => {
        expect(project(it, Object.keys(it).map((name) => P(name)))).toEqual(it);
      }),
    );
  });

  it('each selected path reads the same value in the projection as in the item', () => {
    const projectionArb = fc.array(pathArb, { minLength: 1, maxLength: 4 }).filter((ps) => {
      for (let i = 0; i < ps.length; i++) for (let j = i + 1; j < ps.length; j++) if (pathsClash(ps[i]!, ps[j]!)) return false;
      return true;
    });
    fc.assert(
      fc.property(itemArb, projectionArb, (it, projection) => {
        const result = project(it, projection);
        for (const path of projection) {
          const value = referenceGet(it, path);
          if (value !== undefined) selectedValues.add(value);
          // Names-only paths keep their address.
          if (value !== undefined && path.elements.every((e) => e.type === 'name')) expect(getPath(result, path)).toEqual(value);
        }
        expect(result).toEqual(referenceProject(it, projection));
        // Attributes not named by any path never appear.
        const named = new Set(projection.map((p) => (p.elements[0] as { name: string }).name));
        for (const name of Object.keys(result)) expect(named.has(name)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * Reference projector, dynalite's way: place every selected value at its original address (list
 * indexes in sparse arrays), then compact the lists.
 */
function referenceProject(it: Item, projection: readonly DocumentPath[]): Item {
  const root: Record<string, unknown> = {};
  for (const path of projection) {
    const value = referenceGet(it, path);
    if (value === undefined) continue;
    // container: a plain object standing for a map, or a sparse array standing for a list.
    let container: Record<string, unknown> | unknown[] = root;
    path.elements.forEach((element, i) => {
      const key = element.type === 'name' ? element.name : element.index;
      const isLast = i === path.elements.length - 1;
      const holder = container as Record<string | number, unknown>;
      if (isLast) {
        holder[key] = value;
      } else {
        const next = path.elements[i + 1]!;
        holder[key] ??= next.type === 'name' ? {} : [];
        container = holder[key] as Record<string, unknown> | unknown[];
      }
    });
  }
  const rebuild = (node: unknown): AttributeValue => {
    if (Array.isArray(node)) return { L: node.filter((x) => x !== undefined).map(rebuild) };
    if (typeof node === 'object' && node !== null && !isAttributeValue(node)) {
      return { M: Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rebuild(v)])) };
    }
    return node as AttributeValue;
  };
  return Object.fromEntries(Object.entries(root).map(([k, v]) => [k, rebuild(v)]));
}

const selectedValues = new WeakSet<object>();
function isAttributeValue(node: object): boolean {
  return selectedValues.has(node);
}
