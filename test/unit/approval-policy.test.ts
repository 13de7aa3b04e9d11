/** Rule selection of the approval policy (pure): defaults, currency match, tiers, maximum, levels. */
import { refusalText } from '../../src/adapters/slack/blocks/outcome-text.ts';
import { describe, expect, it } from 'vitest';
import {
  approverSetFrom,
  createApprovalPolicy,
  type AppliedRule,
  type ApprovalPolicy,
  type PolicyConfig,
} from '../../src/core/approval/approval-policy.ts';
import type { Currency } from '../../src/core/request/money.ts';
import type { RequestDetails } from '../../src/core/request/request.ts';

const APPROVERS = approverSetFrom(['U0ALICE', 'S0TEAM']);
const FINANCE = { users: [], groups: ['S0FINANCE'] };
const CFO = { users: ['U0CFO'], groups: [] };
const LIBERIA = { users: ['U0LIB1', 'U0LIB2'], groups: [] };

const refund = (amount: string): RequestDetails => ({
  kind: 'refund',
  originalPaymentIntentId: 4411,
  amount,
  reason: 'r',
});
const payout = (amount: string, currency: Currency): RequestDetails => ({
  kind: 'payout',
  payoutAccountId: 7,
  amount,
  currency,
  reason: 'r',
});

function applied(policy: ApprovalPolicy, details: RequestDetails): AppliedRule {
  const rule = policy.ruleFor(details);
  if (!rule.ok) throw new Error(`refused: ${rule.code}`);
  return rule.value;
}

const config: PolicyConfig = {
  approvers: FINANCE,
  rules: [
    {
      operation: 'refund',
      maxAmountMinor: 10_000_00,
      dailyLimitMinor: 25_000_00,
      tiers: [{ aboveMinor: 500_00, approvalsRequired: 2, levels: [FINANCE, CFO] }],
    },
    {
      operation: 'payout',
      currency: 'USD',
      maxAmountMinor: 20_000_00,
      // Out of order on purpose: the highest threshold below the amount wins, whatever the order.
      tiers: [
        { aboveMinor: 10_000_00, approvalsRequired: 3 },
        { aboveMinor: 1_000_00, approvalsRequired: 2 },
      ],
    },
    { operation: 'payout', currency: 'LRD', approvers: LIBERIA, dailyLimitMinor: 5_000_000_00, tiers: [] },
    { operation: 'payout', tiers: [{ aboveMinor: 0, approvalsRequired: 2 }] },
  ],
};
const policy = createApprovalPolicy(config, APPROVERS);

describe('approverSetFrom', () => {
  it('splits users (U…, W…) from user groups (S…) and drops repeats', () => {
    expect(approverSetFrom(['U1AA', 'S1AA', 'W1AA', 'U1AA'])).toEqual({ users: ['U1AA', 'W1AA'], groups: ['S1AA'] });
  });
});

describe('without a policy file', () => {
  const simple = createApprovalPolicy({}, APPROVERS);

  it('needs one approval from APPROVERS, whatever the amount, with no maximum and no daily limit', () => {
    for (const details of [refund('0.01'), refund('99999999.99'), payout('5000000', 'RWF')]) {
      const rule = applied(simple, details);
      expect(rule.approvalsRequired).toBe(1);
      expect(rule.eligibleFor(0)).toEqual(APPROVERS);
      expect(rule.dailyLimitMinor).toBeUndefined();
      expect(rule.description).toBe('1 approval');
    }
    expect(simple.everyApproverSet).toEqual(APPROVERS);
  });

  it('is the same with an empty list of rules', () => {
    expect(applied(createApprovalPolicy({ rules: [] }, APPROVERS), refund('600')).eligibleFor(0)).toEqual(APPROVERS);
  });
});

describe('thresholds', () => {
  it('applies a tier strictly above its amount', () => {
    expect(applied(policy, refund('500.00')).approvalsRequired).toBe(1);
    expect(applied(policy, refund('500.01')).approvalsRequired).toBe(2);
  });

  it('picks the highest tier that applies, in whatever order the tiers are given', () => {
    expect(applied(policy, payout('1000', 'USD')).approvalsRequired).toBe(1);
    expect(applied(policy, payout('1000.01', 'USD')).approvalsRequired).toBe(2);
    expect(applied(policy, payout('10000', 'USD')).approvalsRequired).toBe(2);
    expect(applied(policy, payout('10000.01', 'USD')).approvalsRequired).toBe(3);
  });

  it('describes the rule for the card', () => {
    expect(applied(policy, refund('25')).description).toBe('1 approval');
    expect(applied(policy, refund('600')).description).toBe('2 approvals (refunds above 500.00)');
    expect(applied(policy, payout('15000', 'USD')).description).toBe('3 approvals (payouts above 10,000.00 USD)');
    // A tier "above 0" is every amount: nothing to say about a threshold.
    expect(applied(policy, payout('1', 'RWF')).description).toBe('2 approvals');
  });
});

