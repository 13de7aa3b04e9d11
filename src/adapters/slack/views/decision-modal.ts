/**
 * The two modals that take an approver's words about a request: the reason of a rejection, and the
 * comment of an approval. One builder and one parser; the request ID rides in private_metadata and is
 * checked on the way back like any other input.
 */
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { MoneyRequest } from '../../../core/request/request.ts';
import { summary } from '../blocks/describe-request.ts';
import { CALLBACKS, FIELD_ACTION, FIELDS, REQUEST_ID_PATTERN } from '../ids.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';
import type { ViewValues } from './request-modal.ts';

const DECISION_TEXT_MAX = 500;

export interface DecisionModalSpec {
  callbackId: string;
  field: string;
  title: string;
  submit: string;
  label: string;
  note: string;
  /** Said when the field is left empty. */
  required: string;
}

export const REJECT_MODAL: DecisionModalSpec = {
  callbackId: CALLBACKS.reject,
  field: FIELDS.rejectReason,
  title: 'Reject request',
  submit: 'Reject',
  label: 'Why is it rejected?',
  note: 'The reason goes on the card and in its thread.',
  required: 'Say why the request is rejected.',
};

export const APPROVE_COMMENT_MODAL: DecisionModalSpec = {
  callbackId: CALLBACKS.approve,
  field: FIELDS.approveComment,
  title: 'Approve request',
  submit: 'Approve',
  label: 'Comment',
  note: 'Approving moves money through Dollr once the rule is met. The comment goes on the card and in the trail.',
  required: 'Write a comment, or use the Approve button on the card.',
};

export function decisionModal(spec: DecisionModalSpec, request: MoneyRequest): ModalView {
  return {
    type: 'modal',
    callback_id: spec.callbackId,
    private_metadata: request.id,
    title: { type: 'plain_text', text: spec.title },
    submit: { type: 'plain_text', text: spec.submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeMrkdwn(summary(request))}*\nRequest \`${request.id}\`. ${spec.note}`,
        },
      },
      {
        type: 'input',
        block_id: spec.field,
        label: { type: 'plain_text', text: spec.label },
        element: { type: 'plain_text_input', action_id: FIELD_ACTION, multiline: true, max_length: DECISION_TEXT_MAX },
      },
    ],
  };
}

export type DecisionInput =
  | { ok: true; requestId: string; text: string }
  | { ok: false; errors: Record<string, string> };

export function parseDecisionModal(
  spec: DecisionModalSpec,
  privateMetadata: string,
  values: ViewValues,
): DecisionInput {
  const parsed = z
    .object({
      requestId: z.string().regex(REQUEST_ID_PATTERN, 'This form does not belong to a known request.'),
      text: z
        .string({ error: spec.required })
        .trim()
        .min(1, spec.required)
        .max(DECISION_TEXT_MAX, `Keep it to ${DECISION_TEXT_MAX} characters or fewer.`),
    })
    .safeParse({ requestId: privateMetadata, text: values[spec.field]?.[FIELD_ACTION]?.value ?? undefined });
  if (parsed.success) return { ok: true, ...parsed.data };
  return { ok: false, errors: { [spec.field]: parsed.error.issues[0]?.message ?? 'Check this field.' } };
}
