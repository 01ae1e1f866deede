/**
 * Every bound in Silt, in one place: DynamoDB's (as later layers add them) and the storage engine's.
 * Asserts at the bottom state how bounds relate; they run when this module loads.
 *
 * Units come last in names: Bytes, Count, Ms.
 */
import { assert } from './util/assert.js';

// ---- Storage engine (engine/lsm) ------------------------------------------------------------------

/** Keys and values the store accepts. */
export const STORE_KEY_BYTES_MAX = 64 * 1024;
export const STORE_VALUE_BYTES_MAX = 16 * 1024 * 1024;
/** One write batch (encoded), and so one WAL record. */
export const WRITE_BATCH_BYTES_MAX = 64 * 1024 * 1024;
export const WRITE_BATCH_OPS_MAX = 1_000_000;

/** Memtable size that triggers a switch to a new one (default; tunable per store). */
export const MEMTABLE_BYTES_DEFAULT = 16 * 1024 * 1024;
export const MEMTABLE_BYTES_MIN = 4 * 1024;
/** Immutable memtables waiting to flush before writes stop. */
export const IMMUTABLE_MEMTABLES_MAX = 2;
/** Writes that may queue for the next group commit before callers wait for room. */
export const GROUP_COMMIT_QUEUE_BYTES_MAX = 64 * 1024 * 1024;

/** SSTable data block size target (uncompressed), and the restart interval inside a block. */
export const BLOCK_BYTES_DEFAULT = 4 * 1024;
export const BLOCK_BYTES_MIN = 64;
export const BLOCK_RESTART_INTERVAL_DEFAULT = 16;
/** Compression is kept only when it saves at least this fraction of the block (as LevelDB: 1/8). */
export const COMPRESSION_MIN_SAVING_FRACTION = 0.125;
export const BLOOM_BITS_PER_KEY_DEFAULT = 10;
export const BLOOM_BITS_PER_KEY_MAX = 32;
/** Block cache budget (uncompressed bytes of cached blocks). */
export const BLOCK_CACHE_BYTES_DEFAULT = 128 * 1024 * 1024;
/** Open table readers kept (each pins its index and filter). */
export const TABLE_CACHE_FILES_MAX = 1000;

/** Leveled compaction. */
export const LEVEL_COUNT = 7;
export const L0_COMPACTION_TRIGGER_FILES_DEFAULT = 4;
/**
 * RocksDB's defaults, not LevelDB's 8 and 12: with flushes on a worker thread a burst of writes fills
 * L0 faster than one L0->L1 merge drains it, and at 12 files writes stopped for whole compactions
 * (batched fillrandom 1M: 128k/s, max stall 1.8 s at 8/12; 224k/s, max 0.2 s at 20/36). Reads pay
 * one bloom probe per extra L0 file meanwhile.
 */
export const L0_SLOWDOWN_FILES_DEFAULT = 20;
export const L0_STOP_FILES_DEFAULT = 36;
/** Delay added to each write while L0 is over the slowdown trigger. */
export const WRITE_SLOWDOWN_MS = 1;
export const LEVEL_SIZE_RATIO_DEFAULT = 10;
export const L1_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;
export const TARGET_FILE_BYTES_DEFAULT = 8 * 1024 * 1024;
/** A compaction never takes more input than this many target files' worth from the next level. */
export const COMPACTION_EXPANSION_FILES_MAX = 25;

/** Sequence numbers are stored in 7 bytes; we cap them at 2^53 - 1 so they stay exact numbers. */
export const SEQUENCE_MAX = Number.MAX_SAFE_INTEGER;
/** File numbers are stored as varints and in names; capped for exact arithmetic. */
export const FILE_NUMBER_MAX = Number.MAX_SAFE_INTEGER;

/** A manifest grows until this size, then a fresh one is written with a snapshot of the state. */
export const MANIFEST_BYTES_MAX = 4 * 1024 * 1024;

// ---- How the bounds relate ------------------------------------------------------------------------

