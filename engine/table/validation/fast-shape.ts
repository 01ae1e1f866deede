/**
 * The fast path of request-shape validation: the common, valid request checked in one walk over
 * its own members, against a member table compiled once per operation.
 *
 * shape.ts's `checkRequest` is the reference: it decodes every member in spec order, then checks
 * required members, then collects every constraint failure, so that an invalid request gets
 * exactly DynamoDB's error (and the first of several). That generality costs per request — member
 * walks in spec order, a constraint collector, path closures — while almost every request is valid.
 * `checkShape` therefore walks the input's own members once, checks each against its precompiled
 * rule, and allocates only the decoded request. At the first sign of anything unusual (a wrong JSON
 * type, a constraint that fails, a value that is not already normal, a missing required member) it
 * gives up and returns the reference path's answer, which builds the exact message. So:
 *
 *   1. When the fast path accepts, its result is the reference's result (same members, same values,
 *      same order); test/table/validation/fast-shape.test.ts checks this on mutated requests.
 *   2. The fast path never throws a validation error itself: every error comes from the reference.
 *   3. Members of kinds it has no rule for (structures, legacy condition maps, batch maps) are
 *      decoded and checked by the reference's own per-member functions, so they need no copy here.
 *
 * Pure and synchronous; inputs are never mutated. A RequestShape is immutable after construction.
 */
import { validateAttributeValue } from '../../model/validate.js';
import { TABLE_NAME_LENGTH_MAX, TABLE_NAME_LENGTH_MIN } from '../../limits.js';
import { checkRequest, constraintsHold, decode, hasConstraints, isObject, resolveTableName } from './shape.js';
import type { Json, Spec } from './shape.js';

/** How the fast path checks one member (numbers rather than a union keep the switch monomorphic). */
const STRING = 0;
const INTEGER = 1;
const BOOLEAN = 2;
/** A map of attribute values (Item, Key, ExpressionAttributeValues, ExclusiveStartKey). */
const VALUE_MAP = 3;
/** A map of plain strings (ExpressionAttributeNames). */
const STRING_MAP = 4;
/** A list of plain strings, with length bounds (AttributesToGet). */
const STRING_LIST = 5;
/** Anything else: the reference's decode and constraint check, for this member alone. */
const GENERIC = 6;

/** One member's rule; every field is set for every kind, so all members share one hidden class. */
class MemberRule {
  constructor(
    readonly kind: number,
    readonly spec: Spec,
    /** Required or not-null: the fast path needs it present (absent, the reference reports it). */
    readonly needed: boolean,
    readonly arn: boolean,
    /** The control plane's TableName length rule (checked on the resolved name, as the reference). */
    readonly tableName: boolean,
    readonly regex: RegExp | undefined,
    readonly lengthMin: number,
    readonly lengthMax: number,
    readonly enumValues: readonly string[] | undefined,
    readonly min: number,
    readonly max: number,
    /** GENERIC only: whether the member's subtree has any constraint to check. */
    readonly constrained: boolean,
  ) {}
}

/** An operation's request members with their compiled rules; build once per operation (module scope). */
export class RequestShape {
  readonly rules: ReadonlyMap<string, MemberRule>;
  /** How many members are `needed`. */
  readonly neededCount: number;

  constructor(readonly members: Readonly<Record<string, Spec>>) {
    const rules = new Map<string, MemberRule>();
    let neededCount = 0;
    for (const name of Object.keys(members)) {
      const rule = compile(members[name]!);
      rules.set(name, rule);
      if (rule.needed) neededCount++;
    }
    this.rules = rules;
    this.neededCount = neededCount;
  }
}

export function requestShape(members: Readonly<Record<string, Spec>>): RequestShape {
  return new RequestShape(members);
}

/** A string member or element with no rule at all (decoded as is). */
function plainString(spec: Spec): boolean {
  return (
    spec.type === 'String' &&
    spec.notNull !== true &&
    spec.arn !== true &&
    spec.regex === undefined &&
    spec.lengthMin === undefined &&
    spec.lengthMax === undefined &&
    spec.enum === undefined
  );
}

