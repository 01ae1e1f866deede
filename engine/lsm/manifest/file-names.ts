/**
 * The names of the files in a store directory, and parsing them back. Part of the on-disk format:
 * a store is found by these names, so they never change. See engine/lsm/manifest/FORMAT.md.
 *
 *   000123.wal        write-ahead log number 123
 *   000123.sst        SSTable number 123
 *   MANIFEST-000123   manifest number 123
 *   000123.tmp        a temporary file (a CURRENT being written); garbage when found at open
 *   CURRENT           names the live manifest
 *   LOCK              held while a Store has the directory open
 *
 * Numbers come from one counter (VersionSet.newFileNumber), so no two files share a number whatever
 * their kind. Numbers are written with at least six digits and grow beyond that as needed.
 *
 * Concurrency: pure functions.
 *
 * Invariants:
 * 1. `parseFileName(name)` recognises exactly the names these functions produce (canonical form
 *    only: "1.sst" or "0000123.sst" are not store files), so name → number → name round-trips and
 *    two different names never map to the same file.
 */
import { FILE_NUMBER_MAX } from '../../limits.js';
import { assertionFailed } from '../../util/assert.js';

export type FileKind = 'wal' | 'table' | 'manifest' | 'temp' | 'current' | 'lock';

export interface ParsedFileName {
  kind: FileKind;
  /** The file's number; 0 for CURRENT and LOCK, which have none. */
  number: number;
}

export const CURRENT_FILE_NAME = 'CURRENT';
export const LOCK_FILE_NAME = 'LOCK';
export const MANIFEST_PREFIX = 'MANIFEST-';
const NUMBER_DIGITS_MIN = 6;

function formatNumber(fileNumber: number): string {
  if (!(Number.isSafeInteger(fileNumber) && fileNumber >= 0 && fileNumber <= FILE_NUMBER_MAX)) assertionFailed(`file number out of range: ${fileNumber}`);
  return String(fileNumber).padStart(NUMBER_DIGITS_MIN, '0');
}

export function walFileName(fileNumber: number): string {
  return `${formatNumber(fileNumber)}.wal`;
}

export function tableFileName(fileNumber: number): string {
  return `${formatNumber(fileNumber)}.sst`;
}

export function manifestFileName(fileNumber: number): string {
  return `${MANIFEST_PREFIX}${formatNumber(fileNumber)}`;
}

export function tempFileName(fileNumber: number): string {
  return `${formatNumber(fileNumber)}.tmp`;
}

/**
 * Parses the number in `text` when `text` is its canonical form (at least six digits, no needless
 * leading zeros beyond the padding); -1 otherwise.
 */
function parseNumber(text: string): number {
  if (text.length < NUMBER_DIGITS_MIN) return -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value > FILE_NUMBER_MAX) return -1;
  return formatNumber(value) === text ? value : -1;
}

const SUFFIX_KINDS: ReadonlyMap<string, FileKind> = new Map([
  ['.wal', 'wal'],
  ['.sst', 'table'],
  ['.tmp', 'temp'],
]);

/** The kind and number of a store file; undefined for any name the store did not create. */
export function parseFileName(name: string): ParsedFileName | undefined {
  if (name === CURRENT_FILE_NAME) return { kind: 'current', number: 0 };
  if (name === LOCK_FILE_NAME) return { kind: 'lock', number: 0 };
  if (name.startsWith(MANIFEST_PREFIX)) {
    const number = parseNumber(name.slice(MANIFEST_PREFIX.length));
    return number < 0 ? undefined : { kind: 'manifest', number };
  }
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const kind = SUFFIX_KINDS.get(name.slice(dot));
  if (kind === undefined) return undefined;
  const number = parseNumber(name.slice(0, dot));
  return number < 0 ? undefined : { kind, number };
}

/** The name of the file of `kind` numbered `fileNumber` (the inverse of parseFileName). */
export function fileName(kind: FileKind, fileNumber: number): string {
  switch (kind) {
    case 'wal':
      return walFileName(fileNumber);
    case 'table':
      return tableFileName(fileNumber);
    case 'manifest':
      return manifestFileName(fileNumber);
    case 'temp':
      return tempFileName(fileNumber);
    case 'current':
      return CURRENT_FILE_NAME;
    case 'lock':
      return LOCK_FILE_NAME;
  }
}
