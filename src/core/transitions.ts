/**
 * Pure state transitions of a MoneyRequest. Each returns the next record (version + 1, with the
 * event appended) or a refusal; the store applies it with compare-and-set, so of two writers that
 * started from the same record only one wins.
 */
import { refuse, ok, type Result } from './result.ts';
import type { ApprovalPolicy } from './policy.ts';
import type { ExecutionSnapshot, MoneyRequest, RequestDetails, RequestEvent, RequestState } from './request.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewEvent = DistributiveOmit<RequestEvent, 'at'>;

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
    events: [{ type: 'requested', by: input.requesterId, at }],
    toldCount: 0,
  };
}

export type DecisionRefusal = 'not_an_approver' | 'self_approval_forbidden' | 'already_decided';

function checkDecider(request: MoneyRequest, userId: string, policy: ApprovalPolicy): Result<true, DecisionRefusal> {
  if (request.state !== 'awaiting_approval') {
    return refuse('already_decided', alreadyDecidedMessage(request));
  }
  if (userId === request.requesterId) {
    return refuse('self_approval_forbidden', 'You asked for this request, so someone else must approve or reject it.');
  }
  if (!policy.mayDecide(userId, request)) {
    return refuse('not_an_approver', 'Only the approvers configured for this app (APPROVERS) can approve or reject requests.');
  }
  return ok(true);
}

export function alreadyDecidedMessage(request: MoneyRequest): string {
  if (request.state === 'rejected') return `Request ${request.id} was already rejected.`;
  return `Request ${request.id} was already approved${request.approverId ? ` by <@${request.approverId}>` : ''}; it is ${request.state.replace('_', ' ')}.`;
}

/** May this user approve or reject this request right now? Used before opening the reject modal. */
export const mayDecide = checkDecider;

export function approve(request: MoneyRequest, by: string, policy: ApprovalPolicy, now: Date): Result<MoneyRequest, DecisionRefusal> {
  const check = checkDecider(request, by, policy);
  if (!check.ok) return check;
  return ok(advance(request, now, { state: 'approved', approverId: by }, { type: 'approved', by }));
}

export function reject(
  request: MoneyRequest,
  by: string,
  reason: string,
  policy: ApprovalPolicy,
  now: Date,
): Result<MoneyRequest, DecisionRefusal> {
  const check = checkDecider(request, by, policy);
  if (!check.ok) return check;
  return ok(advance(request, now, { state: 'rejected', approverId: by }, { type: 'rejected', by, reason }));
}

/** The one reference of this request's attempt; only from `approved`, so it is minted once. */
export function recordReference(request: MoneyRequest, referenceId: string, now: Date): MoneyRequest {
  if (request.state !== 'approved' || request.attempt) {
    throw new Error(`Cannot mint a reference for request ${request.id} in state ${request.state}`);
  }
  return advance(request, now, { state: 'executing', attempt: { referenceId } }, { type: 'reference_minted', referenceId });
}

export function recordSession(request: MoneyRequest, sessionId: string, now: Date): MoneyRequest {
  if (!request.attempt || request.attempt.sessionId) {
    throw new Error(`Cannot record a session for request ${request.id}: ${request.attempt ? 'it has one' : 'no reference yet'}`);
  }
  return advance(request, now, { attempt: { ...request.attempt, sessionId } }, { type: 'session_created', sessionId });
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
export function recordExecution(request: MoneyRequest, execution: ExecutionSnapshot, now: Date): MoneyRequest | undefined {
  if (!request.attempt) throw new Error(`Request ${request.id} has no attempt`);
  if (request.attempt.execution?.status === execution.status) return undefined;
  const state = STATE_OF_STATUS[execution.status];
  const failure = execution.status === 'FAILED' ? failureText(execution) : undefined;
  return advance(
    request,
    now,
    { state, attempt: { ...request.attempt, execution }, ...(failure ? { failure } : {}) },
    { type: 'status', execution },
  );
}

function failureText(execution: ExecutionSnapshot): string {
  return execution.walletMessage || execution.gatewayMessage || 'Dollr reported the execution as FAILED without a message.';
}

/** A final failure before Dollr accepted the execution (422, 403, session refused...). */
export function recordFailure(request: MoneyRequest, message: string, now: Date): MoneyRequest {
  return advance(request, now, { state: 'failed', failure: message }, { type: 'failed', message });
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

export function recordCardPosted(request: MoneyRequest, cardTs: string): MoneyRequest {
  return { ...request, cardTs, version: request.version + 1 };
}

/** Slack has been told about events up to (not including) index `count`. */
export function recordTold(request: MoneyRequest, count: number): MoneyRequest {
  return { ...request, toldCount: Math.max(request.toldCount, count), version: request.version + 1 };
}
