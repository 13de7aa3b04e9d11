/**
 * SQLite backend on Node's built-in driver (node:sqlite: nothing to compile, maintained with Node).
 * Keyv stays the façade for plain reads and writes, through a small Map-like Keyv store over one
 * table (`keyv`, the very table @keyv/sqlite made, so existing files keep working); the atomic
 * primitives are statements on the same connection.
 *
 * The driver is synchronous: a statement, or a transaction of several, runs to its end before any
 * other JavaScript in this process, so every primitive is atomic within the process without locks.
 * A commit waits for its fsync on the event loop; the benchmark's ack and follow scenarios measure
 * what that costs under load.
 *
 * What lives where: records and settings as Keyv writes them, work-left index members as rows
 * `<indexKey>:<member>` holding their version, leases as rows holding {"owner","epoch","expiresAt"}
 * with expiry measured by our clock seam (`now`), and the lease epoch counter as a number, all in
 * `keyv`. Two small tables of our own sit next to it: `keyv_sorted` (sorted indexes, read in score
 * order through an index) and `keyv_counters` (counters with an expiry column, on the clock seam).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { Keyv } from 'keyv';
import type { Backend, CasOutcome, CounterUpdate, ScoreRange } from './backend.ts';
import { StoreError } from './store-error.ts';

export interface SqliteBackendOptions {
  /** Absolute path; its directory is created when missing. */
  file: string;
  /** How long SQLite waits for a lock held by another connection (the audit export's), in ms. */
  busyTimeoutMs: number;
  now?: () => number;
  /**
   * 'app' (default): the one process that works on this store. It holds an exclusive lock on
   * `<file>.lock` while open, and a second app on the same file is refused (StoreError
   * 'store_locked'). 'reader': reads beside the app (the audit export); writes nothing.
   */
  role?: 'app' | 'reader';
}

const TABLE = 'keyv';
const SORTED = `${TABLE}_sorted`;
const COUNTERS = `${TABLE}_counters`;

