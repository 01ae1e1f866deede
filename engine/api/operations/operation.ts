/**
 * One DynamoDB operation as the wire protocol sees it: its X-Amz-Target name, the Database method
 * that serves it (SDK v3 input and output shapes, DESIGN.md decision 9), and where attribute values
 * sit in its input and output (so binary crosses the wire as base64 and the SDK shapes as bytes).
 * Each operation lives in its own file beside this one; index.ts lists them.
 */
import type { Database } from '../../database.js';
import type { Shape } from '../codec.js';

/** A response body already serialised to JSON (UTF-8), which the pipeline sends as it is. */
export class JsonBody {
  constructor(readonly bytes: Uint8Array) {}
}

export interface Operation {
  /** DynamoDB's operation name: the part of `X-Amz-Target` after `DynamoDB_20120810.`. */
  readonly name: string;
  /** The Database method, camelCase: served only when the Database has it. */
  readonly method: string;
  /** Attribute-value positions in the request (undefined: none). */
  readonly input: Shape | undefined;
  /** Attribute-value positions in the response (undefined: none). */
  readonly output: Shape | undefined;
  /**
   * Serves the operation in place of the Database method when present: resolves to the output (the
   * pipeline encodes it as usual) or to its body already serialised (JsonBody). Still served only
   * when the Database has `method`.
   */
  readonly answer?: (database: Database, input: object) => Promise<unknown>;
  /**
   * Reads the request straight from its body bytes, before any JSON parse, when it has a usual form
   * the operation serves in one pass: returns what then serves it (after authentication); undefined
   * for anything else, and the pipeline parses the body and goes on as usual. Must be pure, and
   * accept only bodies that parse to a valid request served the same way by the usual path, so
   * every error stays the usual path's.
   */
  readonly readBody?: (body: Uint8Array) => ((database: Database) => Promise<unknown>) | undefined;
}