assert(L0_COMPACTION_TRIGGER_FILES_DEFAULT < L0_SLOWDOWN_FILES_DEFAULT, 'L0 compaction trigger < slowdown');
assert(L0_SLOWDOWN_FILES_DEFAULT < L0_STOP_FILES_DEFAULT, 'L0 slowdown < stop');
assert(MEMTABLE_BYTES_MIN <= MEMTABLE_BYTES_DEFAULT, 'memtable bounds');
assert(BLOCK_BYTES_MIN <= BLOCK_BYTES_DEFAULT, 'block bounds');
assert(STORE_KEY_BYTES_MAX + STORE_VALUE_BYTES_MAX < WRITE_BATCH_BYTES_MAX, 'one largest entry fits a batch');
assert(WRITE_BATCH_BYTES_MAX <= GROUP_COMMIT_QUEUE_BYTES_MAX, 'one largest batch fits the commit queue');
assert(TARGET_FILE_BYTES_DEFAULT <= L1_BYTES_MAX_DEFAULT, 'a target file fits L1');
assert(LEVEL_SIZE_RATIO_DEFAULT >= 2, 'levels grow');
assert(IMMUTABLE_MEMTABLES_MAX >= 1, 'at least one memtable can flush while writes continue');

// ---- Fault-injecting file system (engine/vfs/fault.ts) --------------------------------------------

/** Operations a FaultFileSystem records in its log; later ones are counted but not logged. */
export const FAULT_OPERATION_LOG_ENTRIES_MAX = 1_000_000;
assert(FAULT_OPERATION_LOG_ENTRIES_MAX >= 1, 'the fault log holds at least one operation');

// ---- DynamoDB data model (engine/model) -----------------------------------------------------------
// DynamoDB's own limits (reference/dynamodb-facts.md §1, §2.1, §13). Sizes use DynamoDB's binary units.

/** Largest item, attribute names included; the bound is inclusive (§1.5). */
export const ITEM_BYTES_MAX = 400 * 1024;
/** Partition key value 1..2048 bytes, sort key value 1..1024 bytes (UTF-8 for S, raw for B) (§1.6). */
export const PARTITION_KEY_BYTES_MAX = 2048;
export const SORT_KEY_BYTES_MAX = 1024;
/** Levels of a document: a top-level attribute value is level 1; a container may not sit at this level. */
export const NESTING_LEVELS_MAX = 32;
/** Numbers: significant digits and the decimal exponent of the first significant digit (§1.2). */
export const NUMBER_DIGITS_MAX = 38;
export const NUMBER_EXPONENT_MAX = 125;
export const NUMBER_EXPONENT_MIN = -130;
/** Table and index names: 3..255 characters of [a-zA-Z0-9_.-] (§1.7). */
export const TABLE_NAME_LENGTH_MIN = 3;
export const TABLE_NAME_LENGTH_MAX = 255;
/** Attribute names: 1..65535 bytes; key-schema and projected (NonKeyAttributes) names: 1..255 bytes. */
export const ATTRIBUTE_NAME_BYTES_MAX = 65535;
export const KEY_ATTRIBUTE_NAME_BYTES_MAX = 255;
/** Secondary indexes per table (§13) and INCLUDE-projected attributes summed over all indexes. */
export const GLOBAL_SECONDARY_INDEXES_MAX = 20;
export const LOCAL_SECONDARY_INDEXES_MAX = 5;
export const PROJECTED_ATTRIBUTES_MAX = 100;
/** NonKeyAttributes of one index (API shape NonKeyAttributeNameList 1..20). */
export const INDEX_NON_KEY_ATTRIBUTES_MAX = 20;
/** ProvisionedThroughput bounds: at least 1; more than 1e12 is "out of bounds" (§2.1). */
export const CAPACITY_UNITS_MIN = 1;
export const CAPACITY_UNITS_MAX = 1_000_000_000_000;
/** Tags per table; key and value lengths (§2.5). */
export const TAGS_MAX = 50;
export const TAG_KEY_LENGTH_MAX = 128;
export const TAG_VALUE_LENGTH_MAX = 256;
/** Parallel scan segments (§4.3). */
export const SCAN_TOTAL_SEGMENTS_MAX = 1_000_000;

