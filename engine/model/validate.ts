/**
 * Validation of attribute values, items and keys from untrusted input (it may come from JSON, so
 * any shape at all), with DynamoDB's messages (reference/dynamodb-facts.md §1, §3). The boundary of
 * the model layer: what these functions return is trusted everywhere below.
 *
 * Returned values are normalised: numbers canonical, unknown and null type members dropped. An
 * input that is already normal is returned as is (same object), so the common case allocates
 * nothing. Inputs are never mutated. Pure and synchronous.
 *
 * Rules, in the service's order for one value (dynalite validations/index.js, captured from the
 * service): each type member in turn (N parses; NULL is true; sets are non-empty, hold valid
 * elements and no duplicates; M and L recurse), then "more than one datatypes", then nesting.
 */
import { ATTRIBUTE_NAME_BYTES_MAX, NESTING_LEVELS_MAX, PARTITION_KEY_BYTES_MAX, SORT_KEY_BYTES_MAX } from '../limits.js';
import type { AttributeValue, Item, ScalarAttributeType } from './attribute-value.js';
import { SerializationException, ValidationException } from './errors.js';
import { keyValueSizeBytes, utf8Length } from './item-size.js';
import { normalizeNumber, NUMBER_EMPTY_MESSAGE } from './number.js';
import type { IndexSchema, KeyAttribute, PrimaryKeySchema } from './schema.js';

const INVALID = 'One or more parameter values were invalid: ';
export const EMPTY_VALUE_MESSAGE = 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes';
export const MULTIPLE_TYPES_MESSAGE =
  'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';
export const NULL_FALSE_MESSAGE = INVALID + 'Null attribute value types must have the value of true';
export const EMPTY_STRING_SET_MESSAGE = INVALID + 'An string set  may not be empty';
export const EMPTY_NUMBER_SET_MESSAGE = INVALID + 'An number set  may not be empty';
export const EMPTY_BINARY_SET_MESSAGE = INVALID + 'Binary sets should not be empty';
export const NUMBER_SET_DUPLICATES_MESSAGE = 'Input collection contains duplicates';
/** Observed from the service; PutItem wraps it as "1 validation error detected: …". */
export const NESTING_MESSAGE =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';
/**
 * Measured against the service (PutItem, a top-level or nested name of 65,536 bytes; the number is
 * the first size refused). [UNVERIFIED] its position among other errors of the same request.
 */
export const ATTRIBUTE_NAME_TOO_LARGE_MESSAGE = `1 validation error detected: Attribute name is too large, must be less than ${ATTRIBUTE_NAME_BYTES_MAX + 1} bytes`;
/** No string of this many UTF-16 units or fewer can exceed ATTRIBUTE_NAME_BYTES_MAX in UTF-8. */
const ATTRIBUTE_NAME_UNITS_SAFE = Math.floor(ATTRIBUTE_NAME_BYTES_MAX / 3);
export const KEY_MISMATCH_MESSAGE = 'The provided key element does not match the schema';
export const HASH_KEY_SIZE_MESSAGE = INVALID + 'Size of hashkey has exceeded the maximum size limit of2048 bytes';
export const RANGE_KEY_SIZE_MESSAGE =
  INVALID + 'Aggregated size of all range keys has exceeded the size limit of 1024 bytes';

export function stringSetDuplicatesMessage(elements: readonly string[]): string {
  return `${INVALID}Input collection [${elements.join(', ')}] contains duplicates.`;
}
export function binarySetDuplicatesMessage(elements: readonly Uint8Array[]): string {
  return `${INVALID}Input collection [${elements.map(base64).join(', ')}]of type BS contains duplicates.`;
}
export function emptyKeyMessage(attribute: string, type: ScalarAttributeType): string {
  const what = type === 'B' ? 'binary' : 'string';
  return `${INVALID}The AttributeValue for a key attribute cannot contain an empty ${what} value. Key: ${attribute}`;
}

// ---- Serialization (wrong JSON shapes), as the wire decoder reports them ---------------------------

function numberClass(value: number): string {
  if (!Number.isInteger(value)) return 'java.lang.Double';
  if (value >= -32768 && value <= 32767) return 'java.lang.Short';
  if (value >= -2147483648 && value <= 2147483647) return 'java.lang.Integer';
  return 'java.lang.Long';
}

