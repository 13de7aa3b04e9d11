/**
 * The store's infrastructure failures, one typed error with a stable code (see architecture habit 6).
 * Callers may retry `store_unavailable`; `store_invalid_record` needs a person to look at the data.
 */
const STORE_ERROR_CODES = [
  /** The backend did not answer in time or refused the connection. Nothing is known to be written. */
  'store_unavailable',
  /** A stored value is not a record we can read (not JSON, or the wrong shape). */
  'store_invalid_record',
  /** The embedded store is in use by another app process (it serves one). */
  'store_locked',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}

export const isStoreError = (error: unknown): error is StoreError => error instanceof StoreError;
