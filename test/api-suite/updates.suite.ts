/**
 * Conformance: UpdateItem — every UpdateExpression action (SET with arithmetic, if_not_exists and
 * list_append; REMOVE; ADD; DELETE), upserts, every ReturnValues mode, legacy AttributeUpdates, and
 * the static and runtime update errors (reference §3, §10.4).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical, createTestTable, expectDynamoError, getItem, n, s, type ApiInput, type GetHarness, type Item } from './harness.js';

const INVALID = 'One or more parameter values were invalid: ';

export function registerUpdates(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let table = '';
  let counter = 0;

  beforeAll(async () => {
    table = await createTestTable(getHarness(), { prefix: 'upd' });
  });

  const freshKey = (): Item => {
    counter += 1;
    return { pk: s(`u-${counter}`) };
  };
  const seed = async (attributes: Item): Promise<Item> => {
    const key = freshKey();
    await api().putItem({ TableName: table, Item: { ...key, ...attributes } });
    return key;
  };
  const update = (key: Item, expression: string, values?: Record<string, Item[string]>, extra: ApiInput = {}) =>
    api().updateItem({
      TableName: table, Key: key, UpdateExpression: expression, ...(values === undefined ? {} : { ExpressionAttributeValues: values }), ...extra,
    });
  const read = async (key: Item) => canonical((await getItem(api(), table, key))!);

  describe('SET', () => {
    it('creates the item when it is missing (upsert)', async () => {
      const key = freshKey();
      await update(key, 'SET v = :v', { ':v': s('new') });
      expect(await read(key)).toEqual({ ...key, v: s('new') });
    });

    it('overwrites an existing attribute and keeps the others', async () => {
      const key = await seed({ v: s('old'), other: n(1) });
      await update(key, 'SET v = :v', { ':v': s('new') });
      expect(await read(key)).toEqual({ ...key, v: s('new'), other: n(1) });
    });

    it('sets several attributes in one action list', async () => {
      const key = await seed({});
      await update(key, 'SET a = :a, b = :b, c = :c', { ':a': n(1), ':b': s('two'), ':c': { BOOL: true } });
      expect(await read(key)).toEqual({ ...key, a: n(1), b: s('two'), c: { BOOL: true } });
    });

    it('sets a nested map member', async () => {
      const key = await seed({ m: { M: { keep: n(1) } } });
      await update(key, 'SET m.added = :v, m.keep = :k', { ':v': s('x'), ':k': n(2) });
      expect(await read(key)).toEqual({ ...key, m: { M: { keep: n(2), added: s('x') } } });
    });

    it('sets a list element, and appends when the index is past the end', async () => {
      const key = await seed({ l: { L: [s('a'), s('b')] } });
      await update(key, 'SET l[0] = :x, l[9] = :y', { ':x': s('A'), ':y': s('Z') });
      expect(await read(key)).toEqual({ ...key, l: { L: [s('A'), s('b'), s('Z')] } });
    });

    it('appends several past-the-end list indexes in index order', async () => {
      const key = await seed({ l: { L: [n(0)] } });
      await update(key, 'SET l[7] = :b, l[5] = :a', { ':a': n(5), ':b': n(7) });
      expect(await read(key)).toEqual({ ...key, l: { L: [n(0), n(5), n(7)] } });
    });

    it('adds and subtracts numbers with exact decimal arithmetic', async () => {
      const key = await seed({ v: n('0.1'), w: n('10') });
      await update(key, 'SET v = v + :x, w = w - :y', { ':x': n('0.2'), ':y': n('12.5') });
      expect(await read(key)).toEqual({ ...key, v: n('0.3'), w: n('-2.5') });
    });

    it('copies another attribute and adds two attributes together', async () => {
      const key = await seed({ a: n(2), b: n(3) });
      await update(key, 'SET c = a + b, d = a');
      expect(await read(key)).toEqual({ ...key, a: n(2), b: n(3), c: n(5), d: n(2) });
    });

    it('if_not_exists uses the value only when the attribute is missing', async () => {
      const key = await seed({ present: n(1) });
      await update(key, 'SET present = if_not_exists(present, :d), absent = if_not_exists(absent, :d)', { ':d': n(99) });
      expect(await read(key)).toEqual({ ...key, present: n(1), absent: n(99) });
    });

    it('if_not_exists + arithmetic initialises a counter', async () => {
      const key = freshKey();
      for (let i = 0; i < 3; i++) await update(key, 'SET hits = if_not_exists(hits, :zero) + :one', { ':zero': n(0), ':one': n(1) });
      expect(await read(key)).toEqual({ ...key, hits: n(3) });
    });

    it('list_append appends and prepends', async () => {
      const key = await seed({ l: { L: [n(2)] } });
      await update(key, 'SET l = list_append(l, :tail)', { ':tail': { L: [n(3)] } });
      await update(key, 'SET l = list_append(:head, l)', { ':head': { L: [n(1)] } });
      expect(await read(key)).toEqual({ ...key, l: { L: [n(1), n(2), n(3)] } });
    });

    it('uses #name placeholders for reserved words', async () => {
      const key = await seed({});
      await update(key, 'SET #s = :v', { ':v': s('active') }, { ExpressionAttributeNames: { '#s': 'status' } });
      expect(await read(key)).toEqual({ ...key, status: s('active') });
    });
  });

  describe('REMOVE, ADD, DELETE', () => {
    it('REMOVE deletes top-level and nested attributes; removing a missing one is a no-op', async () => {
      const key = await seed({ a: n(1), b: n(2), m: { M: { x: n(1), y: n(2) } } });
      await update(key, 'REMOVE a, m.x, nothing, m.nothing');
      expect(await read(key)).toEqual({ ...key, b: n(2), m: { M: { y: n(2) } } });
    });

    it('REMOVE of list elements shifts the later ones down; indexes refer to the original list', async () => {
      const key = await seed({ l: { L: [n(0), n(1), n(2), n(3)] } });
      await update(key, 'REMOVE l[0], l[2]');
      expect(await read(key)).toEqual({ ...key, l: { L: [n(1), n(3)] } });
    });

    it('REMOVE of every non-key attribute leaves the key', async () => {
      const key = await seed({ a: n(1) });
      await update(key, 'REMOVE a');
      expect(await read(key)).toEqual(key);
    });

    it('ADD adds to a number, and starts a missing number from 0', async () => {
      const key = await seed({ v: n(5) });
      await update(key, 'ADD v :x, fresh :y', { ':x': n(-7), ':y': n('1.5') });
      expect(await read(key)).toEqual({ ...key, v: n(-2), fresh: n('1.5') });
    });

    it('ADD unions sets and creates missing sets', async () => {
      const key = await seed({ ss: { SS: ['a', 'b'] }, ns: { NS: ['1'] } });
      await update(key, 'ADD ss :s, ns :n, bs :b', { ':s': { SS: ['b', 'c'] }, ':n': { NS: ['1.0', '2'] }, ':b': { BS: [Uint8Array.from([1])] } });
      expect(await read(key)).toEqual(canonical({ ...key, ss: { SS: ['a', 'b', 'c'] }, ns: { NS: ['1', '2'] }, bs: { BS: [Uint8Array.from([1])] } }));
    });

    it('ADD creates a missing item', async () => {
      const key = freshKey();
      await update(key, 'ADD tally :one', { ':one': n(1) });
      expect(await read(key)).toEqual({ ...key, tally: n(1) });
    });

    it('DELETE subtracts set elements; a set left empty is removed', async () => {
      const key = await seed({ ss: { SS: ['a', 'b', 'c'] }, ns: { NS: ['1', '2'] } });
      await update(key, 'DELETE ss :s, ns :n', { ':s': { SS: ['a', 'zz'] }, ':n': { NS: ['1', '2'] } });
      expect(await read(key)).toEqual(canonical({ ...key, ss: { SS: ['b', 'c'] } }));
    });

    it('DELETE on a missing attribute is a no-op', async () => {
      const key = await seed({ a: n(1) });
      await update(key, 'DELETE absentAttr :s', { ':s': { SS: ['a'] } });
      expect(await read(key)).toEqual({ ...key, a: n(1) });
    });

    it('combines SET, REMOVE, ADD and DELETE clauses in any order', async () => {
      const key = await seed({ gone: n(1), tally: n(1), tags: { SS: ['x', 'y'] } });
      await update(key, 'DELETE tags :x ADD tally :one REMOVE gone SET added = :v', { ':x': { SS: ['x'] }, ':one': n(1), ':v': s('v') });
      expect(await read(key)).toEqual({ ...key, tally: n(2), tags: { SS: ['y'] }, added: s('v') });
    });
  });

  describe('ReturnValues', () => {
    const base = { a: n(1), b: s('keep'), m: { M: { x: n(1), y: n(2) } } };

    it('NONE (the default) returns no Attributes', async () => {
      const key = await seed(base);
      expect((await update(key, 'SET a = :v', { ':v': n(2) })).Attributes).toBeUndefined();
      expect((await update(key, 'SET a = :v', { ':v': n(3) }, { ReturnValues: 'NONE' })).Attributes).toBeUndefined();
    });

    it('ALL_OLD returns the whole previous item, nothing for a new item', async () => {
      const key = await seed(base);
      const out = await update(key, 'SET a = :v', { ':v': n(2) }, { ReturnValues: 'ALL_OLD' });
      expect(out.Attributes).toEqual({ ...key, ...base });
      const created = await update(freshKey(), 'SET a = :v', { ':v': n(2) }, { ReturnValues: 'ALL_OLD' });
      expect(created.Attributes).toBeUndefined();
    });

    it('ALL_NEW returns the whole new item', async () => {
      const key = await seed(base);
      const out = await update(key, 'SET a = :v REMOVE b', { ':v': n(2) }, { ReturnValues: 'ALL_NEW' });
      expect(out.Attributes).toEqual({ ...key, a: n(2), m: base.m });
    });

    it('UPDATED_OLD returns the previous values of the updated attributes only', async () => {
      const key = await seed(base);
      const out = await update(key, 'SET a = :v, fresh = :v REMOVE b', { ':v': n(2) }, { ReturnValues: 'UPDATED_OLD' });
      expect(out.Attributes).toEqual({ a: n(1), b: s('keep') });
    });

    it('UPDATED_NEW returns the new values of the updated attributes only', async () => {
      const key = await seed(base);
      const out = await update(key, 'SET a = :v, fresh = :v REMOVE b', { ':v': n(2) }, { ReturnValues: 'UPDATED_NEW' });
      expect(out.Attributes).toEqual({ a: n(2), fresh: n(2) });
    });

    it('UPDATED_OLD / UPDATED_NEW on a nested path return only that path', async () => {
      const key = await seed(base);
      const old = await update(key, 'SET m.x = :v', { ':v': n(10) }, { ReturnValues: 'UPDATED_OLD' });
      expect(old.Attributes).toEqual({ m: { M: { x: n(1) } } });
      const fresh = await update(key, 'ADD m.y :v', { ':v': n(10) }, { ReturnValues: 'UPDATED_NEW' });
      expect(fresh.Attributes).toEqual({ m: { M: { y: n(12) } } });
    });

    it('UPDATED_OLD on a new item returns nothing', async () => {
      const out = await update(freshKey(), 'SET a = :v', { ':v': n(1) }, { ReturnValues: 'UPDATED_OLD' });
      expect(out.Attributes).toBeUndefined();
    });

    it('UPDATED_NEW on an upsert returns the set attributes without the key', async () => {
      const out = await update(freshKey(), 'SET a = :v', { ':v': n(1) }, { ReturnValues: 'UPDATED_NEW' });
      expect(out.Attributes).toEqual({ a: n(1) });
    });

    it('rejects an unknown ReturnValues value', async () => {
      await expectDynamoError(update(freshKey(), 'SET a = :v', { ':v': n(1) }, { ReturnValues: 'SOME' }), 'ValidationException');
    });
  });

  describe('legacy AttributeUpdates', () => {
    it('applies PUT, ADD and DELETE actions', async () => {
      const key = await seed({ count: n(1), tags: { SS: ['a', 'b'] }, gone: s('x') });
      await api().updateItem({
        TableName: table, Key: key,
        AttributeUpdates: {
          v: { Action: 'PUT', Value: s('put') },
          count: { Action: 'ADD', Value: n(2) },
          tags: { Action: 'DELETE', Value: { SS: ['a'] } },
          gone: { Action: 'DELETE' },
        },
      });
      expect(await read(key)).toEqual({ ...key, v: s('put'), count: n(3), tags: { SS: ['b'] } });
    });

    it('rejects mixing AttributeUpdates with UpdateExpression', async () => {
      await expectDynamoError(api().updateItem({
        TableName: table, Key: freshKey(), UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': n(1) },
        AttributeUpdates: { b: { Action: 'PUT', Value: n(1) } },
      }), 'ValidationException', /^Can not use both expression and non-expression parameters in the same request: Non-expression parameters: \{AttributeUpdates\} Expression parameters: \{UpdateExpression\}$/);
    });
  });

  describe('errors', () => {
    it('rejects updating a key attribute', async () => {
      const key = await seed({});
      await expectDynamoError(update(key, 'SET pk = :v', { ':v': s('other') }), 'ValidationException',
        `${INVALID}Cannot update attribute pk. This attribute is part of the key`);
      expect(await read(key)).toEqual(key);
    });

    it('rejects overlapping paths', async () => {
      await expectDynamoError(update(freshKey(), 'SET a = :v, a.b = :v', { ':v': n(1) }), 'ValidationException',
        'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]');
    });

    it('rejects the same path in two clauses', async () => {
      await expectDynamoError(update(freshKey(), 'SET a = :v REMOVE a', { ':v': n(1) }), 'ValidationException', /^Invalid UpdateExpression: Two document paths overlap/);
    });

    it('rejects a clause used twice', async () => {
      await expectDynamoError(update(freshKey(), 'SET a = :v SET b = :v', { ':v': n(1) }), 'ValidationException',
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;');
    });

    it('rejects an empty update expression', async () => {
      await expectDynamoError(update(freshKey(), ''), 'ValidationException', 'Invalid UpdateExpression: The expression can not be empty;');
    });

    it('rejects a nested SET under a missing or non-map attribute', async () => {
      const key = await seed({ scalar: s('x') });
      await expectDynamoError(update(key, 'SET absentAttr.b = :v', { ':v': n(1) }), 'ValidationException',
        'The document path provided in the update expression is invalid for update');
      await expectDynamoError(update(key, 'SET scalar.b = :v', { ':v': n(1) }), 'ValidationException',
        'The document path provided in the update expression is invalid for update');
      expect(await read(key)).toEqual({ ...key, scalar: s('x') });
    });

    it('rejects an operand that refers to a missing attribute', async () => {
      await expectDynamoError(update(await seed({}), 'SET x = y + :v', { ':v': n(1) }), 'ValidationException',
        'The provided expression refers to an attribute that does not exist in the item');
    });

    it('rejects arithmetic on a non-number', async () => {
      await expectDynamoError(update(await seed({ a: s('text') }), 'SET a = a + :v', { ':v': n(1) }), 'ValidationException',
        'An operand in the update expression has an incorrect data type');
    });

    it('rejects list_append on a non-list', async () => {
      await expectDynamoError(update(await seed({ l: { L: [] } }), 'SET l = list_append(l, :v)', { ':v': s('x') }), 'ValidationException',
        /Incorrect operand type for operator or function; operator or function: list_append, operand type: S$/);
    });

    it('rejects ADD of a number to a string and of a mismatched set', async () => {
      await expectDynamoError(update(await seed({ a: s('x') }), 'ADD a :v', { ':v': n(1) }), 'ValidationException');
      await expectDynamoError(update(await seed({ a: { SS: ['x'] } }), 'ADD a :v', { ':v': { NS: ['1'] } }), 'ValidationException');
    });

    it('rejects ADD and DELETE with list or string operands', async () => {
      await expectDynamoError(update(freshKey(), 'ADD a :v', { ':v': { L: [n(1)] } }), 'ValidationException');
      await expectDynamoError(update(freshKey(), 'DELETE a :v', { ':v': s('x') }), 'ValidationException');
    });

    it('rejects a result larger than 400 KB and keeps the item', async () => {
      const key = await seed({ a: s('x'.repeat(300_000)) });
      await expectDynamoError(update(key, 'SET b = :v', { ':v': s('y'.repeat(200_000)) }), 'ValidationException',
        'Item size to update has exceeded the maximum allowed size');
      expect(Object.keys((await getItem(api(), table, key))!).sort()).toEqual(['a', 'pk']);
    });

    it('rejects a number overflow produced by ADD', async () => {
      await expectDynamoError(update(await seed({ v: n('9.9999999999999999999999999999999999999E+125') }), 'ADD v :v', { ':v': n('9E+125') }),
        'ValidationException', 'Number overflow. Attempting to store a number with magnitude larger than supported range');
    });

    it('rejects unused values and undefined placeholders', async () => {
      await expectDynamoError(update(freshKey(), 'SET a = :v', { ':v': n(1), ':unused': n(2) }), 'ValidationException',
        'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}');
      await expectDynamoError(update(freshKey(), 'SET a = :nope'), 'ValidationException',
        'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope');
    });

    it('rejects a key that does not match the schema', async () => {
      await expectDynamoError(update({ pk: n(1) }, 'SET a = :v', { ':v': n(1) }), 'ValidationException', 'The provided key element does not match the schema');
    });

    it('rejects an unknown update function', async () => {
      await expectDynamoError(update(freshKey(), 'SET a = nope(b)'), 'ValidationException', 'Invalid UpdateExpression: Invalid function name; function: nope');
    });
  });
}