function shapeError(expected: 'String' | 'Boolean' | 'Blob' | 'List' | 'Map', value: unknown): SerializationException {
  const article = expected === 'Blob' ? 'a' : 'an';
  if (Array.isArray(value) && expected !== 'List') return new SerializationException('Start of list found where not expected');
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && expected !== 'Map') {
    return new SerializationException('Start of structure or map found where not expected.');
  }
  if (expected === 'List') return new SerializationException('Expected list or null');
  if (expected === 'Map') return new SerializationException('Expected map or null');
  if (typeof value === 'boolean') return new SerializationException(`class java.lang.Boolean can not be converted to ${article} ${expected}`);
  if (typeof value === 'number') return new SerializationException(`class ${numberClass(value)} can not be converted to ${article} ${expected}`);
  if (typeof value === 'string') return new SerializationException(`'${value.toUpperCase()}' can not be converted to ${article} ${expected}`);
  return new SerializationException(`Unexpected value type in payload`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

// ---- Values ----------------------------------------------------------------------------------------

/** What validateMember returns for a member that is not a type descriptor. */
const NOT_A_TYPE: unique symbol = Symbol('not a type descriptor');

/** Validates and normalises one attribute value; `level` is 1 for a top-level attribute's value. */
export function validateAttributeValue(input: unknown, level = 1): AttributeValue {
  if (!isPlainObject(input)) {
    if (input === null || input === undefined) throw new ValidationException(EMPTY_VALUE_MESSAGE);
    throw shapeError('Map', input);
  }
  // The type member and its normalised payload are kept apart, and the value object is built only
  // when the input is not already normal: a request's values are almost always normal, and this is
  // the hottest loop of every write.
  let type: string | undefined;
  let payload: unknown;
  let typeCount = 0;
  let memberCount = 0;
  for (const key in input) {
    if (!Object.prototype.hasOwnProperty.call(input, key)) continue;
    memberCount++;
    const member = input[key];
    if (member === null || member === undefined) continue; // null members are absent on the wire
    const normal = validateMember(key, member, level);
    if (normal === NOT_A_TYPE) continue; // not a type descriptor: ignored, as the wire decoder does
    typeCount++;
    type = key;
    payload = normal;
  }
  if (type === undefined) throw new ValidationException(EMPTY_VALUE_MESSAGE);
  if (typeCount > 1) throw new ValidationException(MULTIPLE_TYPES_MESSAGE);
  // Reuse the input when it was already exactly the normal value.
  if (memberCount === 1 && input[type] === payload) return input as AttributeValue;
  return { [type]: payload } as unknown as AttributeValue; // `type` is a descriptor validateMember accepted, `payload` its checked payload
}

/** The normalised payload of one member (the `"x"` of `{ S: "x" }`), or NOT_A_TYPE. */
function validateMember(type: string, member: unknown, level: number): unknown {
  switch (type) {
    case 'S':
      if (typeof member !== 'string') throw shapeError('String', member);
      return member;
    case 'N':
      if (typeof member !== 'string') throw shapeError('String', member);
      return normalizeNumber(member);
    case 'B':
      if (!(member instanceof Uint8Array)) throw shapeError('Blob', member);
      return member;
    case 'BOOL':
      if (typeof member !== 'boolean') throw shapeError('Boolean', member);
      return member;
    case 'NULL':
      if (typeof member !== 'boolean') throw shapeError('Boolean', member);
      if (!member) throw new ValidationException(NULL_FALSE_MESSAGE);
      return true;
    case 'SS':
      return validateStringSet(member);
    case 'NS':
      return validateNumberSet(member);
    case 'BS':
      return validateBinarySet(member);
    case 'L':
      return validateList(member, level);
    case 'M':
      return validateMap(member, level);
    default:
      return NOT_A_TYPE;
  }
}

function checkContainerLevel(level: number): void {
  // A top-level value is level 1; the deepest accepted document has its leaves at level 32.
  if (level >= NESTING_LEVELS_MAX) throw new ValidationException(NESTING_MESSAGE);
}

function validateList(member: unknown, level: number): AttributeValue[] {
  if (!Array.isArray(member)) throw shapeError('List', member);
  checkContainerLevel(level);
  let out: AttributeValue[] | undefined;
  for (let i = 0; i < member.length; i++) {
    const element: unknown = member[i];
    const value = validateAttributeValue(element, level + 1);
    if (value !== element && out === undefined) out = (member as AttributeValue[]).slice(0, i);
    if (out !== undefined) out.push(value);
  }
  return out ?? (member as AttributeValue[]);
}

function validateMap(member: unknown, level: number): Item {
  if (!isPlainObject(member)) throw shapeError('Map', member);
  checkContainerLevel(level);
  return validateEntries(member, level + 1);
}

/** Validates every entry of a map or item; returns the input when nothing changed. */
function validateEntries(input: Record<string, unknown>, level: number): Item {
  let out: Item | undefined;
  for (const name in input) {
    if (!Object.prototype.hasOwnProperty.call(input, name)) continue;
    checkAttributeName(name);
    const element = input[name];
    const value = validateAttributeValue(element, level);
    if (value !== element && out === undefined) out = copyEntriesBefore(input, name);
    if (out !== undefined) setEntry(out, name, value);
  }
  return out ?? (input as Item);
}

/** An attribute name (top level or a map key) within ATTRIBUTE_NAME_BYTES_MAX; counts bytes only for long names. */
export function checkAttributeName(name: string): void {
  if (name.length > ATTRIBUTE_NAME_UNITS_SAFE && utf8Length(name) > ATTRIBUTE_NAME_BYTES_MAX) throw new ValidationException(ATTRIBUTE_NAME_TOO_LARGE_MESSAGE);
}

function copyEntriesBefore(input: Record<string, unknown>, stop: string): Item {
  const out: Item = {};
  for (const name in input) {
    if (name === stop) break;
    if (Object.prototype.hasOwnProperty.call(input, name)) setEntry(out, name, input[name] as AttributeValue);
  }
  return out;
}

/** Assigns an own property even for the name "__proto__", which plain assignment would not. */
export function setEntry(target: Item, name: string, value: AttributeValue): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}

