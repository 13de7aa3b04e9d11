/**
 * The shapes shared by the fake Dollr's parts: options, what it records, scripted faults, replies.
 * Amounts inside the fake are integer minor units (cents); they become JSON numbers on the wire
 * and "25.00"-style text in what tests read.
 */

export type FakeOperation = 'refund' | 'payout' | 'transfer';
export type FakeExecutionStatus = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED';
export type Progression = 'auto' | 'manual';

/**
 * The readings of Dollr the docs leave open, strictest where a client could be hurt (see
 * "Where the docs are silent" in dollr-api.md). The default is the kindest: a replay answers 200.
 */
export interface StrictMode {
  /**
   * How an execute that repeats a recorded reference (same body) is answered: 'replay' the stored
   * answer (default), or a 422 'duplicate' ("reference_id already exists") or 'session_used'
   * ("session is not active": the first execute used the session up).
   */
  replays: 'replay' | 'duplicate' | 'session_used';
  /** Status queries answered 404 after an execution is recorded, before it shows (a lagging read). */
  statusLag: number;
}

export interface FakePasscode {
  code: string;
  phone?: string;
  userId?: string;
}

export interface FakeDollrOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Default code "123456" for phone "231771234567". */
  passcode?: FakePasscode;
  /** `expires_in` of issued tokens, in minutes (Dollr's unit). Default 60. */
  tokenLifetimeMinutes?: number;
  /** false: refund/payout/transfer sessions and executions answer 403 "Merchant account is not verified". */
  verified?: boolean;
  /** Lifetime of payout sessions (Dollr picks it). Default 15 minutes. */
  sessionLifetimeMs?: number;
  /** Added before every API answer. Default 0. */
  latencyMs?: number;
  /** 'auto' (default): one step per `pollsPerStep` status polls. 'manual': PROCESSING until settled. */
  progression?: Progression;
  /** Status polls per step of PENDING -> PROCESSING -> COMPLETED. Default 1. */
  pollsPerStep?: number;
  /** Fee added to a payout's debit, major units as text ("0.50"). Default "0.00". */
  fee?: string;
  /**
   * `platform_fee` of fee predictions (GET /v1/predictions/amount-and-fees), major units as text.
   * Default "1.00"; with the fixed gateway fee of 0.50 a prediction names 1.50 of fees.
   */
  predictionFee?: string;
  /** false: fee predictions answer 503 (Dollr's pricing is down). Default true. */
  predictionsAvailable?: boolean;
  /** The fake's clock; `advanceClock` moves it further. Default: the real time. */
  now?: () => Date;
  /** Default: replays answered 200, no status lag. */
  strict?: Partial<StrictMode>;
}

export interface RecordedCall {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  at: Date;
}

/** One execution the fake accepted (replays never create a second one). */
export interface ExecutionRecord {
  referenceId: string;
  operation: FakeOperation;
  sessionId: string;
  status: FakeExecutionStatus;
  payerMinor: number;
  payerCurrency: string;
  payeeMinor: number;
  payeeCurrency: string;
  providerTransactionId: string | null;
  gatewayMessage: string | null;
  walletMessage: string | null;
  /** Payment-defining fields; a replay must match them exactly. */
  fingerprint: string;
  /** Kept in PROCESSING until settled (manual mode or holdNext). */
  held: boolean;
  polls: number;
  /** Status queries still to be answered 404 (strict mode's lagging read). */
  lagLeft: number;
  /** Taken from the wallet; given back when the execution fails. */
  debitMinor: number;
  originalPaymentIntentId?: number;
  payoutAccountId?: number;
  counterpartyId?: number;
  createdAt: Date;
}

/** What tests read from `executions()` and `GET /__fake/executions`. */
export interface ExecutionView {
  referenceId: string;
  operation: FakeOperation;
  sessionId: string;
  status: FakeExecutionStatus;
  payerAmount: string;
  payerCurrency: string;
  payeeAmount: string;
  payeeCurrency: string;
  providerTransactionId: string | null;
  gatewayMessage: string | null;
  walletMessage: string | null;
  originalPaymentIntentId?: number;
  payoutAccountId?: number;
  counterpartyId?: number;
  createdAt: string;
}

export interface SessionRecord {
  id: number;
  operation: FakeOperation;
  status: 'ACTIVE' | 'USED';
  amountMinor: number;
  currency: string;
  reason?: string | null;
  originalPaymentIntentId?: number;
  payoutAccountId?: number;
  counterpartyId?: number;
  /** The wallet debited: Dollr's pick for payouts, the client's `from_wallet_id` for transfers. */
  walletId?: number;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type FaultRoute = 'token' | 'session' | 'execute' | 'status' | 'prediction' | 'any';

export type Fault =
  /** Answer this status without processing. */
  | { kind: 'status'; status: number; body?: unknown }
  /** 429 with Retry-After, without processing. */
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  /** Wait, then process and answer normally. */
  | { kind: 'delay'; ms: number }
  /** Process fully (money moves), then answer only after `ms`: the "answer lost after processing" case. */
  | { kind: 'late'; ms: number }
  /** Process, then destroy the socket without answering. */
  | { kind: 'drop' }
  /** Destroy the socket without processing. */
  | { kind: 'drop_before' };

export interface FaultRule {
  route: FaultRoute;
  /** Default 1. */
  times?: number;
  fault: Fault;
}

export interface SettleOutcome {
  gatewayMessage?: string;
  walletMessage?: string;
}

/** What a route handler answers; the server adds latency and faults around it. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});