export function openSqliteBackend(options: SqliteBackendOptions): Backend {
  const now = options.now ?? Date.now;
  const reader = options.role === 'reader';
  mkdirSync(dirname(options.file), { recursive: true });
  const lock = reader ? undefined : holdProcessLock(options.file);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(options.file, { readOnly: reader });
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    if (!reader) prepareFile(db, now);
  } catch (error) {
    lock?.close();
    throw error;
  }

  // Statements are compiled once, on first use.
  const compiled = new Map<string, StatementSync>();
  const sql = (text: string): StatementSync => {
    let statement = compiled.get(text);
    if (!statement) {
      statement = db.prepare(text);
      compiled.set(text, statement);
    }
    return statement;
  };
  const changed = (text: string, ...parameters: SQLInputValue[]): boolean =>
    Number(sql(text).run(...parameters).changes) > 0;

  /** Several statements as one atomic step (also against the audit export's connection). */
  function transaction<T>(work: () => T): T {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }

  const valueAt = (key: string): string | undefined => {
    const row = sql(`SELECT value FROM ${TABLE} WHERE key = ?`).get(key);
    return row === undefined || row.value === null ? undefined : String(row.value);
  };
  const put = (key: string, value: string) =>
    sql(`INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(
      key,
      value,
    );

  function liveLease(key: string): { owner: string; epoch: number } | undefined {
    const raw = valueAt(key);
    if (raw === undefined) return undefined;
    const lease = JSON.parse(raw) as { owner?: unknown; epoch?: unknown; expiresAt?: unknown };
    if (typeof lease.owner !== 'string' || typeof lease.expiresAt !== 'number' || lease.expiresAt <= now())
      return undefined;
    return { owner: lease.owner, epoch: typeof lease.epoch === 'number' ? lease.epoch : 0 };
  }

  const counterValue = (key: string): number => {
    const row = sql(`SELECT count FROM ${COUNTERS} WHERE key = ? AND expires_at > ?`).get(key, now());
    return row === undefined ? 0 : Number(row.count);
  };

  function overLimit(updates: ReadonlyArray<CounterUpdate>): CasOutcome | undefined {
    for (const [index, update] of updates.entries()) {
      const current = counterValue(update.key);
      if (update.delta > 0 && update.limit !== undefined && current + update.delta > update.limit)
        return { overLimit: index, current };
    }
    return undefined;
  }

  function applyCounter({ key, delta, expiresAt }: CounterUpdate): void {
    if (delta > 0) {
      sql(
        `INSERT INTO ${COUNTERS} (key, count, expires_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET
           count = CASE WHEN ${COUNTERS}.expires_at <= ? THEN excluded.count
                        ELSE ${COUNTERS}.count + excluded.count END,
           expires_at = excluded.expires_at`,
      ).run(key, delta, expiresAt, now());
    } else {
      sql(`UPDATE ${COUNTERS} SET count = max(0, count + ?) WHERE key = ? AND expires_at > ?`).run(delta, key, now());
    }
  }
  // Index members sort between "<indexKey>:" and "<indexKey>;" (';' follows ':'), which uses the
  // primary key instead of a LIKE pattern that would need escaping.
  const memberKey = (indexKey: string, member: string) => `${indexKey}:${member}`;

  const keyv = new Keyv({
    store: keyvStore(sql, valueAt, put, changed),
    namespace: undefined,
    useKeyPrefix: false,
    throwOnErrors: true,
  });

  return {
    keyv,
    atomic: {
      insertIfAbsent: async (key, raw) =>
        changed(`INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING`, key, raw),
      async compareAndSet(key, expectedRaw, nextRaw, conditions = {}) {
        const { fence, counters: updates = [] } = conditions;
        const write = () =>
          changed(`UPDATE ${TABLE} SET value = ? WHERE key = ? AND value = ?`, nextRaw, key, expectedRaw);
        if (!fence && updates.length === 0) return write() ? 'written' : 'changed';
        return transaction((): CasOutcome => {
          if (fence && liveLease(fence.leaseKey)?.epoch !== fence.epoch) return 'fenced';
          if (valueAt(key) !== expectedRaw) return 'changed';
          const refused = overLimit(updates);
          if (refused) return refused;
          updates.forEach(applyCounter);
          write();
          return 'written';
        });
      },
      async addToIndex(indexKey, member, version) {
        sql(
          `INSERT INTO ${TABLE} (key, value) VALUES (?, ?)
           ON CONFLICT(key) DO UPDATE SET
             value = max(CAST(${TABLE}.value AS INTEGER), CAST(excluded.value AS INTEGER))`,
        ).run(memberKey(indexKey, member), String(version));
      },
      async removeFromIndex(indexKey, member, upToVersion) {
        sql(`DELETE FROM ${TABLE} WHERE key = ? AND CAST(value AS INTEGER) <= ?`).run(
          memberKey(indexKey, member),
          upToVersion,
        );
      },
      async indexMembers(indexKey) {
        const rows = sql(`SELECT key FROM ${TABLE} WHERE key > ? AND key < ?`).all(`${indexKey}:`, `${indexKey};`);
        return rows.map((row) => String(row.key).slice(indexKey.length + 1));
      },
      async addToSortedIndex(indexKey, member, score) {
        sql(`INSERT INTO ${SORTED} (index_key, member, score) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`).run(
          indexKey,
          member,
          score,
        );
      },
      async sortedIndexRange(indexKey, range) {
        const { where, parameters } = scoreBounds(range);
        const order = range.reverse ? 'DESC' : 'ASC';
        const rows = sql(
          `SELECT member FROM ${SORTED} WHERE index_key = ?${where}
           ORDER BY score ${order}, member ${order} LIMIT ? OFFSET ?`,
        ).all(indexKey, ...parameters, range.count ?? -1, range.offset ?? 0);
        return rows.map((row) => String(row.member));
      },
      async existingKeys(keys) {
        const rows = sql(`SELECT key FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`).all(
          JSON.stringify(keys),
        );
        const present = new Set(rows.map((row) => String(row.key)));
        return keys.map((key) => present.has(key));
      },
      readCounter: async (key) => counterValue(key),
      async incrementCounter(key, windowMs) {
        // One statement: a fresh or expired counter restarts at 1 with a new window. SQLite
        // evaluates every SET expression against the row as it was before the update.
        const at = now();
        const row = sql(
          `INSERT INTO ${COUNTERS} (key, count, expires_at) VALUES (?, 1, ?)
           ON CONFLICT(key) DO UPDATE SET
             count = CASE WHEN ${COUNTERS}.expires_at <= ? THEN 1 ELSE ${COUNTERS}.count + 1 END,
             expires_at = CASE WHEN ${COUNTERS}.expires_at <= ? THEN excluded.expires_at ELSE ${COUNTERS}.expires_at END
           RETURNING count`,
        ).get(key, at + windowMs, at, at);
        const count = row?.count;
        if (typeof count !== 'number') throw new Error(`SQLite returned no count for counter "${key}".`);
        return count;
      },
      acquireLease: async (key, epochKey, owner, ttlMs) =>
        transaction(() => {
          const lease = liveLease(key);
          if (lease && lease.owner !== owner) return 0;
          const epoch = lease?.epoch ?? Number(valueAt(epochKey) ?? 0) + 1;
          if (!lease) put(epochKey, String(epoch));
          put(key, JSON.stringify({ owner, epoch, expiresAt: now() + ttlMs }));
          return epoch;
        }),
      renewLease: async (key, owner, ttlMs) =>
        changed(
          `UPDATE ${TABLE} SET value = json_set(value, '$.expiresAt', ?)
           WHERE key = ? AND json_extract(value, '$.owner') = ? AND json_extract(value, '$.expiresAt') > ?`,
          now() + ttlMs,
          key,
          owner,
          now(),
        ),
      async releaseLease(key, owner) {
        sql(`DELETE FROM ${TABLE} WHERE key = ? AND json_extract(value, '$.owner') = ?`).run(key, owner);
      },
      async clearLeases(prefix) {
        // Every key from the prefix up to (not including) the prefix with its last character raised.
        const end = `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
        sql(`DELETE FROM ${TABLE} WHERE key >= ? AND key < ?`).run(prefix, end);
      },
    },
    async ping() {
      sql('SELECT 1').get();
    },
    async close() {
      if (db.isOpen) db.close();
      // Last: no other app may open the file before this one has let go of it.
      if (lock?.isOpen) lock.close();
    },
  };
}

