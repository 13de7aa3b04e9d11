/**
 * Opening a refund, payout or transfer form, after the ack, from wherever it was asked for (the command, a
 * shortcut): first where its card would go is checked, then the form opens saying so. What cannot
 * be done is answered through the response URL, so the person never sees nothing.
 */
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Operation } from '../../../core/request/request.ts';
import { destinationText, refusalText } from '../blocks/outcome-text.ts';
import type { CommandChannel } from '../card-destination.ts';
import { code } from '../mrkdwn.ts';
import type { SlackServices } from '../services.ts';
import { type RequestPrefill, requestModal } from './request-modal.ts';

export interface FormAsk {
  operation: Operation;
  prefill: RequestPrefill;
  /** Where it was asked for: the card goes there, unless APPROVAL_CHANNEL says otherwise. */
  from: CommandChannel;
  triggerId: string;
  client: WebClient;
  respond: RespondFn;
}

export async function openRequestForm(services: SlackServices, ask: FormAsk): Promise<void> {
  const { operation, from, respond } = ask;
  const cardChannel = services.approvalChannel ?? from.id;
  const problem = await services.destinations.check(cardChannel, from);
  if (problem) {
    const text = destinationText(problem, cardChannel, services.approvalChannel !== undefined);
    await respond({ response_type: 'ephemeral', text });
    return;
  }
  try {
    await ask.client.views.open({
      trigger_id: ask.triggerId,
      view: requestModal(
        operation,
        ask.prefill,
        { channelId: from.id, cardChannelId: cardChannel },
        services.operations,
      ),
    });
  } catch (error) {
    services.logger.error('could not open the request form', { error });
    const slackSaid = (error as { data?: { error?: string } }).data?.error;
    const why = slackSaid ? ` (Slack said ${code(slackSaid)})` : '';
    await respond({
      response_type: 'ephemeral',
      text: `I could not open the ${operation.replace('_', ' ')} form${why}. Nothing was saved. Try again.`,
    });
  }
}

/** Why this kind of request cannot be made here (payouts or transfers not set up), or undefined. */
export function operationUnavailable(services: SlackServices, operation: Operation): string | undefined {
  if (operation === 'payout' && !services.operations.payoutsConfigured) {
    return refusalText({ code: 'payouts_not_configured' });
  }
  if (operation === 'transfer' && !services.operations.transfersConfigured) {
    return refusalText({ code: 'transfers_not_configured' });
  }
  return undefined;
}

/** The refusal where /dollr and its shortcuts may not be used (ALLOWED_CHANNELS), or undefined. */
export function channelNotAllowed(services: SlackServices, channelId: string): string | undefined {
  if (!services.allowedChannels || services.allowedChannels.includes(channelId)) return undefined;
  return (
    `\`/dollr\` is not available in this channel. ` +
    `It works in ${services.allowedChannels.map((c) => `<#${c}>`).join(', ')}.`
  );
}
