/**
 * The refund and payout modals: built from what the command prefilled, parsed back through the
 * operation's one zod schema, with each problem mapped to the input block it belongs to.
 */
import type { ModalView, PlainTextInput, StaticSelect } from '@slack/types';
import { CURRENCIES } from '../../../core/request/money.ts';
import {
  payoutInputSchema,
  refundInputSchema,
  REASON_MAX,
  type Operation,
  type RequestDetails,
} from '../../../core/request/request.ts';
import { firstChars } from '../blocks/limits.ts';
import { CALLBACKS, FIELD_ACTION, FIELDS } from '../ids.ts';

export interface RequestPrefill {
  id?: string;
  amount?: string;
  currency?: string;
  reason?: string;
}

/** Where the submitted request's card goes; carried through the modal. */
export interface ModalContext {
  channelId: string;
}

/** Longest a typed ID or amount can be and still be valid: 15 digits; 12 digits with separators and cents. */
const ID_MAX = 15;
const AMOUNT_MAX = 20;

export function requestModal(operation: Operation, prefill: RequestPrefill, context: ModalContext): ModalView {
  const idField = operation === 'refund' ? FIELDS.originalPaymentIntentId : FIELDS.payoutAccountId;
  const blocks: ModalView['blocks'] = [
    textInput(
      idField,
      operation === 'refund' ? 'Original payment ID' : 'Payout account ID',
      prefill.id && firstChars(prefill.id, ID_MAX),
      {
        maxLength: ID_MAX,
        hint:
          operation === 'refund'
            ? "Dollr's ID of the completed payment to refund, e.g. 4411"
            : "Dollr's ID of the payout account, e.g. 7",
      },
    ),
    textInput(FIELDS.amount, 'Amount', prefill.amount && firstChars(prefill.amount, AMOUNT_MAX), {
      maxLength: AMOUNT_MAX,
      hint: operation === 'refund' ? "In the original payment's currency, e.g. 25.50" : 'For example 100 or 25.50',
    }),
  ];
  if (operation === 'payout') blocks.push(currencySelect(prefill.currency));
  // Slack refuses a form whose prefilled text is longer than its input allows: shorten it, and say so.
  const reason = prefill.reason === undefined ? undefined : firstChars(prefill.reason, REASON_MAX);
  const shortened = reason !== prefill.reason;
  blocks.push(
    textInput(FIELDS.reason, 'Reason', reason, {
      multiline: true,
      maxLength: REASON_MAX,
      ...(shortened
        ? {
            hint:
              `What you typed after the command was longer than ${REASON_MAX} characters: ` +
              'it was shortened to fit. Check it.',
          }
        : {}),
    }),
  );
  return {
    type: 'modal',
    callback_id: operation === 'refund' ? CALLBACKS.refund : CALLBACKS.payout,
    private_metadata: JSON.stringify(context),
    title: { type: 'plain_text', text: operation === 'refund' ? 'Request a refund' : 'Request a payout' },
    submit: { type: 'plain_text', text: 'Submit for approval' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

function textInput(
  blockId: string,
  label: string,
  initial: string | undefined,
  options: { hint?: string; multiline?: boolean; maxLength?: number },
): ModalView['blocks'][number] {
  const element: PlainTextInput = {
    type: 'plain_text_input',
    action_id: FIELD_ACTION,
    multiline: options.multiline ?? false,
  };
  if (initial) element.initial_value = initial;
  if (options.maxLength) element.max_length = options.maxLength;
  return {
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: label },
    element,
    ...(options.hint ? { hint: { type: 'plain_text' as const, text: options.hint } } : {}),
  };
}

function currencySelect(initial: string | undefined): ModalView['blocks'][number] {
  const option = (c: string) => ({ text: { type: 'plain_text' as const, text: c }, value: c });
  const element: StaticSelect = {
    type: 'static_select',
    action_id: FIELD_ACTION,
    placeholder: { type: 'plain_text', text: 'Choose a currency' },
    options: CURRENCIES.map(option),
  };
  const known = CURRENCIES.find((c) => c === initial?.toUpperCase());
  if (known) element.initial_option = option(known);
  return { type: 'input', block_id: FIELDS.currency, label: { type: 'plain_text', text: 'Currency' }, element };
}

/** Slack's view.state.values: block_id -> action_id -> the input's state. */
export type ViewValues = Record<
  string,
  Record<string, { type?: string; value?: string | null; selected_option?: { value: string } | null }>
>;

export type ModalParse = { ok: true; details: RequestDetails } | { ok: false; errors: Record<string, string> };

export function parseRequestModal(operation: Operation, values: ViewValues): ModalParse {
  const read = (blockId: string) => {
    const state = values[blockId]?.[FIELD_ACTION];
    return state?.selected_option?.value ?? state?.value ?? undefined;
  };
  const parsed =
    operation === 'refund'
      ? refundInputSchema.safeParse({
          kind: 'refund',
          originalPaymentIntentId: read(FIELDS.originalPaymentIntentId),
          amount: read(FIELDS.amount),
          reason: read(FIELDS.reason),
        })
      : payoutInputSchema.safeParse({
          kind: 'payout',
          payoutAccountId: read(FIELDS.payoutAccountId),
          amount: read(FIELDS.amount),
          currency: read(FIELDS.currency),
          reason: read(FIELDS.reason),
        });
  if (parsed.success) return { ok: true, details: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const block = BLOCK_OF_FIELD[String(issue.path[0])] ?? FIELDS.reason;
    errors[block] ??= issue.message;
  }
  return { ok: false, errors };
}

const BLOCK_OF_FIELD: Record<string, string> = {
  originalPaymentIntentId: FIELDS.originalPaymentIntentId,
  payoutAccountId: FIELDS.payoutAccountId,
  amount: FIELDS.amount,
  currency: FIELDS.currency,
  reason: FIELDS.reason,
};

/** Reads the modal's private_metadata back; undefined when it is not ours. */
export function parseModalContext(privateMetadata: string): ModalContext | undefined {
  try {
    const value = JSON.parse(privateMetadata) as { channelId?: unknown };
    return typeof value.channelId === 'string' && /^[CGDU][A-Z0-9]+$/.test(value.channelId)
      ? { channelId: value.channelId }
      : undefined;
  } catch {
    return undefined;
  }
}
