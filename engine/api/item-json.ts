/**
 * A stored item (engine/model FORMAT.md §3: version byte, then MessagePack) written straight to
 * DynamoDB's wire JSON, bytes to bytes: what GetItem answers, without decoding the item into
 * attribute values and serialising those again. The bytes written are exactly those of
 * `JSON.stringify(encodeShape(decodeItem(stored), ITEM))` in UTF-8 (tested on random items and on
 * every MessagePack form the decoder accepts):
 *   - names and strings that are ASCII keep their bytes, escaped as JSON.stringify escapes
 *     (`\"`, `\\`, `\n` and the other short forms, `\u00xx` for other controls); any other is
 *     decoded as the item decoder decodes it (WHATWG UTF-8, U+FFFD for malformed bytes) and
 *     escaped by JSON.stringify itself;
 *   - numbers as their canonical text, `{"N":"12"}`; binary as base64; attributes and set elements
 *     in stored order (the decoder's order, and so JSON.stringify's).
 * Malformed trees are reported as the decoder reports them (CorruptionError).
 *
 * Measured on GetItem's answer for the bench's item (a 16-byte key, a 100-byte value): decode,
 * encodeShape, JSON.stringify and Buffer.from cost ~1.5 µs; this writer ~0.6 µs.
 *
 * Concurrency: synchronous; one module-level writer whose scratch buffer each call copies out of
 * before returning (nothing it calls can re-enter it).
 */
import { TAG_BS, TAG_L, TAG_M, TAG_N, TAG_NS, TAG_SS } from '../model/item-codec.js';
import { corrupt, MessagePackCursor } from '../model/msgpack-cursor.js';

const SCRATCH_BYTES_INITIAL = 16 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
/** `\u00xx`: the longest escape JSON.stringify writes for an ASCII byte. */
const ESCAPE_BYTES_MAX = 6;
/** JSON.stringify's short escapes of ASCII bytes, by byte: the letter after the backslash (0: none). */
const SHORT_ESCAPES = new Uint8Array(128);
for (const [byte, letter] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [QUOTE, '"'], [BACKSLASH, '\\']] as const) {
  SHORT_ESCAPES[byte] = letter.charCodeAt(0);
}
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Writes JSON.stringify's escape of ASCII byte `c` (a control, a quote or a backslash) at `at`; returns the end. */
function writeEscape(out: Uint8Array, at: number, c: number): number {
  out[at++] = BACKSLASH;
  const letter = SHORT_ESCAPES[c]!;
  if (letter !== 0) {
    out[at++] = letter;
    return at;
  }
  out[at++] = 0x75; // u
  out[at++] = 0x30;
  out[at++] = 0x30;
  out[at++] = HEX_DIGITS[c >>> 4]!;
  out[at++] = HEX_DIGITS[c & 15]!;
  return at;
}

/** ASCII text as bytes: the fixed pieces are copied byte by byte (a native write costs more than a short copy). */
function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const ITEM_OPEN = ascii('{"Item":{');
const OPEN_S = ascii('{"S":');
const OPEN_N = ascii('{"N":"');
const OPEN_TAGGED_N = ascii('{"N":');
const OPEN_B = ascii('{"B":"');
const OPEN_L = ascii('{"L":[');
const OPEN_M = ascii('{"M":{');
const OPEN_SS = ascii('{"SS":[');
const OPEN_NS = ascii('{"NS":[');
const OPEN_BS = ascii('{"BS":[');
const NULL_VALUE = ascii('{"NULL":true}');
const FALSE_VALUE = ascii('{"BOOL":false}');
const TRUE_VALUE = ascii('{"BOOL":true}');

// Node's Buffer has a native utf8Slice(start, end) that accepts any Uint8Array (as item-reader.ts uses it).
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice: (this: Uint8Array, start: number, end: number) => string }).utf8Slice;

/** Buffer's native writers, present in Node but missing from its typings (Buffer#write dispatches to them). */
type WritableBuffer = Buffer & {
  latin1Write(text: string, offset: number): number;
  utf8Write(text: string, offset: number): number;
};

function scratch(bytes: number): WritableBuffer {
  return Buffer.allocUnsafe(bytes) as WritableBuffer;
}

class ItemJsonWriter extends MessagePackCursor {
  out: WritableBuffer = scratch(SCRATCH_BYTES_INITIAL);
  at = 0;

  /** Room for `bytes` more bytes of output. */
  ensure(bytes: number): void {
    if (this.at + bytes <= this.out.length) return;
    const grown = scratch(Math.max(this.out.length * 2, this.at + bytes));
    this.out.copy(grown, 0, 0, this.at);
    this.out = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.out[this.at++] = value;
  }

  /** A fixed piece of ASCII. */
  piece(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    const out = this.out;
    let at = this.at;
    for (let i = 0; i < bytes.length; i++) out[at++] = bytes[i]!;
    this.at = at;
  }

  /** `text` of latin1 characters (an integer's digits, base64). */
  latin1(text: string): void {
    this.ensure(text.length);
    this.at += this.out.latin1Write(text, this.at);
  }

