/** Use cases: an approver approves or rejects a request. The first decision wins; later ones are refused. */
import type { ApprovalPolicy } from './policy.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { MoneyRequest } from './request.ts';
import { refuse, ok, type Result } from './result.ts';
import { approve, mayDecide, reject, type DecisionRefusal } from './transitions.ts';

export type DecideRefusal = DecisionRefusal | 'unknown_request';

interface Deps {
  store: RequestStore;
  clock: Clock;
  policy: ApprovalPolicy;
}

const unknown = (id: string) => refuse('unknown_request' as const, `There is no request ${id}.`);

/** May this user decide on the request now? (Before asking an approver for a rejection reason.) */
export async function checkDecider(deps: Deps, requestId: string, userId: string): Promise<Result<MoneyRequest, DecideRefusal>> {
  const request = await deps.store.get(requestId);
  if (!request) return unknown(requestId);
  const check = mayDecide(request, userId, deps.policy);
  return check.ok ? ok(request) : check;
}

/**
 * Claims the request for execution: the compare-and-set from awaiting_approval to approved. Of any
 * number of concurrent clicks, exactly one gets ok; the others get already_decided.
 */
export function approveRequest(deps: Deps, requestId: string, userId: string) {
  return decide(deps, requestId, (r) => approve(r, userId, deps.policy, deps.clock.now()));
}

export function rejectRequest(deps: Deps, requestId: string, userId: string, reason: string) {
  return decide(deps, requestId, (r) => reject(r, userId, reason, deps.policy, deps.clock.now()));
}

async function decide(
  deps: Deps,
  requestId: string,
  transition: (r: MoneyRequest) => Result<MoneyRequest, DecisionRefusal>,
): Promise<Result<MoneyRequest, DecideRefusal>> {
  for (;;) {
    const current = await deps.store.get(requestId);
    if (!current) return unknown(requestId);
    const next = transition(current);
    if (!next.ok) return next;
    if (await deps.store.replace(next.value)) return next;
    // Lost the race: read again; the transition now sees the winner's decision and refuses.
  }
}
