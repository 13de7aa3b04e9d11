/**
 * Structured logs: one JSON object per line, with a level. Every line passes the redactor (by field,
 * by value and by shape: see redactor.ts), in the message and in every field, so no code path can
 * leak a secret.
 */
import type { Logger } from '../../core/ports.ts';
import { LOG_LEVELS, type LogLevel } from '../../config.ts';
import { createRedactor, type Redactor } from './redactor.ts';

export interface JsonLoggerOptions {
  level: LogLevel;
  /** Values that must never be written (a redactor is made of them), or the redactor itself. */
  secrets: string[] | Redactor;
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
  now?: () => Date;
  /** Fixed fields on every line, e.g. { component: 'dollr' }. */
  bindings?: Record<string, unknown>;
}

export type JsonLogger = Logger & {
  child(bindings: Record<string, unknown>): JsonLogger;
  level: LogLevel;
  /** What every line passes; secrets learnt while running are added to it. */
  redactor: Redactor;
};

export function createJsonLogger(options: JsonLoggerOptions): JsonLogger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const threshold = LOG_LEVELS.indexOf(options.level);
  const redactor = Array.isArray(options.secrets) ? createRedactor(options.secrets) : options.secrets;
  const replacer = (key: string, value: unknown) => redactor.replacer(key, serialisedError(value));

  const log =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const entry = { time: now().toISOString(), level, msg: message, ...options.bindings, ...fields };
      write(redactor.text(JSON.stringify(entry, replacer)));
    };

  return {
    level: options.level,
    redactor,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (bindings) =>
      createJsonLogger({ ...options, secrets: redactor, bindings: { ...options.bindings, ...bindings } }),
  };
}

/** Errors serialise to {} by default; keep what helps (name, code, message), never the cause's body. */
function serialisedError(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}
