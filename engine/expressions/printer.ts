/**
 * Prints resolved trees (ast.ts) back to expression text with the placeholder maps it needs, such
 * that compiling the text with those maps yields an equal tree (tests check this round trip).
 *
 *  - A name is written plainly when the grammar allows it (`[A-Za-z][A-Za-z0-9_]*`, not a reserved
 *    word); otherwise through `#n0`, `#n1`, … (one placeholder per distinct name).
 *  - Every literal becomes its own `:v0`, `:v1`, ….
 *  - Parentheses appear only where precedence needs them (never redundant ones): AND binds tighter
 *    than OR, NOT tighter than AND, and both binary operators parse left-associatively.
 *
 * Concurrency: pure functions.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { assert } from '../util/assert.js';
import type { Condition, DocumentPath, Operand, Projection, UpdateActions, UpdateOperand, UpdateValue } from './ast.js';
import { isReservedWord } from './reserved-words.js';

export interface PrintedExpression {
  readonly text: string;
  /** ExpressionAttributeNames to send with the text; undefined when none is needed. */
  readonly names: Record<string, string> | undefined;
  /** ExpressionAttributeValues to send with the text; undefined when none is needed. */
  readonly values: Record<string, AttributeValue> | undefined;
}

const PLAIN_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Precedence levels, loosest first. */
const enum Level {
  Or,
  And,
  Not,
}

class Printer {
  private readonly nameTokens = new Map<string, string>();
  private readonly values: Record<string, AttributeValue> = {};
  private valueCount = 0;

  done(text: string): PrintedExpression {
    const names: Record<string, string> = {};
    for (const [name, token] of this.nameTokens) names[token] = name;
    return {
      text,
      names: this.nameTokens.size > 0 ? names : undefined,
      values: this.valueCount > 0 ? this.values : undefined,
    };
  }

  name(name: string): string {
    if (PLAIN_NAME.test(name) && !isReservedWord(name)) return name;
    let token = this.nameTokens.get(name);
    if (token === undefined) {
      token = `#n${this.nameTokens.size}`;
      this.nameTokens.set(name, token);
    }
    return token;
  }

  value(value: AttributeValue): string {
    const token = `:v${this.valueCount++}`;
    this.values[token] = value;
    return token;
  }

  path(path: DocumentPath): string {
    assert(path.elements[0]?.type === 'name', 'a path starts with a name');
    let text = '';
    for (const element of path.elements) {
      if (element.type === 'index') text += `[${element.index}]`;
      else text += (text.length === 0 ? '' : '.') + this.name(element.name);
    }
    return text;
  }

  operand(operand: Operand): string {
    switch (operand.type) {
      case 'path':
        return this.path(operand);
      case 'literal':
        return this.value(operand.value);
      case 'size':
        return `size(${this.path(operand.path)})`;
    }
  }

  condition(c: Condition, level: Level): string {
    switch (c.type) {
      case 'or':
        return this.group(`${this.condition(c.left, Level.Or)} OR ${this.condition(c.right, Level.And)}`, Level.Or, level);
      case 'and':
        return this.group(`${this.condition(c.left, Level.And)} AND ${this.condition(c.right, Level.Not)}`, Level.And, level);
      case 'not':
        return `NOT ${this.condition(c.condition, Level.Not)}`;
      case 'compare':
        return `${this.operand(c.left)} ${c.op} ${this.operand(c.right)}`;
      case 'between':
        return `${this.operand(c.operand)} BETWEEN ${this.operand(c.lower)} AND ${this.operand(c.upper)}`;
      case 'in':
        return `${this.operand(c.operand)} IN (${c.list.map((x) => this.operand(x)).join(', ')})`;
      case 'attributeExists':
        return `attribute_exists(${this.path(c.path)})`;
      case 'attributeNotExists':
        return `attribute_not_exists(${this.path(c.path)})`;
      case 'attributeType':
        return `attribute_type(${this.path(c.path)}, ${this.operand(c.attributeType)})`;
      case 'beginsWith':
        return `begins_with(${this.path(c.path)}, ${this.operand(c.prefix)})`;
      case 'contains':
        return `contains(${this.path(c.path)}, ${this.operand(c.operand)})`;
    }
  }

  /** Parenthesizes `text` (an operator at `own` level) when its context binds tighter. */
  private group(text: string, own: Level, context: Level): string {
    return own < context ? `(${text})` : text;
  }

  updateOperand(operand: UpdateOperand): string {
    switch (operand.type) {
      case 'path':
        return this.path(operand);
      case 'literal':
        return this.value(operand.value);
      case 'ifNotExists':
        return `if_not_exists(${this.path(operand.path)}, ${this.updateOperand(operand.fallback)})`;
      case 'listAppend':
        return `list_append(${this.updateOperand(operand.first)}, ${this.updateOperand(operand.second)})`;
    }
  }

  updateValue(value: UpdateValue): string {
    if (value.type === 'arithmetic') return `${this.updateOperand(value.left)} ${value.op} ${this.updateOperand(value.right)}`;
    return this.updateOperand(value);
  }
}

/** Prints a condition (or filter, or key condition) with its placeholder maps. */
export function printCondition(c: Condition): PrintedExpression {
  const printer = new Printer();
  return printer.done(printer.condition(c, Level.Or));
}

/** Prints an update's actions as SET, REMOVE, ADD, DELETE clauses (empty ones omitted). */
export function printUpdate(u: UpdateActions): PrintedExpression {
  const printer = new Printer();
  const clauses: string[] = [];
  if (u.set.length > 0) clauses.push(`SET ${u.set.map((a) => `${printer.path(a.path)} = ${printer.updateValue(a.value)}`).join(', ')}`);
  if (u.remove.length > 0) clauses.push(`REMOVE ${u.remove.map((p) => printer.path(p)).join(', ')}`);
  if (u.add.length > 0) clauses.push(`ADD ${u.add.map((a) => `${printer.path(a.path)} ${printer.value(a.value.value)}`).join(', ')}`);
  if (u.delete.length > 0) clauses.push(`DELETE ${u.delete.map((a) => `${printer.path(a.path)} ${printer.value(a.value.value)}`).join(', ')}`);
  assert(clauses.length > 0, 'an update has at least one action');
  return printer.done(clauses.join(' '));
}

/** Prints a projection's paths. */
export function printProjection(p: Projection): PrintedExpression {
  assert(p.length > 0, 'a projection has at least one path');
  const printer = new Printer();
  return printer.done(p.map((path) => printer.path(path)).join(', '));
}
