/**
 * DocumentDatabase: the embedded Database with native JavaScript values, the way the AWS SDK's
 * DynamoDBDocumentClient (`@aws-sdk/lib-dynamodb`) wraps DynamoDBClient.
 *
 *   const docs = new DocumentDatabase(db, { marshallOptions: { removeUndefinedValues: true } });
 *   await docs.put({ TableName: 'T', Item: { pk: 'a', tags: new Set(['x']), n: 1 } });
 *   const { Item } = await docs.get({ TableName: 'T', Key: { pk: 'a' } });
 *
 * Method names are lib-dynamodb's command names without "Command", in camelCase; inputs and outputs
 * are its command shapes. Exactly the members lib-dynamodb translates are translated (its
 * `inputKeyNodes`/`outputKeyNodes`, version 3.1162), with its defaults: marshalling converts
 * top-level containers and unmarshalling needs no map wrapper. Like lib-dynamodb, errors pass through
 * untouched: a ConditionalCheckFailedException's `Item` and a TransactionCanceledException's
 * `CancellationReasons[].Item` stay AttributeValues.
 *
 * Concurrency: none of its own; each call is one Database call between two pure translations.
 */
import type * as doc from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall, type marshallOptions, type unmarshallOptions } from '@aws-sdk/util-dynamodb';
import type { Database } from './database.js';

/** Which members of a request or response hold attribute values (lib-dynamodb's key-node trees). */
type KeyNodes = typeof SELF | typeof ALL_VALUES | typeof ALL_MEMBERS | { readonly [member: string]: KeyNodes };
/** The member itself is one value. */
const SELF = 'self';
/** The member is a record of values (an item, a key, ExpressionAttributeValues). */
const ALL_VALUES = 'values';
/** The member is a list of values (legacy AttributeValueList). */
const ALL_MEMBERS = 'members';
/** In a KeyNodes record: apply the sub-tree to every member of the object or array. */
const EVERY = '*';

const LEGACY_EXPECTED: KeyNodes = { [EVERY]: { Value: SELF, AttributeValueList: ALL_MEMBERS } };
const LEGACY_CONDITIONS: KeyNodes = { [EVERY]: { AttributeValueList: ALL_MEMBERS } };
const COLLECTION_METRICS: KeyNodes = { ItemCollectionKey: ALL_VALUES };
const TABLE_COLLECTION_METRICS: KeyNodes = { [EVERY]: { [EVERY]: COLLECTION_METRICS } };
const WRITE_REQUESTS: KeyNodes = { [EVERY]: { [EVERY]: { PutRequest: { Item: ALL_VALUES }, DeleteRequest: { Key: ALL_VALUES } } } };
const KEYS_AND_ATTRIBUTES: KeyNodes = { [EVERY]: { Keys: { [EVERY]: ALL_VALUES } } };

