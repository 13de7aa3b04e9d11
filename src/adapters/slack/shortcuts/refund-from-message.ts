/**
 * "Refund from this message", a message shortcut: the refund form, prefilled with the payment ID and
 * amount the message names (when it names one of each) and the message's permalink in the reason; or,
 * for a message that lists refunds line by line, the batch form with those lines.
 * It works on replies in threads, where slash commands do not; the card goes where /dollr's would.
 */
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { refundLinesIn } from '../../../core/request/batch-lines.ts';
import { REASON_MAX } from '../../../core/request/request.ts';
import { raceDeadline } from '../../deadline.ts';
import type { SlackServices } from '../services.ts';
import { channelNotAllowed, openRequestForm } from '../views/open-request-form.ts';
import { refundHints } from './refund-hints.ts';

type Args = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/** A permalink is quick to get, but the trigger_id lives 3 s: without one in time, the reason is left empty. */
const PERMALINK_DEADLINE_MS = 800;

export function refundFromMessage(services: SlackServices) {
  return async ({ shortcut, ack, client, respond }: Args): Promise<void> => {
    await ack();
    const asked: Asked = {
      channel: { id: shortcut.channel.id, name: shortcut.channel.name },
      messageTs: shortcut.message_ts,
      text: shortcut.message.text ?? '',
      triggerId: shortcut.trigger_id,
      client,
      respond,
    };
    services.afterAck(() => openPrefilledForm(services, asked));
  };
}

/** What the work after the ack needs of the shortcut: not Bolt's payload, which holds the whole message. */
interface Asked {
  channel: { id: string; name: string };
  messageTs: string;
  text: string;
  triggerId: string;
  client: Args['client'];
  respond: Args['respond'];
}

async function openPrefilledForm(services: SlackServices, asked: Asked): Promise<void> {
  const { channel, client, respond, text } = asked;
  const notAllowed = channelNotAllowed(services, channel.id);
  if (notAllowed) return void (await respond({ response_type: 'ephemeral', text: notAllowed }));
  const permalink = await permalinkOf(client, channel.id, asked.messageTs);
  const reason = permalink && `Reported in ${permalink}`.slice(0, REASON_MAX);
  // A list of refunds (two lines or more of `payment ID, amount`) opens the batch form with them.
  const lines = refundLinesIn(text.replace(/&amp;/g, '&'));
  const hints = refundHints(text);
  await openRequestForm(services, {
    ...(lines.length >= 2
      ? { operation: 'refund_batch', prefill: { lines: lines.join('\n'), reason } }
      : { operation: 'refund', prefill: { id: hints.paymentId, amount: hints.amount, reason } }),
    from: channel,
    triggerId: asked.triggerId,
    client,
    respond,
  });
}

/** The message's permalink; undefined when late or when the bot cannot see it (the person writes the reason). */
function permalinkOf(client: Args['client'], channel: string, ts: string): Promise<string | undefined> {
  const late = () => new Error('chat.getPermalink took too long');
  return raceDeadline(client.chat.getPermalink({ channel, message_ts: ts }), PERMALINK_DEADLINE_MS, late).then(
    (answer) => answer.permalink,
    () => undefined,
  );
}
