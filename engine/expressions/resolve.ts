/**
 * Resolution: one request's placeholders substituted into a cached unresolved tree (syntax.ts),
 * producing the resolved tree of ast.ts, with the checks that depend on placeholder values.
 *
 * Error order follows DynamoDB (semantics.ts lists the categories):
 *  - conditions: leaves (comparisons, BETWEEN, IN, functions) are visited in source order; the first
 *    leaf with any error reports it, choosing by category: undefined placeholder, operand count,
 *    distinct operands, then function and type errors. (dynalite captures the first erroneous
 *    condition's errors; later leaves are never looked at.)
 *  - updates and projections: the first error of each category over the whole expression, ranked.
 *
 * Concurrency: a resolver per call; the context is the request's own.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { assert } from '../util/assert.js';
import type {
  Condition,
  DocumentPath,
  Literal,
  Operand,
  PathElement,
  Projection,
  UpdateActions,
  UpdateOperand,
  UpdateValue,
} from './ast.js';
import type { ExpressionContext } from './placeholders.js';
import {
  CONDITION_FUNCTIONS,
  UPDATE_FUNCTIONS,
  compareScalars,
  findPathClash,
  invalid,
  literalText,
  literalType,
  pathText,
  samePath,
} from './semantics.js';
import type {
  ExpressionKind,
  SyntaxCall,
  SyntaxCondition,
  SyntaxOperand,
  SyntaxPath,
  SyntaxProjection,
  SyntaxSetValue,
  SyntaxUpdate,
  SyntaxValue,
} from './syntax.js';

const ATTRIBUTE_TYPE_NAMES: ReadonlySet<string> = new Set(['S', 'N', 'B', 'NULL', 'SS', 'BOOL', 'L', 'BS', 'NS', 'M']);
const PLACEHOLDER_PATH: DocumentPath = { type: 'path', elements: [{ type: 'name', name: '' }] };
const PLACEHOLDER_LITERAL: Literal = { type: 'literal', value: { NULL: true } };

function operandCountMessage(name: string, count: number): string {
  return `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${count}`;
}

function operandTypeMessage(name: string, type: string): string {
  return `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`;
}

function requiresPathMessage(name: string): string {
  return `Operator or function requires a document path; operator or function: ${name}`;
}

function distinctMessage(operator: string, first: DocumentPath): string {
  return `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${pathText(first)}`;
}

/** Errors collected while resolving; categories ranked by index (lower reports first). */
class Collector {
  private readonly messages: (string | undefined)[] = [];
  note(category: number, message: string): void {
    if (this.messages[category] === undefined) this.messages[category] = message;
  }
  first(): string | undefined {
    for (const message of this.messages) if (message !== undefined) return message;
    return undefined;
  }
  clear(): void {
    this.messages.length = 0;
  }
}

/** Shared placeholder substitution. `placeholderCategory`/`valueCategory` say where misses go. */
class Substituter {
  constructor(
    protected readonly context: ExpressionContext,
    protected readonly errors: Collector,
    private readonly nameCategory: number,
    private readonly valueCategory: number,
  ) {}

  path(path: SyntaxPath): DocumentPath {
    const elements: PathElement[] = [];
    for (const element of path.elements) {
      if (element.kind === 'name') elements.push({ type: 'name', name: element.name });
      else if (element.kind === 'index') elements.push({ type: 'index', index: element.index });
      else {
        const name = this.context.resolveName(element.token);
        if (name === undefined) {
          this.errors.note(this.nameCategory, `An expression attribute name used in the document path is not defined; attribute name: ${element.token}`);
        }
        elements.push({ type: 'name', name: name ?? '' });
      }
    }
    return { type: 'path', elements };
  }

  literal(value: SyntaxValue): Literal | undefined {
    const resolved = this.context.resolveValue(value.token);
    if (resolved === undefined) {
      this.errors.note(this.valueCategory, `An expression attribute value used in expression is not defined; attribute value: ${value.token}`);
      return undefined;
    }
    return { type: 'literal', value: resolved };
  }
}

// ---- Conditions -----------------------------------------------------------------------------------

