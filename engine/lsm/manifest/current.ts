/**
 * The CURRENT file: names the live manifest. Switching manifests is one atomic rename of a fully
 * written, synced temporary file over CURRENT, so a crash leaves either the old name or the new one.
 * Format (./FORMAT.md, "The CURRENT file"), exactly two lines of ASCII:
 *
 *   MANIFEST-000123\n
 *   crc32c 8939b60c\n          masked crc32c of the first line's bytes (newline included), 8 lowercase hex
 *
 * Concurrency: called only by VersionSet, which serialises its manifest switches.
 *
 * Invariants:
 * 1. readCurrent accepts exactly what writeCurrent writes; anything else is CorruptionError, never a
 *    guess (a wrong manifest would silently roll the store back or forward).
 * 2. CURRENT is replaced only by rename, never rewritten in place.
 */
import { assertionFailed } from '../../util/assert.js';
import { fromUtf8, utf8 } from '../../util/bytes.js';
import { crc32c, maskCrc } from '../../util/crc32c.js';
import { CorruptionError, NotFoundError } from '../../util/errors.js';
import { joinPath, type FileSystem } from '../../vfs/types.js';
import { CURRENT_FILE_NAME, manifestFileName, parseFileName, tempFileName } from './file-names.js';

/** Longest CURRENT we read: "MANIFEST-" + 16 digits + "\n" + "crc32c " + 8 hex + "\n" fits well within. */
const CURRENT_BYTES_MAX = 64;
const CHECKSUM_PREFIX = 'crc32c ';

function checksumHex(firstLine: string): string {
  return maskCrc(crc32c(utf8(firstLine))).toString(16).padStart(8, '0');
}

/** The bytes of a CURRENT naming manifest `manifestFileNumber`. */
export function encodeCurrent(manifestFileNumber: number): Uint8Array {
  const firstLine = `${manifestFileName(manifestFileNumber)}\n`;
  return utf8(`${firstLine}${CHECKSUM_PREFIX}${checksumHex(firstLine)}\n`);
}

/** The manifest number in CURRENT's bytes; CorruptionError when they are not exactly encodeCurrent's. */
export function decodeCurrent(data: Uint8Array): number {
  const fail = (reason: string): never => {
    throw new CorruptionError(`CURRENT: ${reason}`);
  };
  if (data.length > CURRENT_BYTES_MAX) fail(`${data.length} bytes is too long`);
  for (const byte of data) if (byte > 0x7e || (byte < 0x20 && byte !== 0x0a)) fail('not printable ASCII');
  const text = fromUtf8(data);
  const newline = text.indexOf('\n');
  if (newline < 0) fail('no newline');
  const firstLine = text.slice(0, newline + 1);
  const parsed = parseFileName(firstLine.slice(0, -1));
  if (parsed?.kind !== 'manifest') return fail(`does not name a manifest`);
  if (text.slice(newline + 1) !== `${CHECKSUM_PREFIX}${checksumHex(firstLine)}\n`) fail('checksum mismatch');
  return parsed.number;
}

/**
 * Points CURRENT at manifest `manifestFileNumber`: temp → append → sync → close → rename →
 * syncDirectory(dir). The manifest itself must already be complete and durable. On failure a
 * `*.tmp` file may be left behind; the store deletes such garbage at open.
 */
export async function writeCurrent(fs: FileSystem, dir: string, manifestFileNumber: number): Promise<void> {
  if (!(Number.isSafeInteger(manifestFileNumber) && manifestFileNumber > 0)) assertionFailed(`manifest number ${manifestFileNumber}`);
  const tempPath = joinPath(dir, tempFileName(manifestFileNumber));
  const file = await fs.createWritable(tempPath);
  await file.append(encodeCurrent(manifestFileNumber));
  await file.sync();
  await file.close();
  await fs.rename(tempPath, joinPath(dir, CURRENT_FILE_NAME));
  await fs.syncDirectory(dir);
}

/** The manifest number CURRENT names; undefined when there is no CURRENT; CorruptionError if damaged. */
export async function readCurrent(fs: FileSystem, dir: string): Promise<number | undefined> {
  let data: Uint8Array;
  try {
    data = await fs.readFile(joinPath(dir, CURRENT_FILE_NAME));
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  return decodeCurrent(data);
}
