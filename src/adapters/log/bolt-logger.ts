/** Bolt and @slack/web-api log through ours, so their lines are JSON and redacted too. */
import type { Logger as SlackLogger, LogLevel } from '@slack/bolt';
import type { JsonLogger } from './json-logger.ts';

export function toSlackLogger(logger: JsonLogger, name = 'slack'): SlackLogger {
  const child = logger.child({ component: name });
  const join = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
  return {
    debug: (...msg: unknown[]) => child.debug(join(msg)),
    info: (...msg: unknown[]) => child.info(join(msg)),
    warn: (...msg: unknown[]) => child.warn(join(msg)),
    error: (...msg: unknown[]) => child.error(join(msg)),
    // The level is ours (LOG_LEVEL); Bolt may not change it.
    setLevel: () => {},
    getLevel: () => logger.level as LogLevel,
    setName: () => {},
  };
}
