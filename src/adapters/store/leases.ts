/**
 * Named, expiring leases, so that of several replicas only one does a given job (for example the
 * recovery sweep) at a time. A lease is held by an owner string until it expires or is released.
 */
export interface Leases {
  /** Takes the lease when free or expired, or extends it when `owner` already holds it. True when held. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease only while `owner` still holds it; false when it expired or someone else took it. */
  renewLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it; does nothing otherwise. */
  releaseLease(name: string, owner: string): Promise<void>;
}
