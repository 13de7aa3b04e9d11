/**
 * The buttons on a card. A button carries only the request ID; what runs is read from the store.
 * Anyone who may not do what they pressed gets an ephemeral explanation, and nothing changes.
 */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Result } from '../../../core/result.ts';
import { refusalText } from '../blocks/outcome-text.ts';
import { REQUEST_ID_PATTERN } from '../ids.ts';
import { UserGroupUnavailableError } from '../user-directory.ts';
import type { SlackServices } from '../services.ts';
import { APPROVE_COMMENT_MODAL, decisionModal, type DecisionModalSpec, REJECT_MODAL } from '../views/decision-modal.ts';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type Handler = (requestId: string, args: Args) => Promise<Result<unknown> | undefined>;

const STORE_DOWN =
  'I cannot reach my store right now, so nothing was changed and nothing was sent to Dollr. Try again in a minute.';

/** Acks, checks the button's request ID, runs the handler, and explains any refusal to the clicker. */
function button(services: SlackServices, handle: Handler) {
  return async (args: Args): Promise<void> => {
    await args.ack();
    await services.afterAck();
    const { body, client } = args;
    const explain = async (text: string) => {
      const channel = body.channel?.id ?? body.container?.channel_id;
      if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
      // A button on the Home tab has no channel: the answer comes as a direct message.
      else await client.chat.postMessage({ channel: body.user.id, text });
    };
    const requestId = args.action.value ?? '';
    if (!REQUEST_ID_PATTERN.test(requestId)) return explain('This button does not belong to a request I know.');
    let result: Result<unknown> | undefined;
    try {
      result = await handle(requestId, args);
    } catch (error) {
      services.logger.error('a button could not be handled', { requestId, action: args.action.action_id, error });
      return explain(error instanceof UserGroupUnavailableError ? error.message : STORE_DOWN);
    }
    if (result && !result.ok) await explain(refusalText(result));
  };
}

export const approveButton = (services: SlackServices) =>
  button(services, (requestId, { body }) => services.operations.approve(requestId, body.user.id));

/** Approve with comment, and Reject: a modal asks for the text, once the clicker may decide. */
const modalButton = (services: SlackServices, spec: DecisionModalSpec) =>
  button(services, async (requestId, { body, client }) => {
    const check = await services.operations.checkDecider(requestId, body.user.id);
    if (check.ok) await client.views.open({ trigger_id: body.trigger_id, view: decisionModal(spec, check.value) });
    return check;
  });

export const approveWithCommentButton = (services: SlackServices) => modalButton(services, APPROVE_COMMENT_MODAL);
export const rejectButton = (services: SlackServices) => modalButton(services, REJECT_MODAL);

export const cancelButton = (services: SlackServices) =>
  button(services, (requestId, { body }) => services.operations.cancel(requestId, body.user.id));
