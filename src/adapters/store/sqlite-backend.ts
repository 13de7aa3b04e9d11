/**
 * SQLite backend: Keyv over @keyv/sqlite, and the atomic primitives as single SQL statements on the
 * database handle @keyv/sqlite already holds (its `query`, which runs one statement with
 * sqlite3's `all`). One statement is atomic in SQLite, and `RETURNING key` tells us whether it
 * changed a row, since `query` does not report the change count.
 *
 * Most of it lives in @keyv/sqlite's table (key TEXT PRIMARY KEY, value TEXT): records and settings
 * as Keyv writes them, work-left index members as rows `<indexKey>:<member>` holding their version,
 * and leases as rows holding {"owner","expiresAt"} with expiry measured by our clock seam (`now`).
 * Two small tables of our own sit next to it, created when the store opens: `<table>_sorted`
 * (sorted indexes, read in score order through an index) and `<table>_counters` (fixed-window
 * counters with an expiry column, also on the clock seam).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv } from 'keyv';
import type { Backend, ScoreRange } from './backend.ts';

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
  // Write-ahead log: a commit is one append and one fsync (synchronous FULL keeps every commit on
  // disk before it returns, so a reference stored before a Dollr call survives a power cut), and
  // readers do not wait for writers. The default rollback journal fsyncs several files per commit,
  // which held a burst of a few hundred approvals to a couple of requests a second.
  await adapter.query('PRAGMA journal_mode = WAL');
  await adapter.query('PRAGMA synchronous = FULL');
  const sorted = `${table}_sorted`;
  const counters = `${table}_counters`;
  await adapter.query(
    `CREATE TABLE IF NOT EXISTS ${sorted} (index_key TEXT NOT NULL, member TEXT NOT NULL, score INTEGER NOT NULL,
     PRIMARY KEY (index_key, member)) WITHOUT ROWID`,
  );
  await adapter.query(`CREATE INDEX IF NOT EXISTS ${sorted}_by_score ON ${sorted} (index_key, score, member)`);
  await adapter.query(
    `CREATE TABLE IF NOT EXISTS ${counters} (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
  );
  // Counters whose window ran out are as good as absent; dropping them keeps the table small.
  await adapter.query(`DELETE FROM ${counters} WHERE expires_at <= ?`, now());

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
      async addToSortedIndex(indexKey, member, score) {
        await adapter.query(`INSERT INTO ${sorted} (index_key, member, score) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, indexKey, member, score);
      },
      async sortedIndexRange(indexKey, range) {
        const { where, parameters } = scoreBounds(range);
        const order = range.reverse ? 'DESC' : 'ASC';
        const rows: Array<{ member: string }> = await adapter.query(
          `SELECT member FROM ${sorted} WHERE index_key = ?${where} ORDER BY score ${order}, member ${order} LIMIT ? OFFSET ?`,
          indexKey,
          ...parameters,
          range.count ?? -1,
          range.offset ?? 0,
        );
        return rows.map((row) => row.member);
      },
      async existingKeys(keys) {
        const rows: Array<{ key: string }> = await adapter.query(
          `SELECT key FROM ${table} WHERE key IN (SELECT value FROM json_each(?))`,
          JSON.stringify(keys),
        );
        const present = new Set(rows.map((row) => row.key));
        return keys.map((key) => present.has(key));
      },
      async incrementCounter(key, windowMs) {
        // One statement, so atomic: a fresh or expired counter restarts at 1 with a new window.
        // SQLite evaluates every SET expression against the row as it was before the update.
        const at = now();
        const rows: Array<{ count: number }> = await adapter.query(
          `INSERT INTO ${counters} (key, count, expires_at) VALUES (?, 1, ?)
           ON CONFLICT(key) DO UPDATE SET
             count = CASE WHEN ${counters}.expires_at <= ? THEN 1 ELSE ${counters}.count + 1 END,
             expires_at = CASE WHEN ${counters}.expires_at <= ? THEN excluded.expires_at ELSE ${counters}.expires_at END
           RETURNING count`,
          key,
          at + windowMs,
          at,
          at,
        );
        const count = rows[0]?.count;
        if (typeof count !== 'number') throw new Error(`SQLite returned no count for counter "${key}".`);
        return count;
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

/** The WHERE terms for a score range: `min` inclusive, `below` exclusive. */
function scoreBounds(range: ScoreRange): { where: string; parameters: number[] } {
  let where = '';
  const parameters: number[] = [];
  if (range.min !== undefined) {
    where += ' AND score >= ?';
    parameters.push(range.min);
  }
  if (range.below !== undefined) {
    where += ' AND score < ?';
    parameters.push(range.below);
  }
  return { where, parameters };
}
