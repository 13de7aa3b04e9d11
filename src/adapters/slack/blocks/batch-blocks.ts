/** What a batch of refunds shows on its card: every line, and where its lines stand. */
import type { KnownBlock } from '@slack/types';
import { displayAmount } from '../../../core/request/money.ts';
import type { MoneyRequest } from '../../../core/request/request.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';
import { clip, SECTION_TEXT_MAX } from './limits.ts';

/** "line 12", "lines 3, 7 and 12". */
export function listOfLines(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  return `lines ${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
}

/** Lines per section of a batch's list: 25 lines of at most ~110 characters stay within a section's 3,000. */
const LINES_PER_SECTION = 25;
const LINE_REASON_ON_CARD_MAX = 60;

/** A batch's lines, all of them (at most 100), in sections of 25: what each approver approves. */
export function batchLineBlocks(request: MoneyRequest): KnownBlock[] {
  if (request.details.kind !== 'refund_batch') return [];
  const rows = request.details.lines.map(
    (l) =>
      `${l.line}. payment ${l.originalPaymentIntentId}: ${displayAmount(l.amount)} ` +
      `_${clip(escapeMrkdwn(l.reason), LINE_REASON_ON_CARD_MAX)}_`,
  );
  const blocks: KnownBlock[] = [];
  for (let start = 0; start < rows.length; start += LINES_PER_SECTION) {
    const title = start === 0 ? '*The refunds* (line. payment: amount)\n' : '';
    const text = clip(title + rows.slice(start, start + LINES_PER_SECTION).join('\n'), SECTION_TEXT_MAX);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }
  return blocks;
}

/** Where a batch's lines stand: "12 of 40 completed, 27 on their way, 1 failed (line 12)". */
function progressText(request: MoneyRequest): string {
  const progress = request.progress;
  const of = request.details.kind === 'refund_batch' ? request.details.lines.length : 0;
  if (!progress) return `0 of ${of} completed`;
  const parts = [`${progress.completed} of ${of} completed`];
  if (progress.moving > 0) parts.push(`${progress.moving} on their way`);
  if (progress.attention > 0)
    parts.push(`${progress.attention} need attention (${listOfLines(progress.attentionLines)})`);
  if (progress.failed > 0) parts.push(`${progress.failed} failed (${listOfLines(progress.failedLines)})`);
  return parts.join(', ');
}

/** A batch's state line: its approvers, then its lines' count. */
export function batchStateLine(request: MoneyRequest, approvedBy: string): string {
  const count = progressText(request);
  switch (request.state) {
    case 'completed':
      return `:large_green_circle: Completed: ${count}. Approved by ${approvedBy}`;
    case 'failed':
      return `:red_circle: Failed: ${count}. Approved by ${approvedBy}`;
    case 'partly_completed':
      return `:large_orange_circle: Partly completed: ${count}. Approved by ${approvedBy}`;
    case 'needs_attention':
      return `:warning: Needs attention: ${count}. Approved by ${approvedBy}`;
    default:
      return `:arrows_counterclockwise: Approved by ${approvedBy}; executing: ${count}`;
  }
}
