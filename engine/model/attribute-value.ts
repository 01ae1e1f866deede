/**
 * DynamoDB's attribute values, exactly the shapes of the AWS SDK's `AttributeValue` (one type key per
 * value), so embedded methods take and return what SDK commands do (DESIGN.md decision 9).
 * Numbers stay strings (38 significant digits do not fit a double); binary is Uint8Array.
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: Uint8Array }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: Uint8Array[] };

/** An item, or a key: attribute name → value. */
export type Item = Record<string, AttributeValue>;

/** The ten type descriptors, as they appear on the wire. */
export type AttributeType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS' | 'BS';

export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS'];

/** Scalar types allowed for key attributes. */
export type ScalarAttributeType = 'S' | 'N' | 'B';

/** The type descriptor of a (validated) value. */
export function typeOf(value: AttributeValue): AttributeType {
  if ('S' in value) return 'S';
  if ('N' in value) return 'N';
  if ('B' in value) return 'B';
  if ('BOOL' in value) return 'BOOL';
  if ('NULL' in value) return 'NULL';
  if ('L' in value) return 'L';
  if ('M' in value) return 'M';
  if ('SS' in value) return 'SS';
  if ('NS' in value) return 'NS';
  return 'BS';
}
