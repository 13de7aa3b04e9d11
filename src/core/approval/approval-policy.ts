/**
 * Who must approve what. Pure: the policy file is read and checked elsewhere (adapters/policy) into a
 * PolicyConfig; this module picks the rule for a request and says who may give each approval.
 * Without a file the policy is "one approval from APPROVERS, no maximum, no daily limit".
 *
 * The requester never counts and nobody counts twice: that is enforced where approvals are recorded
 * (transitions), not here, because it depends on the request's trail, not on the policy.
 */
import { displayAmount, formatMinor, toMinor, type Currency } from '../request/money.ts';
import { currencyOf, type Operation, type RequestDetails } from '../request/request.ts';
import { ok, refuse, type RefusalOf, type Result } from '../result.ts';
import type { Counterparty, PayeeList } from './payees.ts';

/** Slack users (U…, W…) and user groups (S…). */
export interface ApproverSet {
  users: readonly string[];
  groups: readonly string[];
}

interface PolicyTier {
  /** The tier applies to amounts strictly above this (minor units; 0: every amount). */
  aboveMinor: number;
  /** Distinct approvers needed, at least 1. */
  approvalsRequired: number;
  /** Who may give approval 1, 2…; an index without an entry falls back to the rule's approvers. */
  levels?: readonly ApproverSet[];
}

interface PolicyRule {
  operation: Operation;
  /**
   * Payouts and transfers; absent: every currency that has no rule of its own. A refund is in its original
   * payment's currency, which the app does not know, so a refund rule with a currency never matches
   * (the file loader refuses one).
   */
  currency?: Currency;
  /** Absent: the file's approvers, else APPROVERS. */
  approvers?: ApproverSet;
  /** Refused outright strictly above this (minor units). */
  maxAmountMinor?: number;
  /** Sum executed per UTC day, in minor units (the caller sums and compares). */
  dailyLimitMinor?: number;
  /** In any order; the one with the highest `aboveMinor` below the amount applies, none: 1 approval. */
  tiers: readonly PolicyTier[];
}

export interface PolicyConfig {
  /** Default approvers for every rule; absent: APPROVERS. */
  approvers?: ApproverSet;
  /** The named payout accounts; absent: no list (any account number, flagged as not on a list). */
  payees?: PayeeList;
  /** The counterparties transfers may go to; absent or empty: no transfers. */
  counterparties?: readonly Counterparty[];
  /** At most one per operation and currency (the loader checks); absent or empty: the default policy. */
  rules?: readonly PolicyRule[];
}

export interface AppliedRule {
  /** Distinct approvers needed, >= 1. */
  approvalsRequired: number;
  /** Who may give approval number `index` (0-based, in the order approvals arrive). */
  eligibleFor(index: number): ApproverSet;
  /** Daily limit for this operation (and currency, but for refunds) in minor units, if any. */
  dailyLimitMinor?: number;
  /** For the card, e.g. "2 approvals (refunds above 500.00)". */
  description: string;
}

export interface ApprovalPolicy {
  /** The rule for this request, or a refusal when the amount is above the maximum. */
  ruleFor(details: RequestDetails): Result<AppliedRule, RefusalOf<'over_maximum'>>;
  /** Everyone named anywhere in the policy, APPROVERS included; groups are not expanded. */
  readonly everyApproverSet: ApproverSet;
  /** The named payees, if the policy has a list. */
  readonly payees: PayeeList | undefined;
  /** The counterparties transfers may go to (empty: none). */
  readonly counterparties: readonly Counterparty[];
}

/** Splits Slack IDs into users (U…, W…) and user groups (S…), dropping repeats. */
export function approverSetFrom(ids: readonly string[]): ApproverSet {
  const unique = [...new Set(ids)];
  return { users: unique.filter((id) => !id.startsWith('S')), groups: unique.filter((id) => id.startsWith('S')) };
}

