/**
 * Conformance: single-item PutItem / GetItem / DeleteItem — round trips of every type, ReturnValues,
 * key validation, attribute-value validation, item and key size limits, empty strings, number
 * normalisation (reference §1, §3). UpdateItem has its own topic (updates.suite.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  b,
  canonical,
  createTestTable,
  expectDynamoError,
  getItem,
  n,
  s,
  uniqueTableName,
  type GetHarness,
  type Item,
} from './harness.js';

const INVALID = 'One or more parameter values were invalid: ';
const KEY_MISMATCH = 'The provided key element does not match the schema';

export function registerItems(getHarness: GetHarness): void {
  const api = () => getHarness().api;
  let hashTable = '';
  let rangeTable = '';
  let binaryTable = '';

  beforeAll(async () => {
    hashTable = await createTestTable(getHarness(), { prefix: 'items-h' });
    rangeTable = await createTestTable(getHarness(), { prefix: 'items-r', sortKeyType: 'N' });
    binaryTable = await createTestTable(getHarness(), { prefix: 'items-b', partitionKeyType: 'B' });
  });

  describe('PutItem / GetItem round trips', () => {
    it('reads back an item just written', async () => {
      const item: Item = { pk: s('rt-1'), name: s('Ada'), age: n('36') };
      await api().putItem({ TableName: hashTable, Item: item });
      expect((await api().getItem({ TableName: hashTable, Key: { pk: s('rt-1') } })).Item).toEqual(item);
    });

    it('round-trips every attribute type', async () => {
      const item: Item = {
        pk: s('rt-types'),
        str: s('text ünïcödé'),
        num: n('-12.5'),
        bin: b(0, 1, 254, 255),
        yes: { BOOL: true },
        no: { BOOL: false },
        nothing: { NULL: true },
        list: { L: [s('a'), n('1'), { L: [] }, { M: {} }] },
        map: { M: { inner: { M: { deep: s('x') } }, count: n('3') } },
        strings: { SS: ['b', 'a', 'c'] },
        numbers: { NS: ['3', '1', '2'] },
        binaries: { BS: [Uint8Array.from([2]), Uint8Array.from([1])] },
      };
      await api().putItem({ TableName: hashTable, Item: item });
      const read = await getItem(api(), hashTable, { pk: s('rt-types') });
      expect(canonical(read!)).toEqual(canonical(item));
    });

    it('returns no Item for a missing key', async () => {
      const out = await api().getItem({ TableName: hashTable, Key: { pk: s('never-written') } });
      expect(out.Item).toBeUndefined();
    });

    it('replaces the whole item on a second put', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('rt-replace'), a: s('1'), b: s('2') } });
      await api().putItem({ TableName: hashTable, Item: { pk: s('rt-replace'), c: s('3') } });
      expect(await getItem(api(), hashTable, { pk: s('rt-replace') })).toEqual({ pk: s('rt-replace'), c: s('3') });
    });

    it('keeps items with the same partition key and different sort keys apart', async () => {
      await api().putItem({ TableName: rangeTable, Item: { pk: s('rt-c'), sk: n(1), v: s('one') } });
      await api().putItem({ TableName: rangeTable, Item: { pk: s('rt-c'), sk: n(2), v: s('two') } });
      expect((await getItem(api(), rangeTable, { pk: s('rt-c'), sk: n(1) }))?.v).toEqual(s('one'));
      expect((await getItem(api(), rangeTable, { pk: s('rt-c'), sk: n(2) }))?.v).toEqual(s('two'));
    });

    it('treats numerically equal sort keys as the same item (1 = 1.0 = 10E-1)', async () => {
      await api().putItem({ TableName: rangeTable, Item: { pk: s('rt-num'), sk: n('1'), v: s('first') } });
      await api().putItem({ TableName: rangeTable, Item: { pk: s('rt-num'), sk: n('1.0'), v: s('second') } });
      expect((await getItem(api(), rangeTable, { pk: s('rt-num'), sk: n('10E-1') }))?.v).toEqual(s('second'));
    });

    it('uses binary partition keys byte for byte', async () => {
      await api().putItem({ TableName: binaryTable, Item: { pk: b(0, 255), v: s('x') } });
      expect((await getItem(api(), binaryTable, { pk: b(0, 255) }))?.v).toEqual(s('x'));
      expect(await getItem(api(), binaryTable, { pk: b(0, 254) })).toBeUndefined();
    });

    it('distinguishes keys differing only in case and in Unicode normalisation', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('Case'), v: n(1) } });
      await api().putItem({ TableName: hashTable, Item: { pk: s('case'), v: n(2) } });
      await api().putItem({ TableName: hashTable, Item: { pk: s('caf\u00e9'), v: n(3) } });
      await api().putItem({ TableName: hashTable, Item: { pk: s('cafe\u0301'), v: n(4) } });
      expect((await getItem(api(), hashTable, { pk: s('Case') }))?.v).toEqual(n(1));
      expect((await getItem(api(), hashTable, { pk: s('case') }))?.v).toEqual(n(2));
      expect((await getItem(api(), hashTable, { pk: s('caf\u00e9') }))?.v).toEqual(n(3));
      expect((await getItem(api(), hashTable, { pk: s('cafe\u0301') }))?.v).toEqual(n(4));
    });

    it('accepts ConsistentRead true and false', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('rt-cr') } });
      expect((await api().getItem({ TableName: hashTable, Key: { pk: s('rt-cr') }, ConsistentRead: true })).Item).toEqual({ pk: s('rt-cr') });
      expect((await api().getItem({ TableName: hashTable, Key: { pk: s('rt-cr') }, ConsistentRead: false })).Item).toEqual({ pk: s('rt-cr') });
    });

    it('projects with ProjectionExpression, including nested paths', async () => {
      await api().putItem({
        TableName: hashTable,
        Item: { pk: s('rt-proj'), a: s('A'), b: s('B'), m: { M: { x: n(1), y: n(2) } }, l: { L: [s('l0'), s('l1'), s('l2')] } },
      });
      const out = await api().getItem({ TableName: hashTable, Key: { pk: s('rt-proj') }, ProjectionExpression: 'a, m.y, l[1], absentAttr' });
      expect(out.Item).toEqual({ a: s('A'), m: { M: { y: n(2) } }, l: { L: [s('l1')] } });
    });

    it('projects reserved words through ExpressionAttributeNames', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('rt-reserved'), name: s('N'), other: s('O') } });
      const out = await api().getItem({
        TableName: hashTable, Key: { pk: s('rt-reserved') }, ProjectionExpression: '#n', ExpressionAttributeNames: { '#n': 'name' },
      });
      expect(out.Item).toEqual({ name: s('N') });
    });

    it('rejects a reserved word in ProjectionExpression', async () => {
      await expectDynamoError(api().getItem({ TableName: hashTable, Key: { pk: s('x') }, ProjectionExpression: 'name' }),
        'ValidationException', 'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name');
    });

    it('projects with legacy AttributesToGet', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('rt-atg'), a: s('A'), b: s('B') } });
      const out = await api().getItem({ TableName: hashTable, Key: { pk: s('rt-atg') }, AttributesToGet: ['b'] });
      expect(out.Item).toEqual({ b: s('B') });
    });

    it('rejects duplicate names in AttributesToGet', async () => {
      await expectDynamoError(api().getItem({ TableName: hashTable, Key: { pk: s('x') }, AttributesToGet: ['a', 'a'] }),
        'ValidationException', `${INVALID}Duplicate value in attribute name: a`);
    });
  });

  describe('ReturnValues on PutItem and DeleteItem', () => {
    it('returns no Attributes by default', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('rv-1'), v: n(1) } });
      const out = await api().putItem({ TableName: hashTable, Item: { pk: s('rv-1'), v: n(2) } });
      expect(out.Attributes).toBeUndefined();
    });

    it('PutItem ALL_OLD returns the replaced item, and nothing for a new one', async () => {
      const first = await api().putItem({ TableName: hashTable, Item: { pk: s('rv-2'), v: n(1) }, ReturnValues: 'ALL_OLD' });
      expect(first.Attributes).toBeUndefined();
      const second = await api().putItem({ TableName: hashTable, Item: { pk: s('rv-2'), v: n(2) }, ReturnValues: 'ALL_OLD' });
      expect(second.Attributes).toEqual({ pk: s('rv-2'), v: n(1) });
    });

    it('PutItem rejects ReturnValues other than ALL_OLD or NONE', async () => {
      for (const returnValues of ['ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW']) {
        await expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: s('rv-3') }, ReturnValues: returnValues }),
          'ValidationException', 'ReturnValues can only be ALL_OLD or NONE');
      }
      expect(await getItem(api(), hashTable, { pk: s('rv-3') })).toBeUndefined();
    });

    it('DeleteItem ALL_OLD returns the deleted item', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('rv-4'), v: s('gone') } });
      const out = await api().deleteItem({ TableName: hashTable, Key: { pk: s('rv-4') }, ReturnValues: 'ALL_OLD' });
      expect(out.Attributes).toEqual({ pk: s('rv-4'), v: s('gone') });
      expect(await getItem(api(), hashTable, { pk: s('rv-4') })).toBeUndefined();
    });

    it('DeleteItem rejects ReturnValues ALL_NEW', async () => {
      await expectDynamoError(api().deleteItem({ TableName: hashTable, Key: { pk: s('rv-5') }, ReturnValues: 'ALL_NEW' }), 'ValidationException');
    });

    it('rejects an unknown ReturnValues value', async () => {
      await expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: s('rv-6') }, ReturnValues: 'EVERYTHING' }), 'ValidationException');
    });
  });

  describe('DeleteItem', () => {
    it('deletes an item', async () => {
      await api().putItem({ TableName: rangeTable, Item: { pk: s('del-1'), sk: n(1) } });
      await api().deleteItem({ TableName: rangeTable, Key: { pk: s('del-1'), sk: n(1) } });
      expect(await getItem(api(), rangeTable, { pk: s('del-1'), sk: n(1) })).toBeUndefined();
    });

    it('succeeds for a missing item, returning no Attributes', async () => {
      const out = await api().deleteItem({ TableName: hashTable, Key: { pk: s('del-missing') }, ReturnValues: 'ALL_OLD' });
      expect(out.Attributes).toBeUndefined();
    });

    it('deletes only the addressed sort key', async () => {
      await api().putItem({ TableName: rangeTable, Item: { pk: s('del-2'), sk: n(1) } });
      await api().putItem({ TableName: rangeTable, Item: { pk: s('del-2'), sk: n(2) } });
      await api().deleteItem({ TableName: rangeTable, Key: { pk: s('del-2'), sk: n(1) } });
      expect(await getItem(api(), rangeTable, { pk: s('del-2'), sk: n(2) })).toEqual({ pk: s('del-2'), sk: n(2) });
    });
  });

  describe('key validation', () => {
    it('rejects a put without the partition key', async () => {
      await expectDynamoError(api().putItem({ TableName: hashTable, Item: { other: s('x') } }), 'ValidationException', `${INVALID}Missing the key pk in the item`);
    });

    it('rejects a put without the sort key', async () => {
      await expectDynamoError(api().putItem({ TableName: rangeTable, Item: { pk: s('x') } }), 'ValidationException', `${INVALID}Missing the key sk in the item`);
    });

    it('rejects a put whose key has the wrong type', async () => {
      await expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: n(1) } }), 'ValidationException', `${INVALID}Type mismatch for key pk expected: S actual: N`);
      await expectDynamoError(api().putItem({ TableName: rangeTable, Item: { pk: s('x'), sk: s('1') } }), 'ValidationException', `${INVALID}Type mismatch for key sk expected: N actual: S`);
    });

    it('rejects GetItem keys that do not match the schema', async () => {
      const badKeys: Item[] = [
        {},
        { pk: n(1) },
        { pk: s('x'), extra: s('y') },
        { other: s('x') },
        { pk: { L: [] } },
      ];
      for (const key of badKeys) await expectDynamoError(api().getItem({ TableName: hashTable, Key: key }), 'ValidationException', KEY_MISMATCH);
    });

    it('rejects composite keys missing the sort key or with a wrongly typed one', async () => {
      await expectDynamoError(api().getItem({ TableName: rangeTable, Key: { pk: s('x') } }), 'ValidationException', KEY_MISMATCH);
      await expectDynamoError(api().getItem({ TableName: rangeTable, Key: { pk: s('x'), sk: s('1') } }), 'ValidationException', KEY_MISMATCH);
      await expectDynamoError(api().deleteItem({ TableName: rangeTable, Key: { pk: s('x') } }), 'ValidationException', KEY_MISMATCH);
    });

    it('rejects an empty string partition key', async () => {
      await expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: s('') } }), 'ValidationException',
        `${INVALID}The AttributeValue for a key attribute cannot contain an empty string value. Key: pk`);
    });

    it('rejects an empty binary partition key', async () => {
      await expectDynamoError(api().putItem({ TableName: binaryTable, Item: { pk: b() } }), 'ValidationException',
        `${INVALID}The AttributeValue for a key attribute cannot contain an empty binary value. Key: pk`);
    });

    it('rejects an empty string key in GetItem', async () => {
      await expectDynamoError(api().getItem({ TableName: hashTable, Key: { pk: s('') } }), 'ValidationException');
    });

    it('accepts a 2048-byte partition key and rejects 2049 bytes', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('k'.repeat(2048)) } });
      expect(await getItem(api(), hashTable, { pk: s('k'.repeat(2048)) })).toBeDefined();
      await expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: s('k'.repeat(2049)) } }), 'ValidationException',
        `${INVALID}Size of hashkey has exceeded the maximum size limit of2048 bytes`);
    });

    it('counts key size in UTF-8 bytes', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('\u00e9'.repeat(1024)) } });
      await expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: s('\u00e9'.repeat(1025)) } }), 'ValidationException',
        `${INVALID}Size of hashkey has exceeded the maximum size limit of2048 bytes`);
    });

    it('accepts a 1024-byte sort key and rejects 1025 bytes', async () => {
      const table = await createTestTable(getHarness(), { prefix: 'items-sk', sortKeyType: 'S' });
      await api().putItem({ TableName: table, Item: { pk: s('p'), sk: s('k'.repeat(1024)) } });
      await expectDynamoError(api().putItem({ TableName: table, Item: { pk: s('p'), sk: s('k'.repeat(1025)) } }), 'ValidationException',
        `${INVALID}Aggregated size of all range keys has exceeded the size limit of 1024 bytes`);
    });

    it('rejects operations on a missing table: ResourceNotFoundException', async () => {
      const table = uniqueTableName('missing');
      await expectDynamoError(api().putItem({ TableName: table, Item: { pk: s('x') } }), 'ResourceNotFoundException', /^Requested resource not found/);
      await expectDynamoError(api().getItem({ TableName: table, Key: { pk: s('x') } }), 'ResourceNotFoundException', /^Requested resource not found/);
      await expectDynamoError(api().deleteItem({ TableName: table, Key: { pk: s('x') } }), 'ResourceNotFoundException', /^Requested resource not found/);
    });
  });

  describe('attribute value validation', () => {
    const rejects = (item: Item, message?: string) =>
      expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: s('val'), ...item } }), 'ValidationException', message);

    it('rejects an empty attribute value', async () => {
      await rejects({ a: {} as Item[string] }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
    });

    it('rejects an attribute value with two types', async () => {
      await rejects({ a: { S: 'x', N: '1' } as unknown as Item[string] },
        'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
    });

    it('rejects NULL false', async () => {
      await rejects({ a: { NULL: false } as unknown as Item[string] }, `${INVALID}Null attribute value types must have the value of true`);
    });

    it('rejects empty sets', async () => {
      await rejects({ a: { SS: [] } }, `${INVALID}An string set  may not be empty`);
      await rejects({ a: { NS: [] } }, `${INVALID}An number set  may not be empty`);
      await rejects({ a: { BS: [] } }, `${INVALID}Binary sets should not be empty`);
    });

    it('rejects duplicate set elements', async () => {
      await rejects({ a: { SS: ['a', 'a'] } }, `${INVALID}Input collection [a, a] contains duplicates.`);
      await rejects({ a: { NS: ['1', '1.0'] } });
      await rejects({ a: { BS: [Uint8Array.from([1]), Uint8Array.from([1])] } });
    });

    it('rejects unparseable numbers', async () => {
      await rejects({ a: n('abc') }, 'The parameter cannot be converted to a numeric value: abc');
    });

    it('rejects numbers out of range or over 38 digits', async () => {
      await rejects({ a: n('1E126') }, 'Number overflow. Attempting to store a number with magnitude larger than supported range');
      await rejects({ a: n('1E-131') }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range');
      await rejects({ a: n('1'.repeat(39)) }, 'Attempting to store more than 38 significant digits in a Number');
    });

    it('accepts the number range limits and 38 digits', async () => {
      const item: Item = {
        pk: s('val-range'),
        big: n('9.9999999999999999999999999999999999999E+125'),
        small: n('1E-130'),
        negative: n('-9.9999999999999999999999999999999999999E+125'),
        digits: n('1'.repeat(38)),
      };
      await api().putItem({ TableName: hashTable, Item: item });
      const read = (await getItem(api(), hashTable, { pk: s('val-range') }))!;
      expect(Number((read.digits as { N: string }).N)).toBe(Number('1'.repeat(38)));
      expect(Number((read.big as { N: string }).N)).toBeCloseTo(1e126, -120);
    });

    it('rejects nested numbers and sets inside maps and lists too', async () => {
      await rejects({ a: { M: { x: { L: [n('not a number')] } } } });
      await rejects({ a: { L: [{ SS: [] }] } }, `${INVALID}An string set  may not be empty`);
    });

    it('rejects documents nested deeper than 32 levels', async () => {
      let value: Item[string] = s('leaf');
      for (let level = 0; level < 40; level++) value = { M: { x: value } };
      await rejects({ a: value });
    });

    it('rejects an item over 400 KB and accepts exactly 400 KB', async () => {
      // Size = name bytes + value bytes: 'pk' + 'ok' + 'd' + data.
      await api().putItem({ TableName: hashTable, Item: { pk: s('ok'), d: s('x'.repeat(409_600 - 5)) } });
      expect((await getItem(api(), hashTable, { pk: s('ok') }))?.d).toEqual(s('x'.repeat(409_595)));
      await expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: s('no'), d: s('x'.repeat(409_600 - 4)) } }),
        'ValidationException', 'Item size has exceeded the maximum allowed size');
      expect(await getItem(api(), hashTable, { pk: s('no') })).toBeUndefined();
    });

    it('counts attribute names toward the item size', async () => {
      const longName = 'n'.repeat(1000);
      await expectDynamoError(api().putItem({ TableName: hashTable, Item: { pk: s('no'), [longName]: s('x'.repeat(409_600 - 1004 + 1)) } }),
        'ValidationException', 'Item size has exceeded the maximum allowed size');
    });
  });

  describe('empty values and number normalisation', () => {
    it('accepts empty strings and binaries in non-key attributes, nested ones too', async () => {
      const item: Item = {
        pk: s('empty'),
        es: s(''),
        eb: b(),
        list: { L: [s(''), b()] },
        map: { M: { e: s('') } },
        set: { SS: ['', 'x'] },
        emptyList: { L: [] },
        emptyMap: { M: {} },
      };
      await api().putItem({ TableName: hashTable, Item: item });
      expect(canonical((await getItem(api(), hashTable, { pk: s('empty') }))!)).toEqual(canonical(item));
    });

    it('normalises numbers on read-back', async () => {
      const cases: [string, string][] = [
        ['1.50', '1.5'],
        ['00012', '12'],
        ['1e3', '1000'],
        ['1E+2', '100'],
        ['-0.250', '-0.25'],
        ['12.000', '12'],
      ];
      for (const [written, expected] of cases) {
        await api().putItem({ TableName: hashTable, Item: { pk: s(`num-${written}`), v: n(written) } });
        expect((await getItem(api(), hashTable, { pk: s(`num-${written}`) }))?.v).toEqual(n(expected));
      }
    });

    it('normalises number key values, so they address the same item', async () => {
      await api().putItem({ TableName: rangeTable, Item: { pk: s('num-key'), sk: n('0.10') } });
      const read = await getItem(api(), rangeTable, { pk: s('num-key'), sk: n('.1') });
      expect(read).toEqual({ pk: s('num-key'), sk: n('0.1') });
    });

    it('normalises number set elements', async () => {
      await api().putItem({ TableName: hashTable, Item: { pk: s('num-set'), v: { NS: ['1.0', '02', '3e1'] } } });
      expect(canonical((await getItem(api(), hashTable, { pk: s('num-set') }))!)).toEqual(canonical({ pk: s('num-set'), v: { NS: ['1', '2', '30'] } }));
    });
  });
}
