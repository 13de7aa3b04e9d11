/**
 * Pure state transitions of a MoneyRequest. Each returns the next record (version + 1, with the
 * event appended) or a refusal; the store applies it with compare-and-set, so of two writers that
 * started from the same record only one wins.
 */
import type { ApproverSet } from '../approval/approval-policy.ts';
import type { PayeeStanding } from '../approval/payees.ts';
import { released, reservationFor } from '../approval/daily-limit.ts';
import { ok, refuse, type RefusalOf, type Result } from '../result.ts';
import { toMinor } from './money.ts';
import {
  approvalsOf,
  isFinal,
  type BatchLine,
  type BatchProgress,
  type ExecutionSnapshot,
  type RequestChecks,
  type MoneyRequest,
  type RequestDetails,
  type RequestEvent,
  type RequestState,
} from './request.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type NewEvent = DistributiveOmit<RequestEvent, 'at'>;

function advance(request: MoneyRequest, now: Date, changes: Partial<MoneyRequest>, event?: NewEvent): MoneyRequest {
  return {
    ...request,
    ...changes,
    version: request.version + 1,
    events: event ? [...request.events, { ...event, at: now.toISOString() } as RequestEvent] : request.events,
  };
}

export function newRequest(input: {
  id: string;
  details: RequestDetails;
  requesterId: string;
  channelId: string;
  approvalsRequired: number;
  ruleDescription?: string;
  /** Who may give approval 1, 2, …: fixed now, whatever the policy says later. */
  approverLevels?: ApproverSet[];
  dailyLimitMinor?: number;
  checks?: RequestChecks;
  now: Date;
}): MoneyRequest {
  const at = input.now.toISOString();
  return {
    id: input.id,
    version: 1,
    details: input.details,
    requesterId: input.requesterId,
    channelId: input.channelId,
    createdAt: at,
    state: 'awaiting_approval',
    approvalsRequired: input.approvalsRequired,
    ...(input.ruleDescription ? { ruleDescription: input.ruleDescription } : {}),
    ...(input.approverLevels ? { approverLevels: input.approverLevels } : {}),
    ...(input.dailyLimitMinor === undefined ? {} : { dailyLimitMinor: input.dailyLimitMinor }),
    ...(input.checks ? { checks: input.checks } : {}),
    events: [{ type: 'requested', by: input.requesterId, at }],
  };
}

export type DecisionRefusal = RefusalOf<
  'self_approval_forbidden' | 'already_decided' | 'already_approved_by_you' | 'not_the_requester'
>;

/**
 * The checks that need nothing but the record: the request is still open, the requester does not
 * decide on their own request, and nobody approves twice. (Who is an approver is the policy's.)
 */
export function checkDecision(request: MoneyRequest, userId: string): Result<true, DecisionRefusal> {
  if (request.state !== 'awaiting_approval') return refuse({ code: 'already_decided', request });
  if (userId === request.requesterId) return refuse({ code: 'self_approval_forbidden', requestId: request.id });
  if (approvalsOf(request).some((a) => a.by === userId))
    return refuse({ code: 'already_approved_by_you', requestId: request.id });
  return ok(true);
}

/**
 * One approval. The request becomes `approved` (claimed for execution) when this approval completes
 * its rule, and then reserves its amount against the day's usage (written with it, see
 * daily-limit.ts); before that it stays awaiting approval with the approval recorded.
 */
export function approve(
  request: MoneyRequest,
  by: string,
  comment: string | undefined,
  now: Date,
): Result<MoneyRequest, DecisionRefusal> {
  const check = checkDecision(request, by);
  if (!check.ok) return check;
  const complete = approvalsOf(request).length + 1 >= request.approvalsRequired;
  const event = { type: 'approved' as const, by, ...(comment ? { comment } : {}) };
  const claimed = { state: 'approved' as const, approverId: by, reservation: reservationFor(request, now) };
  return ok(advance(request, now, complete ? claimed : {}, event));
}

export function reject(
  request: MoneyRequest,
  by: string,
  reason: string,
  now: Date,
): Result<MoneyRequest, DecisionRefusal> {
  const check = checkDecision(request, by);
  if (!check.ok && check.code !== 'already_approved_by_you') return check;
  return ok(advance(request, now, { state: 'rejected', approverId: by }, { type: 'rejected', by, reason }));
}

