/**
 * Approve and Reject on a card. The button carries only the request ID; what runs is read from the
 * store. Anyone who may not decide gets an ephemeral explanation and nothing changes.
 */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { approveRequest, checkDecider } from '../../../core/decide-request.ts';
import { REQUEST_ID_PATTERN } from '../ids.ts';
import type { SlackServices } from '../services.ts';
import { rejectModal } from '../views/reject-modal.ts';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const STORE_DOWN = 'I cannot reach my store right now, so nothing was changed and nothing was sent to Dollr. Try again in a minute.';

export function approveButton(services: SlackServices) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const explain = explainer(client, body);
    const requestId = action.value ?? '';
    if (!REQUEST_ID_PATTERN.test(requestId)) return explain('This button does not belong to a request I know.');
    let result;
    try {
      result = await approveRequest(services, requestId, body.user.id);
    } catch (error) {
      services.logger.error('could not record an approval', { requestId, error });
      return explain(STORE_DOWN);
    }
    if (!result.ok) return explain(result.message);
    services.logger.info('request approved', { requestId, approverId: body.user.id });
    services.checkpoint('after_claim');
    void services.worker.kick(requestId);
  };
}

export function rejectButton(services: SlackServices) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const explain = explainer(client, body);
    const requestId = action.value ?? '';
    if (!REQUEST_ID_PATTERN.test(requestId)) return explain('This button does not belong to a request I know.');
    let check;
    try {
      check = await checkDecider(services, requestId, body.user.id);
    } catch (error) {
      services.logger.error('could not read a request', { requestId, error });
      return explain(STORE_DOWN);
    }
    if (!check.ok) return explain(check.message);
    await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(check.value) });
  };
}

function explainer(client: Args['client'], body: BlockAction) {
  return async (text: string): Promise<void> => {
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
  };
}
