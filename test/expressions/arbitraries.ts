/**
 * fast-check generators of RESOLVED expression trees (engine/expressions/ast.ts) that DynamoDB would
 * accept: every tree printed by engine/expressions/printer.ts parses and compiles back to itself.
 * Shared with the evaluator's tests, so the shapes stay general (all ten value types, nested paths,
 * names that need #placeholders) while respecting the static rules the compiler enforces:
 *  - ordering comparisons and BETWEEN never take a non-orderable literal (BOOL, NULL, sets, L, M);
 *  - two literal BETWEEN bounds have the same type and lower <= upper;
 *  - the first operand of a function or comparator differs from the others (no `contains(a, a)`);
 *  - begins_with takes an S or B literal; attribute_type takes an S literal naming a type;
 *  - update paths (and projection paths) neither overlap nor conflict; `+`/`-` literals are N,
 *    list_append literals are L, ADD takes N or a set, DELETE takes a set.
 */
import fc from 'fast-check';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import type {
  Comparator,
  Condition,
  DocumentPath,
  Literal,
  Operand,
  PathElement,
  Projection,
  UpdateActions,
  UpdateOperand,
  UpdateValue,
} from '../../engine/expressions/ast.js';

// ---- Values ---------------------------------------------------------------------------------------

/** Canonical DynamoDB number text (what the model layer's normalisation produces). */
export const numberTextArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 6 }))
  .map(([negative, digits, scale]) => {
    if (digits === 0n) return '0';
    let text = digits.toString();
    if (scale > 0) {
      text = text.padStart(scale + 1, '0');
      text = `${text.slice(0, -scale)}.${text.slice(-scale)}`.replace(/\.?0+$/, '');
    }
    return negative ? `-${text}` : text;
  });

const bytesArbitrary = fc.uint8Array({ maxLength: 8 });
const nonEmptyBytesArbitrary = fc.uint8Array({ minLength: 1, maxLength: 8 });

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const scalarValueArbitrary: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string({ maxLength: 8 }).map((S): AttributeValue => ({ S })),
  numberTextArbitrary.map((N): AttributeValue => ({ N })),
  bytesArbitrary.map((B): AttributeValue => ({ B })),
  fc.boolean().map((BOOL): AttributeValue => ({ BOOL })),
  fc.constant<AttributeValue>({ NULL: true }),
);

const setValueArbitrary: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }).map((xs): AttributeValue => ({ SS: [...new Set(xs)] })),
  fc.array(numberTextArbitrary, { minLength: 1, maxLength: 4 }).map((xs): AttributeValue => ({ NS: [...new Set(xs)] })),
  fc
    .array(nonEmptyBytesArbitrary, { minLength: 1, maxLength: 4 })
    .map((xs): AttributeValue => ({ BS: uniqueBy(xs, (x) => Array.from(x).join(',')) })),
);

/** Any attribute value, nested up to a small depth. */
export const attributeValueArbitrary: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarValueArbitrary,
    setValueArbitrary,
    fc.array(tie('value'), { maxLength: 3 }).map((L): AttributeValue => ({ L })),
    fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 3 }).map((M): AttributeValue => ({ M })),
  ),
})).value;

const orderableValueArbitrary: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string({ maxLength: 8 }).map((S): AttributeValue => ({ S })),
  numberTextArbitrary.map((N): AttributeValue => ({ N })),
  bytesArbitrary.map((B): AttributeValue => ({ B })),
);

function literal(value: AttributeValue): Literal {
  return { type: 'literal', value };
}

// ---- Paths ----------------------------------------------------------------------------------------

/** Attribute names: plain identifiers, reserved words, and names only a #placeholder can express. */
export const attributeNameArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'Name', 'x1', 'item_count', 'status', 'size', 'SET', 'and', 'my-attr', 'a.b', 'with space', '1st', 'é'),
  fc.string({ minLength: 1, maxLength: 6 }),
);

const pathElementArbitrary: fc.Arbitrary<PathElement> = fc.oneof(
  attributeNameArbitrary.map((name): PathElement => ({ type: 'name', name })),
  fc.integer({ min: 0, max: 20 }).map((index): PathElement => ({ type: 'index', index })),
);