const union = (sets: readonly ApproverSet[]): ApproverSet => ({
  users: [...new Set(sets.flatMap((s) => s.users))],
  groups: [...new Set(sets.flatMap((s) => s.groups))],
});

const approvals = (n: number) => `${n} approval${n === 1 ? '' : 's'}`;
const money = (minor: number, details: RequestDetails) => {
  const currency = currencyOf(details);
  return `${displayAmount(formatMinor(minor))}${currency ? ` ${currency}` : ''}`;
};

/** A batch of refunds follows the refund rule. */
const ruleOperation = (details: RequestDetails): Operation =>
  details.kind === 'refund_batch' ? 'refund' : details.kind;

/** A rule for the request's currency wins over one for any currency; refunds only match currency-less rules. */
function ruleOf(rules: readonly PolicyRule[], details: RequestDetails): PolicyRule | undefined {
  const candidates = rules.filter((r) => r.operation === ruleOperation(details));
  const currency = currencyOf(details);
  return (
    (currency && candidates.find((r) => r.currency === currency)) || candidates.find((r) => r.currency === undefined)
  );
}

/** The tier with the highest threshold the amount is strictly above; undefined: none applies. */
function tierOf(tiers: readonly PolicyTier[], amountMinor: number): PolicyTier | undefined {
  let chosen: PolicyTier | undefined;
  for (const tier of tiers) {
    if (amountMinor > tier.aboveMinor && (!chosen || tier.aboveMinor > chosen.aboveMinor)) chosen = tier;
  }
  return chosen;
}

export function createApprovalPolicy(config: PolicyConfig, defaultApprovers: ApproverSet): ApprovalPolicy {
  const rules = config.rules ?? [];
  const fallback = config.approvers ?? defaultApprovers;
  const everyApproverSet = union([
    defaultApprovers,
    fallback,
    ...rules.flatMap((rule) => [rule.approvers ?? fallback, ...rule.tiers.flatMap((tier) => tier.levels ?? [])]),
  ]);

  return {
    everyApproverSet,
    payees: config.payees,
    counterparties: config.counterparties ?? [],
    ruleFor(details) {
      if (details.kind !== 'refund_batch') return ruleOfOne(details);
      // A batch needs what its strictest rule needs: the one of its largest line, or of its total. A
      // line above the maximum is named before the total is looked at.
      let strictest: AppliedRule | undefined;
      for (const { line, ...refund } of details.lines) {
        const applied = ruleOfOne({ kind: 'refund', ...refund });
        if (!applied.ok) return { ...applied, line };
        if (!strictest || applied.value.approvalsRequired > strictest.approvalsRequired) strictest = applied.value;
      }
      const total = ruleOfOne(details);
      if (!total.ok) return total;
      return ok(strictest && strictest.approvalsRequired > total.value.approvalsRequired ? strictest : total.value);
    },
  };

  function ruleOfOne(details: RequestDetails): Result<AppliedRule, RefusalOf<'over_maximum'>> {
    const rule = ruleOf(rules, details);
    const amountMinor = toMinor(details.amount);
    if (!rule) return ok({ approvalsRequired: 1, eligibleFor: () => fallback, description: approvals(1) });
    if (rule.maxAmountMinor !== undefined && amountMinor > rule.maxAmountMinor) {
      return refuse({ code: 'over_maximum', details, maxMinor: rule.maxAmountMinor });
    }
    const ruleApprovers = rule.approvers ?? fallback;
    const tier = tierOf(rule.tiers, amountMinor);
    const approvalsRequired = tier?.approvalsRequired ?? 1;
    return ok({
      approvalsRequired,
      eligibleFor: (index) => tier?.levels?.[index] ?? ruleApprovers,
      dailyLimitMinor: rule.dailyLimitMinor,
      description:
        tier && tier.aboveMinor > 0
          ? `${approvals(approvalsRequired)} (${ruleOperation(details)}s above ${money(tier.aboveMinor, details)})`
          : approvals(approvalsRequired),
    });
  }
}