describe('the maximum', () => {
  it('refuses strictly above it, saying the maximum and what to do', () => {
    expect(policy.ruleFor(refund('10000.00')).ok).toBe(true);
    const refused = policy.ruleFor(refund('10000.01'));
    expect(refused).toMatchObject({ ok: false, code: 'over_maximum', maxMinor: 10_000_00 });
    if (refused.ok) return;
    expect(refusalText(refused)).toContain('Refunds above 10,000.00 are not allowed');
    expect(refusalText(refused)).toMatch(/ask an admin to raise the maximum in the approval policy/);
  });

  it('names the currency of a payout', () => {
    const refused = policy.ruleFor(payout('20000.01', 'USD'));
    expect(refused).toMatchObject({ ok: false, code: 'over_maximum', maxMinor: 20_000_00 });
    expect(refused.ok || refusalText(refused)).toContain('above 20,000.00 USD');
  });
});

describe('currencies', () => {
  it("uses the payout rule of the request's currency over the one for any currency", () => {
    const lrd = applied(policy, payout('100', 'LRD'));
    expect(lrd.approvalsRequired).toBe(1);
    expect(lrd.eligibleFor(0)).toEqual(LIBERIA);
    expect(lrd.dailyLimitMinor).toBe(5_000_000_00);
  });

  it('falls back to the rule for any currency, then to the default', () => {
    expect(applied(policy, payout('1', 'RWF')).approvalsRequired).toBe(2);
    const noAnyRule = createApprovalPolicy(
      { rules: [{ operation: 'payout', currency: 'USD', maxAmountMinor: 100, tiers: [] }] },
      APPROVERS,
    );
    expect(applied(noAnyRule, payout('5000', 'LRD'))).toMatchObject({
      approvalsRequired: 1,
      description: '1 approval',
    });
  });

  it('never matches a refund to a rule that names a currency (refunds have no currency of their own)', () => {
    const odd = createApprovalPolicy(
      { rules: [{ operation: 'refund', currency: 'USD', maxAmountMinor: 100, tiers: [] }] },
      APPROVERS,
    );
    expect(odd.ruleFor(refund('5000')).ok).toBe(true);
  });
});

describe('who may approve', () => {
  it('gives each approval its level, in the order approvals arrive', () => {
    const rule = applied(policy, refund('600'));
    expect(rule.eligibleFor(0)).toEqual(FINANCE);
    expect(rule.eligibleFor(1)).toEqual(CFO);
    expect(rule.dailyLimitMinor).toBe(25_000_00);
  });

  it("falls back to the rule's approvers, then the file's, then APPROVERS", () => {
    expect(applied(policy, refund('10')).eligibleFor(0)).toEqual(FINANCE);
    expect(applied(policy, payout('10', 'LRD')).eligibleFor(0)).toEqual(LIBERIA);
    const usd = applied(policy, payout('15000', 'USD'));
    expect([0, 1, 2].map((i) => usd.eligibleFor(i))).toEqual([FINANCE, FINANCE, FINANCE]);
    const noFileApprovers = createApprovalPolicy({ rules: config.rules }, APPROVERS);
    expect(applied(noFileApprovers, payout('15000', 'USD')).eligibleFor(2)).toEqual(APPROVERS);
  });

  it('names everyone of the policy, APPROVERS included', () => {
    expect(policy.everyApproverSet).toEqual({
      users: ['U0ALICE', 'U0CFO', 'U0LIB1', 'U0LIB2'],
      groups: ['S0TEAM', 'S0FINANCE'],
    });
  });
});

describe('a batch of refunds', () => {
  const batch = (...amounts: string[]): RequestDetails => {
    const lines = amounts.map((amount, i) => ({ line: i + 1, originalPaymentIntentId: 5000 + i, amount, reason: 'r' }));
    const cents = lines.reduce((sum, l) => sum + Math.round(Number(l.amount) * 100), 0);
    return { kind: 'refund_batch', lines, amount: (cents / 100).toFixed(2), reason: 'r' };
  };

  it("needs what its strictest rule needs: the total's, or a line's", () => {
    // Every line is below the 500.00 tier; the total (600.00) is above it.
    const byTotal = applied(policy, batch('300', '300'));
    expect(byTotal.approvalsRequired).toBe(2);
    expect(byTotal.eligibleFor(1)).toEqual(CFO);
    expect(byTotal.dailyLimitMinor).toBe(25_000_00);
    expect(applied(policy, batch('100', '100')).approvalsRequired).toBe(1);
  });

  it('is refused for a line above the maximum, naming the line, and for a total above it', () => {
    const line = policy.ruleFor(batch('10', '10000.01'));
    expect(line).toMatchObject({ ok: false, code: 'over_maximum', line: 2, maxMinor: 10_000_00 });
    expect(refusalText(line as Extract<typeof line, { ok: false }>)).toMatch(/^Line 2: Refunds above 10,000\.00/);
    const total = policy.ruleFor(batch('6000', '6000'));
    expect(total).toMatchObject({ ok: false, code: 'over_maximum' });
    expect(refusalText(total as Extract<typeof total, { ok: false }>)).toMatch(/^Refund batches above 10,000\.00/);
  });
});
