/** The ephemeral answer to `/dollr status <id>`. */
import type { MoneyRequest } from '../../../core/request.ts';
import { mention } from '../mrkdwn.ts';
import { stateLine } from './approval-card.ts';
import { reasonText, STATE_LABELS, summary } from './describe-request.ts';
import { executionLines } from './thread-reply.ts';
import { trailLines } from './trail-lines.ts';

export function statusAnswer(request: MoneyRequest): string {
  const lines = [
    `*${summary(request.details)}*: ${STATE_LABELS[request.state]}`,
    `Request \`${request.id}\`, requested by ${mention(request.requesterId)} on ${request.createdAt.slice(0, 16).replace('T', ' ')} UTC`,
    `Reason: ${reasonText(request)}`,
    stateLine(request),
  ];
  if (request.attempt?.execution) lines.push(...executionLines(request.attempt.execution));
  else if (request.attempt) lines.push(`Reference \`${request.attempt.referenceId}\``);
  lines.push('*Trail*', ...trailLines(request));
  return lines.join('\n');
}
