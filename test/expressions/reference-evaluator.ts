/**
 * A deliberately simple reference for condition evaluation, written independently of
 * engine/expressions/evaluate.ts so a property test can compare the two. Clarity over speed:
 *
 *  - equality: both values rendered to a canonical string (numbers through decimal.js, sets
 *    sorted, map members sorted) and compared as strings;
 *  - ordering: strings by Buffer.compare of their UTF-8 bytes, numbers with decimal.js, binary by
 *    Buffer.compare;
 *  - paths walked with plain property checks.
 *
 * Semantics mirror DynamoDB's as documented in reference/dynamodb-facts.md §10.1 and the header of
 * evaluate.ts.
 */
import { Decimal } from 'decimal.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import type { Condition, DocumentPath, Operand } from '../../engine/expressions/ast.js';

type Value = AttributeValue;

function kind(value: Value): string {
  return Object.keys(value)[0]!;
}

function canonical(value: Value): string {
  const type = kind(value);
  const body = (value as Record<string, unknown>)[type];
  switch (type) {
    case 'S':
      return 'S:' + JSON.stringify(body);
    case 'N':
      return 'N:' + new Decimal(body as string).toString();
    case 'B':
      return 'B:' + Buffer.from(body as Uint8Array).toString('hex');
    case 'BOOL':
      return 'BOOL:' + String(body);
    case 'NULL':
      return 'NULL';
    case 'SS':
      return 'SS:' + JSON.stringify([...(body as string[])].sort());
    case 'NS':
      return 'NS:' + JSON.stringify((body as string[]).map((n) => new Decimal(n).toString()).sort());
    case 'BS':
      return 'BS:' + JSON.stringify((body as Uint8Array[]).map((b) => Buffer.from(b).toString('hex')).sort());
    case 'L':
      return 'L:[' + (body as Value[]).map(canonical).join(',') + ']';
    case 'M': {
      const record = body as Record<string, Value>;
      return 'M:{' + Object.keys(record).sort().map((k) => JSON.stringify(k) + '=' + canonical(record[k]!)).join(',') + '}';
    }
    default:
      throw new Error(`unknown type ${type}`);
  }
}

export function referenceEqual(a: Value, b: Value): boolean {
  return canonical(a) === canonical(b);
}

/** Order of two S/N/B values of one type, else undefined. */
export function referenceCompare(a: Value, b: Value): number | undefined {
  const type = kind(a);
  if (type !== kind(b)) return undefined;
  if (type === 'S') return Math.sign(Buffer.compare(Buffer.from((a as { S: string }).S, 'utf8'), Buffer.from((b as { S: string }).S, 'utf8')));
  if (type === 'N') return new Decimal((a as { N: string }).N).comparedTo(new Decimal((b as { N: string }).N));
  if (type === 'B') return Math.sign(Buffer.compare(Buffer.from((a as { B: Uint8Array }).B), Buffer.from((b as { B: Uint8Array }).B)));
  return undefined;
}

export function referenceGet(item: Item, path: DocumentPath): Value | undefined {
  let current: Value | undefined;
  for (let i = 0; i < path.elements.length; i++) {
    const element = path.elements[i]!;
    if (i === 0) {
      if (element.type !== 'name') return undefined;
      current = Object.keys(item).includes(element.name) ? item[element.name] : undefined;
    } else if (current === undefined) {
      return undefined;
    } else if (element.type === 'name') {
      if (kind(current) !== 'M') return undefined;
      const record = (current as { M: Record<string, Value> }).M;
      current = Object.keys(record).includes(element.name) ? record[element.name] : undefined;
    } else {
      if (kind(current) !== 'L') return undefined;
      const list = (current as { L: Value[] }).L;
      current = element.index < list.length ? list[element.index] : undefined;
    }
  }
  return current;
}

function size(value: Value): number | undefined {
  const type = kind(value);
  const body = (value as Record<string, unknown>)[type];
  if (type === 'S') return (body as string).length; // UTF-16 code units, as DynamoDB
  if (type === 'B') return (body as Uint8Array).length;
  if (type === 'M') return Object.keys(body as object).length;
  if (type === 'L' || type === 'SS' || type === 'NS' || type === 'BS') return (body as unknown[]).length;
  return undefined;
}

