/**
 * Use cases: approve, reject, cancel. Each decision is a compare-and-set on the record, so of any
 * number of concurrent clicks exactly one wins each step; the others are refused with the reason.
 */
import type { ApprovalPolicy, ApproverSet } from './approval-policy.ts';
import { currentFreeze } from './freeze.ts';
import type { Clock, Directory, RequestStore } from '../ports.ts';
import { approvalsOf, type MoneyRequest } from '../request/request.ts';
import { ok, refuse, type RefusalOf, type Result } from '../result.ts';
import { LimitReachedError } from '../store-refusals.ts';
import { approve, cancel, checkDecision, reject, type DecisionRefusal } from '../request/transitions.ts';
import { readBack, writeOptions } from '../request/update-request.ts';

type DecideRefusal =
  | DecisionRefusal
  | RefusalOf<'unknown_request' | 'not_an_approver' | 'frozen' | 'over_maximum' | 'over_daily_limit' | 'unconfirmed'>;

export interface DecideDeps {
  store: RequestStore;
  clock: Clock;
  policy: ApprovalPolicy;
  directory: Directory;
}

type Outcome = Result<MoneyRequest, DecideRefusal>;

const unknown = (requestId: string) => refuse({ code: 'unknown_request', requestId });

/** May this user approve or reject now? (Before asking an approver for a reason or a comment.) */
export async function checkDecider(deps: DecideDeps, requestId: string, userId: string): Promise<Outcome> {
  const request = await deps.store.get(requestId);
  if (!request) return unknown(requestId);
  const check = checkDecision(request, userId);
  if (!check.ok && check.code !== 'already_approved_by_you') return check;
  const eligible = await eligibleNow(deps, request, userId);
  return eligible.ok ? ok(request) : eligible;
}

/**
 * Who may give approval number `index` (0-based): as fixed when the request was made; for records
 * from before that was kept, as the policy says now.
 */
export function eligibleSet(
  policy: ApprovalPolicy,
  request: MoneyRequest,
  index: number,
): Result<ApproverSet, RefusalOf<'over_maximum'>> {
  const at = Math.min(index, request.approvalsRequired - 1);
  const levels = request.approverLevels;
  if (levels && levels.length > 0) return ok(levels[Math.min(at, levels.length - 1)]!);
  const rule = policy.ruleFor(request.details);
  return rule.ok ? ok(rule.value.eligibleFor(at)) : rule;
}

/** Whether the user may give the next approval this request needs (or reject it). */
async function eligibleNow(
  deps: DecideDeps,
  request: MoneyRequest,
  userId: string,
): Promise<Result<true, DecideRefusal>> {
  const index = approvalsOf(request).length;
  const eligible = eligibleSet(deps.policy, request, index);
  if (!eligible.ok) return eligible;
  const set = eligible.value;
  if (await deps.directory.isIn(userId, set)) return ok(true);
  return refuse({ code: 'not_an_approver', approval: index + 1, of: request.approvalsRequired, set });
}

/**
 * One approval. The one that completes the rule claims the request for execution and reserves its
 * amount against the day's usage in the same atomic write; it is refused while executions are
 * frozen or when the reservation would pass the daily limit.
 */
export function approveRequest(
  deps: DecideDeps,
  requestId: string,
  userId: string,
  comment?: string,
): Promise<Outcome> {
  return decide(deps, requestId, async (request) => {
    const check = checkDecision(request, userId);
    if (!check.ok) return check;
    const eligible = await eligibleNow(deps, request, userId);
    if (!eligible.ok) return eligible;
    const completes = approvalsOf(request).length + 1 >= request.approvalsRequired;
    if (completes) {
      const freeze = await currentFreeze(deps.store);
      if (freeze) return refuse({ code: 'frozen', freeze });
    }
    return approve(request, userId, comment, deps.clock.now());
  });
}

export function rejectRequest(deps: DecideDeps, requestId: string, userId: string, reason: string): Promise<Outcome> {
  return decide(deps, requestId, async (request) => {
    const check = checkDecision(request, userId);
    if (!check.ok && check.code !== 'already_approved_by_you') return check;
    const eligible = await eligibleNow(deps, request, userId);
    if (!eligible.ok) return eligible;
    return reject(request, userId, reason, deps.clock.now());
  });
}

export function cancelRequest(deps: DecideDeps, requestId: string, userId: string): Promise<Outcome> {
  return decide(deps, requestId, async (request) => cancel(request, userId, deps.clock.now()));
}

async function decide(
  deps: DecideDeps,
  requestId: string,
  transition: (r: MoneyRequest) => Promise<Outcome>,
): Promise<Outcome> {
  for (;;) {
    const current = await deps.store.get(requestId);
    if (!current) return unknown(requestId);
    const next = await transition(current);
    if (!next.ok) return next;
    try {
      if (await deps.store.replace(next.value, current, writeOptions(current, next.value))) return next;
    } catch (error) {
      if (error instanceof LimitReachedError && current.dailyLimitMinor !== undefined) {
        return refuse({
          code: 'over_daily_limit',
          details: current.details,
          usedMinor: error.current,
          limitMinor: current.dailyLimitMinor,
        });
      }
      // A write that outlived its deadline may still land: what the store holds now tells.
      const landed = await readBack(deps.store, next.value);
      if (landed === 'unknown') return refuse({ code: 'unconfirmed' });
      if (landed) return ok(landed);
    }
    // Lost the race: read again; the transition now sees the winner's decision.
  }
}
