/** The approval card: what is asked, by whom, and (while awaiting approval) the two buttons. */
import type { KnownBlock } from '@slack/types';
import type { MoneyRequest } from '../../../core/request.ts';
import { ACTIONS } from '../ids.ts';
import { escapeMrkdwn, mention } from '../mrkdwn.ts';
import { amountText, idFields, operationName, reasonText, summary } from './describe-request.ts';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function approvalCard(request: MoneyRequest): SlackMessage {
  const { details } = request;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `${operationName(details)} request` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Amount*\n${amountText(details)}` },
        ...idFields(details).map((text) => ({ type: 'mrkdwn' as const, text })),
        { type: 'mrkdwn', text: `*Requested by*\n${mention(request.requesterId)}` },
        { type: 'mrkdwn', text: `*Request ID*\n\`${request.id}\`` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Reason*\n${reasonText(request)}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: stateLine(request) }] },
  ];
  if (request.state === 'awaiting_approval') blocks.push(decisionButtons(request));
  return { text: `${summary(details)}, requested by ${mention(request.requesterId)}: ${stateLine(request)}`, blocks };
}

function decisionButtons(request: MoneyRequest): KnownBlock {
  return {
    type: 'actions',
    block_id: `decide:${request.id}`,
    elements: [
      {
        type: 'button',
        action_id: ACTIONS.approve,
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value: request.id,
        // Against a mistaken tap on a phone: restate what will move before it moves.
        confirm: {
          title: { type: 'plain_text', text: `Approve this ${request.details.kind}?` },
          text: { type: 'plain_text', text: `${summary(request.details)}. This moves money through Dollr.` },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
      {
        type: 'button',
        action_id: ACTIONS.reject,
        text: { type: 'plain_text', text: 'Reject' },
        style: 'danger',
        value: request.id,
      },
    ],
  };
}

/** One line saying where the request stands. */
export function stateLine(request: MoneyRequest): string {
  const by = request.approverId ? mention(request.approverId) : 'someone';
  switch (request.state) {
    case 'awaiting_approval':
      return ':hourglass_flowing_sand: Awaiting approval';
    case 'rejected': {
      const rejection = request.events.findLast((e) => e.type === 'rejected');
      return `:no_entry: Rejected by ${by}: ${escapeMrkdwn(rejection?.type === 'rejected' ? rejection.reason : '')}`;
    }
    case 'approved':
    case 'executing':
      return `:white_check_mark: Approved by ${by}, executing`;
    case 'pending':
    case 'processing':
      return `:arrows_counterclockwise: Approved by ${by}; ${request.state} at Dollr (reference \`${request.attempt?.referenceId}\`)`;
    case 'completed':
      return `:large_green_circle: Completed. Approved by ${by}; reference \`${request.attempt?.referenceId}\``;
    case 'failed':
      return `:red_circle: Failed: ${escapeMrkdwn(request.failure ?? 'no reason given')}. Approved by ${by}`;
    case 'needs_attention':
      return `:warning: Needs attention: no final status from Dollr yet. Approved by ${by}; reference \`${request.attempt?.referenceId}\``;
  }
}
