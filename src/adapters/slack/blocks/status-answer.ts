/** The ephemeral answer to `/dollr status <id>`. */
import type { MoneyRequest } from '../../../core/request/request.ts';
import { displayAmount } from '../../../core/request/money.ts';
import { escapeMrkdwn, mention } from '../mrkdwn.ts';
import { stateLine } from './approval-card.ts';
import { reasonText, STATE_LABELS, summary, utcMinute } from './describe-request.ts';
import { MESSAGE_TEXT_MAX } from './limits.ts';
import { executionLines } from './thread-reply.ts';
import { trailLines } from './trail-lines.ts';

/** `lines`: a batch's lines, each a refund request; listed under the head, before the batch's trail. */
export function statusAnswer(request: MoneyRequest, lines: readonly MoneyRequest[] = []): string {
  const head = [
    `*${summary(request)}*: ${STATE_LABELS[request.state]}`,
    `Request \`${request.id}\`, requested by ${mention(request.requesterId)} on ${utcMinute(request.createdAt)} UTC`,
    `Reason: ${reasonText(request)}`,
    stateLine(request),
  ];
  if (request.attempt?.execution) head.push(...executionLines(request.attempt.execution));
  else if (request.attempt) head.push(`Reference \`${request.attempt.referenceId}\``);
  if (lines.length > 0) head.push('*Lines*', ...lines.map(lineText));
  head.push('*Trail*');
  return withinLimit(head, trailLines(request));
}

/** "12. payment 4411, 25.50: Completed, reference `…`", with Dollr's failure when it failed. */
function lineText(line: MoneyRequest): string {
  const number = line.batchOf?.line ?? '?';
  const payment = line.details.kind === 'refund' ? `payment ${line.details.originalPaymentIntentId}, ` : '';
  const reference = line.attempt ? `, reference \`${line.attempt.referenceId}\`` : '';
  const failure = line.failure ? `: ${escapeMrkdwn(line.failure.slice(0, 200))}` : '';
  const amount = displayAmount(line.details.amount);
  return `${number}. ${payment}${amount}: ${STATE_LABELS[line.state]}${reference}${failure}`;
}

/**
 * The head and as much of the trail as Slack takes in one message: its first entries and its
 * latest, with a line saying how many in between were left out and where to read them all.
 */
function withinLimit(head: string[], trail: string[], max = MESSAGE_TEXT_MAX): string {
  const whole = [...head, ...trail].join('\n');
  if (whole.length <= max) return whole;
  const gap = (n: number) =>
    `• … ${n} entr${n === 1 ? 'y' : 'ies'} left out here; \`npm run audit:export\` has every one`;
  let budget = max - head.join('\n').length - gap(trail.length).length - 2;
  const first: string[] = [];
  const last: string[] = [];
  // Alternately from the start and the end, so both the request's origin and its latest news show.
  for (let i = 0, j = trail.length - 1; i <= j; ) {
    const fromEnd = last.length < first.length;
    const line = fromEnd ? trail[j]! : trail[i]!;
    if (line.length + 1 > budget) break;
    budget -= line.length + 1;
    if (fromEnd) {
      last.unshift(line);
      j--;
    } else {
      first.push(line);
      i++;
    }
  }
  const leftOut = trail.length - first.length - last.length;
  return [...head, ...first, gap(leftOut), ...last].join('\n');
}