function compile(spec: Spec): MemberRule {
  const needed = spec.required === true || spec.notNull === true;
  const rule = (kind: number, fields: Partial<Pick<MemberRule, 'arn' | 'tableName' | 'regex' | 'lengthMin' | 'lengthMax' | 'enumValues' | 'min' | 'max'>> = {}) =>
    new MemberRule(
      kind,
      spec,
      needed,
      fields.arn ?? false,
      fields.tableName ?? false,
      fields.regex,
      fields.lengthMin ?? 0,
      fields.lengthMax ?? Number.POSITIVE_INFINITY,
      fields.enumValues,
      fields.min ?? Number.NEGATIVE_INFINITY,
      fields.max ?? Number.POSITIVE_INFINITY,
      kind === GENERIC && hasConstraints(spec),
    );
  switch (spec.type) {
    case 'String':
      return rule(STRING, {
        arn: spec.arn === true,
        tableName: spec.tableName === true,
        // The same anchoring as the reference's matcher.
        regex: spec.regex === undefined ? undefined : new RegExp(`^(?:${spec.regex})$`),
        lengthMin: spec.lengthMin ?? 0,
        lengthMax: spec.lengthMax ?? Number.POSITIVE_INFINITY,
        enumValues: spec.enum,
      });
    case 'Integer':
    case 'Long':
      return rule(INTEGER, { min: spec.min ?? Number.NEGATIVE_INFINITY, max: spec.max ?? Number.POSITIVE_INFINITY });
    case 'Boolean':
      return rule(BOOLEAN);
    case 'Map':
      if (spec.lengthMin === undefined && spec.keys === undefined && spec.values === undefined) {
        const member = spec.member;
        if (member.type === 'AttributeValue' && member.notNull !== true) return rule(VALUE_MAP);
        if (plainString(member)) return rule(STRING_MAP);
      }
      return rule(GENERIC);
    case 'List':
      if (plainString(spec.member)) {
        return rule(STRING_LIST, { lengthMin: spec.lengthMin ?? 0, lengthMax: spec.lengthMax ?? Number.POSITIVE_INFINITY });
      }
      return rule(GENERIC);
    case 'AttributeValue':
    case 'Structure':
      return rule(GENERIC);
  }
}

/** The fast path's "not mine": the reference path decides. */
const DECLINE: unique symbol = Symbol('decline');

/**
 * The request decoded exactly as `checkRequest(input, shape.members)` would, or undefined when the
 * fast path declines (the request may be invalid, or is merely unusual). Never throws a
 * validation error.
 */
export function fastShape(input: unknown, shape: RequestShape): Json | undefined {
  if (!isObject(input)) return undefined;
  const out: Json = {};
  let neededCount = 0;
  for (const name in input) {
    const rule = shape.rules.get(name);
    if (rule === undefined || !Object.prototype.hasOwnProperty.call(input, name)) continue; // unknown: dropped
    const raw = input[name];
    if (raw === null || raw === undefined) continue; // absent on the wire
    const decoded = member(raw, rule);
    if (decoded === DECLINE) return undefined;
    out[name] = decoded;
    if (rule.needed) neededCount++;
  }
  return neededCount === shape.neededCount ? out : undefined;
}

/** Validates and decodes a request: the fast path, else the reference (which throws the exact error). */
export function checkShape(input: unknown, shape: RequestShape): Json {
  return fastShape(input, shape) ?? checkRequest(input, shape.members);
}

function member(raw: unknown, rule: MemberRule): unknown {
  switch (rule.kind) {
    case STRING: {
      if (typeof raw !== 'string') return DECLINE;
      const text = rule.arn ? resolveTableName(raw) : raw;
      if (text.length < rule.lengthMin || text.length > rule.lengthMax) return DECLINE;
      if (rule.tableName && (text.length < TABLE_NAME_LENGTH_MIN || text.length > TABLE_NAME_LENGTH_MAX)) return DECLINE;
      if (rule.regex !== undefined && !rule.regex.test(text)) return DECLINE;
      if (rule.enumValues !== undefined && !rule.enumValues.includes(text)) return DECLINE;
      return text;
    }
    case INTEGER:
      // A fraction is truncated by the reference; the fast path leaves that to it.
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < rule.min || raw > rule.max) return DECLINE;
      return raw;
    case BOOLEAN:
      return typeof raw === 'boolean' ? raw : DECLINE;
    case VALUE_MAP:
      return valueMap(raw);
    case STRING_MAP: {
      if (!isObject(raw)) return DECLINE;
      for (const key in raw) {
        if (Object.prototype.hasOwnProperty.call(raw, key) && typeof raw[key] !== 'string') return DECLINE;
      }
      return raw;
    }
    case STRING_LIST: {
      if (!Array.isArray(raw) || raw.length < rule.lengthMin || raw.length > rule.lengthMax) return DECLINE;
      for (let i = 0; i < raw.length; i++) if (typeof raw[i] !== 'string') return DECLINE;
      return raw;
    }
    default:
      return generic(raw, rule);
  }
}

/** A map of attribute values, accepted only when every value is valid and already normal. */
function valueMap(raw: unknown): unknown {
  if (!isObject(raw)) return DECLINE;
  try {
    for (const key in raw) {
      if (!Object.prototype.hasOwnProperty.call(raw, key)) continue;
      const value = raw[key];
      // A value that needs normalising is copied by the reference; that is its job.
      if (validateAttributeValue(value) !== value) return DECLINE;
    }
  } catch {
    // An invalid value: the reference holds its error back and throws it in the service's order.
    return DECLINE;
  }
  return raw;
}

function generic(raw: unknown, rule: MemberRule): unknown {
  let decoded: unknown;
  try {
    decoded = decode(raw, rule.spec);
  } catch {
    // A serialization error: the reference reports the first in spec order, not necessarily this one.
    return DECLINE;
  }
  if (rule.constrained && !constraintsHold(decoded, rule.spec)) return DECLINE;
  return decoded;
}
