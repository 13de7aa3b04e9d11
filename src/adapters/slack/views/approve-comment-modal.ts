/** "Approve with comment…": the approver's comment goes on the card and into the trail. */
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { MoneyRequest } from '../../../core/request.ts';
import { summary } from '../blocks/describe-request.ts';
import { CALLBACKS, FIELD_ACTION, FIELDS, REQUEST_ID_PATTERN } from '../ids.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';
import type { ViewValues } from './request-modal.ts';

export const COMMENT_MAX = 500;

export function approveCommentModal(request: MoneyRequest): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACKS.approve,
    private_metadata: request.id,
    title: { type: 'plain_text', text: 'Approve request' },
    submit: { type: 'plain_text', text: 'Approve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${escapeMrkdwn(summary(request.details))}*\nRequest \`${request.id}\`. Approving moves money through Dollr once the rule is met.` },
      },
      {
        type: 'input',
        block_id: FIELDS.approveComment,
        label: { type: 'plain_text', text: 'Comment' },
        element: { type: 'plain_text_input', action_id: FIELD_ACTION, multiline: true, max_length: COMMENT_MAX },
      },
    ],
  };
}

const commentSchema = z.object({
  requestId: z.string().regex(REQUEST_ID_PATTERN, 'This form does not belong to a known request.'),
  comment: z
    .string({ error: 'Write a comment, or use the Approve button on the card.' })
    .trim()
    .min(1, 'Write a comment, or use the Approve button on the card.')
    .max(COMMENT_MAX, `Keep the comment to ${COMMENT_MAX} characters or fewer.`),
});

export function parseApproveComment(privateMetadata: string, values: ViewValues) {
  const parsed = commentSchema.safeParse({ requestId: privateMetadata, comment: values[FIELDS.approveComment]?.[FIELD_ACTION]?.value ?? undefined });
  if (parsed.success) return { ok: true as const, ...parsed.data };
  return { ok: false as const, errors: { [FIELDS.approveComment]: parsed.error.issues[0]?.message ?? 'Check this field.' } };
}