assert(NUMBER_EXPONENT_MIN < 0 && NUMBER_EXPONENT_MAX > 0, 'number exponent bounds straddle zero');
// The key codec stores the biased exponent in one byte.
assert(NUMBER_EXPONENT_MAX - NUMBER_EXPONENT_MIN <= 255, 'a biased number exponent fits one byte');
assert(SORT_KEY_BYTES_MAX < PARTITION_KEY_BYTES_MAX, 'sort keys are bounded tighter than partition keys');
// The largest storage key (two index key values plus the table key, escaped) must fit the store.
assert(4 * (2 * PARTITION_KEY_BYTES_MAX + 2) + 64 <= STORE_KEY_BYTES_MAX, 'storage keys fit the store');
assert(ITEM_BYTES_MAX + 64 * 1024 <= STORE_VALUE_BYTES_MAX, 'an encoded item fits a store value');
assert(INDEX_NON_KEY_ATTRIBUTES_MAX <= PROJECTED_ATTRIBUTES_MAX, 'one index fits the table-wide projection bound');
assert(SCAN_TOTAL_SEGMENTS_MAX <= 2 ** 32, 'every scan segment owns at least one hash value');

// ---- Expressions (engine/expressions) -------------------------------------------------------------
// DynamoDB's expression limits (reference/dynamodb-facts.md §10.3), and the parse cache's bound.

/** One expression's text, in UTF-8 bytes (inclusive). */
export const EXPRESSION_BYTES_MAX = 4096;
/** One ExpressionAttributeNames/Values key (`#name`, `:value`), prefix included, in UTF-8 bytes. */
export const EXPRESSION_PLACEHOLDER_BYTES_MAX = 255;
/** All ExpressionAttributeNames and ExpressionAttributeValues of one request together. */
export const EXPRESSION_ATTRIBUTES_BYTES_MAX = 2 * 1024 * 1024;
/** Operators and functions in one UpdateExpression (`+`, `-`, if_not_exists, list_append). */
export const UPDATE_EXPRESSION_OPERATORS_MAX = 300;
/** Operands in the list of one IN. */
export const IN_OPERANDS_MAX = 100;
/** Nesting levels of one document path: `a` has none, `a.b[0]` two. */
export const PATH_NESTING_LEVELS_MAX = 32;
/** Parsed expression trees kept by the parse cache (each from at most EXPRESSION_BYTES_MAX of text). */
export const EXPRESSION_PARSE_CACHE_ENTRIES_MAX = 2048;

assert(EXPRESSION_PLACEHOLDER_BYTES_MAX < EXPRESSION_BYTES_MAX, 'a placeholder fits an expression');
assert(EXPRESSION_PARSE_CACHE_ENTRIES_MAX >= 1, 'the parse cache holds at least one tree');

// ---- Table operations: request shapes and capacity (engine/table) ---------------------------------
// DynamoDB's per-request bounds (reference/dynamodb-facts.md §4, §5, §6, §11, §17) and its capacity units.

/** BatchGetItem: keys across all tables of one request; the response is cut at 16 MB (UnprocessedKeys). */
export const BATCH_GET_KEYS_MAX = 100;
export const BATCH_GET_RESPONSE_BYTES_MAX = 16 * 1024 * 1024;
/** BatchWriteItem: put and delete requests across all tables of one request, and their total size. */
export const BATCH_WRITE_REQUESTS_MAX = 25;
export const BATCH_WRITE_BYTES_MAX = 16 * 1024 * 1024;
/** TransactWriteItems / TransactGetItems: actions per request and their aggregate size. */
export const TRANSACT_ITEMS_MAX = 100;
export const TRANSACT_BYTES_MAX = 4 * 1024 * 1024;
/** ClientRequestToken length (1..36 characters). */
export const CLIENT_REQUEST_TOKEN_LENGTH_MAX = 36;
/** Query/Scan read at most this much (before filters) per page; the item crossing it is included. */
export const PAGE_BYTES_MAX = 1024 * 1024;
/** ListTables page size bound (and default). */
export const LIST_TABLES_LIMIT_MAX = 100;
/** AttributesToGet: 1..255 names. */
export const ATTRIBUTES_TO_GET_MAX = 255;
/** Constraint failures listed in one "N validation errors detected" message. */
export const VALIDATION_ERRORS_MAX = 10;
/** Capacity units: one read unit covers 4 KB, one write unit 1 KB. */
export const READ_UNIT_BYTES = 4 * 1024;
export const WRITE_UNIT_BYTES = 1024;

