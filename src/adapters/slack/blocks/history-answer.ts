/** The ephemeral answer to `/dollr history [n]`: the latest requests, one line each. */
import { approvalsOf, type MoneyRequest } from '../../../core/request/request.ts';
import { code, mention } from '../mrkdwn.ts';
import { amountText, operationName, STATE_LABELS, utcMinute } from './describe-request.ts';

export function historyAnswer(requests: MoneyRequest[]): string {
  if (requests.length === 0) return 'No requests yet.';
  const lines = requests.map((r) => {
    const approvers = approvalsOf(r)
      .map((a) => mention(a.by))
      .join(', ');
    return (
      `• \`${r.id}\` ${utcMinute(r.createdAt)} ${operationName(r.details)} ${amountText(r)}: ` +
      `*${STATE_LABELS[r.state]}*, requested by ${mention(r.requesterId)}` +
      (approvers ? `, approved by ${approvers}` : '')
    );
  });
  return [
    `*The last ${requests.length} request${requests.length === 1 ? '' : 's'}* ` +
      `(newest first; ${code('/dollr status <ID>')} for one in full):`,
    ...lines,
  ].join('\n');
}
