/**
 * The request-shape engine behind every operation's validator: a small declarative spec per
 * operation (members, their JSON types and constraints), checked in DynamoDB's three phases at its
 * API edge (reference/dynamodb-facts.md §14.1, Appendix B; dynalite validations/index.js, whose
 * messages and member paths were captured from the service):
 *
 *   1. decode       every member's JSON type, in spec order → SerializationException at the first
 *                   mismatch. Unknown and null members are dropped; "TRUE"/"1"/"YES" (and the false
 *                   forms) become booleans; integers are truncated. Attribute values are validated
 *                   here by the model (validateAttributeValue); a ValidationException from one is
 *                   held as a Deferred and thrown later, at the point the service checks values.
 *   2. required     per member in spec order: `required` ("The parameter 'X' is required but was not
 *                   present in the request") and `tableName` (the 3..255 length message).
 *   3. constraints  not-null, pattern, lengths, enums and numeric bounds, collected into one
 *                   "N validation error(s) detected: Value '…' at 'path' failed to satisfy
 *                   constraint: …; …" (at most VALIDATION_ERRORS_MAX). Paths lower the first letter
 *                   of each member; list elements are `.N.member`, map entries `.key.member`, and
 *                   map entries are visited in reverse order, as the service does.
 *
 * Each operation then runs its own semantic checks (the "custom" phase) on the decoded data.
 * `checkRequest` is the reference for every answer; operations call it through fast-shape.ts, whose
 * one-walk fast path accepts the common valid request and leaves anything else to it.
 * Pure and synchronous; inputs are never mutated.
 */
import { SerializationException, ValidationException } from '../../model/errors.js';
import { validateAttributeValue } from '../../model/validate.js';
import { TABLE_NAME_LENGTH_MAX, TABLE_NAME_LENGTH_MIN, VALIDATION_ERRORS_MAX } from '../../limits.js';

interface SpecBase {
  /** Constraint "Member must not be null". */
  notNull?: boolean;
  /** Top level only: "The parameter 'X' is required but was not present in the request". */
  required?: boolean;
}
export interface StringSpec extends SpecBase {
  type: 'String';
  /** Top level only: the control plane's "X must be at least 3 characters long and at most 255…". */
  tableName?: boolean;
  /** A table ARN here is replaced by its table name before any check (TableName members). */
  arn?: boolean;
  regex?: string;
  lengthMin?: number;
  lengthMax?: number;
  enum?: readonly string[];
}
export interface IntegerSpec extends SpecBase {
  type: 'Integer' | 'Long';
  min?: number;
  max?: number;
}
export interface BooleanSpec extends SpecBase {
  type: 'Boolean';
}
/** One DynamoDB AttributeValue. */
export interface ValueSpec extends SpecBase {
  type: 'AttributeValue';
}
export interface ListSpec extends SpecBase {
  type: 'List';
  member: Spec;
  lengthMin?: number;
  lengthMax?: number;
}
export interface MapSpec extends SpecBase {
  type: 'Map';
  member: Spec;
  lengthMin?: number;
  /** Rules every key must meet (table names of batch requests); a table ARN key is resolved first. */
  keys?: { lengthMax: number; lengthMin: number; regex: string; arn?: boolean };
  /** Length rules every value (a list) must meet. */
  values?: { lengthMax: number; lengthMin: number };
}
export interface StructSpec extends SpecBase {
  type: 'Structure';
  members: Readonly<Record<string, Spec>>;
}
export type Spec = StringSpec | IntegerSpec | BooleanSpec | ValueSpec | ListSpec | MapSpec | StructSpec;

