/**
 * Nothing a person asks for disappears: a request whose card would go where the bot cannot post (or
 * read the thread) is refused before anything is stored, saying how to fix it; the form says where
 * the card goes; a failure after the ack is answered through the response URL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, person, REQUESTER, type System, startSystem } from '../support/system.ts';

let system: System | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** `/dollr <text>` from a channel, and what the response URL was told. */
async function answerTo(s: System, text: string, from: { channelId: string; channelName?: string }) {
  const responseUrl = s.slack.responseUrl({ channelId: from.channelId, userId: REQUESTER });
  const response = await s.sender.command({
    text,
    userId: REQUESTER,
    triggerId: s.slack.triggerId(),
    responseUrl,
    ...from,
  });
  expect(response.status).toBe(200);
  const post = await s.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === responseUrl));
  return String(post.body.text);
}

const nothingHappened = (s: System) => {
  expect(s.slack.viewsOpened()).toHaveLength(0);
  expect(s.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
};

describe('where the card goes', () => {
  it('says in the form which channel the card goes to', async () => {
    system = await startSystem();
    const view = await person(system, REQUESTER).openModal('refund 4411 25.50 duplicate');
    expect(JSON.stringify(view.view.blocks)).toContain(`The approval card goes to <#${CHANNEL}>`);
  });

  it('refuses a request from a direct message, and from a group DM, before any form', async () => {
    system = await startSystem();
    const dm = await answerTo(system, 'refund 4411 25.50', { channelId: 'D0PRIVATE1', channelName: 'directmessage' });
    expect(dm).toMatch(/not in a direct message.*APPROVAL_CHANNEL.*Nothing was saved/);
    const group = await answerTo(system, 'payout 7 10', { channelId: 'C0GROUPDM1', channelName: 'mpdm-a--b--c-1' });
    expect(group).toMatch(/not in a direct message/);
    nothingHappened(system);
  });

  it('refuses in a channel the bot is not in, saying to invite it', async () => {
    system = await startSystem();
    system.slack.setConversation('C0NOTMINE1', { member: false });
    system.slack.setConversation('G0PRIVATE1', { member: false });
    for (const channelId of ['C0NOTMINE1', 'G0PRIVATE1']) {
      const text = await answerTo(system, 'refund 4411 25.50', { channelId });
      expect(text).toContain(`I am not in <#${channelId}>`);
      expect(text).toContain('/invite @Dollr');
    }
    nothingHappened(system);
  });

  it('refuses when APPROVAL_CHANNEL is a channel the bot is not in, naming the setting', async () => {
    system = await startSystem({ env: { APPROVAL_CHANNEL: 'C0APPROVAL' } });
    system.slack.setConversation('C0APPROVAL', { member: false });
    const text = await answerTo(system, 'refund 4411 25.50', { channelId: CHANNEL });
    expect(text).toMatch(/cannot post approval cards in <#C0APPROVAL> \(the APPROVAL_CHANNEL\)/);
    nothingHappened(system);
  });

  it('takes a request made in a DM to APPROVAL_CHANNEL, telling the requester by DM when it cannot there', async () => {
    system = await startSystem({ env: { APPROVAL_CHANNEL: 'C0APPROVAL' } });
    // A DM between two people: the bot can neither post nor read there.
    system.slack.setConversation('D0PRIVATE1', { member: false });
    const requester = person(system, REQUESTER);
    const view = await requester.openModal('refund 4411 25.50 duplicate', { channelId: 'D0PRIVATE1' });
    expect((await requester.submit(view)).body).toBe('');
    const note = await system.slack.waitFor((s) =>
      s.channel(`D${REQUESTER.slice(1)}`).find((m) => /waiting for approval in <#C0APPROVAL>/.test(m.text ?? '')),
    );
    expect(note.text).toMatch(/^Your refund request `R[0-9A-Z]+`/);
    expect(system.slack.channel('C0APPROVAL')).toHaveLength(1);
  });

  it('refuses at submission when the bot was removed while the form was open, storing nothing', async () => {
    system = await startSystem({ env: { APPROVAL_CHANNEL: 'C0APPROVAL' } });
    const requester = person(system, REQUESTER);
    const view = await requester.openModal('refund 4411 25.50 duplicate');
    // A new process (no memory of the good answer) gets the submission after the bot was removed.
    await system.restart();
    system.slack.setConversation('C0APPROVAL', { member: false });
    const answer = await requester.submit(view);
    expect(JSON.parse(answer.body).errors).toBeDefined();
    expect(answer.body).toContain('cannot post approval cards in <#C0APPROVAL>');
    expect(system.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('answers through the response URL when the form cannot be opened', async () => {
    system = await startSystem();
    system.slack.inject({ method: 'views.open', fault: { kind: 'error', error: 'expired_trigger_id' } });
    const text = await answerTo(system, 'refund 4411 25.50', { channelId: CHANNEL });
    expect(text).toMatch(/could not open the refund form \(Slack said `expired_trigger_id`\).*again/);
  });
});