assert(BATCH_WRITE_REQUESTS_MAX <= BATCH_GET_KEYS_MAX, 'batch bounds');
assert(ITEM_BYTES_MAX <= TRANSACT_BYTES_MAX && TRANSACT_BYTES_MAX <= BATCH_WRITE_BYTES_MAX, 'a largest item fits a transaction; a transaction fits a batch');
assert(ITEM_BYTES_MAX <= PAGE_BYTES_MAX, 'a largest item fits a page');
assert(WRITE_UNIT_BYTES < READ_UNIT_BYTES, 'write units are finer than read units');

// ---- Batch and transaction operations (engine/table/batch-*.ts, transact-*.ts, idempotency.ts) ----

/** A ClientRequestToken stays bound to its transaction this long after the transaction completes (§6.1). */
export const CLIENT_REQUEST_TOKEN_WINDOW_MS = 10 * 60 * 1000;
/** Completed tokens remembered at once; beyond it the oldest is forgotten before its window ends. */
export const CLIENT_REQUEST_TOKENS_MAX = 100_000;

assert(CLIENT_REQUEST_TOKENS_MAX >= 1, 'the token cache holds at least one token');
// BatchWriteItem's 16 MB bound can never bind before the per-item bound: 25 largest items fit.
assert(BATCH_WRITE_REQUESTS_MAX * ITEM_BYTES_MAX <= BATCH_WRITE_BYTES_MAX, 'a batch of largest items fits 16 MB');

// ---- Table maintenance: UpdateTable, online indexes, Time to Live (engine/table) -------------------
// DynamoDB's quotas (reference/dynamodb-facts.md §2.2, §7, §13.1) and the chunk sizes of Silt's
// background work (GSI backfill and purge, TTL sweep), which bound how long one turn holds the loop.

/** Throughput decreases per table (and per GSI) per UTC day: the first 4 at any time, then one per hour, 27 at most. */
export const THROUGHPUT_DECREASES_UNTHROTTLED_COUNT = 4;
export const THROUGHPUT_DECREASES_PER_DAY_MAX = 27;
export const THROUGHPUT_DECREASE_INTERVAL_MS = 60 * 60 * 1000;
/** Switches from provisioned to on-demand in a rolling window (current guide: 4 per 24 h). */
export const BILLING_MODE_SWITCHES_PER_WINDOW_MAX = 4;
export const BILLING_MODE_SWITCH_WINDOW_MS = 24 * 60 * 60 * 1000;
/** One UpdateTimeToLive per table in this interval. */
export const TIME_TO_LIVE_UPDATE_INTERVAL_MS = 60 * 60 * 1000;
/** TTL values further in the past than this are ignored as malformed (5 years of 365 days). */
export const TIME_TO_LIVE_EXPIRY_HORIZON_SECONDS = 5 * 365 * 24 * 60 * 60;
/** How often the background TTL sweep runs by default (0 in DatabaseOptions disables it). */
export const TIME_TO_LIVE_SWEEP_INTERVAL_MS_DEFAULT = 60 * 1000;
/** Longest single clock sleep of the sweep loop (bounds how long a closed database's timer lingers). */
export const TIME_TO_LIVE_SWEEP_WAKE_MS = 1000;
/** Base items one TTL sweep step examines before its deletes are awaited and the loop yields. */
export const TIME_TO_LIVE_SWEEP_CHUNK_ITEMS = 1000;
/** Base items one backfill step indexes, and index keys one purge step deletes, before yielding. */
export const INDEX_BACKFILL_CHUNK_ITEMS = 1000;
export const INDEX_PURGE_CHUNK_KEYS = 1000;

