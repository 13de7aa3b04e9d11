/** A submitted request form (refund, payout, transfer, batch of refunds): validate, store, ack, then post the card. */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { MoneyRequest, Operation } from '../../../core/request/request.ts';
import type { Refusal, Result } from '../../../core/result.ts';
import { operationName } from '../blocks/describe-request.ts';
import { destinationText, refusalText } from '../blocks/outcome-text.ts';
import { FIELD_ACTION, FIELDS, requestIdFor } from '../ids.ts';
import type { SlackServices } from '../services.ts';
import { parseModalContext, parseRequestModal, type ViewValues } from './request-modal.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Where in the form a refusal is shown: under the field to change. */
const FIELD_OF_REFUSAL: Partial<Record<Refusal['code'], string>> = {
  over_maximum: FIELDS.amount,
  over_daily_limit: FIELDS.amount,
  unknown_payee: FIELDS.payoutAccountId,
  payee_currency: FIELDS.currency,
  unknown_counterparty: FIELDS.counterpartyId,
  counterparty_currency: FIELDS.counterpartyId,
};

/**
 * A batch whose lines are in a CSV file shared in the channel: the file's text in place of the lines,
 * read before the form is answered (Slack waits 3 s for that answer). Lines or a file, not both.
 */
async function withSharedFile(
  services: SlackServices,
  values: ViewValues,
  channelId: string,
): Promise<{ ok: true; values: ViewValues; file?: string } | { ok: false; errors: Record<string, string> }> {
  const name = values[FIELDS.batchFile]?.[FIELD_ACTION]?.value?.trim();
  if (!name) return { ok: true, values };
  if (values[FIELDS.batchLines]?.[FIELD_ACTION]?.value?.trim()) {
    return { ok: false, errors: { [FIELDS.batchFile]: 'Paste the lines or name a file, not both.' } };
  }
  const read = await services.sharedFiles.readCsv(channelId, name);
  if (!read.ok) return { ok: false, errors: { [FIELDS.batchFile]: read.problem } };
  return { ok: true, values: { ...values, [FIELDS.batchLines]: { [FIELD_ACTION]: { value: read.text } } }, file: name };
}

const formError = (message: string) => ({ response_action: 'errors' as const, errors: { [FIELDS.reason]: message } });

export function requestSubmission(operation: Operation, services: SlackServices) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const context = parseModalContext(view.private_metadata);
    if (!context) {
      await ack(formError('This form is out of date. Close it and run /dollr again.'));
      return;
    }
    const values = await withSharedFile(services, view.state.values as ViewValues, context.channelId);
    if (!values.ok) {
      await ack({ response_action: 'errors', errors: values.errors });
      return;
    }
    const parsed = parseRequestModal(operation, values.values, services.operations);
    if (!parsed.ok) {
      // The problems of a file's lines go under the file's name, the box the person filled in.
      const { [FIELDS.batchLines]: inLines, ...others } = parsed.errors;
      const errors =
        values.file && inLines ? { ...others, [FIELDS.batchFile]: `In “${values.file}”: ${inLines}` } : parsed.errors;
      await ack({ response_action: 'errors', errors });
      return;
    }
    const requesterId = body.user.id;
    const channelId = services.approvalChannel ?? context.channelId;
    // Checked again (a minute's memory of a good answer): nothing is stored that nobody would see.
    const problem = await services.destinations.check(channelId, { id: context.channelId });
    if (problem) {
      await ack(formError(destinationText(problem, channelId, services.approvalChannel !== undefined)));
      return;
    }
    const id = requestIdFor(body.team?.id ?? '', view.id);
    let result: Result<MoneyRequest>;
    try {
      // Stored before the modal closes, so that a store outage is said in the modal, not lost.
      result = await services.operations.requestMoney({ id, details: parsed.details, requesterId, channelId });
    } catch (error) {
      services.logger.error('could not store a new request', { requestId: id, error });
      await ack(
        formError(
          'I could not confirm that this request was saved (my store did not answer in time). ' +
            'Nothing was sent to Dollr. ' +
            'Submit again in a minute: if it was saved, it is not made twice.',
        ),
      );
      return;
    }
    if (!result.ok && result.code !== 'duplicate_submission') {
      // A batch has no amount field: its total and its lines are the lines'.
      const field =
        operation === 'refund_batch' && (result.code === 'over_maximum' || result.code === 'over_daily_limit')
          ? FIELDS.batchLines
          : (FIELD_OF_REFUSAL[result.code] ?? FIELDS.reason);
      await ack({ response_action: 'errors', errors: { [field]: refusalText(result) } });
      return;
    }
    await ack();
    if (!result.ok) return; // The same submission delivered again: its request exists already.
    const note =
      `Your ${operationName(parsed.details).toLowerCase()} request \`${id}\` is waiting for approval` +
      `${channelId === context.channelId ? '' : ` in <#${channelId}>`}. ` +
      'Nothing moves until an approver presses Approve.';
    const made: Made = { request: result.value, note, commandChannelId: context.channelId, client };
    services.afterAck(() => announce(services, made));
  };
}

/** A request just stored, and what to tell its requester. */
interface Made {
  request: MoneyRequest;
  note: string;
  commandChannelId: string;
  client: Args['client'];
}

/** Posts the card, then tells the requester where it waits. */
async function announce(services: SlackServices, { request, note, commandChannelId, client }: Made): Promise<void> {
  await services.operations.publish(request);
  const requesterId = request.requesterId;
  // Where the command was used, if the bot may post there (with APPROVAL_CHANNEL set it need not be
  // a member); otherwise in a direct message from the bot.
  await client.chat
    .postEphemeral({ channel: commandChannelId, user: requesterId, text: note })
    .catch(() => client.chat.postMessage({ channel: requesterId, text: note }))
    .catch((error: unknown) => services.logger.warn('could not tell the requester', { requestId: request.id, error }));
}