/**
 * The embedded store serves one process: its leases and counters assume no other writer. The lock
 * is SQLite's own exclusive lock on a file beside the store, held by an open transaction on a
 * connection of its own for as long as the store is open; the operating system drops it when the
 * process dies, however it dies, so a restart takes it at once.
 */
function holdProcessLock(file: string): DatabaseSync {
  const lock = new DatabaseSync(`${file}.lock`);
  try {
    lock.exec('PRAGMA busy_timeout = 0');
    lock.exec('PRAGMA locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { errcode?: unknown }).errcode === SQLITE_BUSY) {
      throw new StoreError(
        'store_locked',
        `Another dollr-slack process is using the embedded store ${file}. ` +
          'The embedded store serves one process: stop the other one, ' +
          'or run several replicas on Redis (STORE_URL=redis://host:6379).',
      );
    }
    throw error;
  }
}

const SQLITE_BUSY = 5;

/** The app's first open of a file: durability settings, our tables, and a sweep of spent counters. */
function prepareFile(db: DatabaseSync, now: () => number): void {
  // Write-ahead log: a commit is one append and one fsync (synchronous FULL keeps every commit on
  // disk before it returns, so a reference stored before a Dollr call survives a power cut), and
  // readers (the audit export) do not wait for the writer.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (key VARCHAR(255) PRIMARY KEY, value TEXT)`);
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${SORTED} (index_key TEXT NOT NULL, member TEXT NOT NULL, score INTEGER NOT NULL,
     PRIMARY KEY (index_key, member)) WITHOUT ROWID`,
  );
  db.exec(`CREATE INDEX IF NOT EXISTS ${SORTED}_by_score ON ${SORTED} (index_key, score, member)`);
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${COUNTERS} (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL)
     WITHOUT ROWID`,
  );
  // Counters whose window ran out are as good as absent; dropping them keeps the table small.
  db.prepare(`DELETE FROM ${COUNTERS} WHERE expires_at <= ?`).run(now());
}

/**
 * The Keyv store over the table: Map-like (get, set, delete, clear, has), which Keyv accepts as a
 * storage adapter. Values are Keyv's serialized text; Keyv applies no prefix (see backend.ts).
 */
function keyvStore(
  sql: (text: string) => StatementSync,
  valueAt: (key: string) => string | undefined,
  put: (key: string, value: string) => unknown,
  changed: (text: string, ...p: SQLInputValue[]) => boolean,
) {
  return {
    get: async (key: string): Promise<string | undefined> => valueAt(key),
    async set(key: string, value: string): Promise<void> {
      put(key, value);
    },
    delete: async (key: string): Promise<boolean> => changed(`DELETE FROM ${TABLE} WHERE key = ?`, key),
    has: async (key: string): Promise<boolean> => sql(`SELECT 1 FROM ${TABLE} WHERE key = ?`).get(key) !== undefined,
    // Keyv's clear() empties its store; nothing in the app calls it.
    async clear(): Promise<void> {
      sql(`DELETE FROM ${TABLE}`).run();
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
