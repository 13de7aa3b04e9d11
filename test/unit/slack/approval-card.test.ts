import { describe, expect, it } from 'vitest';
import { approvalCard } from '../../../src/adapters/slack/blocks/approval-card.ts';
import { escapeMrkdwn } from '../../../src/adapters/slack/mrkdwn.ts';
import { newRequest } from '../../../src/core/request/transitions.ts';

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
