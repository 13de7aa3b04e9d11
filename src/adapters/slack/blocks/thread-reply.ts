/** What the card's thread says about one event; undefined for events people need not see. */
import {
  approvalsOf,
  type ExecutionSnapshot,
  type MoneyRequest,
  type RequestEvent,
} from '../../../core/request/request.ts';
import { plural } from '../../../core/plural.ts';
import { escapeMrkdwn, mention } from '../mrkdwn.ts';
import type { SlackMessage } from './approval-card.ts';
import { listOfLines } from './batch-blocks.ts';
import { operationName } from './describe-request.ts';
import { clip, SECTION_TEXT_MAX } from './limits.ts';

/** What one text from Dollr may take of a reply; the trail has it whole. */
const DOLLR_TEXT_MAX = 1000;
const fromDollr = (text: string) => clip(escapeMrkdwn(text), DOLLR_TEXT_MAX);

export function threadReply(request: MoneyRequest, event: RequestEvent): SlackMessage | undefined {
  switch (event.type) {
    case 'approved': {
      // Which approval this is (nobody approves twice, so the approver names it).
      const index = approvalsOf(request).findIndex((a) => a.by === event.by) + 1;
      const comment = event.comment ? `\n> ${escapeMrkdwn(event.comment)}` : '';
      if (index > 0 && index < request.approvalsRequired) {
        return mrkdwn(
          `:ballot_box_with_check: Approval ${index} of ${request.approvalsRequired} by ${mention(event.by)}. ` +
            `It needs ${request.approvalsRequired - index} more.${comment}`,
        );
      }
      const of = request.approvalsRequired > 1 ? ` (${request.approvalsRequired} of ${request.approvalsRequired})` : '';
      return mrkdwn(`:white_check_mark: Approved by ${mention(event.by)}${of}. Sending it to Dollr.${comment}`);
    }
    case 'cancelled':
      return mrkdwn(`:heavy_multiplication_x: Cancelled by ${mention(event.by)}. Nothing was sent to Dollr.`);
    case 'expired':
      return mrkdwn(
        ':alarm_clock: Expired: nobody approved it in time. Nothing was sent to Dollr. ' +
          `${mention(request.requesterId)}, ask again if it is still needed.`,
      );
    case 'rejected':
      return mrkdwn(
        `:no_entry: Rejected by ${mention(event.by)}: ${escapeMrkdwn(event.reason)}\n` +
          `${mention(request.requesterId)}, nothing was sent to Dollr.`,
      );
    case 'status':
      return mrkdwn(statusText(request, event.execution));
    case 'failed':
      // "No money moved" only where it is proven: nothing was ever sent. A refused execute is said as such.
      return mrkdwn(
        `:red_circle: *FAILED* ${fromDollr(event.message)}\n` +
          `${mention(request.requesterId)}, your ${request.details.kind} ${request.id} failed; ` +
          (event.executeSent
            ? 'Dollr refused it, so it was not executed.'
            : 'nothing was sent to Dollr, so no money moved.'),
      );
    case 'attention':
      if (request.details.kind === 'refund_batch') {
        return mrkdwn(
          `:warning: *Needs attention* ${fromDollr(event.message)}. I keep checking with Dollr; ` +
            `\`/dollr status ${request.id}\` shows every line.`,
        );
      }
      return mrkdwn(
        `:warning: *Needs attention* ${fromDollr(event.message)}\n` +
          `Reference \`${request.attempt?.referenceId ?? 'none'}\`. I keep checking with Dollr; ` +
          `\`/dollr status ${request.id}\` shows the latest.`,
      );
    case 'execute_unanswered':
      // Said once: further unanswered sends of the same reference are in the trail only.
      if (request.events.find((e) => e.type === 'execute_unanswered') !== event) return undefined;
      return mrkdwn(
        ':hourglass_flowing_sand: ' +
          `Dollr's answer to the execution did not come through (${UNANSWERED[event.code] ?? 'no clear answer'}). ` +
          `I am asking Dollr about reference \`${escapeMrkdwn(event.referenceId)}\`, the same one, ` +
          'so nothing is sent twice.',
      );
    case 'batch_started':
      return mrkdwn(
        `:arrow_forward: Executing ${plural(event.lines, 'refund')}, each with its own reference. ` +
          'The card counts them as they end; this thread says when all have.',
      );
    case 'batch_ended':
      return mrkdwn(batchEndedText(request, event));
    default:
      return undefined;
  }
}

function batchEndedText(request: MoneyRequest, event: Extract<RequestEvent, { type: 'batch_ended' }>): string {
  const lines = request.details.kind === 'refund_batch' ? request.details.lines.length : 0;
  const failed = event.failedLines.length;
  const icon = failed === 0 ? ':large_green_circle:' : event.completed === 0 ? ':red_circle:' : ':large_orange_circle:';
  const failures = failed === 0 ? '' : `; ${failed} failed: ${clip(listOfLines(event.failedLines), 1000)}`;
  return (
    `${icon} *Batch ended*: ${event.completed} of ${lines} completed${failures}.\n` +
    `${mention(request.requesterId)}, \`/dollr status ${request.id}\` shows every line with its reference.`
  );
}

/** What an unclear execute's error code means, in a person's words. */
const UNANSWERED: Record<string, string> = {
  timeout: 'no answer in time',
  network: 'the connection failed',
  server: 'Dollr had an error',
  bad_response: 'the answer could not be read',
  rate_limited: 'Dollr asked to wait',
};

const STATUS_ICONS: Record<ExecutionSnapshot['status'], string> = {
  PENDING: ':hourglass_flowing_sand:',
  PROCESSING: ':arrows_counterclockwise:',
  COMPLETED: ':large_green_circle:',
  FAILED: ':red_circle:',
};

export function executionLines(execution: ExecutionSnapshot): string[] {
  const lines = [
    `Reference \`${escapeMrkdwn(execution.referenceId)}\``,
    `Payer: ${escapeMrkdwn(`${execution.payerAmount} ${execution.payerCurrency}`)} · ` +
      `Payee: ${escapeMrkdwn(`${execution.payeeAmount} ${execution.payeeCurrency}`)}`,
  ];
  if (execution.gatewayMessage) lines.push(`Gateway: ${fromDollr(execution.gatewayMessage)}`);
  if (execution.walletMessage) lines.push(`Wallet: ${fromDollr(execution.walletMessage)}`);
  return lines;
}

function statusText(request: MoneyRequest, execution: ExecutionSnapshot): string {
  const lines = [`${STATUS_ICONS[execution.status]} *${execution.status}*`, ...executionLines(execution)];
  if (execution.status === 'COMPLETED') {
    lines.push(
      `${mention(request.requesterId)}, your ${operationName(request.details).toLowerCase()} ${request.id} completed.`,
    );
  } else if (execution.status === 'FAILED') {
    lines.push(
      `${mention(request.requesterId)}, your ${operationName(request.details).toLowerCase()} ${request.id} ` +
        'failed at Dollr.',
    );
  }
  return lines.join('\n');
}

function mrkdwn(whole: string): SlackMessage {
  const text = clip(whole, SECTION_TEXT_MAX);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
