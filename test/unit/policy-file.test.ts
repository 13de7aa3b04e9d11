/** Loading the approval policy file: the shipped example, amounts and IDs, and every kind of problem. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadApprovalPolicy, PolicyFileError } from '../../src/adapters/policy/load-policy.ts';
import { distinctApprovers } from '../../src/adapters/policy/policy-checks.ts';
import type { ApprovalPolicy, AppliedRule } from '../../src/core/approval/approval-policy.ts';
import type { Currency } from '../../src/core/request/money.ts';
import type { RequestDetails } from '../../src/core/request/request.ts';

const APPROVERS = ['U0DEFAULT1'];
const dir = mkdtempSync(join(tmpdir(), 'policy-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refund = (amount: string): RequestDetails => ({
  kind: 'refund',
  originalPaymentIntentId: 1,
  amount,
  reason: 'r',
});
const transfer = (amount: string, currency: Currency): RequestDetails => ({
  kind: 'transfer',
  counterpartyId: 21,
  amount,
  currency,
  reason: 'r',
});
const payout = (amount: string, currency: Currency): RequestDetails => ({
  kind: 'payout',
  payoutAccountId: 7,
  amount,
  currency,
  reason: 'r',
});

let fileCount = 0;
function write(yaml: string): string {
  const file = join(dir, `policy-${++fileCount}.yml`);
  writeFileSync(file, yaml);
  return file;
}

const load = (yaml: string, approvers = APPROVERS) => loadApprovalPolicy(write(yaml), approvers);

/** The problems a file is refused for (the test fails if it loads). */
function problemsOf(yaml: string, approvers = APPROVERS): readonly string[] {
  try {
    load(yaml, approvers);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyFileError);
    return (error as PolicyFileError).problems;
  }
  throw new Error('the file loaded, but problems were expected');
}

/** A pattern too long for one line, written in parts: their sources joined. */
const joined = (...parts: RegExp[]): RegExp => new RegExp(parts.map((part) => part.source).join(''));

function applied(policy: ApprovalPolicy, details: RequestDetails): AppliedRule {
  const rule = policy.ruleFor(details);
  if (!rule.ok) throw new Error(`refused: ${rule.code}`);
  return rule.value;
}

describe('the example file (approval-policy.example.yml)', () => {
  // Exactly as shipped, by the path an operator would write, relative to the repository root.
  const policy = loadApprovalPolicy('approval-policy.example.yml', APPROVERS, resolve(import.meta.dirname, '../..'));

  it('needs two approvals for refunds above 500: finance first, the CFO list second', () => {
    expect(applied(policy, refund('500.00')).approvalsRequired).toBe(1);
    const large = applied(policy, refund('500.01'));
    expect(large.approvalsRequired).toBe(2);
    expect(large.eligibleFor(0)).toEqual({ users: ['U0TREASURY'], groups: ['S0FINANCE'] });
    expect(large.eligibleFor(1)).toEqual({ users: ['U0CFO00001', 'U0CFO00002'], groups: [] });
    expect(large.description).toBe('2 approvals (refunds above 500.00)');
    expect(large.dailyLimitMinor).toBe(25_000_00);
  });

  it('has a USD transfer rule and a named counterparty', () => {
    expect(applied(policy, transfer('5000.01', 'USD')).description).toBe('2 approvals (transfers above 5,000.00 USD)');
    expect(applied(policy, transfer('5000.01', 'USD')).dailyLimitMinor).toBe(100_000_00);
    // No rule for LRD transfers: the default, one approval.
    expect(applied(policy, transfer('5000.01', 'LRD')).approvalsRequired).toBe(1);
    expect(policy.counterparties.map((c) => c.name)).toEqual(['Northwind Logistics']);
  });

  it('refuses above the maximum', () => {
    expect(policy.ruleFor(refund('10000.01'))).toMatchObject({
      ok: false,
      code: 'over_maximum',
      maxMinor: 10_000_00,
    });
    expect(policy.ruleFor(payout('2000000.01', 'LRD'))).toMatchObject({ ok: false, code: 'over_maximum' });
  });

  it('has a rule per payout currency, with its maximum and daily limit', () => {
    expect(applied(policy, payout('15000', 'USD'))).toMatchObject({ approvalsRequired: 3, dailyLimitMinor: 50_000_00 });
    expect(applied(policy, payout('15000', 'USD')).eligibleFor(2)).toEqual({ users: ['U0CFO00001'], groups: [] });
    expect(applied(policy, payout('100', 'LRD')).eligibleFor(0)).toEqual({
      users: ['U0TREASURY'],
      groups: ['S0LIBERIA'],
    });
    expect(applied(policy, payout('1000000.01', 'RWF'))).toMatchObject({
      approvalsRequired: 2,
      dailyLimitMinor: 40_000_000_00,
    });
    expect(applied(policy, payout('5', 'RWF')).eligibleFor(0)).toEqual({
      users: ['U0TREASURY'],
      groups: ['S0FINANCE'],
    });
  });
});