const enum Leaf {
  Placeholder,
  OperandCount,
  Distinct,
  Function,
}

/** Resolves a condition-grammar tree; throws the first error DynamoDB would report. */
export function resolveCondition(tree: SyntaxCondition, kind: ExpressionKind, context: ExpressionContext): Condition {
  return new ConditionResolver(kind, context).condition(tree);
}

class ConditionResolver extends Substituter {
  constructor(
    private readonly kind: ExpressionKind,
    context: ExpressionContext,
  ) {
    super(context, new Collector(), Leaf.Placeholder, Leaf.Placeholder);
  }

  condition(c: SyntaxCondition): Condition {
    switch (c.kind) {
      case 'and':
      case 'or':
        return { type: c.kind, left: this.condition(c.left), right: this.condition(c.right) };
      case 'not':
        return { type: 'not', condition: this.condition(c.condition) };
      default: {
        this.errors.clear();
        const leaf = this.leaf(c);
        const message = this.errors.first();
        if (message !== undefined) throw invalid(this.kind, message);
        return leaf;
      }
    }
  }

  private leaf(c: Exclude<SyntaxCondition, { kind: 'and' | 'or' | 'not' }>): Condition {
    switch (c.kind) {
      case 'compare': {
        const left = this.operand(c.left);
        const right = this.operand(c.right);
        this.checkDistinct(c.op, left, [right]);
        if (c.op !== '=' && c.op !== '<>') this.checkOrderable(c.op, [left, right]);
        return { type: 'compare', op: c.op, left, right };
      }
      case 'between': {
        const operand = this.operand(c.operand);
        const lower = this.operand(c.lower);
        const upper = this.operand(c.upper);
        this.checkDistinct('BETWEEN', operand, [lower, upper]);
        this.checkOrderable('BETWEEN', [operand, lower, upper]);
        if (lower.type === 'literal' && upper.type === 'literal') this.checkBounds(lower.value, upper.value);
        return { type: 'between', operand, lower, upper };
      }
      case 'in': {
        const operand = this.operand(c.operand);
        const list = c.list.map((x) => this.operand(x));
        this.checkDistinct('IN', operand, list);
        return { type: 'in', operand, list };
      }
      case 'function':
        return this.functionCondition(c.call);
    }
  }

  /** An operand: a path, a value, or size(path) (static checks allow no other call here). */
  private operand(o: SyntaxOperand): Operand {
    if (o.kind === 'path') return this.path(o);
    if (o.kind === 'value') return this.literal(o) ?? PLACEHOLDER_LITERAL;
    assert(o.name === 'size', 'only size() is an operand');
    const args = o.args.map((x) => this.operand(x));
    if (args.length !== 1) {
      this.errors.note(Leaf.OperandCount, operandCountMessage('size', args.length));
      return { type: 'size', path: PLACEHOLDER_PATH };
    }
    const arg = args[0]!;
    if (arg.type === 'path') return { type: 'size', path: arg };
    const type = operandType(arg);
    if (type === 'N' || type === 'BOOL' || type === 'NULL') this.errors.note(Leaf.Function, operandTypeMessage('size', type));
    else this.errors.note(Leaf.Function, requiresPathMessage('size'));
    return { type: 'size', path: PLACEHOLDER_PATH };
  }

