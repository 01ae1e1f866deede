/**
 * fast-check generators for the evaluator's tests: items and resolved Condition trees built
 * directly from engine/expressions/ast.ts, drawn from small pools (four attribute names, a few
 * strings, numbers and bytes) so conditions actually hit attributes, values collide, and equal
 * numbers have different spellings. Unlike test/expressions/arbitraries.ts (trees the parser
 * accepts) these also produce trees only a buggy compiler would emit (ordering on BOOL, size of a
 * number, attribute_type of a non-string), which the evaluator must still handle without throwing.
 */
import fc from 'fast-check';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { ATTRIBUTE_TYPES } from '../../engine/model/attribute-value.js';
import { normalizeNumber } from '../../engine/model/number.js';
import type { Comparator, Condition, DocumentPath, Operand, PathElement } from '../../engine/expressions/ast.js';

export const NAMES = ['a', 'b', 'c', 'd'] as const;

/** Strings that exercise UTF-8 vs UTF-16 order (é, U+FFFD, 𝄞 surrogate pair) and prefixes. */
const stringArb = fc.constantFrom('', 'a', 'ab', 'abc', 'b', 'z', 'é', '\uFFFD', '𝄞', 'a𝄞', 'A');

/** Canonical numbers from a small pool, including ones that compare across scales. */
const numberArb = fc
  .constantFrom('0', '1', '-1', '2', '10', '1.5', '-1.5', '0.001', '1e3', '1000', '-2.50', '12345678901234567890', '9.99e20')
  .map(normalizeNumber);

const bytesArb = fc.uint8Array({ minLength: 0, maxLength: 3, max: 3 });

export const scalarArb: fc.Arbitrary<AttributeValue> = fc.oneof(
  stringArb.map((S) => ({ S })),
  numberArb.map((N) => ({ N })),
  bytesArb.map((B) => ({ B })),
);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export const valueArb: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true as const }),
    fc.uniqueArray(stringArb, { minLength: 1, maxLength: 3 }).map((SS) => ({ SS })),
    fc.uniqueArray(numberArb, { minLength: 1, maxLength: 3 }).map((NS) => ({ NS })),
    fc.uniqueArray(bytesArb, { minLength: 1, maxLength: 3, selector: hex }).map((BS) => ({ BS })),
    fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L })),
    fc.dictionary(fc.constantFrom(...NAMES), tie('value'), { maxKeys: 3 }).map((M) => ({ M })),
  ),
})).value;

export const itemArb: fc.Arbitrary<Item> = fc.dictionary(fc.constantFrom(...NAMES), valueArb, { maxKeys: 4 });

const elementArb: fc.Arbitrary<PathElement> = fc.oneof(
  fc.constantFrom(...NAMES).map((name) => ({ type: 'name' as const, name })),
  fc.integer({ min: 0, max: 3 }).map((index) => ({ type: 'index' as const, index })),
);

export const pathArb: fc.Arbitrary<DocumentPath> = fc
  .tuple(
    fc.constantFrom(...NAMES),
    fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(elementArb, { minLength: 1, maxLength: 2 }) }),
  )
  .map(([first, rest]) => ({ type: 'path' as const, elements: [{ type: 'name' as const, name: first }, ...rest] }));

const typeNameArb: fc.Arbitrary<AttributeValue> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ATTRIBUTE_TYPES).map((S) => ({ S })) },
  { weight: 1, arbitrary: valueArb },
);

export const operandArb: fc.Arbitrary<Operand> = fc.oneof(
  { weight: 3, arbitrary: pathArb },
  { weight: 3, arbitrary: scalarArb.map((value) => ({ type: 'literal' as const, value })) },
  { weight: 1, arbitrary: valueArb.map((value) => ({ type: 'literal' as const, value })) },
  { weight: 1, arbitrary: pathArb.map((path) => ({ type: 'size' as const, path })) },
);

const comparatorArb: fc.Arbitrary<Comparator> = fc.constantFrom('=', '<>', '<', '<=', '>', '>=');

export const conditionArb: fc.Arbitrary<Condition> = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('compare' as const), op: comparatorArb, left: operandArb, right: operandArb }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('between' as const), operand: operandArb, lower: operandArb, upper: operandArb }) },
    fc.record({ type: fc.constant('in' as const), operand: operandArb, list: fc.array(operandArb, { minLength: 1, maxLength: 4 }) }),
    fc.record({ type: fc.constant('attributeExists' as const), path: pathArb }),
    fc.record({ type: fc.constant('attributeNotExists' as const), path: pathArb }),
    fc.record({
      type: fc.constant('attributeType' as const),
      path: pathArb,
      attributeType: typeNameArb.map((value) => ({ type: 'literal' as const, value })),
    }),
    fc.record({ type: fc.constant('beginsWith' as const), path: pathArb, prefix: operandArb }),
    { weight: 2, arbitrary: fc.record({ type: fc.constant('contains' as const), path: pathArb, operand: operandArb }) },
    fc.record({ type: fc.constant('not' as const), condition: tie('condition') }),
    fc.record({ type: fc.constant('and' as const), left: tie('condition'), right: tie('condition') }),
    fc.record({ type: fc.constant('or' as const), left: tie('condition'), right: tie('condition') }),
  ),
})).condition;
