/**
 * The server's log: leveled (error < warn < info < debug), one line per event. JSON objects, one
 * per line (`{"time":…,"level":…,"msg":…, …fields}`), when the output is not a terminal, so log
 * collectors parse them; short human lines on a terminal. Writes are synchronous appends to the
 * given stream; nothing here throws for an unserialisable field (it is shown as a string).
 */
import type { Clock } from '../util/clock.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
}

export interface LogSink {
  write(line: string): unknown;
  isTTY?: boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  sink: LogSink;
  clock: Clock;
  /** JSON lines; defaults to true unless the sink is a terminal. */
  json?: boolean;
}

export function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}

/** A logger that drops everything (embedding without logs). */
export const SILENT_LOGGER: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  enabled: () => false,
};

export function createLogger(options: LoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const json = options.json ?? options.sink.isTTY !== true;
  const enabled = (level: LogLevel): boolean => LOG_LEVELS.indexOf(level) <= threshold;
  const emit = (level: LogLevel, msg: string, fields: LogFields | undefined): void => {
    if (!enabled(level)) return;
    const time = new Date(options.clock.now()).toISOString();
    options.sink.write(json ? jsonLine(time, level, msg, fields) : humanLine(time, level, msg, fields));
  };
  return {
    error: (msg, fields) => emit('error', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    debug: (msg, fields) => emit('debug', msg, fields),
    enabled,
  };
}

function fieldValue(value: unknown): unknown {
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function jsonLine(time: string, level: LogLevel, msg: string, fields: LogFields | undefined): string {
  const record: Record<string, unknown> = { time, level, msg };
  if (fields !== undefined) {
    for (const [name, value] of Object.entries(fields)) {
      if (name !== 'time' && name !== 'level' && name !== 'msg') record[name] = fieldValue(value);
    }
  }
  try {
    return `${JSON.stringify(record)}\n`;
  } catch {
    // A cyclic field: log the message alone rather than lose the event.
    return `${JSON.stringify({ time, level, msg, fields: '<unserialisable>' })}\n`;
  }
}

function humanLine(time: string, level: LogLevel, msg: string, fields: LogFields | undefined): string {
  let line = `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}`;
  if (fields !== undefined) {
    for (const [name, value] of Object.entries(fields)) {
      const shown = fieldValue(value);
      line += ` ${name}=${typeof shown === 'string' ? (shown.includes(' ') || shown.includes('\n') ? JSON.stringify(shown) : shown) : safeJson(shown)}`;
    }
  }
  return `${line}\n`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