function validateStringSet(member: unknown): string[] {
  if (!Array.isArray(member)) throw shapeError('List', member);
  for (const element of member) if (typeof element !== 'string') throw shapeError('String', element);
  const elements = member as string[];
  if (elements.length === 0) throw new ValidationException(EMPTY_STRING_SET_MESSAGE);
  if (new Set(elements).size !== elements.length) throw new ValidationException(stringSetDuplicatesMessage(elements));
  return elements;
}

function validateNumberSet(member: unknown): string[] {
  if (!Array.isArray(member)) throw shapeError('List', member);
  for (const element of member) if (typeof element !== 'string') throw shapeError('String', element);
  const elements = member as string[];
  if (elements.length === 0) throw new ValidationException(EMPTY_NUMBER_SET_MESSAGE);
  let out: string[] | undefined;
  for (let i = 0; i < elements.length; i++) {
    const text = elements[i]!;
    if (text.length === 0) throw new ValidationException(NUMBER_EMPTY_MESSAGE);
    const canonical = normalizeNumber(text);
    if (canonical !== text && out === undefined) out = elements.slice(0, i);
    if (out !== undefined) out.push(canonical);
  }
  const normal = out ?? elements;
  // Duplicates are judged after normalisation: ["1", "1.0"] is a duplicate.
  if (new Set(normal).size !== normal.length) throw new ValidationException(NUMBER_SET_DUPLICATES_MESSAGE);
  return normal;
}

function validateBinarySet(member: unknown): Uint8Array[] {
  if (!Array.isArray(member)) throw shapeError('List', member);
  for (const element of member) if (!(element instanceof Uint8Array)) throw shapeError('Blob', element);
  const elements = member as Uint8Array[];
  if (elements.length === 0) throw new ValidationException(EMPTY_BINARY_SET_MESSAGE);
  const seen = new Set<string>();
  for (const element of elements) {
    const key = latin1(element);
    if (seen.has(key)) throw new ValidationException(binarySetDuplicatesMessage(elements));
    seen.add(key);
  }
  return elements;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 4096) text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return text;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** RFC 4648 base64, as binary appears on the wire and in messages. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64[n >>> 18]! + BASE64[(n >>> 12) & 63]! + BASE64[(n >>> 6) & 63]! + BASE64[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += BASE64[n >>> 18]! + BASE64[(n >>> 12) & 63]!;
    out += i + 1 < bytes.length ? BASE64[(n >>> 6) & 63]! + '=' : '==';
  }
  return out;
}

// ---- Items and keys ------------------------------------------------------------------------------

/** Validates and normalises an item (or a key, or ExpressionAttributeValues-like map). */
export function validateItem(input: unknown): Item {
  if (!isPlainObject(input)) throw shapeError('Map', input);
  return validateEntries(input, 1);
}