/** Only the requester cancels, and only while nothing has been claimed for execution. */
export function cancel(request: MoneyRequest, by: string, now: Date): Result<MoneyRequest, DecisionRefusal> {
  if (request.state !== 'awaiting_approval') return refuse({ code: 'already_decided', request });
  if (by !== request.requesterId)
    return refuse({ code: 'not_the_requester', requestId: request.id, requesterId: request.requesterId });
  return ok(advance(request, now, { state: 'cancelled' }, { type: 'cancelled', by }));
}

/** Pending too long: closed, nothing executes. Undefined when not pending. */
export function expire(request: MoneyRequest, now: Date): MoneyRequest | undefined {
  return request.state === 'awaiting_approval'
    ? advance(request, now, { state: 'expired' }, { type: 'expired' })
    : undefined;
}

/** The approvers were reminded (once). */
export function recordReminder(request: MoneyRequest, to: string[], now: Date): MoneyRequest {
  return advance(request, now, {}, { type: 'reminded', to });
}

/** An execute went out and its answer did not come through: Dollr is asked next, with the same reference. */
export function recordUnanswered(request: MoneyRequest, code: string, now: Date): MoneyRequest {
  const referenceId = request.attempt?.referenceId;
  if (!referenceId) throw new Error(`Request ${request.id} has no reference`);
  return advance(request, now, {}, { type: 'execute_unanswered', referenceId, code });
}

/** The payee list says something else of the account now; the request keeps what it was made with. */
export function recordPayeeChange(request: MoneyRequest, now: PayeeStanding, at: Date): MoneyRequest {
  return advance(request, at, {}, { type: 'payee_changed', now });
}

/** A Slack delivery failed; kept in the trail. */
export function recordSlackFailure(request: MoneyRequest, event: string, message: string, now: Date): MoneyRequest {
  return advance(request, now, {}, { type: 'slack_failed', event, message });
}

/** The one reference of this request's attempt; only from `approved`, so it is minted once. */
export function recordReference(request: MoneyRequest, referenceId: string, now: Date): MoneyRequest {
  if (request.state !== 'approved' || request.attempt) {
    throw new Error(`Cannot mint a reference for request ${request.id} in state ${request.state}`);
  }
  return advance(
    request,
    now,
    { state: 'executing', attempt: { referenceId } },
    { type: 'reference_minted', referenceId },
  );
}

export function recordSession(request: MoneyRequest, sessionId: string, now: Date): MoneyRequest {
  if (!request.attempt || request.attempt.sessionId) {
    throw new Error(
      `Cannot record a session for request ${request.id}: ${request.attempt ? 'it has one' : 'no reference yet'}`,
    );
  }
  return advance(
    request,
    now,
    { attempt: { ...request.attempt, sessionId, sends: 0 } },
    { type: 'session_created', sessionId },
  );
}

/** An execute body is about to be sent: written before the call, so that nobody takes it for unsent. */
export function recordSend(request: MoneyRequest): MoneyRequest {
  const attempt = request.attempt;
  if (!attempt?.sessionId) throw new Error(`Request ${request.id} has no session to execute`);
  return { ...request, attempt: { ...attempt, sends: (attempt.sends ?? 0) + 1 }, version: request.version + 1 };
}

const STATE_OF_STATUS: Record<ExecutionSnapshot['status'], RequestState> = {
  PENDING: 'pending',
  PROCESSING: 'processing',
  COMPLETED: 'completed',
  FAILED: 'failed',
};

/**
 * Records Dollr's answer. Returns undefined when nothing changed (same status as last time), so
 * that a poll that learns nothing writes nothing and tells nobody.
 */
export function recordExecution(
  request: MoneyRequest,
  execution: ExecutionSnapshot,
  now: Date,
): MoneyRequest | undefined {
  if (!request.attempt) throw new Error(`Request ${request.id} has no attempt`);
  if (request.attempt.execution?.status === execution.status) return undefined;
  const state = STATE_OF_STATUS[execution.status];
  // Dollr's own FAILED: no money moved, so the day's reservation is given back.
  const failed =
    execution.status === 'FAILED'
      ? { failure: failureText(execution), reservation: released(request.reservation) }
      : {};
  return advance(
    request,
    now,
    { state, attempt: { ...request.attempt, execution }, ...failed },
    { type: 'status', execution },
  );
}

