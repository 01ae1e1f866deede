/**
 * DynamoDB numbers: parsing, validation, the canonical form, ordering and exact arithmetic.
 *
 * Numbers travel as decimal strings. Validation turns any accepted spelling into the canonical form
 * dynalite stores to mimic the service (`Big(n).toFixed()`): plain decimal, no exponent, no leading
 * zeros before the integer digits, no trailing zeros after the point, and "-0" → "0". Every number
 * inside the engine is canonical; functions below that take "canonical" strings trust that.
 *
 * Pure and synchronous; no state. Invariants of a canonical string c:
 *   1. it matches /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/ and is not "-0";
 *   2. it has at most NUMBER_DIGITS_MAX significant digits;
 *   3. its first significant digit has decimal exponent in [NUMBER_EXPONENT_MIN, NUMBER_EXPONENT_MAX].
 *
 * Accepted input grammar (Big.js's): -?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)? — no "+" sign, no spaces.
 */
import { NUMBER_DIGITS_MAX, NUMBER_EXPONENT_MAX, NUMBER_EXPONENT_MIN } from '../limits.js';
import { ValidationException } from './errors.js';

/** DynamoDB's messages (reference/dynamodb-facts.md §1.2), verbatim. */
export const NUMBER_EMPTY_MESSAGE = 'The parameter cannot be converted to a numeric value';
export const NUMBER_OVERFLOW_MESSAGE =
  'Number overflow. Attempting to store a number with magnitude larger than supported range';
export const NUMBER_UNDERFLOW_MESSAGE =
  'Number underflow. Attempting to store a number with magnitude smaller than supported range';
export const NUMBER_PRECISION_MESSAGE = 'Attempting to store more than 38 significant digits in a Number';

export function numberUnparseableMessage(text: string): string {
  return `The parameter cannot be converted to a numeric value: ${text}`;
}

/** A decomposed non-canonical-free number: value = (negative ? -1 : 1) × d1.d2d3… × 10^exponent. */
export interface DecimalParts {
  negative: boolean;
  /** Significant digits without leading or trailing zeros; "0" for zero. */
  digits: string;
  /** Decimal exponent of the first significant digit (Big.js `e`); 0 for zero. */
  exponent: number;
}

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_MINUS = 45;
const CHAR_DOT = 46;

function isDigit(code: number): boolean {
  return code >= CHAR_0 && code <= CHAR_9;
}

/**
 * The fast path: a plain integer without leading zeros and within the digit bound is already
 * canonical ("0", "17", "-42"). Most numbers are like this.
 */
function isCanonicalInteger(text: string): boolean {
  const length = text.length;
  let i = 0;
  if (length > 0 && text.charCodeAt(0) === CHAR_MINUS) i = 1;
  if (i >= length || length - i > NUMBER_DIGITS_MAX) return false;
  const first = text.charCodeAt(i);
  if (first === CHAR_0) return length === 1; // "0" only: "-0" and "007" need normalising
  if (!isDigit(first)) return false;
  for (let j = i + 1; j < length; j++) if (!isDigit(text.charCodeAt(j))) return false;
  return true;
}

/**
 * Parses any accepted spelling. Returns the parts, or DynamoDB's message when the text is not a
 * number or is out of range. Order of checks as the service: parse, overflow, underflow, precision.
 */
export function parseNumber(text: string): DecimalParts | string {
  if (text.length === 0) return NUMBER_EMPTY_MESSAGE;
  const length = text.length;
  let i = 0;
  const negative = text.charCodeAt(0) === CHAR_MINUS;
  if (negative) i++;
  // Mantissa: collect digits, remember where the point is.
  let pointIndex = -1; // count of mantissa digits before the point
  let mantissaDigits = 0;
  let firstNonZero = -1; // index among mantissa digits
  let lastNonZero = -1;
  const mantissaStart = i;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (isDigit(code)) {
      if (code !== CHAR_0) {
        if (firstNonZero < 0) firstNonZero = mantissaDigits;
        lastNonZero = mantissaDigits;
      }
      mantissaDigits++;
    } else if (code === CHAR_DOT && pointIndex < 0) {
      pointIndex = mantissaDigits;
    } else {
      break;
    }
  }
  if (mantissaDigits === 0) return numberUnparseableMessage(text);
  if (pointIndex < 0) pointIndex = mantissaDigits;
  // Optional exponent.
  let exponentValue = 0;
  if (i < length) {
    const code = text.charCodeAt(i);
    if (code !== 101 && code !== 69) return numberUnparseableMessage(text); // e, E
    i++;
    let exponentNegative = false;
    if (i < length && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === CHAR_MINUS)) {
      exponentNegative = text.charCodeAt(i) === CHAR_MINUS;
      i++;
    }
    if (i >= length) return numberUnparseableMessage(text);
    for (; i < length; i++) {
      const digit = text.charCodeAt(i);
      if (!isDigit(digit)) return numberUnparseableMessage(text);
      // Saturate: anything past 1e9 is out of range however many mantissa digits there are.
      if (exponentValue < 1e9) exponentValue = exponentValue * 10 + (digit - CHAR_0);
    }
    if (exponentNegative) exponentValue = -exponentValue;
  }
  if (firstNonZero < 0) return { negative: false, digits: '0', exponent: 0 };
  const exponent = pointIndex - firstNonZero - 1 + exponentValue;
  if (exponent > NUMBER_EXPONENT_MAX) return NUMBER_OVERFLOW_MESSAGE;
  if (exponent < NUMBER_EXPONENT_MIN) return NUMBER_UNDERFLOW_MESSAGE;
  const digitCount = lastNonZero - firstNonZero + 1;
  if (digitCount > NUMBER_DIGITS_MAX) return NUMBER_PRECISION_MESSAGE;
  // Gather the significant digits, skipping the point.
  let digits = '';
  let seen = 0;
  for (let j = mantissaStart; seen <= lastNonZero; j++) {
    const code = text.charCodeAt(j);
    if (code === CHAR_DOT) continue;
    if (seen >= firstNonZero) digits += text[j]!;
    seen++;
  }
  return { negative, digits, exponent };
}

