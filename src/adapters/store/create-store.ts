/**
 * Opens the store named by STORE_URL (see store-url.ts for the forms) and gives back the
 * RequestStore and Leases the app uses, whatever the backend.
 */
import type { Logger, RequestStore } from '../../core/ports.ts';
import type { Backend } from './backend.ts';
import { createKeyvStore } from './keyv-store.ts';
import type { Leases } from '../../core/ports.ts';
import { openMemoryBackend } from './memory-backend.ts';
import { openRedisBackend } from './redis-backend.ts';
import { openSqliteBackend } from './sqlite-backend.ts';
import { parseStoreUrl } from './store-url.ts';
import { withinDeadline } from './within-deadline.ts';

export type Store = RequestStore & Leases;

export interface StoreOptions {
  /** Prefix of every key; default `dollr`. Tests sharing one Redis use a random one each. */
  namespace?: string;
  logger?: Logger;
  /** Longest any operation may take before it rejects with store_unavailable; default 2000 ms. */
  timeoutMs?: number;
  /** Clock for lease expiry on SQLite and memory, in ms since the epoch (Redis expires by itself). */
  now?: () => number;
  /** Base of relative SQLite paths; default the working directory. */
  cwd?: string;
  /**
   * 'app' (default): the process that works on the store. On the embedded SQLite store it holds the
   * file for itself and takes over every lease in it at once: their holders are dead, since no
   * other process could have opened it. 'reader': reads beside the app (the audit export).
   */
  role?: 'app' | 'reader';
}

const DEFAULT_STORE_TIMEOUT_MS = 2000;

/**
 * Opens the store. Throws for an unsupported URL, and StoreError('store_unavailable') when a SQLite
 * file cannot be opened. An unreachable Redis is not fatal here: operations reject until it answers.
 */
export async function createStore(url: string | undefined, options: StoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url, options.cwd);
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const namespace = options.namespace ?? 'dollr';
  let backend: Backend;
  switch (location.kind) {
    case 'memory':
      backend = openMemoryBackend({ now: options.now });
      break;
    case 'sqlite': {
      const { file } = location;
      const role = options.role ?? 'app';
      backend = await withinDeadline(timeoutMs, `open ${file}`, async () =>
        openSqliteBackend({ file, busyTimeoutMs: timeoutMs, now: options.now, role }),
      );
      if (role === 'app') await backend.atomic.clearLeases(`${namespace}:lease:`);
      break;
    }
    case 'redis':
      backend = await openRedisBackend({ url: location.url, timeoutMs, logger: options.logger });
      break;
  }
  options.logger?.info('store opened', {
    kind: location.kind,
    ...(location.kind === 'sqlite' ? { file: location.file } : {}),
  });
  return createKeyvStore(backend, { namespace, timeoutMs });
}
