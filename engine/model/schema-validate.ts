/**
 * CreateTable validation with DynamoDB's messages (reference/dynamodb-facts.md §2.1, §13, §14.1),
 * returning the normalised TableSchema. Order as the service (dynalite validations/createTable.js,
 * captured from it): required members, the table-name length, then the batch of constraint
 * failures ("N validation errors detected: …", at most 10), then the semantic rules one by one
 * (billing mode, key schema, attribute definitions, LSIs, GSIs, projections).
 *
 * Messages the fact sheet does not quote are marked [UNVERIFIED] with their source.
 * Pure and synchronous; the input is untrusted (any JSON shape).
 */
import {
  CAPACITY_UNITS_MAX,
  CAPACITY_UNITS_MIN,
  GLOBAL_SECONDARY_INDEXES_MAX,
  KEY_ATTRIBUTE_NAME_BYTES_MAX,
  LOCAL_SECONDARY_INDEXES_MAX,
  PROJECTED_ATTRIBUTES_MAX,
  TABLE_NAME_LENGTH_MAX,
  TABLE_NAME_LENGTH_MIN,
} from '../limits.js';
import type { ScalarAttributeType } from './attribute-value.js';
import { SerializationException, ValidationException } from './errors.js';
import { utf8Length } from './item-size.js';
import type {
  AttributeDefinition,
  BillingMode,
  IndexSchema,
  KeyAttribute,
  ProjectionType,
  SSEType,
  StreamViewType,
  TableClass,
  TableSchema,
  Tag,
  Throughput,
} from './schema.js';

const INVALID = 'One or more parameter values were invalid: ';
const NAME_PATTERN = '[a-zA-Z0-9_.-]+';
const NAME_REGEX = /^[a-zA-Z0-9_.-]+$/;
const CONSTRAINT_ERRORS_MAX = 10;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return '[' + value.map(valueText).join(', ') + ']';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Collects constraint failures in the service's format. */
class Constraints {
  readonly errors: string[] = [];
  check(ok: boolean, path: string, value: unknown, constraint: string): void {
    if (ok || this.errors.length >= CONSTRAINT_ERRORS_MAX) return;
    const shown = value === null || value === undefined ? 'null' : `'${valueText(value)}'`;
    this.errors.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
  throwIfAny(): void {
    const count = this.errors.length;
    if (count === 0) return;
    throw new ValidationException(`${count} validation error${count > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`);
  }
}

function enumText(values: readonly string[]): string {
  return `Member must satisfy enum value set: [${values.join(', ')}]`;
}

/** Shapes: a member of the wrong JSON type is a SerializationException, before any validation. */
function expectList(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw new SerializationException(isObject(value) ? 'Start of structure or map found where not expected.' : 'Expected list or null');
  }
  return value;
}
function expectStruct(value: unknown): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) throw new SerializationException('Start of list found where not expected');
  if (!isObject(value)) throw new SerializationException('Expected null');
  return value;
}
function expectString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) throw new SerializationException('Start of list found where not expected');
  if (isObject(value)) throw new SerializationException('Start of structure or map found where not expected.');
  throw new SerializationException(`class java.lang.${typeof value === 'boolean' ? 'Boolean' : 'Integer'} can not be converted to an String`);
}
function expectNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') throw new SerializationException('class java.lang.String can not be converted to an Long');
  if (typeof value === 'boolean') throw new SerializationException('class java.lang.Boolean can not be converted to an Long');
  throw new SerializationException(Array.isArray(value) ? 'Start of list found where not expected' : 'Start of structure or map found where not expected.');
}
function expectBoolean(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  throw new SerializationException(`'${valueText(value).toUpperCase()}' can not be converted to an Boolean`);
}

interface RawKeyElement {
  name: string | undefined;
  keyType: string | undefined;
}
interface RawIndex {
  name: string | undefined;
  keys: RawKeyElement[];
  projectionType: string | undefined;
  nonKeyAttributes: string[] | undefined;
  throughput: { read: number | undefined; write: number | undefined } | undefined;
}