/** An attribute value that failed validation; its error is thrown where the service checks it. */
export class Deferred {
  constructor(
    readonly error: ValidationException,
    readonly raw: unknown,
  ) {}
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Assigns an own property even for "__proto__". */
export function setOwn(target: Json, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table\/([^/]+)$/;

/**
 * The table name inside a table ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>`); other
 * strings are returned unchanged, so an index or malformed ARN then fails the name's pattern.
 * The region and account are not checked: an embedded database has one of each ([UNVERIFIED] the
 * service's messages for foreign or malformed ARNs in TableName).
 */
export function resolveTableName(nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const match = TABLE_ARN.exec(nameOrArn);
  return match === null ? nameOrArn : match[1]!;
}

// ---- Phase 1: decode -----------------------------------------------------------------------------

/**
 * What the engine precomputes once per structure spec (specs are module constants): member names
 * in spec order, a name → spec map for the decoder's fast path, and the members phases 2 and 3
 * must visit (most members have neither a required flag nor a constraint).
 */
interface Plan {
  names: readonly string[];
  byName: ReadonlyMap<string, Spec>;
  gated: readonly string[];
  constrained: readonly string[];
}
const plans = new WeakMap<StructSpec, Plan>();
function planOf(spec: StructSpec): Plan {
  let plan = plans.get(spec);
  if (plan === undefined) {
    const names = Object.keys(spec.members);
    plan = {
      names,
      byName: new Map(names.map((name) => [name, spec.members[name]!])),
      gated: names.filter((name) => {
        const member = spec.members[name]!;
        return member.required === true || (member.type === 'String' && member.tableName === true);
      }),
      constrained: names.filter((name) => hasConstraints(spec.members[name]!)),
    };
    plans.set(spec, plan);
  }
  return plan;
}
function memberNames(spec: StructSpec): readonly string[] {
  return planOf(spec).names;
}

function numberClass(value: number): string {
  if (!Number.isInteger(value)) return 'java.lang.Double';
  if (value >= -32768 && value <= 32767) return 'java.lang.Short';
  if (value >= -2147483648 && value <= 2147483647) return 'java.lang.Integer';
  return 'java.lang.Long';
}

function containerError(value: unknown): SerializationException | undefined {
  if (Array.isArray(value)) return new SerializationException('Start of list found where not expected');
  if (typeof value === 'object' && value !== null) return new SerializationException('Start of structure or map found where not expected.');
  return undefined;
}

function decodeString(value: unknown): string {
  if (typeof value === 'string') return value;
  const error = containerError(value);
  if (error !== undefined) throw error;
  if (typeof value === 'boolean') throw new SerializationException('class java.lang.Boolean can not be converted to an String');
  if (typeof value === 'number') throw new SerializationException(`class ${numberClass(value)} can not be converted to an String`);
  throw new SerializationException('Unexpected value type in payload');
}

function decodeInteger(value: unknown, type: 'Integer' | 'Long'): number {
  if (typeof value === 'number') return Math.floor(value);
  const error = containerError(value);
  if (error !== undefined) throw error;
  if (typeof value === 'string') throw new SerializationException(`class java.lang.String can not be converted to an ${type}`);
  if (typeof value === 'boolean') throw new SerializationException(`class java.lang.Boolean can not be converted to an ${type}`);
  throw new SerializationException('Unexpected value type in payload');
}

function decodeBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const error = containerError(value);
  if (error !== undefined) throw error;
  if (typeof value === 'string') {
    const upper = value.toUpperCase();
    if (upper === 'TRUE' || upper === '1' || upper === 'YES') return true;
    if (upper === 'FALSE' || upper === '0' || upper === 'NO') return false;
    throw new SerializationException(`'${upper}' can not be converted to an Boolean`);
  }
  if (typeof value === 'number') throw new SerializationException(`class ${numberClass(value)} can not be converted to an Boolean`);
  throw new SerializationException('Unexpected value type in payload');
}

function decodeValue(value: unknown): unknown {
  try {
    return validateAttributeValue(value);
  } catch (error) {
    // Serialization errors are phase 1's; a value's validation error waits for its turn.
    if (error instanceof ValidationException) return new Deferred(error, value);
    throw error;
  }
}

/** Decodes one value against its spec; undefined for an absent (null) member. */
export function decode(value: unknown, spec: Spec): unknown {
  // A null list element or map entry that should be a value is an empty value, not an absent one.
  if (spec.type === 'AttributeValue') return decodeValue(value);
  if (value === null || value === undefined) return undefined;
  switch (spec.type) {
    case 'String': {
      const text = decodeString(value);
      return spec.arn === true ? resolveTableName(text) : text;
    }
    case 'Integer':
    case 'Long':
      return decodeInteger(value, spec.type);
    case 'Boolean':
      return decodeBoolean(value);
    case 'List': {
      if (!Array.isArray(value)) {
        if (isObject(value)) throw new SerializationException('Start of structure or map found where not expected.');
        throw new SerializationException('Expected list or null');
      }
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i];
        const decoded = decodeElement(element, spec.member);
        if (decoded !== element && out === undefined) out = value.slice(0, i);
        if (out !== undefined) out.push(decoded);
      }
      return out ?? value;
    }
    case 'Map': {
      if (!isObject(value)) {
        if (Array.isArray(value)) throw new SerializationException('Start of list found where not expected');
        throw new SerializationException('Expected map or null');
      }
      // Copy on the first change only: a valid, canonical map is returned as is.
      let out: Json | undefined;
      const resolveKeys = spec.keys?.arn === true;
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        const element = value[key];
        const decoded = decodeElement(element, spec.member);
        const name = resolveKeys ? resolveTableName(key) : key;
        if ((decoded !== element || name !== key) && out === undefined) out = copyBefore(value, key, resolveKeys);
        if (out !== undefined) setOwn(out, name, decoded);
      }
      return out ?? value;
    }
    case 'Structure': {
      if (!isObject(value)) {
        if (Array.isArray(value)) throw new SerializationException('Start of list found where not expected');
        throw new SerializationException('Expected null');
      }
      return decodeStructure(value, spec);
    }
  }
}

