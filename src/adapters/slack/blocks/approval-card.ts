/**
 * The approval card: what is asked, by whom, the checks reviewers should see, where it stands, and
 * (while awaiting approval) the buttons. Always rendered from the stored record.
 */
import type { KnownBlock } from '@slack/types';
import type { Freeze } from '../../../core/approval/freeze.ts';
import { displayAmount, formatMinor } from '../../../core/request/money.ts';
import { approvalsOf, type MoneyRequest } from '../../../core/request/request.ts';
import { ACTIONS } from '../ids.ts';
import { escapeMrkdwn, mention } from '../mrkdwn.ts';
import { amountText, idFields, operationName, reasonText, summary } from './describe-request.ts';
import { clip, CONTEXT_TEXT_MAX, SECTION_TEXT_MAX } from './limits.ts';
import { frozenText } from './outcome-text.ts';
import { batchLineBlocks, batchStateLine } from './batch-blocks.ts';

/** What one approver's comment, or Dollr's failure text, may take of the card; the trail has them whole. */
const COMMENT_ON_CARD_MAX = 280;
const FAILURE_ON_CARD_MAX = 500;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function approvalCard(request: MoneyRequest, freeze?: Freeze): SlackMessage {
  const { details } = request;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `${operationName(details)} request` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Amount*\n${amountText(request)}` },
        ...idFields(request).map((text) => ({ type: 'mrkdwn' as const, text })),
        { type: 'mrkdwn', text: `*Requested by*\n${mention(request.requesterId)}` },
        { type: 'mrkdwn', text: `*Request ID*\n\`${request.id}\`` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*Reason*\n${reasonText(request)}`, SECTION_TEXT_MAX) } },
    ...batchLineBlocks(request),
  ];
  // What an approver weighs before deciding: once decided, it would only be out of date.
  const checks = request.state === 'awaiting_approval' ? checkLines(request) : [];
  if (checks.length > 0)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(checks.join('\n'), CONTEXT_TEXT_MAX) }] });
  if (freeze && request.state === 'awaiting_approval') {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:ice_cube: ${frozenText(freeze)}`,
      },
    });
  }
  const state = clip(stateLine(request), CONTEXT_TEXT_MAX);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: state }] });
  if (request.state === 'awaiting_approval') blocks.push(decisionButtons(request));
  // The request ID in the text also lets the app recognise its own card in the channel's history.
  return {
    text: clip(
      `${summary(request)}, requested by ${mention(request.requesterId)} (request ${request.id}): ${state}`,
      SECTION_TEXT_MAX,
    ),
    blocks,
  };
}

const SUBJECT_WORDS = {
  refund: 'payment',
  payout: 'account',
  transfer: 'counterparty',
  refund_batch: 'lines',
} as const;