assert(THROUGHPUT_DECREASES_UNTHROTTLED_COUNT <= THROUGHPUT_DECREASES_PER_DAY_MAX, 'unthrottled decreases fit the daily bound');
assert(THROUGHPUT_DECREASES_UNTHROTTLED_COUNT + 23 === THROUGHPUT_DECREASES_PER_DAY_MAX, 'four, then one per remaining hour of the day');
assert(TIME_TO_LIVE_SWEEP_CHUNK_ITEMS >= 1 && INDEX_BACKFILL_CHUNK_ITEMS >= 1 && INDEX_PURGE_CHUNK_KEYS >= 1, 'background steps make progress');

// ---- HTTP API server (engine/api) -----------------------------------------------------------------
// Bounds that protect the wire-protocol server from its clients (reference/dynamodb-facts.md §14).

/** Largest request body, as sent and after gzip decoding (dynalite's 16 MB; 413 beyond). */
export const REQUEST_BODY_BYTES_MAX = 16 * 1024 * 1024;
/** Deepest JSON nesting accepted, checked on the raw text before parsing (an item's 32 levels need ~70). */
export const REQUEST_JSON_DEPTH_MAX = 128;
/** Time a client has to send a request's headers, and the whole request. */
export const HTTP_HEADERS_TIMEOUT_MS = 60_000;
export const HTTP_REQUEST_TIMEOUT_MS = 120_000;
/** How long an idle keep-alive connection stays open (below the headers timeout, as Node requires). */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 30_000;
/** How long a graceful shutdown waits for in-flight requests before closing their connections. */
export const HTTP_SHUTDOWN_GRACE_MS = 30_000;
/** Largest request line plus headers (node:http's default; 431 beyond). */
export const HTTP_HEAD_BYTES_MAX = 16 * 1024;
/** How often the server checks connections against the timeouts above (at most). */
export const HTTP_SWEEP_INTERVAL_MS = 1000;
/** SigV4: a request's X-Amz-Date may differ from the server's clock by this much (DynamoDB: 15 minutes). */
export const SIGNATURE_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** SigV4 signing keys cached (one per access key, day and region). */
export const SIGNING_KEY_CACHE_ENTRIES_MAX = 256;
/**
 * Most attributes an Item (PutItem) or Key (GetItem) may have for the one-pass read of its request
 * (engine/api/item-request-body.ts), which checks names for duplicates pairwise; more take the
 * usual path.
 */
export const ONE_PASS_ATTRIBUTES_MAX = 32;

assert(REQUEST_JSON_DEPTH_MAX > 2 * NESTING_LEVELS_MAX + 8, 'a maximally nested item fits the JSON depth bound');
assert(ITEM_BYTES_MAX < REQUEST_BODY_BYTES_MAX && BATCH_WRITE_BYTES_MAX <= REQUEST_BODY_BYTES_MAX, 'largest requests fit the body bound');
assert(ONE_PASS_ATTRIBUTES_MAX >= 1 && ONE_PASS_ATTRIBUTES_MAX <= 64, "the one-pass read's pairwise name check stays cheap");
assert(HTTP_KEEP_ALIVE_TIMEOUT_MS < HTTP_HEADERS_TIMEOUT_MS && HTTP_HEADERS_TIMEOUT_MS <= HTTP_REQUEST_TIMEOUT_MS, 'HTTP timeouts nest');

// ---- Storage engine performance (engine/lsm: copies handed to callers, compaction workers) ---------

/** Copies up to this many bytes are fresh on-heap arrays (V8 keeps typed arrays <= 64 bytes on the heap). */
export const COPY_OUT_SMALL_BYTES_MAX = 64;
/** Copies up to this many bytes are carved from a shared chunk; larger ones get their own buffer. */
export const COPY_OUT_POOLED_BYTES_MAX = 1024;
/** Size of one shared chunk: a live pooled copy pins at most this much memory. */
export const COPY_OUT_CHUNK_BYTES = 8 * 1024;
/** Chunk of a memtable's value slab (memtable/value-slab.ts), which holds its copies of values. */
export const MEMTABLE_ARENA_CHUNK_BYTES = 256 * 1024;
/** The write path's reused buffer for encoding a commit group's WAL payloads; larger groups get a one-off buffer. */
export const WRITE_PATH_SCRATCH_BYTES_MAX = 1024 * 1024;
/**
 * A paced worker job (compaction/pace.ts) sleeps COMPACTION_PACE_PAUSE_MS after every
 * COMPACTION_PACE_ENTRIES entries it reads: bursts of ~0.5 ms, about a fifth of the time.
 */
