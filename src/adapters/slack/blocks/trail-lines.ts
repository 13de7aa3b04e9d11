/** A request's trail, one line per event, for `/dollr status`. */
import type { PayeeStanding } from '../../../core/approval/payees.ts';
import type { MoneyRequest, RequestEvent } from '../../../core/request/request.ts';
import { escapeMrkdwn, mention } from '../mrkdwn.ts';
import { utcSecond } from './describe-request.ts';
import { clip } from './limits.ts';

/** One entry's longest text (a comment, Dollr's words): the audit export has it whole. */
const ENTRY_TEXT_MAX = 1000;
const told = (text: string) => clip(escapeMrkdwn(text), ENTRY_TEXT_MAX);

export function trailLines(request: MoneyRequest): string[] {
  const list = request.details.kind === 'transfer' ? 'counterparty' : 'payee';
  return request.events.map((event) => `• ${utcSecond(event.at)} ${describeEvent(event, list)}`);
}

function describeEvent(event: RequestEvent, list: 'payee' | 'counterparty'): string {
  switch (event.type) {
    case 'requested':
      return `requested by ${mention(event.by)}`;
    case 'approved':
      return `approved by ${mention(event.by)}${event.comment ? `: “${told(event.comment)}”` : ''}`;
    case 'rejected':
      return `rejected by ${mention(event.by)}: ${told(event.reason)}`;
    case 'cancelled':
      return `cancelled by ${mention(event.by)}`;
    case 'expired':
      return 'expired without approval';
    case 'reminded':
      return `approvers reminded: ${event.to.map(mention).join(', ') || 'nobody to remind'}`;
    case 'reference_minted':
      return `reference \`${event.referenceId}\` minted`;
    case 'session_created':
      return `Dollr session ${escapeMrkdwn(event.sessionId)} created`;
    case 'status':
      return `Dollr: ${event.execution.status}`;
    case 'failed':
      return `failed: ${told(event.message)}`;
    case 'attention':
      return `needs attention: ${told(event.message)}`;
    case 'execute_unanswered':
      return (
        `Dollr's answer to the execute did not come through (${escapeMrkdwn(event.code)}); ` +
        'asking with the same reference'
      );
    case 'payee_changed':
      return (
        `${list} list changed for this ${list === 'payee' ? 'account' : 'counterparty'}: ` +
        `${standingText(event.now, list)} (this request keeps its ${list} as requested)`
      );
    case 'batch_started':
      return `${event.lines} lines made, each a refund request of its own`;
    case 'batch_ended':
      return `every line ended: ${event.completed} completed, ${event.failedLines.length} failed`;
    case 'slack_failed':
      return `Slack delivery failed (${escapeMrkdwn(event.event)}): ${told(event.message)}`;
  }
}

function standingText(standing: PayeeStanding, list: 'payee' | 'counterparty'): string {
  if (standing.kind === 'named') return `now "${escapeMrkdwn(standing.name)}", paid in ${standing.currency}`;
  return standing.kind === 'unnamed' ? `no longer on the ${list} list` : `there is no ${list} list any more`;
}
