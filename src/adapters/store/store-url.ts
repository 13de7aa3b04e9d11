/**
 * Where the store lives, read from STORE_URL. Parsing is separate from opening so that a bad URL is
 * reported with the accepted forms before any connection is attempted.
 */
import { isAbsolute, resolve } from 'node:path';

export type StoreLocation =
  | { kind: 'memory' }
  /** `file` is always absolute. */
  | { kind: 'sqlite'; file: string }
  /** The URL as given: node-redis reads host, port, password, database and TLS (rediss) from it. */
  | { kind: 'redis'; url: string };

/** The embedded default, relative to the working directory. */
const DEFAULT_SQLITE_FILE = 'data/dollr-slack.sqlite';

const ACCEPTED =
  'Use redis://[:password@]host:port[/db] (or rediss:// for TLS), sqlite://relative/path.sqlite, ' +
  `sqlite:///absolute/path.sqlite, memory:// (tests), or leave it unset for ./${DEFAULT_SQLITE_FILE}.`;

/** Parses a store URL; throws an Error listing the accepted forms when it is none of them. */
export function parseStoreUrl(url: string | undefined, cwd: string = process.cwd()): StoreLocation {
  const text = url?.trim() ?? '';
  if (text === '') return { kind: 'sqlite', file: resolve(cwd, DEFAULT_SQLITE_FILE) };
  if (text === 'memory://' || text === 'memory:') return { kind: 'memory' };
  if (text.startsWith('sqlite://')) {
    // sqlite://a/b is relative to cwd, sqlite:///a/b absolute: everything after the scheme is a path.
    const path = text.slice('sqlite://'.length);
    if (path === '' || path === '/') throw badUrl(text, 'the SQLite file name is missing');
    return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  if (/^rediss?:\/\//.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw badUrl(text, 'it is not a valid URL');
    }
    if (parsed.hostname === '') throw badUrl(text, 'the Redis host is missing');
    if (!/^\/?\d*$/.test(parsed.pathname)) throw badUrl(text, 'the Redis database must be a number, as in /0');
    return { kind: 'redis', url: text };
  }
  throw badUrl(text);
}

function badUrl(url: string, problem?: string): Error {
  return new Error(
    `STORE_URL "${withoutPassword(url)}" is not supported${problem ? ` (${problem})` : ''}. ${ACCEPTED}`,
  );
}

/** Error messages end up in logs: never repeat a password that was part of the URL. */
function withoutPassword(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}
