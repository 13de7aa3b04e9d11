/**
 * "Refund from this message": the refund form opens prefilled from the message (payment ID and
 * amount when unambiguous, the permalink in the reason), also on a reply in a thread, and its
 * request goes through the same gate as /dollr refund.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CALLBACKS, FIELDS } from '../../src/adapters/slack/ids.ts';
import { messageShortcutPayload } from '../../src/fakes/slack/payloads.ts';
import { APPROVER, CHANNEL, person, REQUESTER, type System, startSystem, waitForThread } from '../support/system.ts';

let system: System | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** Someone posts `text` (in a thread when `threadTs` is given); the requester uses the shortcut on it. */
async function shortcutOn(s: System, text: string, options: { channelId?: string; threadTs?: string } = {}) {
  const channelId = options.channelId ?? CHANNEL;
  const message = s.slack.postAsOther({ channel: channelId, text, user: 'USUPPORT01', threadTs: options.threadTs });
  const responseUrl = s.slack.responseUrl({ channelId, userId: REQUESTER });
  const before = s.slack.viewsOpened().length;
  const answer = await s.sender.interaction(
    messageShortcutPayload({
      callbackId: CALLBACKS.refundFromMessage,
      userId: REQUESTER,
      channelId,
      message: { ts: message.ts, text, user: 'USUPPORT01', thread_ts: message.thread_ts },
      triggerId: s.slack.triggerId(),
      responseUrl,
    }),
  );
  expect(answer.status).toBe(200);
  return { message, responseUrl, before };
}

const fieldValue = (view: Record<string, unknown>, block: string) =>
  (view.blocks as Array<{ block_id?: string; element?: { initial_value?: string } }>).find((b) => b.block_id === block)
    ?.element?.initial_value;

describe('refund from this message', () => {
  it('opens the refund form prefilled from a reply in a thread, and the request is approved as any', async () => {
    system = await startSystem();
    const parent = system.slack.postAsOther({
      channel: CHANNEL,
      text: 'Incident 12: double charges',
      user: 'USUPPORT01',
    });
    const { message, before } = await shortcutOn(system, 'Customer charged twice: payment 4411, $25.50', {
      threadTs: parent.ts,
    });
    const opened = await system.slack.waitFor((s) => s.viewsOpened()[before], 5000, 'the refund form');
    const view = opened.view as Record<string, unknown>;
    expect(fieldValue(view, FIELDS.originalPaymentIntentId)).toBe('4411');
    expect(fieldValue(view, FIELDS.amount)).toBe('25.50');
    expect(fieldValue(view, FIELDS.reason)).toBe(
      `Reported in https://dollr-test.slack.com/archives/${CHANNEL}/p${message.ts.replace('.', '')}` +
        `?thread_ts=${parent.ts}&cid=${CHANNEL}`,
    );
    expect(JSON.stringify(view.blocks)).toContain(`The approval card goes to <#${CHANNEL}>`);

    const requester = person(system, REQUESTER);
    expect((await requester.submit(opened)).body).toBe('');
    const posted = await system.slack.waitFor((s) =>
      s.calls.find((c) => c.method === 'chat.postMessage' && c.result.ok && !c.args.thread_ts),
    );
    const card = { channel: CHANNEL, ts: String(posted.result.ts), requestId: '' };
    card.requestId = /R[2-9A-HJ-NP-Z]{9}/.exec(JSON.stringify(system.slack.message(CHANNEL, card.ts)?.blocks))![0];
    // The same gate: the requester cannot approve it, an approver can, and it executes once.
    await person(system, REQUESTER).press(card, 'approve');
    await system.slack.waitFor((s) => s.ephemerals({ user: REQUESTER }).find((e) => /someone else/.test(e.text ?? '')));
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /completed/i);
    expect(system.dollr.executions()).toHaveLength(1);
  });

  it('leaves the fields empty when the message is ambiguous', async () => {
    system = await startSystem();
    const { before } = await shortcutOn(system, 'payments 4411 and 4412: 10.00 and 12.00');
    const opened = await system.slack.waitFor((s) => s.viewsOpened()[before]);
    const view = opened.view as Record<string, unknown>;
    expect(fieldValue(view, FIELDS.originalPaymentIntentId)).toBeUndefined();
    expect(fieldValue(view, FIELDS.amount)).toBeUndefined();
  });

  it('opens the batch form with the lines of a message that lists refunds', async () => {
    system = await startSystem();
    const text = 'Incident 7, please refund:\n4411, 25.50, charged twice\n4413; 10\nthanks!';
    const { before } = await shortcutOn(system, text);
    const opened = await system.slack.waitFor((s) => s.viewsOpened()[before]);
    const view = opened.view as Record<string, unknown>;
    expect(view.callback_id).toBe(CALLBACKS.refund_batch);
    expect(fieldValue(view, FIELDS.batchLines)).toBe('4411, 25.50, charged twice\n4413; 10');
    expect(fieldValue(view, FIELDS.reason)).toMatch(/^Reported in https:/);
  });

  it('refuses where the card could not be seen, through the response URL, before any form', async () => {
    system = await startSystem();
    system.slack.setConversation('C0NOTMINE1', { member: false });
    const { responseUrl } = await shortcutOn(system, 'payment 4411 $25.50', { channelId: 'C0NOTMINE1' });
    const post = await system.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === responseUrl));
    expect(String(post.body.text)).toContain('I am not in <#C0NOTMINE1>');
    expect(system.slack.viewsOpened()).toHaveLength(0);
  });
});