  private functionCondition(call: SyntaxCall): Condition {
    const args = call.args.map((x) => this.operand(x));
    const arity = CONDITION_FUNCTIONS.get(call.name);
    assert(arity !== undefined && call.name !== 'size', 'static checks admit only condition functions here');
    const dummy: Condition = { type: 'attributeExists', path: PLACEHOLDER_PATH };
    if (args.length !== arity) {
      this.errors.note(Leaf.OperandCount, operandCountMessage(call.name, args.length));
      return dummy;
    }
    const first = args[0]!;
    const second = args[1];
    if (second !== undefined) this.checkDistinct(call.name, first, [second]);
    const path = first.type === 'path' ? first : undefined;
    switch (call.name) {
      case 'attribute_exists':
      case 'attribute_not_exists':
        if (path === undefined) {
          this.errors.note(Leaf.Function, requiresPathMessage(call.name));
          return dummy;
        }
        return { type: call.name === 'attribute_exists' ? 'attributeExists' : 'attributeNotExists', path };
      case 'begins_with': {
        for (const arg of args) {
          const type = operandType(arg);
          if (type !== undefined && type !== 'S' && type !== 'B') this.errors.note(Leaf.Function, operandTypeMessage('begins_with', type));
        }
        if (path === undefined) {
          this.errors.note(
            Leaf.Function,
            this.kind === 'KeyConditionExpression'
              ? 'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand'
              : requiresPathMessage('begins_with'),
          );
          return dummy;
        }
        return { type: 'beginsWith', path, prefix: second! };
      }
      case 'attribute_type': {
        const type = operandType(second!);
        if (type !== 'S') {
          this.errors.note(Leaf.Function, operandTypeMessage('attribute_type', type ?? '{NS,SS,L,BS,N,M,B,BOOL,NULL,S}'));
        } else {
          const name = ((second as Literal).value as { S: string }).S;
          if (!ATTRIBUTE_TYPE_NAMES.has(name)) {
            this.errors.note(Leaf.Function, `Invalid attribute type name found; type: ${name}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`);
          }
        }
        if (path === undefined) {
          this.errors.note(Leaf.Function, requiresPathMessage('attribute_type'));
          return dummy;
        }
        return { type: 'attributeType', path, attributeType: second! };
      }
      case 'contains':
        if (path === undefined) {
          this.errors.note(Leaf.Function, requiresPathMessage('contains'));
          return dummy;
        }
        return { type: 'contains', path, operand: second! };
      default:
        throw new Error(`unhandled condition function ${call.name}`);
    }
  }

  private checkDistinct(operator: string, first: Operand, rest: readonly Operand[]): void {
    if (first.type !== 'path') return;
    for (const other of rest) {
      if (other.type === 'path' && samePath(first, other)) {
        this.errors.note(Leaf.Distinct, distinctMessage(operator, first));
        return;
      }
    }
  }

  /** Ordering comparisons and BETWEEN accept only S, N and B literals. */
  private checkOrderable(operator: string, operands: readonly Operand[]): void {
    for (const operand of operands) {
      if (operand.type !== 'literal') continue;
      const type = literalType(operand.value);
      if (type !== 'S' && type !== 'N' && type !== 'B') this.errors.note(Leaf.Function, operandTypeMessage(operator, type));
    }
  }

  private checkBounds(lower: AttributeValue, upper: AttributeValue): void {
    const lowerType = literalType(lower);
    const upperType = literalType(upper);
    const operands = `lower bound operand: AttributeValue: ${literalText(lower)}, upper bound operand: AttributeValue: ${literalText(upper)}`;
    if (lowerType !== upperType) {
      this.errors.note(Leaf.Function, `The BETWEEN operator requires same data type for lower and upper bounds; ${operands}`);
    } else if ((lowerType === 'S' || lowerType === 'N' || lowerType === 'B') && compareScalars(lower, upper) > 0) {
      this.errors.note(Leaf.Function, `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${operands}`);
    }
  }
}

/** The type an operand is known to have before evaluation: a literal's, or N for size(). */
function operandType(operand: Operand | UpdateOperand): string | undefined {
  if (operand.type === 'literal') return literalType(operand.value);
  if (operand.type === 'size') return 'N';
  return undefined;
}

// ---- Updates --------------------------------------------------------------------------------------

const enum UpdateError {
  Name,
  Value,
  Clash,
  Operand,
  Function,
}

const UPDATE_TYPE_NAMES: Readonly<Record<string, string>> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  NULL: 'NULL',
  BOOL: 'BOOLEAN',
  L: 'LIST',
  M: 'MAP',
};

/**
 * Resolves an update; throws the first error DynamoDB would report, then rejects any action on a
 * key attribute (`keyAttributeNames` in key-schema order).
 */
