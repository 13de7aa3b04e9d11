/** Use case: a person asks for a refund, payout or transfer; it is checked, stored, and its approval card goes out. */
import type { ApprovalPolicy } from '../approval/approval-policy.ts';
import { usedTodayMinor } from '../approval/daily-limit.ts';
import { judgeRecipient, type PayeeStanding } from '../approval/payees.ts';
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
  | 'duplicate_submission'
  | 'payouts_not_configured'
  | 'transfers_not_configured'
  | 'over_maximum'
  | 'over_daily_limit'
  | 'too_many_requests'
  | 'unknown_payee'
  | 'payee_currency'
  | 'unknown_counterparty'
  | 'counterparty_currency'
>;

type RecipientRefusal = RefusalOf<
  'unknown_payee' | 'payee_currency' | 'unknown_counterparty' | 'counterparty_currency'
>;

export interface RequestMoneyDeps {
  store: RequestStore;
  clock: Clock;
  policy: ApprovalPolicy;
  payoutsConfigured: boolean;
  /** A source wallet is configured and the policy names counterparties. */
  transfersConfigured: boolean;
  /** Requests one person may make per minute. */
  requestsPerMinute: number;
}

/** A payout's account or a transfer's counterparty against its list; undefined for a refund. */
function payeeOf(policy: ApprovalPolicy, details: RequestDetails): Result<PayeeStanding, RecipientRefusal> | undefined {
  const verdict = judgeRecipient(policy, details);
  if (!verdict) return undefined;
  return verdict.ok ? ok(verdict.standing) : verdict;
}

export async function requestMoney(
  deps: RequestMoneyDeps,
  input: RequestMoneyInput,
): Promise<Result<MoneyRequest, RequestMoneyRefusal>> {
  const { store, clock } = deps;
  if (input.details.kind === 'payout' && !deps.payoutsConfigured) return refuse({ code: 'payouts_not_configured' });
  if (input.details.kind === 'transfer' && !deps.transfersConfigured)
    return refuse({ code: 'transfers_not_configured' });
  if (await store.get(input.id)) return refuse({ code: 'duplicate_submission', requestId: input.id });
  const rule = deps.policy.ruleFor(input.details);
  if (!rule.ok) return rule;
  const payee = payeeOf(deps.policy, input.details);
  if (payee && !payee.ok) return payee;
  const count = await store.increment(`requests-by:${input.requesterId}`, 60_000);
  if (count > deps.requestsPerMinute) return refuse({ code: 'too_many_requests', perMinute: deps.requestsPerMinute });
  const now = clock.now();
  const { dailyLimitMinor } = rule.value;
  // An account not on the payee list (where the policy allows one) needs one approval more than its rule.
  const unnamed = payee?.value.kind === 'unnamed';
  const approvalsRequired = rule.value.approvalsRequired + (unnamed ? 1 : 0);
  const approverLevels = Array.from({ length: approvalsRequired }, (_, index) => rule.value.eligibleFor(index));
  const description = unnamed
    ? `${rule.value.description}, one more for an account not on the payee list`
    : rule.value.description;
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
  const request = {
    ...draft,
    ...(payee ? { payee: payee.value } : {}),
    checks: await requestChecks(store, input.details, now),
  };
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