export const COMPACTION_PACE_ENTRIES = 256;
export const COMPACTION_PACE_PAUSE_MS = 2;
/**
 * Compaction worker threads by default (Store option compactionThreads), and at most. Two, so that
 * a flush finds a thread idle while a paced (so longer) compaction runs, rather than running on
 * the main thread.
 */
export const COMPACTION_THREADS_DEFAULT = 2;
export const COMPACTION_THREADS_MAX = 8;
/** Compactions reading less than this stay on the main thread (a worker round trip is not worth it). */
export const COMPACTION_WORKER_INPUT_BYTES_MIN = 1024 * 1024;
/** Compactions reading more than this stay on the main thread (their inputs would be held in memory twice). */
export const COMPACTION_WORKER_INPUT_BYTES_MAX = 512 * 1024 * 1024;

assert(COMPACTION_PACE_ENTRIES >= 1 && Number.isInteger(COMPACTION_PACE_PAUSE_MS) && COMPACTION_PACE_PAUSE_MS >= 1, 'a paced job makes progress and really pauses (Atomics.wait takes whole milliseconds here)');
assert(COMPACTION_THREADS_DEFAULT >= 2 && COMPACTION_THREADS_DEFAULT <= COMPACTION_THREADS_MAX, 'a flush finds a thread while one compacts');
assert(COPY_OUT_SMALL_BYTES_MAX < COPY_OUT_POOLED_BYTES_MAX && COPY_OUT_POOLED_BYTES_MAX * 4 <= COPY_OUT_CHUNK_BYTES, 'a chunk holds several pooled copies');

// ---- Item collections (tables with LSIs) -------------------------------------------------------------

/** An item collection (base items + LSI entries of one partition key) may hold at most 10 GB. */
export const ITEM_COLLECTION_BYTES_MAX = 10 * 1024 * 1024 * 1024;

// ---- Partition manager: DynamoDB's capacity model (engine/partitions) -------------------------------
// reference/dynamodb-facts.md §11.2-§11.3 and §12 (ATC 2022 §4). Figures DynamoDB publishes are
// quoted; the others are Silt's choices and are named as such.

