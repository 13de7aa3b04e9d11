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
  /** Writes `nextRaw` only if the key holds exactly `expectedRaw`. True when written. */
  compareAndSet(key: string, expectedRaw: string, nextRaw: string): Promise<boolean>;
  /**
   * Index membership tagged with a version: adding keeps the highest version seen, removing only
   * takes out a member whose version is at most `upToVersion`. A slow writer of version n therefore
   * cannot remove the member that a later writer of version n+1 added (see keyv-store.ts).
   */
  addToIndex(indexKey: string, member: string, version: number): Promise<void>;
  removeFromIndex(indexKey: string, member: string, upToVersion: number): Promise<void>;
  indexMembers(indexKey: string): Promise<string[]>;
  /** Lease operations on a full key; semantics as in leases.ts. */
  acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  renewLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, owner: string): Promise<void>;
}

export interface Backend {
  /** Keyv with throwOnErrors on, no namespace, over the same keys as `atomic`. */
  keyv: Keyv;
  atomic: AtomicPrimitives;
  /** Rejects when the backend cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
