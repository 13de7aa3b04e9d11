/**
 * What the core needs from the outside world. Adapters implement these; tests use the real adapters
 * against fakes over HTTP, or in-memory implementations of these same interfaces.
 */
import type { ApproverSet } from './approval/approval-policy.ts';
import type { Currency } from './request/money.ts';
import type { Delivery } from './delivery/delivery.ts';
import type { ExecutionSnapshot, FeePreview, MoneyRequest, Operation, RequestEvent } from './request/request.ts';

export interface RequestStore {
  /** Stores a new request. Resolves false, writing nothing, when a request with that ID exists. */
  insert(request: MoneyRequest): Promise<boolean>;
  get(id: string): Promise<MoneyRequest | undefined>;
  /**
   * Compare-and-set: writes `next` only if the stored version is still `next.version - 1`.
   * Resolves false, writing nothing, when another writer got there first. Atomic across processes
   * sharing the store (Redis) and within the process (SQLite, memory). `basedOn`, the record `next`
   * was made from as get() returned it, lets the store compare against what it read instead of
   * reading it again.
   *
   * With `options.fence` the write is made only while that lease is held with that epoch, else it
   * rejects with FencedWriteError; `options.counters` change in the same atomic step, and a counter
   * that would pass its limit refuses the whole write with LimitReachedError (see store-refusals.ts).
   */
  replace(next: MoneyRequest, basedOn?: MoneyRequest, options?: WriteOptions): Promise<boolean>;
  /** The request that holds this Dollr reference_id, if any. */
  getByReference(referenceId: string): Promise<MoneyRequest | undefined>;
  /** Every request with work left (see delivery.ts hasWorkLeft), with its delivery: for recovery after a restart. */
  listWithWorkLeft(): Promise<WorkLeft[]>;
  /** Where telling Slack about the request stands; nothing told for a request the outbox never wrote. */
  getDelivery(id: string): Promise<Delivery>;
  /**
   * Compare-and-set on the delivery: writes `next` only if the stored one is still `basedOn` (as
   * getDelivery returned it). Resolves false, writing nothing, when another writer got there first.
   */
  replaceDelivery(id: string, next: Delivery, basedOn: Delivery): Promise<boolean>;
  /**
   * The request is final and Slack was told everything, as of `version`: it has no work left, unless
   * a newer write (with more to tell) came after that version.
   */
  settled(id: string, version: number): Promise<void>;
  /**
   * IDs of requests by creation time (`createdAt`), oldest first unless newestFirst; `since`
   * inclusive, `until` exclusive. For `/dollr history` and the audit export.
   */
  listRequestIds(query: { since?: Date; until?: Date; limit?: number; newestFirst?: boolean }): Promise<string[]>;
  /**
   * IDs of every request about this subject (see subjectOf: one original payment, one payout
   * account), oldest first.
   */
  listRequestIdsFor(subject: string): Promise<string[]>;
  /** A small named setting that survives restarts (the freeze switch); undefined when unset. */
  getSetting(name: string): Promise<string | undefined>;
  /** Sets, or with undefined clears, a setting. */
  setSetting(name: string, value: string | undefined): Promise<void>;
  /** Adds one to a counter that disappears windowMs after its first increment; resolves the new count. Atomic. */
  increment(counter: string, windowMs: number): Promise<number>;
  /** A counter's value (0 when it does not exist): the daily usage that approvals reserve (see CounterChange). */
  counter(name: string): Promise<number>;
  /** Rejects when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A lease as its holder writes under it: a write is refused once another holder has taken the lease. */
export interface Fence {
  /** The lease's name, as given to acquireLease. */
  lease: string;
  epoch: number;
}

/** A named counter changed in the same atomic step as a record write. */
export interface CounterChange {
  name: string;
  /** Added; a negative delta takes away at most what the counter holds, and nothing from one that is gone. */
  delta: number;
  /** The whole write is refused (LimitReachedError) when a positive delta would take the counter above this. */
  limit?: number;
  /** When the counter disappears, in ms since the epoch (set by a positive delta). */
  expiresAt: number;
}

export interface WriteOptions {
  fence?: Fence;
  counters?: readonly CounterChange[];
}

/**
 * Named, expiring leases, so that of several replicas only one works on a given request at a time.
 * A lease is held by an owner string until it expires or is released. Each takeover gives it a new,
 * higher epoch, which the holder's writes carry as their Fence.
 */
export interface Leases {
  /**
   * Takes the lease when free or expired, or extends it when `owner` already holds it. Resolves the
   * lease's epoch while held (the same one when extended), undefined when someone else holds it.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<number | undefined>;
  /** Extends the lease only while `owner` still holds it; false when it expired or someone else took it. */
  renewLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it; does nothing otherwise. */
  releaseLease(name: string, owner: string): Promise<void>;
}

/** Dollr, as the core needs it. Failures are thrown as DollrError (see execution/dollr-error.ts). */
export interface PaymentsGateway {
  /** Creates a refund session and returns its ID (Dollr sends an integer; we keep it as text). */
  createRefundSession(input: {
    originalPaymentIntentId: number;
    amount: string;
    reason: string;
    expiresAt: Date;
  }): Promise<{ sessionId: string }>;
  createPayoutSession(input: {
    payoutAccountId: number;
    amount: string;
    currency: Currency;
  }): Promise<{ sessionId: string }>;
  /** The adapter adds the source wallet (DOLLR_TRANSFER_WALLET_ID) from configuration. */
  createTransferSession(input: {
    counterpartyId: number;
    amount: string;
    currency: Currency;
    expiresAt: Date;
  }): Promise<{ sessionId: string }>;
  executeRefund(input: { sessionId: string; referenceId: string }): Promise<ExecutionSnapshot>;
  executeTransfer(input: { sessionId: string; referenceId: string }): Promise<ExecutionSnapshot>;
  /** The adapter adds the passcode from configuration. */
  executePayout(input: { sessionId: string; payoutAccountId: number; referenceId: string }): Promise<ExecutionSnapshot>;
  /** Dollr's current view of an execution; undefined when Dollr does not know the reference. */
  getStatus(operation: Operation, referenceId: string): Promise<ExecutionSnapshot | undefined>;
  /**
   * Dollr's estimate of a payout's fees and of what the payee receives; undefined when the client
   * cannot ask (no payout method configured). Rejects like every other call.
   */
  previewPayoutFees(input: { amount: string; currency: Currency }): Promise<FeePreview | undefined>;
}

/** A request and where telling Slack about it stands. */
export interface WorkLeft {
  request: MoneyRequest;
  delivery: Delivery;
}

/** The events one message tells, as marked sending in the store, with the records they were marked in. */
export interface Claim {
  request: MoneyRequest;
  delivery: Delivery;
  events: readonly RequestEvent[];
}

/** A lane of Slack's pace: a channel's messages (thread replies, cards, reminders), or the card updates. */
export type Lane = { channel: string } | 'card_updates';

/**
 * Slack's pace, in lanes: one call at a time in a lane, in order, no faster than Slack allows it
 * (about one post a second per channel; about fifty card updates a minute for the whole workspace).
 * A delivery takes its turn before it decides what to say, so the events stored while it waited go
 * along in the same message.
 */
export interface Pacing {
  turn(lane: Lane): Promise<Turn>;
}

export interface Turn {
  /** Slack asked to wait (a 429): the lane pauses that long, then the turn goes on, for the same call again. */
  pause(ms: number): Promise<void>;
  /** Ends the turn (again: nothing). With `spent` false nothing was sent, and the lane gets its token back. */
  end(spent: boolean): void;
}

/** What the sender rendered, for the sender to send: the core only passes it along. */
export interface OutgoingMessage {
  readonly kind: 'card' | 'reply' | 'reminder';
}

/**
 * Renders a request's messages and sends them to Slack. Every call rejects with an error whose
 * `permanent` is true when trying again cannot help (Slack refused the message) and whose
 * `retryAfterMs` is set when Slack asked to wait (see delivery/send-failure.ts).
 */
export interface Sender {
  /**
   * The message that tells the claimed events: the card for `requested`, direct messages to the
   * approvers for `reminded`, else one thread reply with them all; undefined when they say nothing
   * in Slack.
   */
  render(claim: Claim): Promise<OutgoingMessage | undefined>;
  /**
   * Looks in Slack for this message, sent by an attempt whose outcome was never recorded: resolves
   * whether it is there (and the card's ts). When Slack cannot say, it is not there: sending twice
   * is better than losing it.
   */
  find(claim: Claim, message: OutgoingMessage): Promise<{ found: boolean; cardTs?: string }>;
  /** Sends it; a card resolves its ts. */
  send(claim: Claim, message: OutgoingMessage): Promise<{ cardTs?: string }>;
  /** Whether the card reads differently after these events. */
  changesCard(events: readonly RequestEvent[]): boolean;
  /** Renders the card again from the record and puts it in place of the one at cardTs. */
  updateCard(request: MoneyRequest, cardTs: string): Promise<void>;
}

/** Who belongs to which Slack user group. */
export interface Directory {
  /** True when the user is listed in the set, directly or through a group. Rejects when a group cannot be read. */
  isIn(userId: string, set: ApproverSet): Promise<boolean>;
  /** Everyone in the set: its users and its groups' members. */
  expand(set: ApproverSet): Promise<string[]>;
}

/**
 * Time and chance, as the core uses them: the app gives it the real ones, unit tests a fake clock
 * (test/support/fake-clock.ts) that they move by hand, so that no unit test sleeps.
 */
export interface Clock {
  now(): Date;
  /** Resolves after ms; rejects (with the signal's reason) as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `wake` once after ms; returns what cancels it. Does not keep the process alive. */
  after(ms: number, wake: () => void): () => void;
  /** Calls `tick` every ms until cancelled. Does not keep the process alive. */
  every(ms: number, tick: () => void): () => void;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

/**
 * The points between two durable steps of an execution. Tests crash the process at one of them
 * (see DOLLR_SLACK_CRASH_AT) to prove that a restart resumes from what was stored.
 */
export const CHECKPOINTS = [
  'after_claim',
  'after_reference',
  'after_session',
  'after_execute_answer',
  'while_polling',
  'after_final_stored',
] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

export interface IdGenerator {
  /** A fresh UUID v4 for Dollr's reference_id. */
  referenceId(): string;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
