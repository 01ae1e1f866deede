/**
 * ExpressionContext: one request's ExpressionAttributeNames and ExpressionAttributeValues, and which
 * of them the request's expressions use. Construction validates the maps as DynamoDB does, before
 * any expression is parsed (messages captured from the service by dynalite and ExtendDB):
 *  - an empty map:          `ExpressionAttributeNames must not be empty`
 *  - a key over 255 bytes:  `ExpressionAttributeNames contains invalid key: The expression attribute
 *                            map contains a key that is too long; size of key: 256` (the values map
 *                            omits "size of key"; length is checked before syntax)
 *  - a malformed key:       `ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`
 *  - an empty (or null) name: `ExpressionAttributeNames contains invalid value: Empty attribute name for key #a`
 *  - an invalid value:      `ExpressionAttributeValues contains invalid value: <reason> for key :v`
 *  - both maps over 2 MB together (message not captured from the service; ours).
 * After every expression of the request is compiled, assertAllUsed() reports unused entries.
 *
 * Concurrency: one context per request, used synchronously by that request only.
 * Invariants: `names`/`values` are never mutated; `used*` only grow.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { validateAttributeValue } from '../model/validate.js';
import { EXPRESSION_ATTRIBUTES_BYTES_MAX, EXPRESSION_PLACEHOLDER_BYTES_MAX } from '../limits.js';
import { utf8ByteLength } from './lexer.js';

const NAME_KEY = /^#[0-9A-Za-z_]+$/;
const VALUE_KEY = /^:[0-9A-Za-z_]+$/;

export class ExpressionContext {
  private readonly names: ReadonlyMap<string, string>;
  private readonly values: ReadonlyMap<string, AttributeValue>;
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  constructor(names: Readonly<Record<string, string | null>> | undefined, values: Record<string, AttributeValue> | undefined) {
    let totalBytes = 0;
    const nameMap = new Map<string, string>();
    if (names !== undefined) {
      const keys = Object.keys(names);
      if (keys.length === 0) throw new ValidationException('ExpressionAttributeNames must not be empty');
      for (const key of keys) {
        const keyBytes = utf8ByteLength(key);
        if (keyBytes > EXPRESSION_PLACEHOLDER_BYTES_MAX) {
          throw new ValidationException(
            `ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: ${keyBytes}`,
          );
        }
        if (!NAME_KEY.test(key)) throw new ValidationException(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
        const name = names[key];
        // A null value (kept by the request's shape check, as JSON null is in any map) names nothing:
        // the service's empty-name error. [UNVERIFIED] for null; captured for "".
        if (typeof name !== 'string' || name.length === 0) {
          throw new ValidationException(`ExpressionAttributeNames contains invalid value: Empty attribute name for key ${key}`);
        }
        totalBytes += keyBytes + utf8ByteLength(name);
        nameMap.set(key, name);
      }
    }
    const valueMap = new Map<string, AttributeValue>();
    if (values !== undefined) {
      const keys = Object.keys(values);
      if (keys.length === 0) throw new ValidationException('ExpressionAttributeValues must not be empty');
      for (const key of keys) {
        const keyBytes = utf8ByteLength(key);
        if (keyBytes > EXPRESSION_PLACEHOLDER_BYTES_MAX) {
          throw new ValidationException('ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;');
        }
        if (!VALUE_KEY.test(key)) throw new ValidationException(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`);
      }
      for (const key of keys) {
        const value = validatePlaceholderValue(key, values[key]);
        totalBytes += utf8ByteLength(key) + valueSizeBytes(value);
        valueMap.set(key, value);
      }
    }
    if (totalBytes > EXPRESSION_ATTRIBUTES_BYTES_MAX) {
      throw new ValidationException(
        `ExpressionAttributeNames and ExpressionAttributeValues exceed the maximum allowed size of ${EXPRESSION_ATTRIBUTES_BYTES_MAX} bytes; size: ${totalBytes}`,
      );
    }
    this.names = nameMap;
    this.values = valueMap;
  }

  /** The attribute name for `#token`, marking it used; undefined when the map lacks it. */
  resolveName(token: string): string | undefined {
    const name = this.names.get(token);
    if (name !== undefined) this.usedNames.add(token);
    return name;
  }

  /** The value for `:token`, marking it used; undefined when the map lacks it. */
  resolveValue(token: string): AttributeValue | undefined {
    const value = this.values.get(token);
    if (value !== undefined) this.usedValues.add(token);
    return value;
  }

  /** After compiling every expression of the request: throws for entries no expression used. */
  assertAllUsed(): void {
    const unusedNames = [...this.names.keys()].filter((key) => !this.usedNames.has(key));
    if (unusedNames.length > 0) {
      throw new ValidationException(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    }
    const unusedValues = [...this.values.keys()].filter((key) => !this.usedValues.has(key));
    if (unusedValues.length > 0) {
      throw new ValidationException(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
    }
  }
}

/**
 * Validates (and normalises) one value with the model layer's validateAttributeValue, wrapping its
 * message as DynamoDB does for placeholder values.
 */
function validatePlaceholderValue(key: string, value: unknown): AttributeValue {
  try {
    return validateAttributeValue(value);
  } catch (error) {
    if (error instanceof ValidationException) {
      throw new ValidationException(`ExpressionAttributeValues contains invalid value: ${error.message} for key ${key}`, { cause: error });
    }
    throw error;
  }
}

/** Approximate wire size of a value, for the 2 MB bound only (not DynamoDB's item-size formula). */
function valueSizeBytes(value: AttributeValue): number {
  if ('S' in value) return utf8ByteLength(value.S);
  if ('N' in value) return value.N.length;
  if ('B' in value) return value.B.length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('L' in value) return value.L.reduce((sum, element) => sum + 1 + valueSizeBytes(element), 3);
  if ('M' in value) {
    let size = 3;
    for (const name in value.M) size += 1 + utf8ByteLength(name) + valueSizeBytes(value.M[name]!);
    return size;
  }
  if ('SS' in value) return value.SS.reduce((sum, element) => sum + utf8ByteLength(element), 0);
  if ('NS' in value) return value.NS.reduce((sum, element) => sum + element.length, 0);
  return value.BS.reduce((sum, element) => sum + element.length, 0);
}
