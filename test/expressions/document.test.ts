import { describe, expect, it } from 'vitest';
import { DocumentEditor, getPath, removePath, setPath } from '../../engine/expressions/document.js';
import type { Item } from '../../engine/model/attribute-value.js';
import { ValidationException } from '../../engine/model/errors.js';
import { N, P, S } from './eval-helpers.js';

const item: Item = {
  a: { M: { b: { L: [N('0'), { M: { c: S('deep') } }] } } },
  s: S('x'),
};

describe('getPath', () => {
  it.each([
    ['a.b[1].c', S('deep')],
    ['a.b[0]', N('0')],
    ['a.b[2]', undefined],
    ['a.b.c', undefined],
    ['a[0]', undefined],
    ['s.x', undefined],
    ['nope', undefined],
    ['toString', undefined],
    ['a.constructor', undefined],
  ])('%s', (path, expected) => {
    expect(getPath(item, P(path))).toEqual(expected);
  });

  it('reads nothing from an absent item', () => {
    expect(getPath(undefined, P('a'))).toBeUndefined();
  });
});

describe('setPath / removePath', () => {
  it('copies only the containers on the edited path', () => {
    const result = setPath(item, P('a.b[1].c'), S('new'));
    expect(getPath(result, P('a.b[1].c'))).toEqual(S('new'));
    expect(getPath(item, P('a.b[1].c'))).toEqual(S('deep'));
    expect(result['s']).toBe(item['s']); // untouched attributes are shared
  });

  it('appends past the end and shifts on remove', () => {
    expect(getPath(setPath(item, P('a.b[7]'), S('end')), P('a.b[2]'))).toEqual(S('end'));
    expect(getPath(removePath(item, P('a.b[0]')), P('a.b[0].c'))).toEqual(S('deep'));
  });

  it('rejects a parent of the wrong shape', () => {
    expect(() => setPath(item, P('s.x'), S('v'))).toThrow(ValidationException);
    expect(() => removePath(item, P('a.b.c'))).toThrow('The document path provided in the update expression is invalid for update');
  });

  it('keeps every index referring to the original list until finish()', () => {
    const editor = new DocumentEditor({ l: { L: [N('0'), N('1'), N('2'), N('3')] } });
    editor.remove(P('l[0]'));
    editor.set(P('l[2]'), S('two'));
    editor.set(P('l[9]'), S('nine'));
    editor.set(P('l[5]'), S('five'));
    editor.remove(P('l[3]'));
    expect(editor.finish()).toEqual({ l: { L: [N('1'), S('two'), S('five'), S('nine')] } });
  });
});
