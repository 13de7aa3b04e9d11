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
import { judgeRecipient, type PayeeStanding, type PayeeVerdict } from './payees.ts';

/** What the list says of the request's account or counterparty now, when it differs from what the request last knew. */
function changeOf(policy: ApprovalPolicy, request: MoneyRequest): PayeeStanding | undefined {
  const verdict = judgeRecipient(policy, request.details);
  if (!verdict || !request.payee || isFinal(request.state)) return undefined;
  const now: PayeeStanding = verdict.ok ? verdict.standing : standingOf(verdict);
  const latest = request.events.findLast(
    (e): e is Extract<RequestEvent, { type: 'payee_changed' }> => e.type === 'payee_changed',
  );
  const known = latest?.now ?? request.payee;
  return sameStanding(known, now) ? undefined : now;
}

/** A refused verdict as a standing: on the list in another currency, or not on it. */
function standingOf(verdict: Exclude<PayeeVerdict, { ok: true }>): PayeeStanding {
  switch (verdict.code) {
    case 'payee_currency':
      return { kind: 'named', name: verdict.payee.name, currency: verdict.payee.currency };
    case 'counterparty_currency':
      return { kind: 'named', name: verdict.counterparty.name, currency: verdict.counterparty.currency };
    default:
      return { kind: 'unnamed' };
  }
}

const sameStanding = (a: PayeeStanding, b: PayeeStanding) =>
  a.kind === b.kind && (a.kind !== 'named' || (b.kind === 'named' && a.name === b.name && a.currency === b.currency));

/** Records in each open payout's or transfer's trail how its list changed for it. Best effort, per request. */
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