export const documentPathArbitrary: fc.Arbitrary<DocumentPath> = fc
  .tuple(attributeNameArbitrary, fc.array(pathElementArbitrary, { maxLength: 3 }))
  .map(([head, rest]): DocumentPath => ({ type: 'path', elements: [{ type: 'name', name: head }, ...rest] }));

function pathKey(path: DocumentPath): string {
  return JSON.stringify(path.elements);
}

function samePath(a: Operand | UpdateOperand, b: Operand | UpdateOperand): boolean {
  return a.type === 'path' && b.type === 'path' && pathKey(a) === pathKey(b);
}

/** True when DynamoDB would reject the two paths together in one update or projection. */
export function pathsClash(a: DocumentPath, b: DocumentPath): boolean {
  const n = Math.min(a.elements.length, b.elements.length);
  for (let i = 0; i < n; i++) {
    const x = a.elements[i]!;
    const y = b.elements[i]!;
    if (x.type !== y.type) return true; // conflict
    if (x.type === 'name' ? x.name !== (y as { name: string }).name : x.index !== (y as { index: number }).index) return false;
  }
  return true; // one is a prefix of the other: overlap
}

function noClashes(paths: readonly DocumentPath[]): boolean {
  for (let i = 0; i < paths.length; i++) for (let j = i + 1; j < paths.length; j++) if (pathsClash(paths[i]!, paths[j]!)) return false;
  return true;
}

// ---- Conditions -----------------------------------------------------------------------------------

const sizeArbitrary: fc.Arbitrary<Operand> = documentPathArbitrary.map((path): Operand => ({ type: 'size', path }));
const anyOperandArbitrary: fc.Arbitrary<Operand> = fc.oneof(
  documentPathArbitrary,
  attributeValueArbitrary.map(literal),
  sizeArbitrary,
);
const orderableOperandArbitrary: fc.Arbitrary<Operand> = fc.oneof(
  documentPathArbitrary,
  orderableValueArbitrary.map(literal),
  sizeArbitrary,
);

const compareArbitrary: fc.Arbitrary<Condition> = fc
  .constantFrom<Comparator>('=', '<>', '<', '<=', '>', '>=')
  .chain((op) => {
    const operand = op === '=' || op === '<>' ? anyOperandArbitrary : orderableOperandArbitrary;
    return fc.tuple(fc.constant(op), operand, operand);
  })
  .filter(([, left, right]) => !samePath(left, right))
  .map(([op, left, right]): Condition => ({ type: 'compare', op, left, right }));

const orderedLiteralPairArbitrary: fc.Arbitrary<[Operand, Operand]> = fc
  .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
  .map(([low, width]): [Operand, Operand] => [literal({ N: String(low) }), literal({ N: String(low + width) })]);

const betweenArbitrary: fc.Arbitrary<Condition> = fc
  .tuple(
    orderableOperandArbitrary,
    fc.oneof(
      orderedLiteralPairArbitrary,
      fc.tuple(fc.oneof(documentPathArbitrary, sizeArbitrary), orderableOperandArbitrary),
      fc.tuple(orderableOperandArbitrary, fc.oneof(documentPathArbitrary, sizeArbitrary)),
    ),
  )
  .filter(([operand, [lower, upper]]) => !samePath(operand, lower) && !samePath(operand, upper))
  .map(([operand, [lower, upper]]): Condition => ({ type: 'between', operand, lower, upper }));

const inArbitrary: fc.Arbitrary<Condition> = fc
  .tuple(anyOperandArbitrary, fc.array(anyOperandArbitrary, { minLength: 1, maxLength: 5 }))
  .filter(([operand, list]) => list.every((x) => !samePath(operand, x)))
  .map(([operand, list]): Condition => ({ type: 'in', operand, list }));

const typeNames = ['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M'] as const;

