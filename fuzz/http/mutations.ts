/**
 * Mutations of a base request (bases.ts), at any member of any depth, and the outcomes each may
 * get. The expectations follow DynamoDB's order of checks: a member of the wrong JSON type is a
 * SerializationException (or a ValidationException where the shape check reports it so); an
 * unknown member is ignored or rejected; null means "absent"; a removed required member is a
 * ValidationException; otherwise the base's own outcome stands. Never a 500, never a write.
 */
import fc from 'fast-check';
import { BASES, type BaseRequest, type Json } from './bases.js';
import { cloneJson, defineMember, dynamoHeaders, getAt, jsonText, jsonType, pathsOf, pathText, setAt, type WireCase } from './cases.js';

export type MutationKind = 'retype' | 'null' | 'remove' | 'unknown-member' | 'hostile-string';

const RETYPES: Record<ReturnType<typeof jsonType>, Json[]> = {
  null: [1, 'x', true, [], {}],
  boolean: ['true', 1, 0, [], {}, [true]],
  number: ['5', true, [], {}, [5], { N: '5' }],
  string: [5, -1.5e300, true, false, [], {}, ['x'], { S: 'x' }],
  array: ['x', 1, true, {}, { '0': 'x' }],
  object: ['x', 1, true, [], [{}], [{ S: 'x' }]],
};

/** Member names that must stay plain data: prototype pollution and inherited-method lookups. */
export const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'Foo', 'tablename', ''];
const UNKNOWN_VALUES: Json[] = [1, 'x', null, true, {}, [], { S: 'x' }, { '__proto__': { polluted: true } } as unknown as Json];
export const HOSTILE_STRINGS = ['__proto__', 'constructor', '', ' ', '\u0000', '\ud800', '💥', 'x'.repeat(70_000), '${jndi:x}', '<x/>', 'a'.repeat(256)];

const ERRORS_BY_SHAPE = ['SerializationException', 'ValidationException'];

export interface MutationChoice {
  base: number;
  path: number;
  kind: MutationKind;
  pick: number;
}

/** The case for one choice, or undefined when the choice does not apply (e.g. removal on a live base). */
export function mutationCase(choice: MutationChoice): WireCase | undefined {
  const base: BaseRequest = BASES[choice.base % BASES.length]!;
  const body = cloneJson(base.body);
  const paths = pathsOf(body);
  const path = paths[choice.path % paths.length]!;
  const node = getAt(body, path);
  const where = pathText(path);
  const expect = (extra: string[]): string[] => [...new Set([base.outcome, ...extra])];
  let outcomes: string[];
  let what: string;
  switch (choice.kind) {
    case 'retype': {
      const pool = RETYPES[jsonType(node)];
      const replacement = cloneJson(pool[choice.pick % pool.length]!);
      if (path.length === 0) return undefined; // the whole body retyped: transport.ts covers non-object bodies
      setAt(body, path, replacement);
      what = `${where} := ${truncate(JSON.stringify(replacement))} (was ${jsonType(node)})`;
      // Coral converts "true"/"1"/"yes" strings to booleans (dynalite: "'X' can not be converted to an Boolean" otherwise).
      outcomes = jsonType(node) === 'boolean' && typeof replacement === 'string' ? expect(ERRORS_BY_SHAPE) : ERRORS_BY_SHAPE;
      break;
    }
    case 'null':
    case 'remove': {
      if (base.kind === 'live' || path.length === 0) return undefined;
      setAt(body, path, choice.kind === 'null' ? null : undefined);
      what = `${where} ${choice.kind === 'null' ? ':= null' : 'removed'}`;
      // Null is "absent" for a structure member; inside a list or an attribute value it is malformed.
      outcomes = expect(['ValidationException', 'SerializationException']);
      break;
    }
    case 'unknown-member': {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      const name = HOSTILE_NAMES[choice.pick % HOSTILE_NAMES.length]!;
      const value = cloneJson(UNKNOWN_VALUES[Math.floor(choice.pick / HOSTILE_NAMES.length) % UNKNOWN_VALUES.length]!);
      defineMember(node, name, value);
      what = `${where} + member ${JSON.stringify(name)}: ${JSON.stringify(value)}`;
      outcomes = expect(ERRORS_BY_SHAPE);
      break;
    }
    case 'hostile-string': {
      if (typeof node !== 'string' || base.protectedPaths?.includes(path.join('.'))) return undefined;
      const replacement = HOSTILE_STRINGS[choice.pick % HOSTILE_STRINGS.length]!;
      setAt(body, path, replacement);
      what = `${where} := ${truncate(JSON.stringify(replacement))}`;
      // A different table name is a missing table; a different value may miss the item.
      // A resource ARN that is not a table ARN is an authorization failure, as in DynamoDB.
      outcomes = expect([...ERRORS_BY_SHAPE, 'ResourceNotFoundException', ...(path[0] === 'ResourceArn' ? ['AccessDeniedException'] : [])]);
      break;
    }
  }
  return { label: `${base.name}: ${what}`, method: 'POST', headers: dynamoHeaders(base.operation), body: { text: jsonText(body) }, sign: 'open', outcomes };
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
}

export const mutationChoices: fc.Arbitrary<MutationChoice> = fc.record({
  base: fc.nat(),
  path: fc.nat(),
  kind: fc.constantFrom<MutationKind>('retype', 'retype', 'unknown-member', 'hostile-string', 'null', 'remove'),
  pick: fc.nat(),
});

/** Unmutated bases: each must get exactly its own outcome. */
export function baseCases(): WireCase[] {
  return BASES.map((base) => ({ label: `${base.name}: as is`, method: 'POST', headers: dynamoHeaders(base.operation), body: { text: jsonText(base.body) }, sign: 'open', outcomes: [base.outcome] }));
}