describe('a valid file', () => {
  it('takes amounts as numbers or text, with at most 2 decimals', () => {
    const policy = load(
      `
rules:
  - operation: refund
    max_amount: "1,250.50"
    daily_limit: 500.5
    tiers:
      - above: "0"
        approvers_required: 1
      - above: 99.99
        approvers_required: 2
`,
      ['S0TEAM'],
    );
    expect(policy.ruleFor(refund('1250.51')).ok).toBe(false);
    expect(applied(policy, refund('1250.50')).dailyLimitMinor).toBe(500_50);
    expect(applied(policy, refund('99.99')).approvalsRequired).toBe(1);
    expect(applied(policy, refund('100')).approvalsRequired).toBe(2);
  });

  it('takes one ID, or IDs separated by commas as in APPROVERS, and currency: any for payouts', () => {
    const policy = load(`
approvers: U0ONE, S0TEAM
rules:
  - operation: payout
    currency: any
    tiers:
      - above: 10
        approvers_required: 2
        levels: [S0TEAM, "U0CFO, W0DEPUTY"]
`);
    expect(applied(policy, refund('1')).eligibleFor(0)).toEqual({ users: ['U0ONE'], groups: ['S0TEAM'] });
    const rule = applied(policy, payout('11', 'LRD'));
    expect(rule.eligibleFor(0)).toEqual({ users: [], groups: ['S0TEAM'] });
    expect(rule.eligibleFor(1)).toEqual({ users: ['U0CFO', 'W0DEPUTY'], groups: [] });
  });

  it('accepts approvals that only a user group can provide (its size is known once Slack answers)', () => {
    expect(() =>
      load(`rules:\n  - operation: refund\n    tiers:\n      - above: 1\n        approvers_required: 5\n`, ['S0TEAM']),
    ).not.toThrow();
  });
});

