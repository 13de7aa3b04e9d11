/** Use case: a person asks for a refund or payout; it is stored and its approval card goes out. */
import type { Clock, RequestStore } from './ports.ts';
import type { MoneyRequest, RequestDetails } from './request.ts';
import { refuse, ok, type Result } from './result.ts';
import { newRequest } from './transitions.ts';

export interface RequestMoneyInput {
  /** Derived from the submission, so that a repeated delivery of one submission makes one request. */
  id: string;
  details: RequestDetails;
  requesterId: string;
  channelId: string;
}

export type RequestMoneyRefusal = 'duplicate_submission' | 'payouts_not_configured';

export async function requestMoney(
  deps: { store: RequestStore; clock: Clock; payoutsConfigured: boolean },
  input: RequestMoneyInput,
): Promise<Result<MoneyRequest, RequestMoneyRefusal>> {
  if (input.details.kind === 'payout' && !deps.payoutsConfigured) {
    return refuse('payouts_not_configured', PAYOUTS_NOT_CONFIGURED);
  }
  const request = newRequest({ ...input, now: deps.clock.now() });
  if (!(await deps.store.insert(request))) {
    return refuse('duplicate_submission', `Request ${input.id} was already submitted.`);
  }
  return ok(request);
}

export const PAYOUTS_NOT_CONFIGURED =
  'Payouts are not set up in this app yet: an admin must set DOLLR_PAYOUT_PASSCODE and DOLLR_PAYOUT_PHONE (or DOLLR_PAYOUT_USER_ID). Refunds work.';