/** Duplicates, earlier refunds, fee estimate: what a careful approver wants to know first. */
function checkLines(request: MoneyRequest): string[] {
  const lines: string[] = [];
  const checks = request.checks;
  if (!checks) return lines;
  if (checks.possibleDuplicates.length > 0) {
    lines.push(
      `:warning: *Possible duplicate* of ${checks.possibleDuplicates.map((id) => `\`${id}\``).join(', ')} ` +
        `(same ${SUBJECT_WORDS[request.details.kind]} and amount)`,
    );
  }
  if (checks.refundedBeforeMinor !== undefined && request.details.kind === 'refund') {
    const refunded = displayAmount(formatMinor(checks.refundedBeforeMinor));
    lines.push(
      `Already refunded through this app against payment ${request.details.originalPaymentIntentId}: ${refunded}`,
    );
  }
  const fee = checks.feePreview;
  if (fee) {
    lines.push(
      `Estimate from Dollr: fees ${escapeMrkdwn(`${fee.fees} ${fee.feeCurrency}`)}, ` +
        `payee receives ${escapeMrkdwn(`${fee.payeeAmount} ${fee.payeeCurrency}`)}`,
    );
  }
  if (request.ruleDescription && request.approvalsRequired > 1)
    lines.push(`Needs ${escapeMrkdwn(request.ruleDescription)}`);
  return lines;
}

/** The card's buttons; the Home tab shows the same ones, which act exactly as on the card. */
export function decisionButtons(request: MoneyRequest, blockId = `decide:${request.id}`): KnownBlock {
  const button = (action_id: string, text: string, extra: object = {}) => ({
    type: 'button' as const,
    action_id,
    text: { type: 'plain_text' as const, text },
    value: request.id,
    ...extra,
  });
  return {
    type: 'actions',
    block_id: blockId,
    elements: [
      button(ACTIONS.approve, 'Approve', {
        style: 'primary',
        // Against a mistaken tap on a phone: restate what will move before it moves.
        confirm: {
          title: { type: 'plain_text', text: `Approve this ${operationName(request.details).toLowerCase()}?` },
          text: { type: 'plain_text', text: `${summary(request)}. This moves money through Dollr.` },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      }),
      button(ACTIONS.approveWithComment, 'Approve with comment…'),
      button(ACTIONS.reject, 'Reject', { style: 'danger' }),
      button(ACTIONS.cancel, 'Cancel request'),
    ],
  };
}

/** One line saying where the request stands. */
export function stateLine(request: MoneyRequest): string {
  const by = request.approverId ? mention(request.approverId) : 'someone';
  const approvals = approvalsOf(request);
  const approvedBy = approvals.map((a) => mention(a.by)).join(', ') || by;
  const reference = request.attempt?.referenceId;
  const comments = commentText(request);
  const of = request.approvalsRequired;
  const decided = !['awaiting_approval', 'rejected', 'cancelled', 'expired'].includes(request.state);
  if (request.details.kind === 'refund_batch' && decided) return batchStateLine(request, approvedBy);
  switch (request.state) {
    case 'awaiting_approval':
      return approvals.length > 0
        ? `:hourglass_flowing_sand: ${approvals.length} of ${of} approvals: ${approvedBy}${comments}`
        : `:hourglass_flowing_sand: Awaiting approval${of > 1 ? ` (0 of ${of})` : ''}`;
    case 'rejected': {
      const rejection = request.events.findLast((e) => e.type === 'rejected');
      return `:no_entry: Rejected by ${by}: ${escapeMrkdwn(rejection?.type === 'rejected' ? rejection.reason : '')}`;
    }
    case 'cancelled':
      return `:heavy_multiplication_x: Cancelled by ${mention(request.requesterId)}. Nothing was sent to Dollr.`;
    case 'expired':
      return ':alarm_clock: Expired before it was approved. Nothing was sent to Dollr.';
    case 'approved':
    case 'executing':
      return `:white_check_mark: Approved by ${approvedBy}, executing${comments}`;
    case 'pending':
    case 'processing':
      return (
        `:arrows_counterclockwise: Approved by ${approvedBy}; ${request.state} at Dollr ` +
        `(reference \`${reference}\`)${comments}`
      );
    case 'completed':
      return `:large_green_circle: Completed. Approved by ${approvedBy}; reference \`${reference}\`${comments}`;
    case 'failed':
      return (
        `:red_circle: Failed: ${clip(escapeMrkdwn(request.failure ?? 'no reason given'), FAILURE_ON_CARD_MAX)}. ` +
        `Approved by ${approvedBy}`
      );
    case 'partly_completed':
      return `:large_orange_circle: Partly completed. Approved by ${approvedBy}`;
    case 'needs_attention':
      return (
        ':warning: Needs attention: no final status from Dollr yet. ' +
        `Approved by ${approvedBy}; reference \`${reference}\``
      );
  }
}

/** Approvers' comments, as they wrote them (escaped). */
function commentText(request: MoneyRequest): string {
  const comments = approvalsOf(request).filter((a) => a.comment);
  return comments.map((a) => `\n> ${mention(a.by)}: ${clip(escapeMrkdwn(a.comment!), COMMENT_ON_CARD_MAX)}`).join('');
}
