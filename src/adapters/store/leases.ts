/** The Leases port lives in the core; the store implements it. */
export type { Leases } from '../../core/ports.ts';