describe('a bad file', () => {
  it('is refused with every problem, its place and its line, and what to do', () => {
    const file = write(`approvers: []
rules:
  - operation: refund
    currency: USD
    max_ammount: 100
    tiers:
      - above: 500
        approvers_required: 0
  - operation: payout
    approvers: [alice, U0OK1]
    max_amount: 12.345
    daily_limit: -5
    tiers:
      - above: 100
        approvers_required: 2.5
      - above: 50
        approvers_required: 1
        levels: [[]]
  - operation: collection
  - operation: refund
`);
    let error: unknown;
    try {
      loadApprovalPolicy(file, APPROVERS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyFileError);
    const { message, problems } = error as PolicyFileError;
    expect(message).toContain(file);
    expect(message).toMatch(/approval-policy\.example\.yml shows every setting; unset APPROVAL_POLICY/);
    const expected = [
      /^approvers: names nobody.* \(line 1\)$/,
      /^rules\[0\]\.currency: refund rules cannot name a currency.* \(line 4\)$/,
      joined(
        /^rules\[0\]\.max_ammount: unknown setting "max_ammount": /,
        /a rule takes operation, currency, approvers, max_amount, daily_limit, tiers \(line 5\)$/,
      ),
      /^rules\[0\]\.tiers\[0\]\.approvers_required: must be a whole number from 1 to 10 \(line 8\)$/,
      /^rules\[1\]\.approvers\[0\]: must be a Slack user ID .*"alice" is neither \(line 10\)$/,
      joined(
        /^rules\[1\]\.max_amount: must be an amount above 0 with at most 2 decimals, /,
        /such as 500 or 1250.50, not 12.345 \(line 11\)$/,
      ),
      /^rules\[1\]\.daily_limit: must be an amount above 0 .*not -5 \(line 12\)$/,
      /^rules\[1\]\.tiers\[0\]\.approvers_required: must be a whole number from 1 to 10 \(line 15\)$/,
      joined(
        /^rules\[1\]\.tiers\[1\]\.above: must be above the previous tier's 100.00: /,
        /list tiers from the lowest amount to the highest \(line 16\)$/,
      ),
      /^rules\[1\]\.tiers\[1\]\.levels\[0\]: names nobody/,
      /^rules\[2\]\.operation: must be refund, payout or transfer \(line 19\)$/,
      /^rules\[3\]\.operation: a second rule for refunds \(the first is rules\[0\]\): merge them into one \(line 20\)$/,
    ];
    for (const pattern of expected)
      expect(
        problems.some((p) => pattern.test(p)),
        `${pattern} in\n${problems.join('\n')}`,
      ).toBe(true);
    expect(problems).toHaveLength(expected.length);
  });

  it('refuses approvals that the named people could never give', () => {
    const tier = (levels: string) =>
      `rules:\n  - operation: refund\n    tiers:\n      - above: 1\n        approvers_required: 2\n${levels}`;
    // APPROVERS names one person only.
    expect(problemsOf(tier(''))).toEqual([
      'rules[0].tiers[0].approvers_required: needs 2 distinct approvers but APPROVERS can only ever provide 1, ' +
        'and nobody counts twice: ' +
        'name more people, a user group, or lower approvers_required (line 5)',
    ]);
    // Both approvals may only come from the same person.
    expect(problemsOf(tier('        levels: [U0CFO, U0CFO]\n'), ['U0A1', 'U0A2'])[0]).toMatch(
      /its levels can only ever provide 1/,
    );
    // Two people, but the CFO is the only one for both the first and the second approval.
    expect(problemsOf(tier('        levels: [U0CFO, "U0CFO"]\n'), ['S0TEAM'])).toHaveLength(1);
    expect(() => load(tier('        levels: ["U0CFO, U0DEP", U0CFO]\n'))).not.toThrow();
  });

  it(
    'refuses levels that do not match the approvals, tiers above the maximum, ' + 'and a second rule for one currency',
    () => {
      const problems = problemsOf(`
approvers: [S0TEAM]
rules:
  - operation: payout
    currency: USD
    max_amount: 1000
    tiers:
      - above: 1000
        approvers_required: 2
        levels: [[S0TEAM]]
  - operation: payout
    currency: USD
  - operation: payout
  - operation: payout
    currency: any
`);
      expect(problems).toEqual([
        'rules[0].tiers[0].above: is not below max_amount (1,000.00), ' +
          'so no request could ever reach this tier (line 8)',
        'rules[0].tiers[0].levels: lists 1 approver list(s) but approvers_required is 2: ' +
          'give one list per approval, in the order they are given (line 10)',
        'rules[1].operation: a second rule for payouts in USD (the first is rules[0]): merge them into one (line 11)',
        'rules[3].operation: a second rule for payouts in any currency (the first is rules[2]): ' +
          'merge them into one (line 14)',
      ]);
    },
  );

  it('names a missing field and a file that is not a mapping', () => {
    expect(problemsOf('rules:\n  - tiers:\n      - approvers_required: 1\n')).toEqual([
      'rules[0].operation: is missing: say refund, payout or transfer (line 2)',
      'rules[0].tiers[0].above: is missing: give an amount such as 500 (line 3)',
    ]);
    expect(problemsOf('- U0ONE\n')[0]).toMatch(
      /^\(the file\): must be the policy file with approvers, payees, allow_unnamed_payees, counterparties, rules /,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('rules:\n  - operation: refund\n   tiers: [\n')[0]).toMatch(/^not valid YAML: .*line \d+/);
    expect(problemsOf('approvers: [U0ONE]\napprovers: [U0TWO]\n')[0]).toMatch(
      /not valid YAML: Map keys must be unique/,
    );
  });

  it('says when the file is missing, is a directory, or is empty', () => {
    expect(() => loadApprovalPolicy('missing.yml', APPROVERS, dir)).toThrow(
      'APPROVAL_POLICY is missing.yml, but there is no such file ' +
        `(a relative path is read from the directory the app starts in, ${dir})`,
    );
    expect(() => loadApprovalPolicy(dir, APPROVERS)).toThrow(/it is a directory/);
    expect(problemsOf('# only a comment\n')).toEqual(['the file is empty: add approvers and rules']);
  });

  it('is not needed: without a path the policy is one approval from APPROVERS', () => {
    const rule = loadApprovalPolicy(undefined, ['U0ONE', 'S0TEAM']).ruleFor(refund('99999'));
    expect(rule.ok && rule.value.eligibleFor(0)).toEqual({ users: ['U0ONE'], groups: ['S0TEAM'] });
  });
});

describe('payees', () => {
  it('are read with their names, accounts, currencies and notes, and whether unnamed accounts may be paid', () => {
    const policy = load(
      'payees:\n  - name: Acme Ltd\n    payout_account_id: 7\n    currency: USD\n    note: stationery\n' +
        'allow_unnamed_payees: true\n',
    );
    expect(policy.payees).toEqual({
      payees: [{ name: 'Acme Ltd', payoutAccountId: 7, currency: 'USD', note: 'stationery' }],
      allowUnnamed: true,
    });
    expect(load('approvers: [U0ONE]\n').payees).toBeUndefined();
  });

  it('refuse an account listed twice, a long name, a bad currency, and allow_unnamed_payees without a list', () => {
    const twice =
      'payees:\n  - {name: A, payout_account_id: 7, currency: USD}\n' +
      '  - {name: B, payout_account_id: 7, currency: LRD}\n';
    expect(problemsOf(twice)).toEqual([
      'payees[1].payout_account_id: account 7 is listed twice (first as payees[0]) (line 3)',
    ]);
    const long = `payees:\n  - {name: ${'x'.repeat(51)}, payout_account_id: 7, currency: EUR}\n`;
    expect(problemsOf(long)).toEqual([
      expect.stringMatching(/^payees\[0\]\.name: must be at most 50 characters/),
      expect.stringMatching(/^payees\[0\]\.currency: must be one of USD, LRD, RWF/),
    ]);
    expect(problemsOf('allow_unnamed_payees: true\n')).toEqual([
      expect.stringMatching(/^allow_unnamed_payees: says what to do with accounts not on the payee list/),
    ]);
  });

  it('read counterparties for transfers, and refuse one listed twice or without its ID', () => {
    const policy = load('counterparties:\n  - {name: Northwind, counterparty_id: 21, currency: USD, note: freight}\n');
    expect(policy.counterparties).toEqual([
      { name: 'Northwind', counterpartyId: 21, currency: 'USD', note: 'freight' },
    ]);
    expect(load('approvers: [U0ONE]\n').counterparties).toEqual([]);
    const twice =
      'counterparties:\n  - {name: A, counterparty_id: 21, currency: USD}\n' +
      '  - {name: B, counterparty_id: 21, currency: USD}\n  - {name: C, currency: USD}\n';
    expect([...problemsOf(twice)].sort()).toEqual([
      'counterparties[1].counterparty_id: counterparty 21 is listed twice (first as counterparties[0]) (line 3)',
      "counterparties[2].counterparty_id: is missing: give Dollr's counterparty ID, such as 7 (line 4)",
    ]);
  });
});

describe('distinctApprovers', () => {
  it('counts the approvals that different people can give', () => {
    expect(distinctApprovers([['A'], ['A']])).toBe(1);
    expect(distinctApprovers([['A', 'B'], ['A']])).toBe(2);
    expect(distinctApprovers([['A'], ['A'], ['B', 'C']])).toBe(2);
    expect(
      distinctApprovers([
        ['A', 'B', 'C'],
        ['A', 'B', 'C'],
        ['A', 'B', 'C'],
      ]),
    ).toBe(3);
  });
});
