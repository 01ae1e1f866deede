/**
 * Public surface of the SSTable layer: the builder, the reader, the shared block cache, and the
 * format facts other layers need. Everything else in this folder is internal.
 */
export { BlockCache } from './block-cache.js';
export { BloomFilterBuilder, BloomFilterReader, measureBloomFalsePositiveRate } from './bloom.js';
export { BLOCK_TRAILER_BYTES, CompressionType, FOOTER_BYTES, TABLE_FORMAT_VERSION } from './format.js';
export { TABLE_CREATOR, type TableProperties } from './properties.js';
export { TableBuilder, type TableBuilderOptions, type TableFileInfo } from './table-builder.js';
export { TableReader, type TableIteratorOptions, type TableReaderOptions } from './table-reader.js';
