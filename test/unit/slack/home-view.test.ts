import { describe, expect, it } from 'vitest';
import { HOME_LIST_MAX, homeView } from '../../../src/adapters/slack/home/home-view.ts';
import { ACTIONS } from '../../../src/adapters/slack/ids.ts';
import { aRequest } from '../../support/request-builder.ts';

const many = (n: number, state: 'awaiting_approval' | 'needs_attention' | 'completed') =>
  Array.from({ length: n }, (_, i) => aRequest({ id: `R${String(i).padStart(9, '2')}`, state }));

describe('the Home tab view', () => {
  it("stays within Slack's 100 blocks with every list at its longest, for an admin", () => {
    const view = homeView({
      waiting: many(HOME_LIST_MAX.waiting, 'awaiting_approval'),
      own: many(HOME_LIST_MAX.own, 'completed'),
      admin: {
        freeze: { by: 'U_ADMIN', at: '2026-12-04T10:00:00Z' },
        attention: many(HOME_LIST_MAX.attention, 'needs_attention'),
      },
    });
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    // Each waiting request carries the card's own buttons, in a block of its own.
    const json = JSON.stringify(view.blocks);
    expect(json.split(`"action_id":"${ACTIONS.approve}"`)).toHaveLength(HOME_LIST_MAX.waiting + 1);
    expect(json).toContain('Lift the freeze');
    expect(json).toContain('Needs attention (10)');
  });

  it('shows no admin switch to anyone else, and says when nothing waits', () => {
    const json = JSON.stringify(homeView({ waiting: [], own: [] }).blocks);
    expect(json).not.toContain(ACTIONS.homeFreeze);
    expect(json).toContain('Nothing waits for you.');
    expect(json).toContain('None yet');
  });
});
