import { describe, expect, it } from 'vitest';
import { approvalCard } from '../../../src/adapters/slack/blocks/approval-card.ts';
import { escapeMrkdwn } from '../../../src/adapters/slack/mrkdwn.ts';
import { newRequest } from '../../../src/core/request/transitions.ts';
import { anExecution, aRequest } from '../../support/request-builder.ts';

const request = newRequest({
  id: 'R234567890',
  details: {
    kind: 'payout',
    payoutAccountId: 7,
    amount: '1250.00',
    currency: 'USD',
    reason: '<!channel> pay <@U999> & <https://evil|click>',
  },
  requesterId: 'UREQUESTER',
  channelId: 'CFINANCE',
  approvalsRequired: 1,
  now: new Date('2026-11-28T12:00:00Z'),
});

describe('approvalCard', () => {
  const card = approvalCard(request);
  const json = JSON.stringify(card);

  it('shows the operation, amount, ID, requester and request ID', () => {
    expect(json).toContain('1,250.00 USD');
    expect(json).toContain('Payout account ID');
    expect(json).toContain('<@UREQUESTER>');
    expect(json).toContain('R234567890');
  });

  it('escapes the reason so it cannot mention or link', () => {
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U999>');
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('&amp;');
  });

  it('offers Approve with a confirm dialog restating the amount, and Reject', () => {
    const actions = card.blocks.find((b) => b.type === 'actions');
    expect(actions).toBeDefined();
    expect(JSON.stringify(actions)).toMatch(/"confirm":\{.*1,250\.00 USD/);
    expect(JSON.stringify(actions)).toContain('"value":"R234567890"');
  });

  it('drops the buttons once decided', () => {
    const rejected = approvalCard({ ...request, state: 'rejected', approverId: 'UAPPROVER' });
    expect(rejected.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});

describe('escapeMrkdwn', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeMrkdwn(`a & b <c> "d" 'e' *f*`)).toBe(`a &amp; b &lt;c&gt; "d" 'e' *f*`);
  });
});

describe('approvalCard, once things are known', () => {
  const refund = aRequest({
    checks: { possibleDuplicates: ['R111111111'], refundedBeforeMinor: 0 },
  });
  const checksOf = (card: ReturnType<typeof approvalCard>) => JSON.stringify(card);

  it('shows what an approver weighs while a decision is pending, and not after', () => {
    expect(checksOf(approvalCard(refund))).toContain('Already refunded through this app');
    expect(checksOf(approvalCard(refund))).toContain('Possible duplicate');
    for (const state of ['completed', 'rejected', 'processing'] as const) {
      const json = checksOf(approvalCard({ ...refund, state }));
      expect(json).not.toContain('Already refunded through this app');
      expect(json).not.toContain('Possible duplicate');
    }
  });

  it("names a refund's currency once Dollr reported it, and both sides when they differ", () => {
    expect(checksOf(approvalCard(refund))).toContain("25.50 (in the original payment's currency)");
    const attempt = { referenceId: 'ref-1', execution: anExecution({ payerCurrency: 'LRD', payeeCurrency: 'LRD' }) };
    const known = checksOf(approvalCard({ ...refund, state: 'completed', attempt }));
    expect(known).toContain('25.50 LRD');
    expect(known).not.toContain('original payment');
    const fx = anExecution({ payerAmount: '4,700.00', payerCurrency: 'LRD', payeeCurrency: 'USD' });
    const both = checksOf(approvalCard({ ...refund, state: 'completed', attempt: { ...attempt, execution: fx } }));
    expect(both).toContain('25.50 (payer 4,700.00 LRD, payee 25.50 USD)');
  });
});