/** The canonical string of parts (Big.js toFixed). */
export function formatNumber(parts: DecimalParts): string {
  const { digits, exponent } = parts;
  if (digits === '0') return '0';
  let body: string;
  if (exponent < 0) {
    body = '0.' + '0'.repeat(-exponent - 1) + digits;
  } else if (exponent >= digits.length - 1) {
    body = digits + '0'.repeat(exponent - digits.length + 1);
  } else {
    body = digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1);
  }
  return parts.negative ? '-' + body : body;
}

/** Validates and canonicalises a number from a request; throws DynamoDB's ValidationException. */
export function normalizeNumber(text: string): string {
  if (isCanonicalInteger(text)) return text;
  const parts = parseNumber(text);
  if (typeof parts === 'string') throw new ValidationException(parts);
  return formatNumber(parts);
}

/** Decomposes a canonical number (trusted input). */
export function decomposeNumber(canonical: string): DecimalParts {
  const parts = parseNumber(canonical);
  if (typeof parts === 'string') throw new ValidationException(parts);
  return parts;
}

/** Index of the point in a canonical string, or its length when it has none. */
function integerEnd(canonical: string): number {
  const point = canonical.indexOf('.');
  return point < 0 ? canonical.length : point;
}

/**
 * Numeric order of two canonical numbers, without allocating. For canonical positives, a longer
 * integer part is larger; with equal integer-part lengths the strings compare as characters
 * ('.' sorts below every digit, and a proper prefix is the smaller number).
 */
export function compareNumbers(a: string, b: string): number {
  if (a === b) return 0;
  const aNegative = a.charCodeAt(0) === CHAR_MINUS;
  const bNegative = b.charCodeAt(0) === CHAR_MINUS;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  const start = aNegative ? 1 : 0;
  let result = integerEnd(a) - integerEnd(b);
  if (result === 0) {
    const length = a.length < b.length ? a.length : b.length;
    for (let i = start; i < length && result === 0; i++) result = a.charCodeAt(i) - b.charCodeAt(i);
    if (result === 0) result = a.length - b.length;
  }
  const sign = result < 0 ? -1 : 1;
  return aNegative ? -sign : sign;
}

/** A canonical integer of at most 15 digits is exact as a double, and so is the sum of two. */
function isSmallInteger(canonical: string): boolean {
  const length = canonical.length;
  if (length > 16) return false;
  const start = canonical.charCodeAt(0) === CHAR_MINUS ? 1 : 0;
  if (length - start > 15) return false;
  for (let i = start; i < length; i++) if (!isDigit(canonical.charCodeAt(i))) return false;
  return true;
}

/** value = mantissa × 10^-scale, exactly. */
function toScaled(canonical: string): { mantissa: bigint; scale: number } {
  const point = canonical.indexOf('.');
  if (point < 0) return { mantissa: BigInt(canonical), scale: 0 };
  return {
    mantissa: BigInt(canonical.slice(0, point) + canonical.slice(point + 1)),
    scale: canonical.length - point - 1,
  };
}

function scaledToText(mantissa: bigint, scale: number): string {
  const negative = mantissa < 0n;
  let digits = (negative ? -mantissa : mantissa).toString();
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return negative ? '-' + digits : digits;
}

/**
 * a + b, exactly, for `SET a = a + :v` and ADD. The result is validated like an input: it throws
 * the overflow, underflow or precision ValidationException when it is out of DynamoDB's range.
 */
export function addNumbers(a: string, b: string): string {
  if (isSmallInteger(a) && isSmallInteger(b)) return String(Number(a) + Number(b));
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = x.scale > y.scale ? x.scale : y.scale;
  const sum = x.mantissa * 10n ** BigInt(scale - x.scale) + y.mantissa * 10n ** BigInt(scale - y.scale);
  return normalizeNumber(scaledToText(sum, scale));
}

export function negateNumber(canonical: string): string {
  if (canonical === '0') return canonical;
  return canonical.charCodeAt(0) === CHAR_MINUS ? canonical.slice(1) : '-' + canonical;
}

/** a - b, exactly; errors as addNumbers. */
export function subtractNumbers(a: string, b: string): string {
  return addNumbers(a, negateNumber(b));
}
