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

/** What the work after a click needs of it: a few fields, not Bolt's payload (a whole card, often). */
interface Click {
  requestId: string;
  actionId: string;
  userId: string;
  /** Where an answer goes; none for a button on the Home tab. */
  channelId?: string;
  triggerId: string;
  client: Args['client'];
}

type Handler = (click: Click) => Promise<Result<unknown> | undefined>;

const STORE_DOWN =
  'I cannot reach my store right now, so nothing was changed and nothing was sent to Dollr. Try again in a minute.';

/** Acks, keeps what the click needs, and runs it after the acks owed (see afterAck in services.ts). */
function button(services: SlackServices, handle: Handler) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const click: Click = {
      requestId: action.value ?? '',
      actionId: action.action_id,
      userId: body.user.id,
      channelId: body.channel?.id ?? body.container?.channel_id,
      triggerId: body.trigger_id,
      client,
    };
    services.afterAck(() => runClick(services, handle, click));
  };
}

/** Checks the button's request ID, runs the handler, and explains any refusal to the clicker. */
async function runClick(services: SlackServices, handle: Handler, click: Click): Promise<void> {
  const { client, channelId, userId } = click;
  const explain = async (text: string) => {
    if (channelId) await client.chat.postEphemeral({ channel: channelId, user: userId, text });
    // A button on the Home tab has no channel: the answer comes as a direct message.
    else await client.chat.postMessage({ channel: userId, text });
  };
  if (!REQUEST_ID_PATTERN.test(click.requestId)) return explain('This button does not belong to a request I know.');
  let result: Result<unknown> | undefined;
  try {
    result = await handle(click);
  } catch (error) {
    services.logger.error('a button could not be handled', {
      requestId: click.requestId,
      action: click.actionId,
      error,
    });
    return explain(error instanceof UserGroupUnavailableError ? error.message : STORE_DOWN);
  }
  if (result && !result.ok) await explain(refusalText(result));
}

export const approveButton = (services: SlackServices) =>
  button(services, ({ requestId, userId }) => services.operations.approve(requestId, userId));

/** Approve with comment, and Reject: a modal asks for the text, once the clicker may decide. */
const modalButton = (services: SlackServices, spec: DecisionModalSpec) =>
  button(services, async ({ requestId, userId, triggerId, client }) => {
    const check = await services.operations.checkDecider(requestId, userId);
    if (check.ok) await client.views.open({ trigger_id: triggerId, view: decisionModal(spec, check.value) });
    return check;
  });

export const approveWithCommentButton = (services: SlackServices) => modalButton(services, APPROVE_COMMENT_MODAL);
export const rejectButton = (services: SlackServices) => modalButton(services, REJECT_MODAL);

export const cancelButton = (services: SlackServices) =>
  button(services, ({ requestId, userId }) => services.operations.cancel(requestId, userId));
