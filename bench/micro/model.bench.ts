/**
 * Model micro-benchmark: number normalisation, key-value and storage-key encoding and decoding,
 * item validation and size, and the stored item codec against JSON (JSON.stringify with base64 for
 * binary, JSON.parse with a reviver back to Uint8Array). Inputs are generated before timing from a
 * fixed seed; each task runs a batch and the table reports time per operation.
 */
import { Bench } from 'tinybench';
import { perOpRows } from './per-op-table.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { decodeItem, encodeItem } from '../../engine/model/item-codec.js';
import { itemSizeBytes } from '../../engine/model/item-size.js';
import { decodeKeyValue, encodeKeyValue } from '../../engine/model/key-codec.js';
import { compareNumbers, normalizeNumber, addNumbers } from '../../engine/model/number.js';
import { decodeStorageKey, encodeStorageKey } from '../../engine/model/storage-key.js';
import { validateItem } from '../../engine/model/validate.js';
import { SeededRandom } from '../../engine/util/random.js';

const BATCH = 10_000;

function randomItem(random: SeededRandom, i: number): Item {
  const tags: AttributeValue[] = [];
  for (let j = 0; j < 3; j++) tags.push({ S: `tag-${random.int(1000)}` });
  const blob = new Uint8Array(32);
  for (let j = 0; j < blob.length; j++) blob[j] = random.int(256);
  return {
    pk: { S: `user#${random.int(1_000_000)}` },
    sk: { N: String(i) },
    name: { S: `Name ${random.int(100000)} Surname` },
    email: { S: `someone${random.int(100000)}@example.com` },
    age: { N: String(18 + random.int(60)) },
    balance: { N: `${random.int(100000)}.${random.int(100)}` },
    active: { BOOL: random.int(2) === 0 },
    avatar: { B: blob },
    tags: { L: tags },
    address: { M: { street: { S: `${random.int(999)} Main St` }, city: { S: 'Springfield' }, zip: { N: String(10000 + random.int(89999)) } } },
    roles: { SS: ['reader', 'writer'] },
  };
}

function toJson(item: Item): string {
  return JSON.stringify(item, (_key, value: unknown) => (value instanceof Uint8Array ? { $b: Buffer.from(value).toString('base64') } : value));
}

function fromJson(text: string): Item {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && '$b' in value) {
      const buffer = Buffer.from((value as { $b: string }).$b, 'base64');
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    return value;
  }) as Item;
}

export async function run(): Promise<void> {
  const random = new SeededRandom(42);
  const items = Array.from({ length: BATCH }, (_, i) => randomItem(random, i));
  const encodedItems = items.map(encodeItem);
  const jsonItems = items.map(toJson);
  const jsonFromWire = items.map((item) => JSON.parse(JSON.stringify(item, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v))) as unknown);
  for (const item of jsonFromWire as Record<string, Record<string, unknown>>[]) item['avatar']!['B'] = new Uint8Array(32);
  const smallIntegers = Array.from({ length: BATCH }, () => String(random.int(1_000_000)));
  const decimals = Array.from({ length: BATCH }, () => `${random.int(1_000_000)}.${random.int(1000)}00e-2`);
  const canonicalDecimals = decimals.map(normalizeNumber);
  const stringKeys = Array.from({ length: BATCH }, () => ({ S: `user#${random.int(1_000_000)}` }));
  const numberKeys = canonicalDecimals.map((N) => ({ N }));
  const encodedStringKeys = stringKeys.map(encodeKeyValue);
  const encodedNumberKeys = numberKeys.map(encodeKeyValue);
  const storageKeys = stringKeys.map((pk, i) => encodeStorageKey(3, 0, pk, [numberKeys[i]!]));
  let sink = 0;

  const batches = new Map<string, number>();
  const bench = new Bench({ time: 1_000, iterations: 5, warmupIterations: 1 });
  const add = (name: string, fn: () => void): void => {
    batches.set(name, BATCH);
    bench.add(name, fn);
  };

  add('normalizeNumber small integer', () => {
    for (const n of smallIntegers) sink += normalizeNumber(n).length;
  });
  add('normalizeNumber decimal with exponent', () => {
    for (const n of decimals) sink += normalizeNumber(n).length;
  });
  add('compareNumbers decimals', () => {
    for (let i = 1; i < BATCH; i++) sink += compareNumbers(canonicalDecimals[i]!, canonicalDecimals[i - 1]!);
  });
  add('addNumbers small integers', () => {
    for (let i = 1; i < BATCH; i++) sink += addNumbers(smallIntegers[i]!, smallIntegers[i - 1]!).length;
  });
  add('addNumbers decimals (exact path)', () => {
    for (let i = 1; i < BATCH; i++) sink += addNumbers(canonicalDecimals[i]!, canonicalDecimals[i - 1]!).length;
  });
  add('encodeKeyValue S (~11 chars)', () => {
    for (const key of stringKeys) sink += encodeKeyValue(key).length;
  });
  add('encodeKeyValue N (decimal)', () => {
    for (const key of numberKeys) sink += encodeKeyValue(key).length;
  });
  add('decodeKeyValue S', () => {
    for (const bytes of encodedStringKeys) sink += (decodeKeyValue(bytes, 'S') as { S: string }).S.length;
  });
  add('decodeKeyValue N', () => {
    for (const bytes of encodedNumberKeys) sink += (decodeKeyValue(bytes, 'N') as { N: string }).N.length;
  });
  add('encodeStorageKey (S pk + N sk, with hash)', () => {
    for (let i = 0; i < BATCH; i++) sink += encodeStorageKey(3, 0, stringKeys[i]!, [numberKeys[i]!]).length;
  });
  add('decodeStorageKey', () => {
    for (const key of storageKeys) sink += decodeStorageKey(key, 'S', ['N']).hash & 1;
  });
  add('validateItem (11 attributes, already normal)', () => {
    for (const item of jsonFromWire) sink += Object.keys(validateItem(item)).length;
  });
  add('itemSizeBytes', () => {
    for (const item of items) sink += itemSizeBytes(item);
  });
  add('encodeItem (msgpack)', () => {
    for (const item of items) sink += encodeItem(item).length;
  });
  add('encode JSON (stringify + base64)', () => {
    for (const item of items) sink += toJson(item).length;
  });
  add('decodeItem (msgpack)', () => {
    for (const bytes of encodedItems) sink += Object.keys(decodeItem(bytes)).length;
  });
  add('decode JSON (parse + base64 reviver)', () => {
    for (const text of jsonItems) sink += Object.keys(fromJson(text)).length;
  });

  await bench.run();
  const rows = perOpRows(bench, (name) => batches.get(name) ?? 1);
  console.table(rows);
  const msgpackBytes = encodedItems.reduce((sum, bytes) => sum + bytes.length, 0) / BATCH;
  const jsonBytes = jsonItems.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / BATCH;
  console.log(`mean encoded item: msgpack ${msgpackBytes.toFixed(0)} B, JSON ${jsonBytes.toFixed(0)} B, DynamoDB size ${(items.reduce((s, i) => s + itemSizeBytes(i), 0) / BATCH).toFixed(0)} B`);
  if (sink === -1) console.log('unreachable sink');
}