  /**
   * A JSON string of the `length` stored string bytes at the cursor. ASCII is copied as it is
   * scanned, escaped as JSON.stringify escapes it (values with quotes or backslashes are common:
   * JSON kept in a string); at the first byte that is not ASCII, the copy is abandoned and the
   * string decoded as the item decoder decodes it, then written as JSON.stringify writes it.
   */
  string(length: number): void {
    this.need(length);
    const src = this.src;
    const start = this.position;
    const stop = start + length;
    this.position = stop;
    const opening = this.at;
    this.ensure(length + 2);
    let out = this.out;
    let at = opening;
    out[at++] = QUOTE;
    for (let i = start; i < stop; i++) {
      const c = src[i]!;
      if (c >= 0x80) {
        this.at = opening;
        const json = JSON.stringify(utf8Slice.call(src, start, stop));
        this.ensure(json.length * 3);
        this.at += this.out.utf8Write(json, this.at);
        return;
      }
      if (c < 0x20 || c === QUOTE || c === BACKSLASH) {
        // Room for this escape and every later byte at the longest (\u00xx), and the closing quote.
        this.at = at;
        this.ensure(ESCAPE_BYTES_MAX * (stop - i) + 1);
        out = this.out;
        at = writeEscape(out, at, c);
        continue;
      }
      out[at++] = c;
    }
    out[at++] = QUOTE;
    this.at = at;
  }

  base64(length: number): void {
    this.need(length);
    const start = this.position;
    this.position += length;
    this.latin1(Buffer.from(this.src.buffer, this.src.byteOffset + start, length).toString('base64'));
    this.byte(QUOTE);
  }

  value(level: number): void {
    const token = this.nextToken();
    if (token >= 0xa0 && token <= 0xbf) {
      this.piece(OPEN_S);
      this.string(token - 0xa0);
      this.byte(CLOSE_BRACE);
      return;
    }
    const integer = this.readInteger(token);
    if (integer !== undefined) {
      this.piece(OPEN_N);
      this.latin1(String(integer));
      this.byte(QUOTE);
      this.byte(CLOSE_BRACE);
      return;
    }
    const count = this.arrayLength(token);
    if (count >= 0) {
      this.tagged(count, level);
      return;
    }
    const length = this.stringLength(token);
    if (length >= 0) {
      this.piece(OPEN_S);
      this.string(length);
      this.byte(CLOSE_BRACE);
      return;
    }
    const bytes = this.binaryLength(token);
    if (bytes >= 0) {
      this.piece(OPEN_B);
      this.base64(bytes);
      this.byte(CLOSE_BRACE);
      return;
    }
    if (token === 0xc0) this.piece(NULL_VALUE);
    else if (token === 0xc2) this.piece(FALSE_VALUE);
    else if (token === 0xc3) this.piece(TRUE_VALUE);
    else corrupt(`unexpected MessagePack byte 0x${token.toString(16)}`);
  }

  tagged(count: number, level: number): void {
    const tag = this.readTag(count, level);
    const elements = count - 1;
    switch (tag) {
      case TAG_N:
        this.piece(OPEN_TAGGED_N);
        this.string(this.numberTextLength(elements));
        this.byte(CLOSE_BRACE);
        return;
      case TAG_L:
        this.piece(OPEN_L);
        for (let i = 0; i < elements; i++) {
          if (i > 0) this.byte(COMMA);
          this.value(level + 1);
        }
        this.byte(CLOSE_BRACKET);
        this.byte(CLOSE_BRACE);
        return;
      case TAG_M:
        this.piece(OPEN_M);
        this.entries(elements, level + 1);
        this.byte(CLOSE_BRACE);
        this.byte(CLOSE_BRACE);
        return;
      case TAG_SS:
      case TAG_NS:
      case TAG_BS: {
        if (elements === 0) corrupt('empty set');
        this.piece(tag === TAG_SS ? OPEN_SS : tag === TAG_NS ? OPEN_NS : OPEN_BS);
        for (let i = 0; i < elements; i++) {
          if (i > 0) this.byte(COMMA);
          const token = this.nextToken();
          if (tag === TAG_BS) {
            const length = this.binaryLength(token);
            if (length < 0) corrupt('bad binary set element');
            this.byte(QUOTE);
            this.base64(length);
          } else {
            const length = this.stringLength(token);
            if (length < 0) corrupt('bad set element');
            this.string(length);
          }
        }
        this.byte(CLOSE_BRACKET);
        this.byte(CLOSE_BRACE);
        return;
      }
      default:
        corrupt(`unknown tag ${String(tag)}`);
    }
  }

  /** `count` alternating names and values, as the members of an object already opened. */
  entries(count: number, level: number): void {
    if (count % 2 !== 0) corrupt('odd map entries');
    for (let i = 0; i < count; i += 2) {
      if (i > 0) this.byte(COMMA);
      const length = this.stringLength(this.nextToken());
      if (length < 0) corrupt('map name is not a string');
      this.string(length);
      this.byte(COLON);
      this.value(level);
    }
  }
}

const writer = new ItemJsonWriter();

/**
 * The JSON `{"Item":<item>` + rest + `}` in UTF-8, where rest is the other members of the answer
 * (`restJson`: JSON.stringify of them, `{}` when none) — GetItem's body for a stored item.
 * Throws CorruptionError when `stored` is not an item.
 */
export function answerWithStoredItem(stored: Uint8Array, restJson: string): Uint8Array {
  const w = writer;
  w.at = 0;
  try {
    const count = w.openItem(stored);
    w.piece(ITEM_OPEN);
    w.entries(count, 1);
    w.checkEnd();
    w.byte(CLOSE_BRACE);
    if (restJson === '{}') {
      w.byte(CLOSE_BRACE);
    } else {
      // The other members after Item, in their order: restJson without its opening brace.
      w.byte(COMMA);
      w.ensure(restJson.length * 3);
      w.at += w.out.utf8Write(restJson.slice(1), w.at);
    }
    const body = Buffer.allocUnsafe(w.at);
    w.out.copy(body, 0, 0, w.at);
    return body;
  } finally {
    w.release();
  }
}
