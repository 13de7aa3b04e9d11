/**
 * Structured logs: one JSON object per line, with a level. Every configured secret is replaced by
 * [REDACTED] wherever it appears, in the message or in any field, so no code path can leak one.
 */
import type { Logger } from '../../core/ports.ts';
import { LOG_LEVELS, type LogLevel } from '../../config.ts';

export interface JsonLoggerOptions {
  level: LogLevel;
  /** Values that must never be written. */
  secrets: string[];
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
  now?: () => Date;
  /** Fixed fields on every line, e.g. { component: 'dollr' }. */
  bindings?: Record<string, unknown>;
}

export type JsonLogger = Logger & { child(bindings: Record<string, unknown>): JsonLogger; level: LogLevel };

export function createJsonLogger(options: JsonLoggerOptions): JsonLogger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const threshold = LOG_LEVELS.indexOf(options.level);
  const redact = redactor(options.secrets);

  const log =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const entry = { time: now().toISOString(), level, msg: message, ...options.bindings, ...fields };
      write(redact(JSON.stringify(entry, errorReplacer)));
    };

  return {
    level: options.level,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (bindings) => createJsonLogger({ ...options, bindings: { ...options.bindings, ...bindings } }),
  };
}

/** Errors serialise to {} by default; keep what helps (name, code, message), never the cause's body. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}

/** Replaces each secret, and its JSON-escaped form, in a serialised line. */
function redactor(secrets: string[]): (line: string) => string {
  const needles = [...new Set(secrets.filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))]
    // Longest first, so that a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (line) => needles.reduce((text, needle) => text.split(needle).join('[REDACTED]'), line);
}
