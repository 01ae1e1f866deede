/**
 * The public names of the expression back half: evaluating conditions and filters, applying
 * updates, projecting, document paths, and the legacy parameters' translation. The expression
 * package's index.ts re-exports these by name.
 */
export { evaluateCondition, resolveOperand, sizeOf, compareScalars, contains } from './evaluate.js';
export {
  applyUpdate,
  MISSING_ATTRIBUTE_MESSAGE,
  OPERAND_TYPE_MESSAGE,
  LEGACY_TYPE_MISMATCH_MESSAGE,
} from './update.js';
export type { ApplyUpdateOptions, UpdateResult } from './update.js';
export { project } from './project.js';
export { getPath, setPath, removePath, DocumentEditor, INVALID_UPDATE_PATH_MESSAGE } from './document.js';
export {
  translateExpected,
  translateFilter,
  translateKeyConditions,
  translateAttributesToGet,
  translateAttributeUpdates,
  checkLegacyMix,
} from './legacy.js';
export type {
  ComparisonOperator,
  ConditionalOperator,
  ExpectedAttributeValue,
  LegacyCondition,
  AttributeValueUpdate,
  KeySchemaNames,
  LegacyOperation,
} from './legacy.js';
