/**
 * The refund, payout and transfer modals: built from what the command prefilled, parsed back through
 * the operation's one zod schema, with each problem mapped to the input block it belongs to.
 */
import type { ModalView, PlainTextInput, StaticSelect } from '@slack/types';
import type { Counterparty, Payee, PayeeList } from '../../../core/approval/payees.ts';
import { CURRENCIES } from '../../../core/request/money.ts';
import {
  payoutInputSchema,
  refundInputSchema,
  REASON_MAX,
  transferInputSchema,
  type Operation,
  type RequestDetails,
} from '../../../core/request/request.ts';
import { parseBatchLines } from '../../../core/request/batch-lines.ts';
import { firstChars } from '../blocks/limits.ts';
import { CALLBACKS, FIELD_ACTION, FIELDS } from '../ids.ts';

export interface RequestPrefill {
  /** A batch's lines, as text. */
  lines?: string;
  id?: string;
  amount?: string;
  currency?: string;
  reason?: string;
}

/** The named payees and counterparties the forms offer (core/operations). */
export interface PartyLists {
  readonly payees: PayeeList | undefined;
  readonly counterparties: readonly Counterparty[];
}

const NO_LISTS: PartyLists = { payees: undefined, counterparties: [] };

const TITLES: Record<Operation, string> = {
  refund: 'Request a refund',
  payout: 'Request a payout',
  transfer: 'Request a transfer',
  refund_batch: 'Request batch refunds',
};

const AMOUNT_HINTS: Record<Exclude<Operation, 'refund_batch'>, string> = {
  refund: "In the original payment's currency, e.g. 25.50",
  payout: 'For example 100 or 25.50',
  transfer: "In the counterparty's currency (beside its name), e.g. 250",
};

/** Slack's most for a text input; 100 lines of `4411, 25.50` take about 1,200. */
const BATCH_TEXT_MAX = 3000;
const FILE_NAME_MAX = 255;
/** Problems shown under the lines at once; the rest are counted. */
const BATCH_PROBLEMS_SHOWN = 5;

/** Where the command was used; carried through the modal. */
export interface ModalContext {
  channelId: string;
}

/** Longest a typed ID or amount can be and still be valid: 15 digits; 12 digits with separators and cents. */
const ID_MAX = 15;
const AMOUNT_MAX = 20;