/**
 * A structure's known, non-null members. The fast path walks the input's own (few) members; when
 * one has the wrong JSON type the walk is redone in spec order, so the error reported is the one
 * the service reports first.
 */
function decodeStructure(value: Json, spec: StructSpec): Json {
  const plan = planOf(spec);
  const out: Json = {};
  try {
    for (const name in value) {
      const member = plan.byName.get(name);
      if (member === undefined || !Object.prototype.hasOwnProperty.call(value, name)) continue;
      const raw = value[name];
      if (raw === null || raw === undefined) continue; // absent on the wire
      const decoded = decode(raw, member);
      if (decoded !== undefined) out[name] = decoded;
    }
  } catch (error) {
    if (!(error instanceof SerializationException)) throw error;
    for (const name of plan.names) {
      const raw = value[name];
      if (raw !== null && raw !== undefined) decode(raw, spec.members[name]!); // throws the first in spec order
    }
    throw error;
  }
  return out;
}

/** The entries of `map` before `stop` (already decoded unchanged), keys resolved as the caller does. */
function copyBefore(map: Json, stop: string, resolveKeys: boolean): Json {
  const out: Json = {};
  for (const key in map) {
    if (key === stop) break;
    if (Object.prototype.hasOwnProperty.call(map, key)) setOwn(out, resolveKeys ? resolveTableName(key) : key, map[key]);
  }
  return out;
}

/** A list element or map entry: null stays null (an empty structure for structures). */
function decodeElement(value: unknown, spec: Spec): unknown {
  if ((value === null || value === undefined) && spec.type === 'Structure') return {};
  if ((value === null || value === undefined) && spec.type !== 'AttributeValue') return null;
  return decode(value, spec);
}

// ---- Phase 3: constraints ------------------------------------------------------------------------

function lowerFirst(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return '[' + value.map(valueText).join(', ') + ']';
  if (value instanceof Deferred) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  return isObject(value) ? Object.keys(value).length : 0;
}