export function resolveUpdate(update: SyntaxUpdate, context: ExpressionContext, keyAttributeNames: readonly string[]): UpdateActions {
  const errors = new Collector();
  const s = new Substituter(context, errors, UpdateError.Name, UpdateError.Value);
  const result = { set: [] as UpdateActions['set'][number][], remove: [] as DocumentPath[], add: [] as UpdateActions['add'][number][], delete: [] as UpdateActions['delete'][number][] };
  const paths: DocumentPath[] = [];

  const operand = (o: SyntaxOperand): UpdateOperand => {
    if (o.kind === 'path') return s.path(o);
    if (o.kind === 'value') return s.literal(o) ?? PLACEHOLDER_LITERAL;
    const args = o.args.map(operand);
    assert(UPDATE_FUNCTIONS.has(o.name), 'static checks admit only update functions');
    if (args.length !== 2) {
      errors.note(UpdateError.Function, operandCountMessage(o.name, args.length));
      return PLACEHOLDER_LITERAL;
    }
    const [first, second] = args as [UpdateOperand, UpdateOperand];
    if (o.name === 'if_not_exists') {
      if (first.type !== 'path') {
        errors.note(UpdateError.Function, requiresPathMessage('if_not_exists'));
        return PLACEHOLDER_LITERAL;
      }
      return { type: 'ifNotExists', path: first, fallback: second };
    }
    checkLiteralTypes('list_append', 'L', args);
    return { type: 'listAppend', first, second };
  };

  const checkLiteralTypes = (name: string, expected: string, operands: readonly UpdateOperand[]): void => {
    for (const x of operands) {
      const type = x.type === 'literal' ? literalType(x.value) : undefined;
      if (type !== undefined && type !== expected) errors.note(UpdateError.Function, operandTypeMessage(name, type));
    }
  };

  const setValue = (v: SyntaxSetValue): UpdateValue => {
    if (v.kind !== 'arithmetic') return operand(v);
    const left = operand(v.left);
    const right = operand(v.right);
    checkLiteralTypes(v.op, 'N', [left, right]);
    return { type: 'arithmetic', op: v.op, left, right };
  };

  for (const action of update.actions) {
    const path = s.path(action.path);
    paths.push(path);
    switch (action.clause) {
      case 'SET':
        result.set.push({ path, value: setValue(action.value) });
        break;
      case 'REMOVE':
        result.remove.push(path);
        break;
      case 'ADD':
      case 'DELETE': {
        const value = s.literal(action.value) ?? PLACEHOLDER_LITERAL;
        const typeName = UPDATE_TYPE_NAMES[literalType(value.value)];
        if (typeName !== undefined && !(action.clause === 'ADD' && typeName === 'NUMBER')) {
          errors.note(UpdateError.Operand, `Incorrect operand type for operator or function; operator: ${action.clause}, operand type: ${typeName}`);
        }
        (action.clause === 'ADD' ? result.add : result.delete).push({ path, value });
        break;
      }
    }
  }
  const clash = findPathClash(paths);
  if (clash !== undefined) errors.note(UpdateError.Clash, clash);
  const message = errors.first();
  if (message !== undefined) throw invalid('UpdateExpression', message);

  for (const key of keyAttributeNames) {
    if (paths.some((p) => headName(p) === key)) {
      throw new ValidationException(`One or more parameter values were invalid: Cannot update attribute ${key}. This attribute is part of the key`);
    }
  }
  return result;
}

function headName(path: DocumentPath): string | undefined {
  const head = path.elements[0];
  return head?.type === 'name' ? head.name : undefined;
}

// ---- Projections ----------------------------------------------------------------------------------

/** Resolves a projection: undefined names first, then overlapping or conflicting paths. */
export function resolveProjection(projection: SyntaxProjection, context: ExpressionContext): Projection {
  const errors = new Collector();
  const s = new Substituter(context, errors, 0, 0);
  const paths = projection.map((p) => s.path(p));
  const clash = findPathClash(paths);
  if (clash !== undefined) errors.note(1, clash);
  const message = errors.first();
  if (message !== undefined) throw invalid('ProjectionExpression', message);
  return paths;
}