/** Empty-value and size rules for one key value of the declared type (trusted, validated value). */
function checkKeyValue(name: string, type: ScalarAttributeType, value: AttributeValue, isPartition: boolean): void {
  if (type === 'N') return; // numbers are bounded by the 38-digit rule alone
  const size = keyValueSizeBytes(value as { S: string } | { B: Uint8Array }); // the caller checked the type
  if (size === 0) throw new ValidationException(emptyKeyMessage(name, type));
  if (isPartition && size > PARTITION_KEY_BYTES_MAX) throw new ValidationException(HASH_KEY_SIZE_MESSAGE);
  if (!isPartition && size > SORT_KEY_BYTES_MAX) throw new ValidationException(RANGE_KEY_SIZE_MESSAGE);
}

function hasType(value: AttributeValue | undefined, type: ScalarAttributeType): value is AttributeValue {
  return value !== undefined && type in value;
}

/**
 * A `Key` parameter (GetItem, DeleteItem, UpdateItem, ...): validates the values, then requires
 * exactly the schema's attributes with the declared types, non-empty and within the size bounds.
 */
export function validateKey(input: unknown, schema: PrimaryKeySchema): Item {
  return checkKey(validateItem(input), schema);
}

/** validateKey for a key whose values are already validated (the request validators' output). */
export function checkKey(key: Item, schema: PrimaryKeySchema): Item {
  let count = 0;
  for (const name in key) if (Object.prototype.hasOwnProperty.call(key, name)) count++;
  const sortKey = schema.sortKey;
  if (count !== (sortKey === undefined ? 1 : 2)) throw new ValidationException(KEY_MISMATCH_MESSAGE);
  checkKeyAttribute(key, schema.partitionKey, true);
  if (sortKey !== undefined) checkKeyAttribute(key, sortKey, false);
  return key;
}

function checkKeyAttribute(key: Item, attribute: KeyAttribute, isPartition: boolean): void {
  const value = Object.prototype.hasOwnProperty.call(key, attribute.name) ? key[attribute.name] : undefined;
  if (!hasType(value, attribute.type)) throw new ValidationException(KEY_MISMATCH_MESSAGE);
  checkKeyValue(attribute.name, attribute.type, value, isPartition);
}

function typeName(value: AttributeValue): string {
  for (const key in value) return key;
  return '';
}

/**
 * Key rules for a whole item being written (PutItem, an UpdateItem result): the table's key
 * attributes present with their declared types, non-empty and within bounds; every index key
 * attribute that is present has the index's declared type and is non-empty.
 * `item` is a validated item.
 */
export function validateItemKeys(item: Item, schema: PrimaryKeySchema, indexes: readonly IndexSchema[] = []): void {
  checkItemKeyAttribute(item, schema.partitionKey, true);
  if (schema.sortKey !== undefined) checkItemKeyAttribute(item, schema.sortKey, false);
  for (const index of indexes) {
    checkIndexKeyAttribute(item, index, index.partitionKey);
    if (index.sortKey !== undefined) checkIndexKeyAttribute(item, index, index.sortKey);
  }
}

function checkItemKeyAttribute(item: Item, attribute: KeyAttribute, isPartition: boolean): void {
  const value = Object.prototype.hasOwnProperty.call(item, attribute.name) ? item[attribute.name] : undefined;
  if (value === undefined) throw new ValidationException(`${INVALID}Missing the key ${attribute.name} in the item`);
  if (!hasType(value, attribute.type)) {
    throw new ValidationException(`${INVALID}Type mismatch for key ${attribute.name} expected: ${attribute.type} actual: ${typeName(value)}`);
  }
  checkKeyValue(attribute.name, attribute.type, value, isPartition);
}

function checkIndexKeyAttribute(item: Item, index: IndexSchema, attribute: KeyAttribute): void {
  const value = Object.prototype.hasOwnProperty.call(item, attribute.name) ? item[attribute.name] : undefined;
  if (value === undefined) return; // sparse: the item is simply not in the index
  if (!hasType(value, attribute.type)) {
    throw new ValidationException(
      `${INVALID}Type mismatch for Index Key ${attribute.name} Expected: ${attribute.type} Actual: ${typeName(value)} IndexName: ${index.name}`,
    );
  }
  if (keyValueSizeBytes(value as { S: string } | { B: Uint8Array } | { N: string }) === 0 && attribute.type !== 'N') {
    // Observed service text (note "are not valid."; the binary wording is [UNVERIFIED]).
    const what = attribute.type === 'B' ? 'binary' : 'string';
    throw new ValidationException(
      `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${what} value. IndexName: ${index.name}, IndexKey: ${attribute.name}`,
    );
  }
}