class Constraints {
  readonly errors: string[] = [];
  fail(path: string, value: unknown, constraint: string): void {
    if (this.errors.length >= VALIDATION_ERRORS_MAX) return;
    const shown = value === null || value === undefined ? 'null' : `'${valueText(value)}'`;
    this.errors.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}

const NOT_NULL = 'Member must not be null';
const lengthMinText = (n: number) => `Member must have length greater than or equal to ${n}`;
const lengthMaxText = (n: number) => `Member must have length less than or equal to ${n}`;
const regexText = (pattern: string) => `Member must satisfy regular expression pattern: ${pattern}`;

const regexCache = new Map<string, RegExp>();
function matches(pattern: string, text: string): boolean {
  let regex = regexCache.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${pattern})$`);
    regexCache.set(pattern, regex);
  }
  return regex.test(text);
}

/** Whether any constraint can fail in this spec's subtree (most attribute-value maps: none). */
const constrained = new WeakMap<Spec, boolean>();
export function hasConstraints(spec: Spec): boolean {
  let known = constrained.get(spec);
  if (known !== undefined) return known;
  switch (spec.type) {
    case 'AttributeValue':
    case 'Boolean':
      known = spec.notNull === true;
      break;
    case 'String':
      known = spec.notNull === true || spec.regex !== undefined || spec.lengthMin !== undefined || spec.lengthMax !== undefined || spec.enum !== undefined;
      break;
    case 'Integer':
    case 'Long':
      known = spec.notNull === true || spec.min !== undefined || spec.max !== undefined;
      break;
    case 'List':
      known = spec.notNull === true || spec.lengthMin !== undefined || spec.lengthMax !== undefined || hasConstraints(spec.member);
      break;
    case 'Map':
      known = spec.notNull === true || spec.lengthMin !== undefined || spec.keys !== undefined || spec.values !== undefined || hasConstraints(spec.member);
      break;
    case 'Structure':
      known = spec.notNull === true || memberNames(spec).some((name) => hasConstraints(spec.members[name]!));
      break;
  }
  constrained.set(spec, known);
  return known;
}

function check(name: string, value: unknown, spec: Spec, parent: string, out: Constraints): void {
  if (!hasConstraints(spec)) return;
  const absent = value === null || value === undefined;
  if (absent && spec.notNull !== true) return;
  // The path is built only when something fails or a container's members need it as their parent.
  const pathOf = () => (parent === '' ? lowerFirst(name) : `${parent}.${lowerFirst(name)}`);
  if (absent) {
    out.fail(pathOf(), value, NOT_NULL);
    return;
  }
  switch (spec.type) {
    case 'String': {
      const text = value as string; // decoded
      if (spec.regex !== undefined && !matches(spec.regex, text)) out.fail(pathOf(), text, regexText(spec.regex));
      if (spec.lengthMin !== undefined && text.length < spec.lengthMin) out.fail(pathOf(), text, lengthMinText(spec.lengthMin));
      if (spec.lengthMax !== undefined && text.length > spec.lengthMax) out.fail(pathOf(), text, lengthMaxText(spec.lengthMax));
      if (spec.enum !== undefined && !spec.enum.includes(text)) out.fail(pathOf(), text, `Member must satisfy enum value set: [${spec.enum.join(', ')}]`);
      return;
    }
    case 'Integer':
    case 'Long': {
      const number = value as number;
      if (spec.min !== undefined && !(number >= spec.min)) out.fail(pathOf(), number, `Member must have value greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && !(number <= spec.max)) out.fail(pathOf(), number, `Member must have value less than or equal to ${spec.max}`);
      return;
    }
    case 'Boolean':
    case 'AttributeValue':
      return;
    case 'List': {
      const list = value as unknown[];
      if (spec.lengthMin !== undefined && list.length < spec.lengthMin) out.fail(pathOf(), list, lengthMinText(spec.lengthMin));
      if (spec.lengthMax !== undefined && list.length > spec.lengthMax) out.fail(pathOf(), list, lengthMaxText(spec.lengthMax));
      if (!hasConstraints(spec.member)) return;
      const path = pathOf();
      for (let i = 0; i < list.length; i++) check('member', list[i], spec.member, `${path}.${i + 1}`, out);
      return;
    }
    case 'Map': {
      const map = value as Json;
      if (spec.lengthMin === undefined && spec.keys === undefined && spec.values === undefined && !hasConstraints(spec.member)) return;
      const keys = Object.keys(map);
      if (spec.lengthMin !== undefined && keys.length < spec.lengthMin) out.fail(pathOf(), map, lengthMinText(spec.lengthMin));
      const keyRule = spec.keys;
      if (keyRule !== undefined) {
        for (const key of keys) {
          if (key.length <= keyRule.lengthMax && key.length >= keyRule.lengthMin && matches(keyRule.regex, key)) continue;
          const rules = [lengthMaxText(keyRule.lengthMax), lengthMinText(keyRule.lengthMin), regexText(keyRule.regex)];
          out.fail(pathOf(), map, `Map keys must satisfy constraint: [${rules.join(', ')}]`);
        }
      }
      const valueRule = spec.values;
      if (valueRule !== undefined) {
        for (const key of keys) {
          const length = lengthOf(map[key]);
          if (length <= valueRule.lengthMax && length >= valueRule.lengthMin) continue;
          out.fail(pathOf(), map, `Map value must satisfy constraint: [${lengthMaxText(valueRule.lengthMax)}, ${lengthMinText(valueRule.lengthMin)}]`);
        }
      }
      if (!hasConstraints(spec.member)) return;
      const path = pathOf();
      for (let i = keys.length - 1; i >= 0; i--) check('member', map[keys[i]!], spec.member, `${path}.${keys[i]!}`, out);
      return;
    }
    case 'Structure': {
      const struct = value as Json;
      const path = pathOf();
      for (const member of planOf(spec).constrained) check(member, struct[member], spec.members[member]!, path, out);
      return;
    }
  }
}

