/**
 * Requests made and approved as people do it in Slack: `/dollr refund`, the modal, its submission,
 * the card; then a signed Approve click on the card.
 */
import { requestIdFor } from '../src/adapters/slack/ids.ts';
import type { FakeSlack } from '../src/fakes/fake-slack.ts';
import { SLACK_TEAM, type SlackResponse, type SlackSender } from '../src/fakes/slack-sender.ts';
import { buttonPress, modalSubmission } from '../test/support/slack-moves.ts';
import { APPROVER, CHANNEL, pool, REQUESTER, type Rig } from './rig.ts';
import type { CardRecord } from './slack-index.ts';

/** The payment a bench refund is against: one per request, so that no request looks like another's duplicate. */
let nextCollection = 10_000;

/** `count` channel IDs, for spreading cards so that the app's per-channel pacing does not decide the run. */
export const channels = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `CB${String(i).padStart(6, '0')}`);

/**
 * Refund requests made as a person does: `/dollr refund <payment> 1.00 ...`, the modal the app opens,
 * its submission, and the card the app posts (and the requester's note). Returns the cards in order.
 * Cards go to `channels[i % channels.length]` (default: CHANNEL).
 */
export async function createRequests(
  rig: Rig,
  count: number,
  options: { channels?: readonly string[]; concurrency?: number; timeoutMs?: number } = {},
): Promise<CardRecord[]> {
  const spread = options.channels ?? [CHANNEL];
  const ids = Array.from({ length: count }, () => nextCollection++);
  for (const id of ids) rig.dollr.seedCollection({ id, amount: '100.00', currency: 'USD' });
  return pool(ids, options.concurrency ?? 16, async (paymentId, i) => {
    const channel = spread[i % spread.length]!;
    const triggerId = rig.slack.triggerId();
    const responseUrl = rig.slack.responseUrl({ channelId: channel, userId: REQUESTER });
    const answer = await rig.sender.command({
      text: `refund ${paymentId} 1.00 bench batch`,
      userId: REQUESTER,
      channelId: channel,
      triggerId,
      responseUrl,
    });
    if (answer.status !== 200) throw new Error(`/dollr refund answered ${answer.status}: ${answer.body}`);
    const opened = await rig.index.until(() => rig.index.view(triggerId), 15_000, `the modal for payment ${paymentId}`);
    const submitted = await rig.sender.interaction(modalSubmission(REQUESTER, opened));
    if (submitted.status !== 200 || submitted.body !== '')
      throw new Error(`submission answered ${submitted.status}: ${submitted.body}`);
    const requestId = requestIdFor(SLACK_TEAM.id, opened.id);
    return rig.index.until(
      () => {
        const card = rig.index.card(requestId);
        return card?.noted ? card : undefined;
      },
      options.timeoutMs ?? 30_000,
      `the card of ${requestId}`,
    );
  });
}

/** The block_actions payload of an approver pressing Approve on the card, as it is now. */
export const approveClick = (slack: FakeSlack, card: CardRecord, userId = APPROVER): Record<string, unknown> =>
  buttonPress(slack, userId, card, 'approve');

/** Sends a click and insists on Slack's 200. */
export async function click(sender: SlackSender, payload: object): Promise<SlackResponse> {
  const response = await sender.interaction(payload);
  if (response.status !== 200) throw new Error(`the click answered ${response.status}: ${response.body}`);
  return response;
}