function readKeySchema(value: unknown, path: string, constraints: Constraints): RawKeyElement[] {
  const list = expectList(value);
  constraints.check(list !== undefined, path, list, 'Member must not be null');
  if (list === undefined) return [];
  constraints.check(list.length >= 1, path, list, 'Member must have length greater than or equal to 1');
  constraints.check(list.length <= 2, path, list, 'Member must have length less than or equal to 2');
  return list.map((element, i) => {
    const struct = expectStruct(element) ?? {};
    const name = expectString(struct['AttributeName']);
    const keyType = expectString(struct['KeyType']);
    const at = `${path}.${i + 1}.member`;
    constraints.check(name !== undefined, `${at}.attributeName`, name, 'Member must not be null');
    if (name !== undefined) {
      constraints.check(utf8Length(name) >= 1, `${at}.attributeName`, name, 'Member must have length greater than or equal to 1');
      constraints.check(
        utf8Length(name) <= KEY_ATTRIBUTE_NAME_BYTES_MAX,
        `${at}.attributeName`,
        name,
        `Member must have length less than or equal to ${KEY_ATTRIBUTE_NAME_BYTES_MAX}`,
      );
    }
    constraints.check(keyType !== undefined, `${at}.keyType`, keyType, 'Member must not be null');
    if (keyType !== undefined) constraints.check(keyType === 'HASH' || keyType === 'RANGE', `${at}.keyType`, keyType, enumText(['HASH', 'RANGE']));
    return { name, keyType };
  });
}

function readThroughput(value: unknown, path: string, constraints: Constraints): RawIndex['throughput'] {
  const struct = expectStruct(value);
  if (struct === undefined) return undefined;
  const read = expectNumber(struct['ReadCapacityUnits']);
  const write = expectNumber(struct['WriteCapacityUnits']);
  for (const [member, units] of [['writeCapacityUnits', write], ['readCapacityUnits', read]] as const) {
    constraints.check(units !== undefined, `${path}.${member}`, units, 'Member must not be null');
    if (units !== undefined) {
      constraints.check(units >= CAPACITY_UNITS_MIN, `${path}.${member}`, units, `Member must have value greater than or equal to ${CAPACITY_UNITS_MIN}`);
    }
  }
  return { read, write };
}

function readIndexes(value: unknown, path: string, withThroughput: boolean, constraints: Constraints): RawIndex[] | undefined {
  const list = expectList(value);
  if (list === undefined) return undefined;
  return list.map((element, i) => {
    const struct = expectStruct(element) ?? {};
    const at = `${path}.${i + 1}.member`;
    const name = expectString(struct['IndexName']);
    constraints.check(name !== undefined, `${at}.indexName`, name, 'Member must not be null');
    if (name !== undefined) {
      constraints.check(NAME_REGEX.test(name), `${at}.indexName`, name, `Member must satisfy regular expression pattern: ${NAME_PATTERN}`);
      constraints.check(name.length >= TABLE_NAME_LENGTH_MIN, `${at}.indexName`, name, `Member must have length greater than or equal to ${TABLE_NAME_LENGTH_MIN}`);
      constraints.check(name.length <= TABLE_NAME_LENGTH_MAX, `${at}.indexName`, name, `Member must have length less than or equal to ${TABLE_NAME_LENGTH_MAX}`);
    }
    const keys = readKeySchema(struct['KeySchema'], `${at}.keySchema`, constraints);
    const projection = expectStruct(struct['Projection']);
    constraints.check(projection !== undefined, `${at}.projection`, projection, 'Member must not be null');
    const projectionType = expectString(projection?.['ProjectionType']);
    if (projectionType !== undefined) {
      constraints.check(
        projectionType === 'ALL' || projectionType === 'INCLUDE' || projectionType === 'KEYS_ONLY',
        `${at}.projection.projectionType`,
        projectionType,
        enumText(['ALL', 'INCLUDE', 'KEYS_ONLY']),
      );
    }
    const nonKeyList = expectList(projection?.['NonKeyAttributes']);
    const nonKeyAttributes = nonKeyList?.map((attribute) => expectString(attribute) ?? '');
    if (nonKeyAttributes !== undefined) {
      constraints.check(nonKeyAttributes.length >= 1, `${at}.projection.nonKeyAttributes`, nonKeyAttributes, 'Member must have length greater than or equal to 1');
    }
    const throughput = withThroughput ? readThroughput(struct['ProvisionedThroughput'], `${at}.provisionedThroughput`, constraints) : undefined;
    return { name, keys, projectionType, nonKeyAttributes, throughput };
  });
}