function failureText(execution: ExecutionSnapshot): string {
  return (
    execution.walletMessage || execution.gatewayMessage || 'Dollr reported the execution as FAILED without a message.'
  );
}

/**
 * A final failure before Dollr executed anything: no execute was ever sent (the session was refused,
 * say), or Dollr refused the first and only execute sent with this reference (`executeSent`). No
 * money moved, so the day's reservation is given back.
 */
export function recordFailure(request: MoneyRequest, message: string, now: Date, executeSent = false): MoneyRequest {
  const event = { type: 'failed' as const, message, ...(executeSent ? { executeSent } : {}) };
  return advance(
    request,
    now,
    { state: 'failed', failure: message, reservation: released(request.reservation) },
    event,
  );
}

/** No final status for too long: people must look. The app keeps following the reference. */
export function recordAttention(request: MoneyRequest, message: string, now: Date): MoneyRequest {
  return advance(request, now, { state: 'needs_attention' }, { type: 'attention', message });
}

/** When the request was approved (the start of its execution), if it was. */
export function approvedAt(request: MoneyRequest): Date | undefined {
  const approval = request.events.find((e) => e.type === 'approved');
  return approval ? new Date(approval.at) : undefined;
}

/** The request ID of a batch's line: the batch's ID and the line's number, `R7K2M9Q4XA-12`. */
export const lineRequestId = (batchId: string, line: number): string => `${batchId}-${line}`;

/**
 * A line of an approved batch as a refund request of its own, approved as the batch was (the same
 * approvals in its trail) and holding its share of the batch's reservation: a line that ends with no
 * money moved gives its own amount back, through the same write that records its failure.
 */
export function lineRequest(batch: MoneyRequest, line: BatchLine, now: Date): MoneyRequest {
  const { line: number, ...refund } = line;
  const share = batch.reservation && {
    day: batch.reservation.day,
    bucket: batch.reservation.bucket,
    amountMinor: toMinor(line.amount),
  };
  return {
    id: lineRequestId(batch.id, number),
    version: 1,
    details: { kind: 'refund', ...refund },
    requesterId: batch.requesterId,
    channelId: batch.channelId,
    createdAt: now.toISOString(),
    state: 'approved',
    approvalsRequired: batch.approvalsRequired,
    ...(batch.approverLevels ? { approverLevels: batch.approverLevels } : {}),
    ...(batch.approverId ? { approverId: batch.approverId } : {}),
    ...(share ? { reservation: share } : {}),
    batchOf: { id: batch.id, line: number },
    events: [{ type: 'requested', by: batch.requesterId, at: batch.createdAt }, ...approvalsOf(batch)],
  };
}

/** The batch's lines exist and are on their way. */
export function recordBatchStarted(batch: MoneyRequest, progress: BatchProgress, now: Date): MoneyRequest {
  const lines = progress.completed + progress.failed + progress.moving + progress.attention;
  return advance(batch, now, { state: 'executing', progress }, { type: 'batch_started', lines });
}

/**
 * Where the lines stand now. Undefined when nothing changed. Every line ended: the batch ends,
 * completed, failed (no line moved money) or partly completed. A line that needs attention makes
 * the batch need attention (said once); it stays so until every line has ended.
 */
export function recordBatchProgress(batch: MoneyRequest, progress: BatchProgress, now: Date): MoneyRequest | undefined {
  if (isFinal(batch.state) || sameProgress(batch.progress, progress)) return undefined;
  if (progress.moving === 0 && progress.attention === 0) {
    const state = progress.failed === 0 ? 'completed' : progress.completed === 0 ? 'failed' : 'partly_completed';
    const event = { type: 'batch_ended' as const, completed: progress.completed, failedLines: progress.failedLines };
    return advance(batch, now, { state, progress }, event);
  }
  if (progress.attention > 0 && batch.state !== 'needs_attention') {
    const lines = progress.attentionLines.join(', ');
    const which = progress.attention === 1 ? `line ${lines} has` : `lines ${lines} have`;
    const message = `${which} no final status from Dollr yet`;
    return advance(batch, now, { state: 'needs_attention', progress }, { type: 'attention', message });
  }
  return advance(batch, now, { progress });
}

const sameProgress = (a: BatchProgress | undefined, b: BatchProgress) => JSON.stringify(a) === JSON.stringify(b);
