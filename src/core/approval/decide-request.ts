/**
 * Use cases: approve, reject, cancel. Each decision is a compare-and-set on the record, so of any
 * number of concurrent clicks exactly one wins each step; the others are refused with the reason.
 */
import type { ApprovalPolicy, ApproverSet } from './approval-policy.ts';
import { currentFreeze, frozenMessage } from './freeze.ts';
import { displayAmount, formatMinor } from '../request/money.ts';
import type { Clock, Directory, RequestStore } from '../ports.ts';
import { approvalsOf, type MoneyRequest } from '../request/request.ts';
import { refuse, ok, type Result } from '../result.ts';
import { LimitReachedError } from '../store-refusals.ts';
import { approve, cancel, checkDecision, reject, type DecisionRefusal } from '../request/transitions.ts';
import { readBack, writeOptions } from '../request/update-request.ts';

type DecideRefusal =
  | DecisionRefusal
  | 'unknown_request'
  | 'not_an_approver'
  | 'frozen'
  | 'over_maximum'
  | 'over_daily_limit'
  | 'unconfirmed';

export interface DecideDeps {
  store: RequestStore;
  clock: Clock;
  policy: ApprovalPolicy;
  directory: Directory;
}

type Outcome = Result<MoneyRequest, DecideRefusal>;

const unknown = (id: string) => refuse('unknown_request' as const, `There is no request ${id}.`);

/** Names a set of approvers in mrkdwn: mentions and user-group mentions. */
const nameSet = (set: ApproverSet): string =>
  [...set.users.map((u) => `<@${u}>`), ...set.groups.map((g) => `<!subteam^${g}>`)].join(', ') || 'nobody';

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
): Result<ApproverSet, 'over_maximum'> {
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
  const message =
    request.approvalsRequired > 1
      ? `Approval ${index + 1} of ${request.approvalsRequired} can only be given by ${nameSet(set)}. Nothing was changed.`
      : `Only ${nameSet(set)} can approve or reject this request. Nothing was changed.`;
  return refuse('not_an_approver', message);
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
      if (freeze) return refuse('frozen', `${frozenMessage(freeze)} Your approval was not recorded.`);
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

export function dailyLimitMessage(request: MoneyRequest, usedMinor: number, limitMinor: number): string {
  const currency = request.details.kind === 'payout' ? ` ${request.details.currency}` : '';
  return (
    `This ${request.details.kind} of ${displayAmount(request.details.amount)}${currency} would pass today's limit of ` +
    `${displayAmount(formatMinor(limitMinor))}${currency} (${displayAmount(formatMinor(usedMinor))}${currency} already executed today). ` +
    'It can be approved tomorrow, or an admin can raise the limit in the approval policy.'
  );
}

const UNCONFIRMED =
  'The store did not answer in time, so I cannot tell whether your decision was saved. If it was, the card shows it within a ' +
  'minute: look there before you press again.';

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
        return refuse('over_daily_limit', dailyLimitMessage(current, error.current, current.dailyLimitMinor));
      }
      // A write that outlived its deadline may still land: what the store holds now tells.
      const landed = await readBack(deps.store, next.value);
      if (landed === 'unknown') return refuse('unconfirmed', UNCONFIRMED);
      if (landed) return ok(landed);
    }
    // Lost the race: read again; the transition now sees the winner's decision.
  }
}
