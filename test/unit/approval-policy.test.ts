import { resolve } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApprovalPolicy } from '../../src/adapters/policy/load-policy.ts';
import type { RequestDetails } from '../../src/core/request.ts';

const refund = (amount: string): RequestDetails => ({ kind: 'refund', originalPaymentIntentId: 1, amount, reason: 'r' });
const payout = (amount: string, currency: 'USD' | 'LRD' | 'RWF'): RequestDetails => ({ kind: 'payout', payoutAccountId: 7, amount, currency, reason: 'r' });

function policyFrom(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  writeFileSync(join(dir, 'policy.yml'), yaml);
  return () => loadApprovalPolicy(join(dir, 'policy.yml'), ['U0DEFAULT1']);
}

describe('the example policy file', () => {
  const policy = loadApprovalPolicy(resolve('approval-policy.example.yml'), ['U0DEFAULT1']);

  it('needs two approvals for refunds above 500, finance then the CFO', () => {
    const small = policy.ruleFor(refund('500.00'));
    expect(small.ok && small.value.approvalsRequired).toBe(1);
    const large = policy.ruleFor(refund('500.01'));
    if (!large.ok) throw new Error(large.message);
    expect(large.value.approvalsRequired).toBe(2);
    expect(large.value.eligibleFor(0)).toEqual({ users: [], groups: ['S0FINANCE'] });
    expect(large.value.eligibleFor(1)).toEqual({ users: ['U0CFO00001'], groups: [] });
    expect(large.value.description).toBe('2 approvals (refunds above 500.00)');
    expect(large.value.dailyLimitMinor).toBe(2_500_000);
  });

  it('refuses above the maximum, with the maximum in the message', () => {
    expect(policy.ruleFor(refund('10000.01'))).toMatchObject({ ok: false, code: 'over_maximum', message: expect.stringContaining('10,000.00') });
  });

  it('picks the payout rule of the currency, and the highest tier that applies', () => {
    const usd = policy.ruleFor(payout('15000', 'USD'));
    expect(usd.ok && usd.value.approvalsRequired).toBe(3);
    const lrd = policy.ruleFor(payout('100', 'LRD'));
    expect(lrd.ok && lrd.value.eligibleFor(0)).toEqual({ users: [], groups: ['S0LIBERIA'] });
    const rwf = policy.ruleFor(payout('5', 'RWF'));
    expect(rwf.ok && rwf.value.eligibleFor(0)).toEqual({ users: ['U0TREASURY'], groups: ['S0FINANCE'] });
  });
});

describe('a bad policy file', () => {
  it('is refused with every problem and its place', () => {
    const load = policyFrom(`
rules:
  - operation: refund
    currency: USD
    tiers:
      - above: 500
        approvers_required: 0
  - operation: payout
    approvers: [alice]
    max_amount: 12.345
    tiers:
      - above: 100
        approvers_required: 2
      - above: 50
        approvers_required: 1
`);
    expect(load).toThrow(/rules\[0\]\.currency: refund rules cannot name a currency/);
    expect(load).toThrow(/rules\[0\]\.tiers\[0\]\.approvers_required/);
    expect(load).toThrow(/rules\[1\]\.approvers\[0\]: must be a Slack user ID/);
    expect(load).toThrow(/rules\[1\]\.max_amount: must be an amount/);
    expect(load).toThrow(/rules\[1\]\.tiers\[1\]\.above: tiers must go from the lowest amount to the highest/);
  });

  it('says when the file is missing', () => {
    expect(() => loadApprovalPolicy('/nonexistent/policy.yml', ['U0DEFAULT1'])).toThrow(/cannot be read/);
  });

  it('defaults to one approval from APPROVERS without a file', () => {
    const rule = loadApprovalPolicy(undefined, ['U0ONE', 'S0TEAM']).ruleFor(refund('99999'));
    expect(rule.ok && rule.value.eligibleFor(0)).toEqual({ users: ['U0ONE'], groups: ['S0TEAM'] });
  });
});
