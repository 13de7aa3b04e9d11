/**
 * The Home tab: for the person looking, what waits for their decision (with the card's buttons,
 * which act as on the card), their own requests, and for admins the freeze switch; only what they
 * may see; published again as requests change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/adapters/slack/ids.ts';
import { eventPayload, homeButtonPayload } from '../../src/fakes/slack/payloads.ts';
import {
  APPROVER,
  APPROVER_2,
  OUTSIDER,
  person,
  REQUESTER,
  type System,
  startSystem,
  waitForThread,
} from '../support/system.ts';

let system: System | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

async function openHome(s: System, userId: string): Promise<void> {
  const body = JSON.stringify(
    eventPayload({ type: 'app_home_opened', user: userId, channel: 'D0HOME0001', tab: 'home' }),
  );
  const answer = await s.sender.raw(body, 'application/json');
  expect(answer.status).toBe(200);
}

/** The person's Home tab once it says `text`. */
const homeSaying = (s: System, userId: string, text: string) =>
  s.slack.waitFor(
    (f) => {
      const view = f.homeView(userId);
      return view && JSON.stringify(view).includes(text) ? view : undefined;
    },
    8000,
    `${userId}'s Home tab to say ${text}`,
  );

describe('the Home tab', () => {
  it('shows each person what is theirs; Approve on it acts as on the card; it follows the request', async () => {
    system = await startSystem({ env: { ADMINS: APPROVER_2 } });
    const card = await person(system, REQUESTER).request('refund 4411 25.50 duplicate charge');

    await openHome(system, APPROVER);
    const approverHome = await homeSaying(system, APPROVER, 'Waiting for your decision (1)');
    expect(JSON.stringify(approverHome)).toContain(card.requestId);
    expect(JSON.stringify(approverHome)).not.toContain(ACTIONS.homeFreeze);

    await openHome(system, REQUESTER);
    const requesterHome = await homeSaying(system, REQUESTER, card.requestId);
    expect(JSON.stringify(requesterHome)).toContain('Waiting for your decision (0)');
    expect(JSON.stringify(requesterHome)).toContain('Awaiting approval');

    await openHome(system, OUTSIDER);
    const outsiderHome = await homeSaying(system, OUTSIDER, 'Your requests');
    expect(JSON.stringify(outsiderHome)).not.toContain(card.requestId);

    await openHome(system, APPROVER_2);
    const adminHome = await homeSaying(system, APPROVER_2, ACTIONS.homeFreeze);
    expect(JSON.stringify(adminHome)).toContain('Executions run normally');

    // The requester cannot approve their own request from anywhere: told by direct message.
    const ownHome = system.slack.homeView(REQUESTER)!;
    await system.sender.interaction(
      homeButtonPayload({
        userId: REQUESTER,
        actionId: ACTIONS.approve,
        blockId: `home:${card.requestId}`,
        value: card.requestId,
        view: ownHome,
      }),
    );
    await system.slack.waitFor((s) => s.channel('DREQUESTER').find((m) => /someone else/.test(m.text ?? '')));

    const answer = await system.sender.interaction(
      homeButtonPayload({
        userId: APPROVER,
        actionId: ACTIONS.approve,
        blockId: `home:${card.requestId}`,
        value: card.requestId,
        view: approverHome,
      }),
    );
    expect(answer.status).toBe(200);
    await waitForThread(system, card, /completed/i);
    expect(system.dollr.executions()).toHaveLength(1);
    await homeSaying(system, APPROVER, 'Waiting for your decision (0)');
    await homeSaying(system, REQUESTER, 'Completed');
  });

  it('lets an admin freeze executions from it, and says so there', async () => {
    system = await startSystem({ env: { ADMINS: APPROVER_2 } });
    await openHome(system, APPROVER_2);
    const home = await homeSaying(system, APPROVER_2, 'Freeze executions');
    await system.sender.interaction(
      homeButtonPayload({
        userId: APPROVER_2,
        actionId: ACTIONS.homeFreeze,
        blockId: String((home.blocks as Array<{ block_id?: string }>)[1]?.block_id ?? ''),
        value: 'on',
        view: home,
      }),
    );
    await homeSaying(system, APPROVER_2, 'Lift the freeze');
    await system.slack.waitFor((s) => s.channel('DAPPROVER2').find((m) => /frozen/.test(m.text ?? '')));
  });
});