/** Validates a CreateTable request and returns the normalised schema; throws DynamoDB's errors. */
export function validateCreateTable(input: unknown): TableSchema {
  const request = expectStruct(input) ?? {};
  // 1. Required members and the table-name length, each on its own.
  const tableName = expectString(request['TableName']);
  if (tableName === undefined) throw new ValidationException("The parameter 'TableName' is required but was not present in the request");
  if (tableName.length < TABLE_NAME_LENGTH_MIN || tableName.length > TABLE_NAME_LENGTH_MAX) {
    throw new ValidationException('TableName must be at least 3 characters long and at most 255 characters long');
  }

  // 2. Member constraints, batched.
  const constraints = new Constraints();
  const definitionList = expectList(request['AttributeDefinitions']);
  constraints.check(definitionList !== undefined, 'attributeDefinitions', definitionList, 'Member must not be null');
  const definitions = (definitionList ?? []).map((element, i) => {
    const struct = expectStruct(element) ?? {};
    const at = `attributeDefinitions.${i + 1}.member`;
    const name = expectString(struct['AttributeName']);
    const type = expectString(struct['AttributeType']);
    constraints.check(name !== undefined, `${at}.attributeName`, name, 'Member must not be null');
    constraints.check(type !== undefined, `${at}.attributeType`, type, 'Member must not be null');
    if (type !== undefined) constraints.check(type === 'B' || type === 'N' || type === 'S', `${at}.attributeType`, type, enumText(['B', 'N', 'S']));
    return { name: name ?? '', type: (type ?? 'S') as ScalarAttributeType };
  });
  constraints.check(NAME_REGEX.test(tableName), 'tableName', tableName, `Member must satisfy regular expression pattern: ${NAME_PATTERN}`);
  const keys = readKeySchema(request['KeySchema'], 'keySchema', constraints);
  const lsis = readIndexes(request['LocalSecondaryIndexes'], 'localSecondaryIndexes', false, constraints);
  const gsis = readIndexes(request['GlobalSecondaryIndexes'], 'globalSecondaryIndexes', true, constraints);
  const billingModeText = expectString(request['BillingMode']);
  if (billingModeText !== undefined) {
    constraints.check(billingModeText === 'PROVISIONED' || billingModeText === 'PAY_PER_REQUEST', 'billingMode', billingModeText, enumText(['PROVISIONED', 'PAY_PER_REQUEST']));
  }
  const throughput = readThroughput(request['ProvisionedThroughput'], 'provisionedThroughput', constraints);
  const streamStruct = expectStruct(request['StreamSpecification']);
  const streamEnabled = expectBoolean(streamStruct?.['StreamEnabled']);
  const streamViewType = expectString(streamStruct?.['StreamViewType']);
  if (streamStruct !== undefined) constraints.check(streamEnabled !== undefined, 'streamSpecification.streamEnabled', streamEnabled, 'Member must not be null');
  const viewTypes = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'];
  if (streamViewType !== undefined) constraints.check(viewTypes.includes(streamViewType), 'streamSpecification.streamViewType', streamViewType, enumText(viewTypes));
  const tableClassText = expectString(request['TableClass']);
  const tableClasses = ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'];
  if (tableClassText !== undefined) constraints.check(tableClasses.includes(tableClassText), 'tableClass', tableClassText, enumText(tableClasses));
  const sseStruct = expectStruct(request['SSESpecification']);
  const sseEnabled = expectBoolean(sseStruct?.['Enabled']);
  const sseType = expectString(sseStruct?.['SSEType']);
  if (sseType !== undefined) constraints.check(sseType === 'AES256' || sseType === 'KMS', 'sSESpecification.sSEType', sseType, enumText(['AES256', 'KMS']));
  const kmsMasterKeyId = expectString(sseStruct?.['KMSMasterKeyId']);
  const tags = (expectList(request['Tags']) ?? []).map((element, i) => {
    const struct = expectStruct(element) ?? {};
    const key = expectString(struct['Key']);
    const value = expectString(struct['Value']);
    const at = `tags.${i + 1}.member`;
    constraints.check(key !== undefined, `${at}.key`, key, 'Member must not be null');
    constraints.check(value !== undefined, `${at}.value`, value, 'Member must not be null');
    if (key !== undefined) {
      constraints.check(key.length >= 1, `${at}.key`, key, 'Member must have length greater than or equal to 1');
      constraints.check(key.length <= 128, `${at}.key`, key, 'Member must have length less than or equal to 128');
    }
    if (value !== undefined) constraints.check(value.length <= 256, `${at}.value`, value, 'Member must have length less than or equal to 256');
    return { Key: key ?? '', Value: value ?? '' } satisfies Tag;
  });
  const deletionProtectionEnabled = expectBoolean(request['DeletionProtectionEnabled']) ?? false;
  constraints.throwIfAny();

  // 3. Semantic rules, one at a time.
  const billingMode: BillingMode = billingModeText === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
  if (billingMode === 'PAY_PER_REQUEST' && throughput !== undefined) {
    throw new ValidationException(`${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
  }
  if (billingMode === 'PROVISIONED' && throughput === undefined) {
    throw new ValidationException(`${INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`);
  }
  if (throughput !== undefined) checkThroughputBounds(throughput);
  const tableThroughput: Throughput | undefined =
    throughput === undefined ? undefined : { readCapacityUnits: throughput.read!, writeCapacityUnits: throughput.write! };

  const definedNames = definitions.map((definition) => definition.name);
  const keyNames = keys.map((key) => key.name ?? '');
  const typeOf = (name: string): ScalarAttributeType => definitions.find((definition) => definition.name === name)!.type;
  if (keyNames.length === 2 && (keyNames.some((name) => !definedNames.includes(name)) || (keyNames[0] === keyNames[1] && definedNames.length === 1))) {
    throw new ValidationException('Invalid KeySchema: Some index key attribute have no definition');
  }
  if (keyNames.length === 1 && !definedNames.includes(keyNames[0]!)) throw new ValidationException(undefinedKeysMessage(keyNames, definedNames));
  checkKeyShape(keys);
  if (lsis === undefined && gsis === undefined && keyNames.length !== definitions.length) {
    throw new ValidationException(`${INVALID}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`);
  }
  const indexNames = new Set<string>();
  const usedNames = new Set(keyNames);
  let projectedCount = 0;
  const normalisedLsis: IndexSchema[] = [];
  if (lsis !== undefined) {
    if (lsis.length === 0) throw new ValidationException(`${INVALID}List of LocalSecondaryIndexes is empty`);
    if (keyNames.length !== 2) {
      throw new ValidationException(`${INVALID}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`);
    }
    for (const index of lsis) {
      const name = index.name ?? '';
      checkIndexKeys(index, definedNames);
      if (index.keys.length !== 2) throw new ValidationException(`${INVALID}Index KeySchema does not have a range key for index: ${name}`);
      const indexHash = index.keys[0]!.name ?? '';
      if (indexHash !== keyNames[0]) {
        throw new ValidationException(
          `${INVALID}Index KeySchema does not have the same leading hash key as table KeySchema for index: ${name}. index hash key: ${indexHash}, table hash key: ${keyNames[0]!}`,
        );
      }
      checkProjection(index);
      if (indexNames.has(name)) throw new ValidationException(`${INVALID}Duplicate index name: ${name}`);
      indexNames.add(name);
      projectedCount += index.nonKeyAttributes?.length ?? 0;
      normalisedLsis.push(normaliseIndex(index, 'LSI', typeOf, undefined, usedNames));
    }
    if (lsis.length > LOCAL_SECONDARY_INDEXES_MAX) {
      throw new ValidationException(`${INVALID}Number of LocalSecondaryIndexes exceeds per-table limit of ${LOCAL_SECONDARY_INDEXES_MAX}`);
    }
  }
  const normalisedGsis: IndexSchema[] = [];
  if (gsis !== undefined) {
    if (gsis.length === 0) throw new ValidationException(`${INVALID}List of GlobalSecondaryIndexes is empty`);
    for (const index of gsis) {
      const name = index.name ?? '';
      checkIndexKeys(index, definedNames);
      checkProjection(index);
      if (indexNames.has(name)) throw new ValidationException(`${INVALID}Duplicate index name: ${name}`);
      indexNames.add(name);
      projectedCount += index.nonKeyAttributes?.length ?? 0;
      // [UNVERIFIED] wording, as other emulators observed it.
      if (billingMode === 'PAY_PER_REQUEST' && index.throughput !== undefined) {
        throw new ValidationException(`${INVALID}ProvisionedThroughput should not be specified for index: ${name} when BillingMode is PAY_PER_REQUEST`);
      }
      if (billingMode === 'PROVISIONED' && index.throughput === undefined) {
        throw new ValidationException(`${INVALID}ProvisionedThroughput must be specified for index: ${name}`);
      }
      if (index.throughput !== undefined) checkThroughputBounds(index.throughput);
      const indexThroughput =
        index.throughput === undefined ? undefined : { readCapacityUnits: index.throughput.read!, writeCapacityUnits: index.throughput.write! };
      normalisedGsis.push(normaliseIndex(index, 'GSI', typeOf, indexThroughput, usedNames));
    }
    if (gsis.length > GLOBAL_SECONDARY_INDEXES_MAX) {
      throw new ValidationException(`${INVALID}GlobalSecondaryIndex count exceeds the per-table limit of ${GLOBAL_SECONDARY_INDEXES_MAX}`);
    }
  }
  if (projectedCount > PROJECTED_ATTRIBUTES_MAX) {
    // [UNVERIFIED] wording (another emulator's); the limit itself is documented (§13.1).
    throw new ValidationException(`${INVALID}Number of attributes projected into all of the secondary indexes exceeds the limit of ${PROJECTED_ATTRIBUTES_MAX}`);
  }
  if (definedNames.some((name) => !usedNames.has(name))) {
    // The service's text for definitions no key uses (widely reported; not in the fact sheet).
    throw new ValidationException(
      `${INVALID}Some AttributeDefinitions are not used. AttributeDefinitions: [${definedNames.join(', ')}], keys used: [${[...usedNames].join(', ')}]`,
    );
  }

  const partitionKey: KeyAttribute = { name: keyNames[0]!, type: typeOf(keyNames[0]!) };
  const schema: TableSchema = {
    tableName,
    partitionKey,
    attributeDefinitions: definitions.map((definition): AttributeDefinition => ({ AttributeName: definition.name, AttributeType: definition.type })),
    gsis: normalisedGsis,
    lsis: normalisedLsis,
    billingMode,
    stream: { enabled: streamEnabled ?? false },
    sse: { enabled: sseEnabled ?? false },
    tableClass: (tableClassText ?? 'STANDARD') as TableClass,
    deletionProtectionEnabled,
    tags,
  };
  if (keyNames.length === 2) schema.sortKey = { name: keyNames[1]!, type: typeOf(keyNames[1]!) };
  if (tableThroughput !== undefined) schema.throughput = tableThroughput;
  if (streamEnabled === true && streamViewType !== undefined) schema.stream.viewType = streamViewType as StreamViewType;
  if (sseType !== undefined) schema.sse.type = sseType as SSEType;
  if (kmsMasterKeyId !== undefined) schema.sse.kmsMasterKeyId = kmsMasterKeyId;
  return schema;
}

function undefinedKeysMessage(keys: readonly string[], defined: readonly string[]): string {
  return `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(', ')}], AttributeDefinitions: [${defined.join(', ')}]`;
}

function checkThroughputBounds(throughput: { read: number | undefined; write: number | undefined }): void {
  if (throughput.read! > CAPACITY_UNITS_MAX) throw new ValidationException(`Given value ${throughput.read!} for ReadCapacityUnits is out of bounds`);
  if (throughput.write! > CAPACITY_UNITS_MAX) throw new ValidationException(`Given value ${throughput.write!} for WriteCapacityUnits is out of bounds`);
}

/** Same names, HASH first, RANGE second (the table's and every index's key schema). */
function checkKeyShape(keys: readonly RawKeyElement[]): void {
  if (keys.length === 2 && keys[0]!.name === keys[1]!.name) {
    throw new ValidationException('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  if (keys[0]!.keyType !== 'HASH') throw new ValidationException('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (keys.length === 2 && keys[1]!.keyType !== 'RANGE') {
    throw new ValidationException('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  }
}

function checkIndexKeys(index: RawIndex, defined: readonly string[]): void {
  const names = index.keys.map((key) => key.name ?? '');
  if (names.some((name) => !defined.includes(name))) throw new ValidationException(undefinedKeysMessage(names, defined));
  checkKeyShape(index.keys);
}

function checkProjection(index: RawIndex): void {
  if (index.projectionType === undefined) throw new ValidationException(`${INVALID}Unknown ProjectionType: null`);
  if (index.nonKeyAttributes !== undefined && index.projectionType !== 'INCLUDE') {
    throw new ValidationException(`${INVALID}ProjectionType is ${index.projectionType}, but NonKeyAttributes is specified`);
  }
}

function normaliseIndex(
  index: RawIndex,
  kind: 'GSI' | 'LSI',
  typeOf: (name: string) => ScalarAttributeType,
  throughput: Throughput | undefined,
  usedNames: Set<string>,
): IndexSchema {
  const hashName = index.keys[0]!.name!;
  const out: IndexSchema = {
    name: index.name!,
    kind,
    partitionKey: { name: hashName, type: typeOf(hashName) },
    projection: { type: index.projectionType as ProjectionType, nonKeyAttributes: [...(index.nonKeyAttributes ?? [])] },
  };
  usedNames.add(hashName);
  const rangeName = index.keys[1]?.name;
  if (rangeName !== undefined) {
    out.sortKey = { name: rangeName, type: typeOf(rangeName) };
    usedNames.add(rangeName);
  }
  if (throughput !== undefined) out.throughput = throughput;
  return out;
}