/** lib-dynamodb's translation trees, operation by operation. */
const NODES = {
  put: {
    input: { Item: ALL_VALUES, Expected: LEGACY_EXPECTED, ExpressionAttributeValues: ALL_VALUES },
    output: { Attributes: ALL_VALUES, ItemCollectionMetrics: COLLECTION_METRICS },
  },
  get: { input: { Key: ALL_VALUES }, output: { Item: ALL_VALUES } },
  update: {
    input: { Key: ALL_VALUES, AttributeUpdates: { [EVERY]: { Value: SELF } }, Expected: LEGACY_EXPECTED, ExpressionAttributeValues: ALL_VALUES },
    output: { Attributes: ALL_VALUES, ItemCollectionMetrics: COLLECTION_METRICS },
  },
  delete: {
    input: { Key: ALL_VALUES, Expected: LEGACY_EXPECTED, ExpressionAttributeValues: ALL_VALUES },
    output: { Attributes: ALL_VALUES, ItemCollectionMetrics: COLLECTION_METRICS },
  },
  query: {
    input: { KeyConditions: LEGACY_CONDITIONS, QueryFilter: LEGACY_CONDITIONS, ExclusiveStartKey: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
    output: { Items: { [EVERY]: ALL_VALUES }, LastEvaluatedKey: ALL_VALUES },
  },
  scan: {
    input: { ScanFilter: LEGACY_CONDITIONS, ExclusiveStartKey: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
    output: { Items: { [EVERY]: ALL_VALUES }, LastEvaluatedKey: ALL_VALUES },
  },
  batchGet: {
    input: { RequestItems: KEYS_AND_ATTRIBUTES },
    output: { Responses: { [EVERY]: { [EVERY]: ALL_VALUES } }, UnprocessedKeys: KEYS_AND_ATTRIBUTES },
  },
  batchWrite: {
    input: { RequestItems: WRITE_REQUESTS },
    output: { UnprocessedItems: WRITE_REQUESTS, ItemCollectionMetrics: TABLE_COLLECTION_METRICS },
  },
  transactGet: {
    input: { TransactItems: { [EVERY]: { Get: { Key: ALL_VALUES } } } },
    output: { Responses: { [EVERY]: { Item: ALL_VALUES } } },
  },
  transactWrite: {
    input: {
      TransactItems: {
        [EVERY]: {
          ConditionCheck: { Key: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
          Put: { Item: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
          Delete: { Key: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
          Update: { Key: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
        },
      },
    },
    output: { ItemCollectionMetrics: TABLE_COLLECTION_METRICS },
  },
} as const satisfies Record<string, { input: KeyNodes; output: KeyNodes }>;

/** lib-dynamodb's TranslateConfig. */
export interface TranslateConfig {
  marshallOptions?: marshallOptions;
  unmarshallOptions?: unmarshallOptions;
}

/** A command output without the transport's `$metadata`. */
type Out<T> = Omit<T, '$metadata'>;
type Convert = (value: unknown) => unknown;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** lib-dynamodb's processObj: `undefined` means "leave the member out". Functions are never copied. */
function translate(value: unknown, nodes: KeyNodes, convert: Convert): unknown {
  if (value === undefined) return undefined;
  if (nodes === SELF) return convert(value);
  if (!isObject(value)) return value;
  if (nodes === ALL_VALUES || nodes === ALL_MEMBERS) return translateEach(value, SELF, convert, true);
  const every = nodes[EVERY];
  if (every !== undefined && Object.keys(nodes).length === 1) return translateEach(value, every, convert, false);
  return translateMembers(value, nodes, convert);
}

/** Every member through `nodes`; `dropUndefined` leaves out members that translate to undefined. */
function translateEach(value: Record<string, unknown>, nodes: KeyNodes, convert: Convert, dropUndefined: boolean): unknown {
  if (Array.isArray(value)) {
    const members: unknown[] = value.filter((member) => typeof member !== 'function');
    return members.map((member) => translate(member, nodes, convert));
  }
  const result: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    if (typeof member === 'function') continue;
    const translated = translate(member, nodes, convert);
    if (dropUndefined && (translated === undefined || typeof translated === 'function')) continue;
    result[name] = translated;
  }
  return result;
}

/** Copies the object and translates the members `nodes` names (lib-dynamodb's processKeysInObj). */
function translateMembers(value: Record<string, unknown>, nodes: { readonly [member: string]: KeyNodes }, convert: Convert): unknown {
  const result: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) if (typeof member !== 'function') result[name] = member;
  for (const [name, sub] of Object.entries(nodes)) {
    const member = value[name];
    if (typeof member === 'function') continue;
    const translated = translate(member, sub, convert);
    if (translated !== undefined && typeof translated !== 'function') result[name] = translated;
  }
  return result;
}

export class DocumentDatabase {
  readonly marshallOptions: marshallOptions;
  readonly unmarshallOptions: unmarshallOptions;
  readonly #marshall: Convert;
  readonly #unmarshall: Convert;

  constructor(
    readonly database: Database,
    translateConfig: TranslateConfig = {},
  ) {
    // lib-dynamodb's defaults for a document client (DynamoDBDocumentClientCommand).
    this.marshallOptions = { ...translateConfig.marshallOptions, convertTopLevelContainer: translateConfig.marshallOptions?.convertTopLevelContainer ?? true };
    this.unmarshallOptions = { ...translateConfig.unmarshallOptions, convertWithoutMapWrapper: translateConfig.unmarshallOptions?.convertWithoutMapWrapper ?? true };
    const marshalling = this.marshallOptions;
    const unmarshalling = this.unmarshallOptions;
    this.#marshall = (value) => marshall(value, marshalling);
    // unmarshall's declared parameter is the SDK's AttributeValue record; the Database returns exactly those shapes.
    this.#unmarshall = (value) => unmarshall(value as Parameters<typeof unmarshall>[0], unmarshalling);
  }

  /** lib-dynamodb's `DynamoDBDocumentClient.from(client, translateConfig)`. */
  static from(database: Database, translateConfig?: TranslateConfig): DocumentDatabase {
    return new DocumentDatabase(database, translateConfig);
  }

  put(input: doc.PutCommandInput): Promise<Out<doc.PutCommandOutput>> {
    return this.#call(NODES.put, input, (raw) => this.database.putItem(raw));
  }

  get(input: doc.GetCommandInput): Promise<Out<doc.GetCommandOutput>> {
    return this.#call(NODES.get, input, (raw) => this.database.getItem(raw));
  }

  update(input: doc.UpdateCommandInput): Promise<Out<doc.UpdateCommandOutput>> {
    return this.#call(NODES.update, input, (raw) => this.database.updateItem(raw));
  }

  delete(input: doc.DeleteCommandInput): Promise<Out<doc.DeleteCommandOutput>> {
    return this.#call(NODES.delete, input, (raw) => this.database.deleteItem(raw));
  }

  query(input: doc.QueryCommandInput): Promise<Out<doc.QueryCommandOutput>> {
    return this.#call(NODES.query, input, (raw) => this.database.query(raw));
  }

  scan(input: doc.ScanCommandInput): Promise<Out<doc.ScanCommandOutput>> {
    return this.#call(NODES.scan, input, (raw) => this.database.scan(raw));
  }

  batchGet(input: doc.BatchGetCommandInput): Promise<Out<doc.BatchGetCommandOutput>> {
    return this.#call(NODES.batchGet, input, (raw) => this.database.batchGetItem(raw));
  }

  batchWrite(input: doc.BatchWriteCommandInput): Promise<Out<doc.BatchWriteCommandOutput>> {
    return this.#call(NODES.batchWrite, input, (raw) => this.database.batchWriteItem(raw));
  }

  transactGet(input: doc.TransactGetCommandInput): Promise<Out<doc.TransactGetCommandOutput>> {
    return this.#call(NODES.transactGet, input, (raw) => this.database.transactGetItems(raw));
  }

  transactWrite(input: doc.TransactWriteCommandInput): Promise<Out<doc.TransactWriteCommandOutput>> {
    return this.#call(NODES.transactWrite, input, (raw) => this.database.transactWriteItems(raw));
  }

  /**
   * Marshals `input`, runs the Database operation and unmarshals its output. The casts hold because
   * the translation turns exactly lib-dynamodb's native members into AttributeValues and back, which
   * is the whole difference between its command shapes and client-dynamodb's.
   */
  async #call<I extends object, R extends object, O>(nodes: { input: KeyNodes; output: KeyNodes }, input: I, run: (raw: never) => Promise<R>): Promise<O> {
    const raw = translate(input, nodes.input, this.#marshall) as never;
    const output = await run(raw);
    return translate(output, nodes.output, this.#unmarshall) as O;
  }
}
