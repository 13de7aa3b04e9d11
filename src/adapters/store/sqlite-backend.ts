/**
 * SQLite backend: Keyv over @keyv/sqlite, and the atomic primitives as single SQL statements on the
 * database handle @keyv/sqlite already holds (its `query`, which runs one statement with
 * sqlite3's `all`). One statement is atomic in SQLite, and `RETURNING key` tells us whether it
 * changed a row, since `query` does not report the change count.
 *
 * Everything lives in @keyv/sqlite's one table (key TEXT PRIMARY KEY, value TEXT): records as Keyv
 * writes them, index members as rows `<indexKey>:<member>` holding their version, and leases as rows
 * holding {"owner","expiresAt"} with expiry measured by our clock seam (`now`).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv } from 'keyv';
import type { Backend } from './backend.ts';

export interface SqliteBackendOptions {
  /** Absolute path; its directory is created when missing. */
  file: string;
  /** How long SQLite waits for a lock held by another connection, in ms. */
  busyTimeoutMs: number;
  now?: () => number;
}

export async function openSqliteBackend(options: SqliteBackendOptions): Promise<Backend> {
  const now = options.now ?? Date.now;
  await mkdir(dirname(options.file), { recursive: true });
  const adapter = new KeyvSqlite({ uri: `sqlite://${options.file}`, busyTimeout: options.busyTimeoutMs });
  const keyv = new Keyv({ store: adapter, namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  // The adapter's table name, sanitized by @keyv/sqlite itself, so it is safe to interpolate.
  const table = adapter.opts.table ?? 'keyv';
  const changed = async (sql: string, ...parameters: unknown[]): Promise<boolean> => {
    const rows: unknown[] = await adapter.query(sql, ...parameters);
    return rows.length > 0;
  };
  // Opening failures (unwritable directory, not a database) surface here, not at the first request.
  await adapter.query('SELECT 1');

  const leaseValue = (owner: string, ttlMs: number) => JSON.stringify({ owner, expiresAt: now() + ttlMs });
  // Index members sort between "<indexKey>:" and "<indexKey>;" (';' follows ':'), which uses the
  // primary key instead of a LIKE pattern that would need escaping.
  const memberKey = (indexKey: string, member: string) => `${indexKey}:${member}`;

  return {
    keyv,
    atomic: {
      insertIfAbsent: (key, raw) =>
        changed(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING RETURNING key`, key, raw),
      compareAndSet: (key, expectedRaw, nextRaw) =>
        changed(`UPDATE ${table} SET value = ? WHERE key = ? AND value = ? RETURNING key`, nextRaw, key, expectedRaw),
      async addToIndex(indexKey, member, version) {
        await adapter.query(
          `INSERT INTO ${table} (key, value) VALUES (?, ?)
           ON CONFLICT(key) DO UPDATE SET value = max(CAST(${table}.value AS INTEGER), CAST(excluded.value AS INTEGER))`,
          memberKey(indexKey, member),
          String(version),
        );
      },
      async removeFromIndex(indexKey, member, upToVersion) {
        await adapter.query(`DELETE FROM ${table} WHERE key = ? AND CAST(value AS INTEGER) <= ?`, memberKey(indexKey, member), upToVersion);
      },
      async indexMembers(indexKey) {
        const rows: Array<{ key: string }> = await adapter.query(`SELECT key FROM ${table} WHERE key > ? AND key < ?`, `${indexKey}:`, `${indexKey};`);
        return rows.map((row) => row.key.slice(indexKey.length + 1));
      },
      acquireLease: (key, owner, ttlMs) =>
        changed(
          `INSERT INTO ${table} (key, value) VALUES (?, ?)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value
             WHERE json_extract(${table}.value, '$.owner') = ? OR json_extract(${table}.value, '$.expiresAt') <= ?
           RETURNING key`,
          key,
          leaseValue(owner, ttlMs),
          owner,
          now(),
        ),
      renewLease: (key, owner, ttlMs) =>
        changed(
          `UPDATE ${table} SET value = ?
           WHERE key = ? AND json_extract(value, '$.owner') = ? AND json_extract(value, '$.expiresAt') > ?
           RETURNING key`,
          leaseValue(owner, ttlMs),
          key,
          owner,
          now(),
        ),
      async releaseLease(key, owner) {
        await adapter.query(`DELETE FROM ${table} WHERE key = ? AND json_extract(value, '$.owner') = ?`, key, owner);
      },
    },
    async ping() {
      await adapter.query('SELECT 1');
    },
    async close() {
      await keyv.disconnect();
    },
  };
}
