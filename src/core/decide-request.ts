/**
 * Use cases: approve, reject, cancel. Each decision is a compare-and-set on the record, so of any
 * number of concurrent clicks exactly one wins each step; the others are refused with the reason.
 */
import type { ApprovalPolicy, ApproverSet } from './approval-policy.ts';
import { executedTodayMinor } from './daily-usage.ts';
import { currentFreeze, frozenMessage } from './freeze.ts';
import { displayAmount, formatMinor, toMinor } from './money.ts';
import type { Clock, Directory, RequestStore } from './ports.ts';
import { approvalsOf, type MoneyRequest } from './request.ts';
import { refuse, ok, type Result } from './result.ts';
import { approve, cancel, checkDecision, reject, type DecisionRefusal } from './transitions.ts';

export type DecideRefusal = DecisionRefusal | 'unknown_request' | 'not_an_approver' | 'frozen' | 'over_maximum' | 'over_daily_limit';

export interface DecideDeps {
  store: RequestStore;
  clock: Clock;
  policy: ApprovalPolicy;
  directory: Directory;
}

type Outcome = Result<MoneyRequest, DecideRefusal>;

const unknown = (id: string) => refuse('unknown_request' as const, `There is no request ${id}.`);

/** Names a set of approvers in mrkdwn: mentions and user-group mentions. */
export const nameSet = (set: ApproverSet): string =>
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

/** Whether the user may give the next approval this request needs (or reject it). */
async function eligibleNow(deps: DecideDeps, request: MoneyRequest, userId: string): Promise<Result<true, DecideRefusal>> {
  const rule = deps.policy.ruleFor(request.details);
  if (!rule.ok) return rule;
  const index = approvalsOf(request).length;
  const set = rule.value.eligibleFor(Math.min(index, request.approvalsRequired - 1));
  if (await deps.directory.isIn(userId, set)) return ok(true);
  const message =
    request.approvalsRequired > 1
      ? `Approval ${index + 1} of ${request.approvalsRequired} can only be given by ${nameSet(set)}. Nothing was changed.`
      : `Only ${nameSet(set)} can approve or reject this request. Nothing was changed.`;
  return refuse('not_an_approver', message);
}

/**
 * One approval. The one that completes the rule claims the request for execution; it is refused
 * while executions are frozen or when it would pass the daily limit.
 */
export function approveRequest(deps: DecideDeps, requestId: string, userId: string, comment?: string): Promise<Outcome> {
  return decide(deps, requestId, async (request) => {
    const check = checkDecision(request, userId);
    if (!check.ok) return check;
    const eligible = await eligibleNow(deps, request, userId);
    if (!eligible.ok) return eligible;
    const completes = approvalsOf(request).length + 1 >= request.approvalsRequired;
    if (completes) {
      const freeze = await currentFreeze(deps.store);
      if (freeze) return refuse('frozen', `${frozenMessage(freeze)} Your approval was not recorded.`);
      const limit = deps.policy.ruleFor(request.details);
      const dailyLimitMinor = limit.ok ? limit.value.dailyLimitMinor : undefined;
      if (dailyLimitMinor !== undefined) {
        const used = await executedTodayMinor(deps.store, request.details, deps.clock.now());
        if (used + toMinor(request.details.amount) > dailyLimitMinor) {
          return refuse('over_daily_limit', dailyLimitMessage(request, used, dailyLimitMinor));
        }
      }
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

async function decide(deps: DecideDeps, requestId: string, transition: (r: MoneyRequest) => Promise<Outcome>): Promise<Outcome> {
  for (;;) {
    const current = await deps.store.get(requestId);
    if (!current) return unknown(requestId);
    const next = await transition(current);
    if (!next.ok) return next;
    if (await deps.store.replace(next.value, current)) return next;
    // Lost the race: read again; the transition now sees the winner's decision.
  }
}