/** Whether one decoded member meets every constraint of its spec (fast-shape.ts's generic members). */
export function constraintsHold(value: unknown, spec: Spec): boolean {
  const constraints = new Constraints();
  check('', value, spec, '', constraints);
  return constraints.errors.length === 0;
}

/** The request-level structure spec of each operation's member table. */
const requestSpecs = new WeakMap<Readonly<Record<string, Spec>>, StructSpec>();

/** Phases 1–3 in the service's order: the decoded request, or the exact error it gets first. */
export function checkRequest(input: unknown, members: Readonly<Record<string, Spec>>): Json {
  let request = requestSpecs.get(members);
  if (request === undefined) {
    request = { type: 'Structure', members };
    requestSpecs.set(members, request);
  }
  const data = decode(input ?? {}, request) as Json;
  const plan = planOf(request);
  for (const name of plan.gated) {
    const spec = members[name]!;
    const value = data[name];
    if (spec.required === true && value === undefined) {
      throw new ValidationException(`The parameter '${name}' is required but was not present in the request`);
    }
    if (spec.type === 'String' && spec.tableName === true && typeof value === 'string' && (value.length < TABLE_NAME_LENGTH_MIN || value.length > TABLE_NAME_LENGTH_MAX)) {
      throw new ValidationException(
        `${name} must be at least ${TABLE_NAME_LENGTH_MIN} characters long and at most ${TABLE_NAME_LENGTH_MAX} characters long`,
      );
    }
  }
  const constraints = new Constraints();
  for (const name of plan.constrained) check(name, data[name], members[name]!, '', constraints);
  const count = constraints.errors.length;
  if (count > 0) {
    throw new ValidationException(`${count} validation error${count > 1 ? 's' : ''} detected: ${constraints.errors.join('; ')}`);
  }
  return data;
}