function operandValue(operand: Operand, item: Item): Value | undefined {
  if (operand.type === 'literal') return operand.value;
  if (operand.type === 'path') return referenceGet(item, operand);
  const value = referenceGet(item, operand.path);
  if (value === undefined) return undefined;
  const n = size(value);
  return n === undefined ? undefined : { N: String(n) };
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function referenceContains(haystack: Value, needle: Value): boolean {
  const h = kind(haystack);
  const n = kind(needle);
  if (h === 'S') return n === 'S' && (haystack as { S: string }).S.indexOf((needle as { S: string }).S) !== -1;
  if (h === 'B') return n === 'B' && Buffer.from((haystack as { B: Uint8Array }).B).indexOf(Buffer.from((needle as { B: Uint8Array }).B)) !== -1;
  if (h === 'SS') return n === 'S' && (haystack as { SS: string[] }).SS.some((s) => referenceEqual({ S: s }, needle));
  if (h === 'NS') return n === 'N' && (haystack as { NS: string[] }).NS.some((s) => referenceEqual({ N: s }, needle));
  if (h === 'BS') return n === 'B' && (haystack as { BS: Uint8Array[] }).BS.some((b) => hexOf(b) === hexOf((needle as { B: Uint8Array }).B));
  if (h === 'L') return (haystack as { L: Value[] }).L.some((element) => referenceEqual(element, needle));
  return false;
}

export function referenceEvaluate(condition: Condition, item: Item | undefined): boolean {
  const it: Item = item ?? {};
  switch (condition.type) {
    case 'and':
      return referenceEvaluate(condition.left, it) && referenceEvaluate(condition.right, it);
    case 'or':
      return referenceEvaluate(condition.left, it) || referenceEvaluate(condition.right, it);
    case 'not':
      return !referenceEvaluate(condition.condition, it);
    case 'compare': {
      const a = operandValue(condition.left, it);
      const b = operandValue(condition.right, it);
      const bothPresent = a !== undefined && b !== undefined;
      if (condition.op === '=') return bothPresent && referenceEqual(a, b);
      if (condition.op === '<>') return !(bothPresent && referenceEqual(a, b));
      if (!bothPresent) return false;
      const order = referenceCompare(a, b);
      if (order === undefined) return false;
      return { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[condition.op];
    }
    case 'between': {
      const v = operandValue(condition.operand, it);
      const lo = operandValue(condition.lower, it);
      const hi = operandValue(condition.upper, it);
      if (v === undefined || lo === undefined || hi === undefined) return false;
      const a = referenceCompare(lo, v);
      const b = referenceCompare(v, hi);
      return a !== undefined && b !== undefined && a <= 0 && b <= 0;
    }
    case 'in': {
      const v = operandValue(condition.operand, it);
      if (v === undefined) return false;
      return condition.list.some((candidate) => {
        const c = operandValue(candidate, it);
        return c !== undefined && referenceEqual(v, c);
      });
    }
    case 'attributeExists':
      return referenceGet(it, condition.path) !== undefined;
    case 'attributeNotExists':
      return referenceGet(it, condition.path) === undefined;
    case 'attributeType': {
      const v = referenceGet(it, condition.path);
      const t = operandValue(condition.attributeType, it);
      return v !== undefined && t !== undefined && kind(t) === 'S' && (t as { S: string }).S === kind(v);
    }
    case 'beginsWith': {
      const v = referenceGet(it, condition.path);
      const p = operandValue(condition.prefix, it);
      if (v === undefined || p === undefined || kind(v) !== kind(p)) return false;
      if (kind(v) === 'S') return (v as { S: string }).S.slice(0, (p as { S: string }).S.length) === (p as { S: string }).S;
      if (kind(v) === 'B') {
        const prefix = hexOf((p as { B: Uint8Array }).B);
        return hexOf((v as { B: Uint8Array }).B).slice(0, prefix.length) === prefix;
      }
      return false;
    }
    case 'contains': {
      const h = referenceGet(it, condition.path);
      const n = operandValue(condition.operand, it);
      return h !== undefined && n !== undefined && referenceContains(h, n);
    }
  }
}
