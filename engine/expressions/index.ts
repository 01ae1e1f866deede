/**
 * The public surface of engine/expressions: compiling the five expression kinds (front half:
 * lexer, parsers, placeholders, checks, parse cache, printer) and evaluating them (back half,
 * listed in evaluation-index.ts). Everything is exported by name; the rest of the folder is internal.
 */
export type {
  Comparator,
  Condition,
  DocumentPath,
  KeyCondition,
  Literal,
  Operand,
  PathElement,
  Projection,
  SizeOf,
  UpdateActions,
  UpdateOperand,
  UpdateValue,
} from './ast.js';
export type { ExpressionKind } from './syntax.js';
export { ExpressionContext } from './placeholders.js';
export { compileCondition, compileKeyCondition, compileProjection, compileUpdate } from './compile.js';
export type { KeySchemaNames } from './compile.js';
export { printCondition, printProjection, printUpdate } from './printer.js';
export type { PrintedExpression } from './printer.js';
export { isReservedWord } from './reserved-words.js';
export { parseCache } from './parse-cache.js';

export {
  evaluateCondition,
  resolveOperand,
  sizeOf,
  compareScalars,
  contains,
  applyUpdate,
  MISSING_ATTRIBUTE_MESSAGE,
  OPERAND_TYPE_MESSAGE,
  LEGACY_TYPE_MISMATCH_MESSAGE,
  project,
  getPath,
  setPath,
  removePath,
  DocumentEditor,
  INVALID_UPDATE_PATH_MESSAGE,
  translateExpected,
  translateFilter,
  translateKeyConditions,
  translateAttributesToGet,
  translateAttributeUpdates,
  checkLegacyMix,
} from './evaluation-index.js';
export type {
  ApplyUpdateOptions,
  UpdateResult,
  ComparisonOperator,
  ConditionalOperator,
  ExpectedAttributeValue,
  LegacyCondition,
  AttributeValueUpdate,
  LegacyOperation,
} from './evaluation-index.js';
