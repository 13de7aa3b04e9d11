/**
 * The payee list may change between restarts (a supplier renamed, an account removed). A request keeps
 * the payee as it stood when it was made (that is what its approvers saw), and its trail records what
 * the list says now, once per change, so that nobody approves or audits it unaware.
 */
import type { Clock, Logger, RequestStore } from '../ports.ts';
import type { MoneyRequest, RequestEvent } from '../request/request.ts';
import { isFinal } from '../request/request.ts';
import { recordPayeeChange } from '../request/transitions.ts';
import { updateRequest } from '../request/update-request.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import { judgePayee, type PayeeStanding } from './payees.ts';

/** What the list says of the request's account now, when it differs from what the request last knew. */
function changeOf(policy: ApprovalPolicy, request: MoneyRequest): PayeeStanding | undefined {
  const { details } = request;
  if (details.kind !== 'payout' || !request.payee || isFinal(request.state)) return undefined;
  const verdict = judgePayee(policy.payees, details.payoutAccountId, details.currency);
  const now: PayeeStanding = verdict.ok
    ? verdict.standing
    : verdict.code === 'payee_currency'
      ? { kind: 'named', name: verdict.payee.name, currency: verdict.payee.currency }
      : { kind: 'unnamed' };
  const latest = request.events.findLast(
    (e): e is Extract<RequestEvent, { type: 'payee_changed' }> => e.type === 'payee_changed',
  );
  const known = latest?.now ?? request.payee;
  return sameStanding(known, now) ? undefined : now;
}

const sameStanding = (a: PayeeStanding, b: PayeeStanding) =>
  a.kind === b.kind && (a.kind !== 'named' || (b.kind === 'named' && a.name === b.name && a.currency === b.currency));

/** Records in each open payout's trail how the payee list changed for its account. Best effort, per request. */
export async function recordPayeeChanges(deps: {
  store: RequestStore;
  policy: ApprovalPolicy;
  clock: Clock;
  logger: Logger;
}): Promise<void> {
  for (const { request } of await deps.store.listWithWorkLeft()) {
    if (!changeOf(deps.policy, request)) continue;
    await updateRequest(deps.store, request.id, (current) => {
      const now = changeOf(deps.policy, current);
      return now ? recordPayeeChange(current, now, deps.clock.now()) : undefined;
    }).catch((error: unknown) => deps.logger.warn('payee change not recorded', { requestId: request.id, error }));
  }
}
