/**
 * The model layer's public surface: DynamoDB's data model as pure functions — attribute values,
 * numbers, validation, comparison, item size, key and item codecs, storage keys, table schemas.
 * No I/O. Layers above import from here, never from the files behind it.
 */
export type { AttributeValue, AttributeType, Item, ScalarAttributeType } from './attribute-value.js';
export { ATTRIBUTE_TYPES, typeOf } from './attribute-value.js';
export type { DynamoDBErrorName } from './errors.js';
export { DynamoDBError, SerializationException, ValidationException } from './errors.js';
export type { DecimalParts } from './number.js';
export {
  addNumbers,
  compareNumbers,
  decomposeNumber,
  formatNumber,
  negateNumber,
  normalizeNumber,
  NUMBER_EMPTY_MESSAGE,
  NUMBER_OVERFLOW_MESSAGE,
  NUMBER_PRECISION_MESSAGE,
  NUMBER_UNDERFLOW_MESSAGE,
  numberUnparseableMessage,
  parseNumber,
  subtractNumbers,
} from './number.js';
export {
  base64,
  binarySetDuplicatesMessage,
  EMPTY_BINARY_SET_MESSAGE,
  EMPTY_NUMBER_SET_MESSAGE,
  EMPTY_STRING_SET_MESSAGE,
  EMPTY_VALUE_MESSAGE,
  emptyKeyMessage,
  HASH_KEY_SIZE_MESSAGE,
  KEY_MISMATCH_MESSAGE,
  MULTIPLE_TYPES_MESSAGE,
  NESTING_MESSAGE,
  NULL_FALSE_MESSAGE,
  NUMBER_SET_DUPLICATES_MESSAGE,
  RANGE_KEY_SIZE_MESSAGE,
  setEntry,
  stringSetDuplicatesMessage,
  validateAttributeValue,
  validateItem,
  validateItemKeys,
  validateKey,
} from './validate.js';
export type { KeyAttributeValue } from './compare.js';
export { attributeValuesEqual, binaryKey, compareKeyValues, compareUtf8, keyValueType } from './compare.js';
export {
  attributeValueSizeBytes,
  checkItemSize,
  ITEM_SIZE_MESSAGE,
  ITEM_SIZE_TO_UPDATE_MESSAGE,
  itemSizeBytes,
  keyValueSizeBytes,
  numberSizeBytes,
  utf8Length,
} from './item-size.js';
export { decodeKeyValue, encodedKeyValueLength, encodeKeyPrefix, encodeKeyValue, readKeyValue, writeKeyValue } from './key-codec.js';
export type { DecodedStorageKey, KeyRange } from './storage-key.js';
export {
  BASE_TABLE_INDEX_ID,
  decodeStorageKey,
  encodeStorageKey,
  INDEX_ID_MAX,
  partitionKeyHash,
  partitionPrefix,
  prefixEnd,
  scanSegmentOfHash,
  scanSegmentRange,
  sortKeyPrefixRange,
  STORAGE_KEY_HASH_SEED,
  TABLE_ID_MAX,
  tableIndexPrefix,
} from './storage-key.js';
export { decodeItem, encodeItem, ITEM_FORMAT_VERSION } from './item-codec.js';
export type {
  AttributeDefinition,
  BillingMode,
  CreateTableInput,
  GlobalSecondaryIndex,
  IndexSchema,
  KeyAttribute,
  KeySchemaElement,
  KeyType,
  LocalSecondaryIndex,
  OnDemandThroughput,
  PrimaryKeySchema,
  Projection,
  ProjectionType,
  ProvisionedThroughput,
  SSESpecification,
  SSEType,
  StreamSpecification,
  StreamViewType,
  TableClass,
  TableSchema,
  Tag,
  Throughput,
} from './schema.js';
export { keyAttributeNames } from './schema.js';
export { validateCreateTable } from './schema-validate.js';