/** Hard per-partition ceilings, per second (facts §11.3). Reads and writes are tracked independently. */
export const PARTITION_READ_UNITS_PER_SECOND_MAX = 3000;
export const PARTITION_WRITE_UNITS_PER_SECOND_MAX = 1000;
/** Burst: up to 300 s of a partition's unused allocated capacity is kept (facts §11.3). */
export const PARTITION_BURST_WINDOW_MS = 300_000;
/** The allocated bucket holds one second of the partition's rate (Silt's choice: DynamoDB enforces per second). */
export const PARTITION_ALLOCATED_WINDOW_MS = 1000;
/** Split for size (facts §12.1: 10 GB is the maximum size of a partition). */
export const PARTITION_SPLIT_SIZE_BYTES_DEFAULT = 10 * 1024 * 1024 * 1024;
/** Split-on-heat: consumed above this fraction of the ceiling, for this long (Silt's choice; the paper publishes none). */
export const PARTITION_HEAT_THRESHOLD_FRACTION_DEFAULT = 0.8;
export const PARTITION_HEAT_WINDOW_MS_DEFAULT = 60_000;
/** The adaptive-capacity controller runs at most once per this interval of clock time. */
export const PARTITION_CONTROLLER_INTERVAL_MS_DEFAULT = 1000;
/** Fraction of the error between demand and allocation the controller corrects per run (its gain). */
export const PARTITION_CONTROLLER_GAIN = 0.5;
/** On-demand: growth beyond 2x the previous peak within this window can throttle (facts §11.2). */
export const ON_DEMAND_SCALE_WINDOW_MS_DEFAULT = 30 * 60 * 1000;
/** On-demand tables start able to serve these rates (facts §11.2: 12,000 reads/s and 4,000 writes/s). */
export const ON_DEMAND_INITIAL_READ_UNITS_PER_SECOND = 12_000;
export const ON_DEMAND_INITIAL_WRITE_UNITS_PER_SECOND = 4000;
/** The coarse clock's ticker (util/coarse-clock.ts): its period, and the ticks without a reading before it parks (one second). */
export const COARSE_CLOCK_TICK_MS = 1;
export const COARSE_CLOCK_PARK_AFTER_TICKS = 1000;
/** Top-N hot keys reported per partition, and the space-saving counters kept per partition. */
export const PARTITION_TOP_KEYS_DEFAULT = 10;
export const PARTITION_TOP_KEYS_MAX = 100;
export const SPACE_SAVING_COUNTERS_PER_TOP_KEY = 4;
/**
 * The top-keys sketch sees every charge of a lane below this many units a second (in its last
 * complete second and so far in the current one), and one charge in TOP_KEYS_SAMPLE_ONE_IN of a
 * busier lane's (weighted by as many, so its counts stay unbiased). An update of a cold sketch
 * misses cache (~1 µs), too dear for every request; at one in 32 the updates were about a third of
 * the model's cost on PutItem (bench/capacity/overhead.ts). At 128, a lane at the threshold still
 * updates its sketch about once a second, and a key with a tenth of the traffic of a lane at 1,000
 * units a second is kept ~47 times a minute.
 */
export const TOP_KEYS_EXACT_BELOW_UNITS_PER_SECOND = 128;
export const TOP_KEYS_SAMPLE_ONE_IN = 128;
/** Heat sketch: keys sampled per partition (a ring), one access in this many, and the fewest to decide a split. */
export const HEAT_SAMPLES_MAX = 1024;
export const HEAT_SAMPLE_ONE_IN = 4;
export const HEAT_SAMPLES_MIN = 32;
/** A key (or collection) with at least this fraction of a partition's sampled traffic dominates it. */
export const HEAT_DOMINANT_FRACTION = 0.5;
/** Consecutive samples moving the same way along the key range at least this often mean sequential access. */
export const HEAT_SEQUENTIAL_FRACTION = 0.9;
/** Partitions per map (table or index), and split-history entries kept per partition. */
export const PARTITIONS_PER_MAP_MAX = 4096;
export const PARTITION_SPLIT_HISTORY_MAX = 64;

assert(PARTITION_READ_UNITS_PER_SECOND_MAX === 3 * PARTITION_WRITE_UNITS_PER_SECOND_MAX, 'a partition serves 3,000 RCU and 1,000 WCU');
assert(PARTITION_ALLOCATED_WINDOW_MS <= PARTITION_BURST_WINDOW_MS, 'the burst bucket holds more than the allocated one');
assert(PARTITION_HEAT_THRESHOLD_FRACTION_DEFAULT > 0 && PARTITION_HEAT_THRESHOLD_FRACTION_DEFAULT <= 1, 'heat threshold is a fraction');
assert(PARTITION_CONTROLLER_GAIN > 0 && PARTITION_CONTROLLER_GAIN <= 1, 'the controller never overshoots by itself');
assert(HEAT_SAMPLES_MIN <= HEAT_SAMPLES_MAX && HEAT_DOMINANT_FRACTION > 0.5 - 1e-9, 'a dominant key has most of the traffic');
assert(PARTITION_TOP_KEYS_DEFAULT <= PARTITION_TOP_KEYS_MAX, 'top keys default within bound');
assert(Number.isInteger(COARSE_CLOCK_TICK_MS) && COARSE_CLOCK_TICK_MS >= 1 && COARSE_CLOCK_PARK_AFTER_TICKS >= 1, 'the coarse clock ticks in whole milliseconds (Atomics.wait timeouts) and parks after at least one');