const functionArbitrary: fc.Arbitrary<Condition> = fc.oneof(
  documentPathArbitrary.map((path): Condition => ({ type: 'attributeExists', path })),
  documentPathArbitrary.map((path): Condition => ({ type: 'attributeNotExists', path })),
  fc
    .tuple(documentPathArbitrary, fc.constantFrom(...typeNames))
    .map(([path, t]): Condition => ({ type: 'attributeType', path, attributeType: literal({ S: t }) })),
  fc
    .tuple(
      documentPathArbitrary,
      fc.oneof(
        documentPathArbitrary,
        fc.string({ maxLength: 4 }).map((S) => literal({ S })),
        bytesArbitrary.map((B) => literal({ B })),
      ),
    )
    .filter(([path, prefix]) => !samePath(path, prefix))
    .map(([path, prefix]): Condition => ({ type: 'beginsWith', path, prefix })),
  fc
    .tuple(documentPathArbitrary, anyOperandArbitrary)
    .filter(([path, operand]) => !samePath(path, operand))
    .map(([path, operand]): Condition => ({ type: 'contains', path, operand })),
);

/** A valid condition (also usable as a filter), up to a few levels of AND/OR/NOT. */
export const conditionArbitrary: fc.Arbitrary<Condition> = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    compareArbitrary,
    betweenArbitrary,
    inArbitrary,
    functionArbitrary,
    fc.tuple(tie('condition'), tie('condition')).map(([left, right]): Condition => ({ type: 'and', left, right })),
    fc.tuple(tie('condition'), tie('condition')).map(([left, right]): Condition => ({ type: 'or', left, right })),
    tie('condition').map((condition): Condition => ({ type: 'not', condition })),
  ),
})).condition;

// ---- Updates --------------------------------------------------------------------------------------

const updateOperandArbitrary: fc.Arbitrary<UpdateOperand> = fc.letrec<{ operand: UpdateOperand }>((tie) => ({
  operand: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    documentPathArbitrary,
    attributeValueArbitrary.map(literal),
    fc
      .tuple(documentPathArbitrary, tie('operand'))
      .map(([path, fallback]): UpdateOperand => ({ type: 'ifNotExists', path, fallback })),
    fc
      .tuple(listOperand(tie('operand')), listOperand(tie('operand')))
      .map(([first, second]): UpdateOperand => ({ type: 'listAppend', first, second })),
  ),
})).operand;

/** list_append's operands: a literal must be a list. */
function listOperand(operand: fc.Arbitrary<UpdateOperand>): fc.Arbitrary<UpdateOperand> {
  return operand.map((x) => (x.type === 'literal' && !('L' in x.value) ? literal({ L: [x.value] }) : x));
}

/** `+`/`-` operands: a literal must be a number. */
function numberOperand(x: UpdateOperand): UpdateOperand {
  return x.type === 'literal' && !('N' in x.value) ? literal({ N: '1' }) : x;
}

const updateValueArbitrary: fc.Arbitrary<UpdateValue> = fc.oneof(
  updateOperandArbitrary,
  fc
    .tuple(fc.constantFrom<'+' | '-'>('+', '-'), updateOperandArbitrary, updateOperandArbitrary)
    .map(([op, left, right]): UpdateValue => ({ type: 'arithmetic', op, left: numberOperand(left), right: numberOperand(right) })),
);

const addValueArbitrary = fc.oneof(numberTextArbitrary.map((N) => literal({ N })), setValueArbitrary.map(literal));
const deleteValueArbitrary = setValueArbitrary.map(literal);

/** A valid update: one to eight actions over clashing-free paths, at least one action. */
export const updateArbitrary: fc.Arbitrary<UpdateActions> = fc
  .tuple(
    fc.array(fc.record({ path: documentPathArbitrary, value: updateValueArbitrary }), { maxLength: 3 }),
    fc.array(documentPathArbitrary, { maxLength: 2 }),
    fc.array(fc.record({ path: documentPathArbitrary, value: addValueArbitrary }), { maxLength: 2 }),
    fc.array(fc.record({ path: documentPathArbitrary, value: deleteValueArbitrary }), { maxLength: 2 }),
  )
  .map(([set, remove, add, del]): UpdateActions => ({ set, remove, add, delete: del }))
  .filter((u) => {
    const paths = [...u.set.map((a) => a.path), ...u.remove, ...u.add.map((a) => a.path), ...u.delete.map((a) => a.path)];
    return paths.length > 0 && noClashes(paths);
  });

// ---- Projections ----------------------------------------------------------------------------------

/** A valid projection: one to six paths, none overlapping or conflicting. */
export const projectionArbitrary: fc.Arbitrary<Projection> = fc
  .array(documentPathArbitrary, { minLength: 1, maxLength: 6 })
  .filter(noClashes);