export function requestModal(
  operation: Operation,
  prefill: RequestPrefill,
  context: ModalContext & { cardChannelId: string },
  lists: PartyLists = NO_LISTS,
): ModalView {
  const { payees } = lists;
  const id = prefill.id && firstChars(prefill.id, ID_MAX);
  const blocks: ModalView['blocks'] = [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `The approval card goes to <#${context.cardChannelId}>. Nothing moves until it is approved there.`,
        },
      ],
    },
  ];
  if (operation === 'refund') {
    blocks.push(
      textInput(FIELDS.originalPaymentIntentId, 'Original payment ID', id, {
        maxLength: ID_MAX,
        hint: "Dollr's ID of the completed payment to refund, e.g. 4411",
      }),
    );
  }
  if (operation === 'payout') blocks.push(...payeeInputs(id, payees));
  if (operation === 'transfer') blocks.push(counterpartySelect(id, lists.counterparties));
  if (operation === 'refund_batch') {
    blocks.push(...batchInputs(prefill.lines));
  } else {
    blocks.push(
      textInput(FIELDS.amount, 'Amount', prefill.amount && firstChars(prefill.amount, AMOUNT_MAX), {
        maxLength: AMOUNT_MAX,
        hint: AMOUNT_HINTS[operation],
      }),
    );
  }
  if (operation === 'payout') {
    const listed = payees?.payees.find((p) => String(p.payoutAccountId) === id);
    blocks.push(currencySelect(prefill.currency ?? listed?.currency));
  }
  // Slack refuses a form whose prefilled text is longer than its input allows: shorten it, and say so.
  const reason = prefill.reason === undefined ? undefined : firstChars(prefill.reason, REASON_MAX);
  const shortened = reason !== prefill.reason;
  blocks.push(
    textInput(FIELDS.reason, operation === 'refund_batch' ? 'Reason for the batch' : 'Reason', reason, {
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
    callback_id: CALLBACKS[operation],
    private_metadata: JSON.stringify({ channelId: context.channelId } satisfies ModalContext),
    title: { type: 'plain_text', text: TITLES[operation] },
    submit: { type: 'plain_text', text: 'Submit for approval' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/**
 * Who is paid: without a payee list, the account ID as typed; with one, a select of the named payees
 * (Slack filters it as you type) and, when the policy allows accounts not on it, a field for one.
 */
function payeeInputs(prefillId: string | undefined, list: PayeeList | undefined): ModalView['blocks'] {
  if (!list) {
    return [
      textInput(FIELDS.payoutAccountId, 'Payout account ID', prefillId, {
        maxLength: ID_MAX,
        hint: "Dollr's ID of the payout account, e.g. 7",
      }),
    ];
  }
  const option = (p: Payee) => ({
    text: {
      type: 'plain_text' as const,
      text: firstChars(`${p.name} (account ${p.payoutAccountId}, ${p.currency})`, 75),
    },
    value: String(p.payoutAccountId),
  });
  const listed = list.payees.find((p) => String(p.payoutAccountId) === prefillId);
  const select: StaticSelect = {
    type: 'static_select',
    action_id: FIELD_ACTION,
    placeholder: { type: 'plain_text', text: 'Type to find a payee' },
    options: list.payees.map(option),
    ...(listed ? { initial_option: option(listed) } : {}),
  };
  const blocks: ModalView['blocks'] = [
    {
      type: 'input',
      block_id: FIELDS.payoutAccountId,
      label: { type: 'plain_text', text: 'Payee' },
      optional: list.allowUnnamed,
      element: select,
    },
  ];
  if (list.allowUnnamed) {
    blocks.push({
      ...textInput(
        FIELDS.unnamedPayoutAccountId,
        'Or a payout account not on the list',
        listed ? undefined : prefillId,
        {
          maxLength: ID_MAX,
          hint: 'Needs one more approval than a listed payee.',
        },
      ),
      optional: true,
    } as ModalView['blocks'][number]);
  }
  return blocks;
}

/** A batch's lines: pasted, or (the box left empty) a CSV file shared in the channel, named. */
function batchInputs(prefilled: string | undefined): ModalView['blocks'] {
  const lines = prefilled && firstChars(prefilled, BATCH_TEXT_MAX);
  return [
    optional(
      textInput(FIELDS.batchLines, 'Refunds, one per line', lines, {
        multiline: true,
        maxLength: BATCH_TEXT_MAX,
        hint:
          'payment ID, amount, reason: for example 4411, 25.50, charged twice. Leave the reason out to use the ' +
          "batch's. At most 100 lines; each amount in its payment's currency. Pasted spreadsheet rows work too.",
      }),
    ),
    optional(
      textInput(FIELDS.batchFile, 'Or a CSV file shared in this channel', undefined, {
        maxLength: FILE_NAME_MAX,
        hint: 'Its name, such as refunds.csv, holding the same lines. Leave the box above empty.',
      }),
    ),
  ];
}

/** Transfers go to named counterparties only: a select of the list (Slack filters it as you type). */
function counterpartySelect(
  prefillId: string | undefined,
  counterparties: readonly Counterparty[],
): ModalView['blocks'][number] {
  const option = (c: Counterparty) => ({
    text: {
      type: 'plain_text' as const,
      text: firstChars(`${c.name} (counterparty ${c.counterpartyId}, ${c.currency})`, 75),
    },
    value: String(c.counterpartyId),
  });
  const listed = counterparties.find((c) => String(c.counterpartyId) === prefillId);
  return {
    type: 'input',
    block_id: FIELDS.counterpartyId,
    label: { type: 'plain_text', text: 'To' },
    element: {
      type: 'static_select',
      action_id: FIELD_ACTION,
      placeholder: { type: 'plain_text', text: 'Type to find a counterparty' },
      options: counterparties.map(option),
      ...(listed ? { initial_option: option(listed) } : {}),
    },
  };
}

const optional = (block: ModalView['blocks'][number]) => ({ ...block, optional: true }) as ModalView['blocks'][number];

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

export function parseRequestModal(operation: Operation, values: ViewValues, lists: PartyLists = NO_LISTS): ModalParse {
  const read = (blockId: string) => {
    const state = values[blockId]?.[FIELD_ACTION];
    return state?.selected_option?.value ?? state?.value ?? undefined;
  };
  const common = { amount: read(FIELDS.amount), reason: read(FIELDS.reason) };
  if (operation === 'refund_batch') return parseBatchModal(read(FIELDS.batchLines) ?? '', common.reason);
  if (operation === 'transfer') {
    // The currency is the counterparty's, from the list as it is now.
    const chosen = lists.counterparties.find((c) => String(c.counterpartyId) === read(FIELDS.counterpartyId));
    if (!chosen) return { ok: false, errors: { [FIELDS.counterpartyId]: 'Choose a counterparty from the list.' } };
    const parsed = transferInputSchema.safeParse({
      kind: 'transfer',
      counterpartyId: String(chosen.counterpartyId),
      currency: chosen.currency,
      ...common,
    });
    return parsed.success ? { ok: true, details: parsed.data } : fieldErrors(parsed.error.issues);
  }
  // With a payee list that allows accounts not on it: a payee, or a typed account, not both.
  const chosen = read(FIELDS.payoutAccountId);
  const typed = read(FIELDS.unnamedPayoutAccountId)?.trim() || undefined;
  if (chosen && typed) {
    return { ok: false, errors: { [FIELDS.unnamedPayoutAccountId]: 'Choose a payee or type an account, not both.' } };
  }
  if (!chosen && !typed && values[FIELDS.payoutAccountId]?.[FIELD_ACTION]?.type === 'static_select') {
    const orTyped = values[FIELDS.unnamedPayoutAccountId] ? ', or type an account not on the list' : '';
    return { ok: false, errors: { [FIELDS.payoutAccountId]: `Choose a payee${orTyped}.` } };
  }
  const parsed =
    operation === 'refund'
      ? refundInputSchema.safeParse({
          kind: 'refund',
          originalPaymentIntentId: read(FIELDS.originalPaymentIntentId),
          ...common,
        })
      : payoutInputSchema.safeParse({
          kind: 'payout',
          payoutAccountId: chosen ?? typed,
          currency: read(FIELDS.currency),
          ...common,
        });
  return parsed.success ? { ok: true, details: parsed.data } : fieldErrors(parsed.error.issues);
}

/** A batch: the reason first (lines without one take it), then every line, each problem with its line. */
function parseBatchModal(text: string, reasonText: string | undefined): ModalParse {
  const reason = refundInputSchema.shape.reason.safeParse(reasonText);
  if (!reason.success) return { ok: false, errors: { [FIELDS.reason]: reason.error.issues[0]!.message } };
  if (text.trim() === '') {
    return { ok: false, errors: { [FIELDS.batchLines]: 'Paste the refunds, one per line, or name a CSV file below.' } };
  }
  const parsed = parseBatchLines(text, reason.data);
  if (!parsed.ok) {
    const more = parsed.problems.length - BATCH_PROBLEMS_SHOWN;
    const shown = parsed.problems.slice(0, BATCH_PROBLEMS_SHOWN).join('\n');
    return { ok: false, errors: { [FIELDS.batchLines]: more > 0 ? `${shown}\n…and ${more} more.` : shown } };
  }
  return {
    ok: true,
    details: { kind: 'refund_batch', lines: parsed.lines, amount: parsed.total, reason: reason.data },
  };
}

/** Each problem under the input it is about; the first one per input. */
function fieldErrors(issues: readonly { path: PropertyKey[]; message: string }[]): ModalParse {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const block = BLOCK_OF_FIELD[String(issue.path[0])] ?? FIELDS.reason;
    errors[block] ??= issue.message;
  }
  return { ok: false, errors };
}

const BLOCK_OF_FIELD: Record<string, string> = {
  originalPaymentIntentId: FIELDS.originalPaymentIntentId,
  payoutAccountId: FIELDS.payoutAccountId,
  counterpartyId: FIELDS.counterpartyId,
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
