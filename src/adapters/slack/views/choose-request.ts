/**
 * The global shortcut "New refund or payout" starts outside any channel, so its first form asks
 * what the request is (a transfer too, when transfers are set up) and, unless APPROVAL_CHANNEL
 * decides it, where its card goes. Submitted, it is replaced by the same form /dollr opens, once
 * the channel has been checked.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Operation } from '../../../core/request/request.ts';
import { destinationText } from '../blocks/outcome-text.ts';
import { CALLBACKS, FIELD_ACTION, FIELDS } from '../ids.ts';
import type { SlackServices } from '../services.ts';
import { operationUnavailable } from './open-request-form.ts';
import { requestModal } from './request-modal.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

const OPERATIONS: readonly Operation[] = ['refund', 'refund_batch', 'payout', 'transfer'];

const option = (value: Operation, text: string) => ({ text: { type: 'plain_text' as const, text }, value });

export function chooseRequestModal(services: SlackServices): ModalView {
  const blocks: ModalView['blocks'] = [
    {
      type: 'input',
      block_id: FIELDS.operation,
      label: { type: 'plain_text', text: 'What do you need?' },
      element: {
        type: 'static_select',
        action_id: FIELD_ACTION,
        initial_option: option('refund', 'A refund of a payment'),
        options: [
          option('refund', 'A refund of a payment'),
          option('refund_batch', 'Refunds in a batch (up to 100)'),
          ...(services.operations.payoutsConfigured ? [option('payout', 'A payout to an account')] : []),
          ...(services.operations.transfersConfigured
            ? [option('transfer', "A transfer to a counterparty's Dollr wallet")]
            : []),
        ],
      },
    },
  ];
  if (services.approvalChannel === undefined) {
    blocks.push({
      type: 'input',
      block_id: FIELDS.cardChannel,
      label: { type: 'plain_text', text: 'Post the approval card in' },
      hint: { type: 'plain_text', text: 'A channel @Dollr is in: its members see the card, approvers decide there.' },
      element: {
        type: 'conversations_select',
        action_id: FIELD_ACTION,
        filter: { include: ['public', 'private'], exclude_bot_users: true, exclude_external_shared_channels: true },
      },
    });
  } else {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `The approval card goes to <#${services.approvalChannel}>.` }],
    });
  }
  return {
    type: 'modal',
    callback_id: CALLBACKS.chooseRequest,
    title: { type: 'plain_text', text: 'New request' },
    submit: { type: 'plain_text', text: 'Next' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

export function chooseRequestSubmission(services: SlackServices) {
  return async ({ ack, view }: Args): Promise<void> => {
    const values = view.state.values;
    const chosen = values[FIELDS.operation]?.[FIELD_ACTION]?.selected_option?.value;
    const operation = OPERATIONS.find((o) => o === chosen);
    if (!operation) {
      await ack({ response_action: 'errors', errors: { [FIELDS.operation]: 'Choose what you need.' } });
      return;
    }
    const unavailable = operationUnavailable(services, operation);
    if (unavailable) {
      await ack({ response_action: 'errors', errors: { [FIELDS.operation]: unavailable } });
      return;
    }
    const picked = values[FIELDS.cardChannel]?.[FIELD_ACTION]?.selected_conversation ?? undefined;
    const cardChannel = services.approvalChannel ?? picked;
    if (!cardChannel || !/^[CG][A-Z0-9]+$/.test(cardChannel)) {
      const errors = { [FIELDS.cardChannel]: 'Choose a channel (not a direct message) for the approval card.' };
      await ack({ response_action: 'errors', errors });
      return;
    }
    const problem = await services.destinations.check(cardChannel, { id: cardChannel });
    if (problem) {
      const field = services.approvalChannel === undefined ? FIELDS.cardChannel : FIELDS.operation;
      const errors = { [field]: destinationText(problem, cardChannel, services.approvalChannel !== undefined) };
      await ack({ response_action: 'errors', errors });
      return;
    }
    const form = requestModal(
      operation,
      {},
      { channelId: cardChannel, cardChannelId: cardChannel },
      services.operations,
    );
    await ack({ response_action: 'update', view: form });
  };
}
