/** The modal that asks an approver why they reject a request. */
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { MoneyRequest } from '../../../core/request.ts';
import { summary } from '../blocks/describe-request.ts';
import { CALLBACKS, FIELD_ACTION, FIELDS, REQUEST_ID_PATTERN } from '../ids.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';
import type { ViewValues } from './request-modal.ts';

export const REJECT_REASON_MAX = 500;

export function rejectModal(request: MoneyRequest): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACKS.reject,
    private_metadata: request.id,
    title: { type: 'plain_text', text: 'Reject request' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(summary(request.details))}*\nRequest \`${request.id}\`` } },
      {
        type: 'input',
        block_id: FIELDS.rejectReason,
        label: { type: 'plain_text', text: 'Why is it rejected?' },
        element: { type: 'plain_text_input', action_id: FIELD_ACTION, multiline: true, max_length: REJECT_REASON_MAX },
      },
    ],
  };
}

const rejectionSchema = z.object({
  requestId: z.string().regex(REQUEST_ID_PATTERN, 'This form does not belong to a known request.'),
  reason: z
    .string({ error: 'Say why the request is rejected.' })
    .trim()
    .min(1, 'Say why the request is rejected.')
    .max(REJECT_REASON_MAX, `Keep the reason to ${REJECT_REASON_MAX} characters or fewer.`),
});

export function parseRejectModal(privateMetadata: string, values: ViewValues) {
  const parsed = rejectionSchema.safeParse({ requestId: privateMetadata, reason: values[FIELDS.rejectReason]?.[FIELD_ACTION]?.value ?? undefined });
  if (parsed.success) return { ok: true as const, ...parsed.data };
  return { ok: false as const, errors: { [FIELDS.rejectReason]: parsed.error.issues[0]?.message ?? 'Check this field.' } };
}
