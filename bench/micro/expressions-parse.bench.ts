/**
 * Expression compile micro-benchmark: the cost of compiling typical expressions cold (parse, static
 * checks, resolution: the parse cache is cleared before every compile) against warm (the unresolved
 * tree comes from the parse cache; only placeholder resolution and the value checks run). Each task
 * compiles a batch of the same expression per iteration; the table reports time per compile.
 */
import { Bench } from 'tinybench';
import {
  compileCondition,
  compileKeyCondition,
  compileProjection,
  compileUpdate,
  ExpressionContext,
  parseCache,
} from '../../engine/expressions/index.js';
import type { AttributeValue } from '../../engine/model/attribute-value.js';

const BATCH = 1_000;

interface Case {
  readonly name: string;
  readonly names: Record<string, string> | undefined;
  readonly values: Record<string, AttributeValue> | undefined;
  readonly compile: (context: ExpressionContext) => unknown;
}

const CASES: readonly Case[] = [
  {
    name: 'condition: attribute_not_exists(pk)',
    names: undefined,
    values: undefined,
    compile: (c) => compileCondition('attribute_not_exists(pk)', 'ConditionExpression', c),
  },
  {
    name: 'filter: 4 leaves, AND/OR, size, IN',
    names: { '#s': 'status', '#o': 'owner' },
    values: { ':a': { S: 'active' }, ':b': { S: 'pending' }, ':n': { N: '10' }, ':p': { S: 'user#' } },
    compile: (c) =>
      compileCondition('#s IN (:a, :b) AND (size(tags) > :n OR begins_with(#o.id, :p)) AND attribute_exists(updatedAt)', 'FilterExpression', c),
  },
  {
    name: 'update: SET x3, ADD, REMOVE',
    names: { '#c': 'count' },
    values: { ':one': { N: '1' }, ':now': { S: '2024-01-01' }, ':l': { L: [{ S: 'x' }] }, ':empty': { L: [] } },
    compile: (c) =>
      compileUpdate('SET updatedAt = :now, history = list_append(if_not_exists(history, :empty), :l), #c = #c + :one ADD visits :one REMOVE draft', c, ['pk', 'sk']),
  },
  {
    name: 'projection: 5 paths',
    names: { '#n': 'name' },
    values: undefined,
    compile: (c) => compileProjection('pk, sk, #n, address.city, tags[0]', c),
  },
  {
    name: 'key condition: pk = :p AND begins_with(sk, :s)',
    names: undefined,
    values: { ':p': { S: 'user#1' }, ':s': { S: 'order#' } },
    compile: (c) => compileKeyCondition('pk = :p AND begins_with(sk, :s)', c, { partitionKey: 'pk', sortKey: 'sk' }),
  },
];

export async function run(): Promise<void> {
  const bench = new Bench({ time: 1_000, iterations: 5, warmupIterations: 2 });
  let sink = 0;
  for (const c of CASES) {
    bench.add(`cold  ${c.name}`, () => {
      for (let i = 0; i < BATCH; i++) {
        parseCache.clear();
        sink += c.compile(new ExpressionContext(c.names, c.values)) === undefined ? 0 : 1;
      }
    });
    bench.add(`warm  ${c.name}`, () => {
      for (let i = 0; i < BATCH; i++) sink += c.compile(new ExpressionContext(c.names, c.values)) === undefined ? 0 : 1;
    });
  }
  await bench.run();
  console.table(
    bench.tasks.map((task) => {
      const result = task.result;
      if (result.state !== 'completed') return { task: task.name, 'µs/compile': result.state, 'compiles/s': '' };
      const perCompileUs = (result.latency.mean * 1000) / BATCH;
      return { task: task.name, 'µs/compile': perCompileUs.toFixed(2), 'compiles/s': Math.round(1e6 / perCompileUs).toLocaleString('en-US') };
    }),
  );
  if (sink === 0) console.log('unreachable');
}
