/**
 * The constants of the stored item format (FORMAT.md §3, version 1), shared by the encoder
 * (item-writer.ts) and the decoder (item-reader.ts). Part of the on-disk format: never renumber.
 */

/** Format version of the stored item; the first byte of every encoding. */
export const ITEM_FORMAT_VERSION = 1;
/** Tags of the compact tree. */
export const TAG_N = 1;
export const TAG_L = 2;
export const TAG_M = 3;
export const TAG_SS = 4;
export const TAG_NS = 5;
export const TAG_BS = 6;
