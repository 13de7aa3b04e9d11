/**
 * A Slack SDK logger that says nothing: WebClient logs Slack's refusals at error level, and tests read them instead.
 */
import { LogLevel, type Logger } from '@slack/bolt';

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};
