/**
 * "New refund or payout", the global shortcut: from anywhere, a first form asks what and (unless
 * APPROVAL_CHANNEL decides) where the card goes, checks the channel, and becomes the same form
 * /dollr opens; the request goes through the same gate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CALLBACKS } from '../../src/adapters/slack/ids.ts';
import { globalShortcutPayload } from '../../src/fakes/slack/payloads.ts';
import { APPROVER, person, REQUESTER, type System, startSystem, waitForThread } from '../support/system.ts';

let system: System | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

async function openChooser(s: System) {
  const before = s.slack.viewsOpened().length;
  const answer = await s.sender.interaction(
    globalShortcutPayload({ callbackId: CALLBACKS.newRequest, userId: REQUESTER, triggerId: s.slack.triggerId() }),
  );
  expect(answer.status).toBe(200);
  return s.slack.waitFor((f) => f.viewsOpened()[before], 5000, 'the new request form');
}

describe('the New refund or payout shortcut', () => {
  it('asks what and where, then opens the refund form; the request is approved and executed once', async () => {
    system = await startSystem();
    const requester = person(system, REQUESTER);
    const chooser = await openChooser(system);
    expect(JSON.stringify(chooser.view)).toContain('Post the approval card in');

    const next = await requester.submit(chooser, { cardChannel: 'C0PICKED01' });
    const answer = JSON.parse(next.body) as { response_action: string; view: Record<string, unknown> };
    expect(answer.response_action).toBe('update');
    expect(JSON.stringify(answer.view.blocks)).toContain('The approval card goes to <#C0PICKED01>');

    const form = { id: chooser.id, view: answer.view };
    expect(
      (await requester.submit(form, { originalPaymentIntentId: '4411', amount: '25.50', reason: 'dup' })).body,
    ).toBe('');
    const posted = await system.slack.waitFor((s) =>
      s.calls.find((c) => c.method === 'chat.postMessage' && c.result.ok && !c.args.thread_ts),
    );
    expect(posted.args.channel).toBe('C0PICKED01');
    const ts = String(posted.result.ts);
    const requestId = /R[2-9A-HJ-NP-Z]{9}/.exec(JSON.stringify(system.slack.message('C0PICKED01', ts)?.blocks))![0];
    const card = { channel: 'C0PICKED01', ts, requestId };
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /completed/i);
    expect(system.dollr.executions()).toHaveLength(1);
  });

  it('refuses a channel the bot is not in, on the field, before any request exists', async () => {
    system = await startSystem();
    system.slack.setConversation('C0NOTMINE1', { member: false });
    const chooser = await openChooser(system);
    const answer = await person(system, REQUESTER).submit(chooser, { cardChannel: 'C0NOTMINE1' });
    const body = JSON.parse(answer.body) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.values(body.errors).join()).toContain('I am not in <#C0NOTMINE1>');
    const dm = await person(system, REQUESTER).submit(chooser, { cardChannel: 'D0PRIVATE1' });
    expect(dm.body).toContain('not a direct message');
  });

  it('sends the card to APPROVAL_CHANNEL without asking, and offers a payout only when payouts work', async () => {
    system = await startSystem({ env: { APPROVAL_CHANNEL: 'C0APPROVAL' } });
    const chooser = await openChooser(system);
    const text = JSON.stringify(chooser.view);
    expect(text).not.toContain('Post the approval card in');
    expect(text).toContain('The approval card goes to <#C0APPROVAL>');
    expect(text).toContain('"value":"payout"');
    const next = JSON.parse((await person(system, REQUESTER).submit(chooser, { operation: 'payout' })).body) as {
      view: { callback_id: string };
    };
    expect(next.view.callback_id).toBe(CALLBACKS.payout);
  });
});
