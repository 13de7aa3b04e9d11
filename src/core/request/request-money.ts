/** Use case: a person asks for a refund or payout; it is checked, stored, and its approval card goes out. */
import type { ApprovalPolicy } from '../approval/approval-policy.ts';
import { usedTodayMinor } from '../approval/daily-limit.ts';
import { toMinor } from './money.ts';
import type { Clock, RequestStore } from '../ports.ts';
import { requestChecks } from './request-checks.ts';
import type { MoneyRequest, RequestDetails } from './request.ts';
import { ok, refuse, type RefusalOf, type Result } from '../result.ts';
import { newRequest } from './transitions.ts';

export interface RequestMoneyInput {
  /** Derived from the submission, so that a repeated delivery of one submission makes one request. */
  id: string;
  details: RequestDetails;
  requesterId: string;
  channelId: string;
}

type RequestMoneyRefusal = RefusalOf<
  'duplicate_submission' | 'payouts_not_configured' | 'over_maximum' | 'over_daily_limit' | 'too_many_requests'
>;

export interface RequestMoneyDeps {
  store: RequestStore;
  clock: Clock;
  policy: ApprovalPolicy;
  payoutsConfigured: boolean;
  /** Requests one person may make per minute. */
  requestsPerMinute: number;
}

export async function requestMoney(
  deps: RequestMoneyDeps,
  input: RequestMoneyInput,
): Promise<Result<MoneyRequest, RequestMoneyRefusal>> {
  const { store, clock } = deps;
  if (input.details.kind === 'payout' && !deps.payoutsConfigured) return refuse({ code: 'payouts_not_configured' });
  if (await store.get(input.id)) return refuse({ code: 'duplicate_submission', requestId: input.id });
  const rule = deps.policy.ruleFor(input.details);
  if (!rule.ok) return rule;
  const count = await store.increment(`requests-by:${input.requesterId}`, 60_000);
  if (count > deps.requestsPerMinute) return refuse({ code: 'too_many_requests', perMinute: deps.requestsPerMinute });
  const now = clock.now();
  const { approvalsRequired, description, dailyLimitMinor } = rule.value;
  const approverLevels = Array.from({ length: approvalsRequired }, (_, index) => rule.value.eligibleFor(index));
  const draft = newRequest({
    ...input,
    approvalsRequired,
    ruleDescription: description,
    approverLevels,
    dailyLimitMinor,
    now,
  });
  if (dailyLimitMinor !== undefined) {
    const used = await usedTodayMinor(store, input.details, now);
    if (used + toMinor(input.details.amount) > dailyLimitMinor) {
      return refuse({ code: 'over_daily_limit', details: input.details, usedMinor: used, limitMinor: dailyLimitMinor });
    }
  }
  const request = { ...draft, checks: await requestChecks(store, input.details, now) };
  let inserted: boolean;
  try {
    inserted = await store.insert(request);
  } catch (error) {
    // An insert that outlived its deadline may still land: look before saying anything.
    const stored = await store.get(input.id).catch(() => undefined);
    if (stored) return ok(stored);
    throw error;
  }
  if (!inserted) return refuse({ code: 'duplicate_submission', requestId: input.id });
  return ok(request);
}
