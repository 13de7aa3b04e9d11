/**
 * What keyv-store.ts needs from a backend: a Keyv for plain reads and writes, and the few atomic
 * operations Keyv lacks, done by the backend itself on the very same keys and serialized text, so
 * that a value written by compareAndSet is what Keyv reads back.
 *
 * Keys are passed in full (keyv-store adds the namespace); Keyv is configured without a namespace
 * of its own, so both paths address a key by exactly the same string on every backend.
 */
import type { Keyv } from 'keyv';

export interface AtomicPrimitives {
  /** Writes `raw` at `key` only if the key is absent. True when written. */
  insertIfAbsent(key: string, raw: string): Promise<boolean>;
  /**
   * Writes `nextRaw` only if the key holds exactly `expectedRaw` and every condition holds, and then
   * applies the counter changes, all in one atomic step. Conditions are checked in this order: the
   * fence (the lease at `fence.leaseKey` is live and carries `fence.epoch`), the record's text, the
   * counters' limits.
   */
  compareAndSet(key: string, expectedRaw: string, nextRaw: string, conditions?: WriteConditions): Promise<CasOutcome>;
  /**
   * Index membership tagged with a version: adding keeps the highest version seen, removing only
   * takes out a member whose version is at most `upToVersion`. A slow writer of version n therefore
   * cannot remove the member that a later writer of version n+1 added (see keyv-store.ts).
   */
  addToIndex(indexKey: string, member: string, version: number): Promise<void>;
  removeFromIndex(indexKey: string, member: string, upToVersion: number): Promise<void>;
  indexMembers(indexKey: string): Promise<string[]>;
  /**
   * Sorted index: members with a numeric score (ms since the epoch), read back in score order, ties
   * in member order. Adding never changes the score of a member already there (ZADD NX).
   */
  addToSortedIndex(indexKey: string, member: string, score: number): Promise<void>;
  /** Members of a sorted index in `range`, lowest score first unless `range.reverse`. */
  sortedIndexRange(indexKey: string, range: ScoreRange): Promise<string[]>;
  /** Which of these full keys hold a value, in the order given. */
  existingKeys(keys: string[]): Promise<boolean[]>;
  /** The counter's value; 0 when it does not exist (or its window ran out). */
  readCounter(key: string): Promise<number>;
  /**
   * Adds one to the counter at `key` and resolves the new count. The first increment (or the first
   * after the window ran out) starts a window of `windowMs`, after which the counter is gone.
   */
  incrementCounter(key: string, windowMs: number): Promise<number>;
  /**
   * Leases on full keys, semantics as in the core's Leases port. Taking a lease that is free or
   * expired gives it the next value of the counter at `epochKey` (which never expires), so every
   * takeover of any lease carries a higher epoch than any before it; the owner extending its own
   * live lease keeps the epoch. Resolves the epoch, or 0 when someone else holds the lease.
   */
  acquireLease(key: string, epochKey: string, owner: string, ttlMs: number): Promise<number>;
  renewLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, owner: string): Promise<void>;
  /** Drops every lease whose key starts with `prefix` (the embedded store's start: its holders are dead). */
  clearLeases(prefix: string): Promise<void>;
}

export interface WriteConditions {
  fence?: { leaseKey: string; epoch: number };
  counters?: ReadonlyArray<CounterUpdate>;
}

/** A counter changed in the same step as a record; see the core's CounterChange. */
export interface CounterUpdate {
  key: string;
  delta: number;
  limit?: number;
  expiresAt: number;
}

/**
 * What a compareAndSet did: wrote, or refused because the record changed, the fence no longer
 * holds, or a counter would pass its limit (which one, by index, and its value then).
 */
export type CasOutcome = 'written' | 'changed' | 'fenced' | { overLimit: number; current: number };

/** Part of a sorted index, by score; every bound optional. */
export interface ScoreRange {
  /** Lowest score included. */
  min?: number;
  /** Scores from this one up are excluded. */
  below?: number;
  /** Highest score first (ties then in reverse member order). */
  reverse?: boolean;
  /** Members to skip, then at most `count` members (all when undefined). */
  offset?: number;
  count?: number;
}

export interface Backend {
  /** Keyv with throwOnErrors on, no namespace, over the same keys as `atomic`. */
  keyv: Keyv;
  atomic: AtomicPrimitives;
  /** Rejects when the backend cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
