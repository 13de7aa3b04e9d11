/**
 * What a person's moves send to the app: a modal submitted with some fields, a button pressed on a
 * card as it is now in Slack. Shared by `person()` (system.ts) and `personAt()` (people.ts).
 */
import { ACTIONS, FIELD_ACTION, FIELDS } from '../../src/adapters/slack/ids.ts';
import type { FakeSlack } from '../../src/fakes/fake-slack.ts';
import { blockActionsPayload, viewSubmissionPayload, type InputValue } from '../../src/fakes/slack-sender.ts';
import type { Card, FieldValues } from './system.ts';

/** The view_submission payload of a modal with the given fields (unset fields keep their prefilled value). */
export function modalSubmission(
  userId: string,
  view: { id: string; view: Record<string, unknown> },
  fields: FieldValues = {},
): Record<string, unknown> {
  const opened = view.view as { callback_id: string; private_metadata: string; blocks: Array<Record<string, unknown>> };
  const values: Record<string, Record<string, InputValue>> = {};
  for (const block of opened.blocks) {
    if (block.type !== 'input') continue;
    const blockId = String(block.block_id);
    const element = block.element as { type: string; initial_value?: string; initial_option?: { value: string } };
    const key = (Object.keys(FIELDS) as Array<keyof typeof FIELDS>).find((k) => FIELDS[k] === blockId);
    const given = key ? fields[key] : undefined;
    const chosen = given ?? element.initial_option?.value;
    values[blockId] = {
      [FIELD_ACTION]:
        element.type === 'static_select'
          ? { type: 'static_select', selected_option: chosen ? { value: chosen, text: chosen } : null }
          : element.type === 'conversations_select'
            ? { type: 'conversations_select', selected_conversation: given ?? null }
            : { type: 'plain_text_input', value: given ?? element.initial_value ?? null },
    };
  }
  return viewSubmissionPayload({
    userId,
    callbackId: opened.callback_id,
    privateMetadata: opened.private_metadata,
    values,
    viewId: view.id,
    view: opened,
  });
}

/** The block_actions payload of Approve or Reject pressed on the card as it is now in Slack. */
export function buttonPress(
  slack: FakeSlack,
  userId: string,
  card: Card,
  which: 'approve' | 'reject',
): Record<string, unknown> {
  const message = slack.message(card.channel, card.ts);
  return blockActionsPayload({
    userId,
    channelId: card.channel,
    messageTs: card.ts,
    actionId: ACTIONS[which],
    blockId: `decide:${card.requestId}`,
    value: card.requestId,
    message: { text: message?.text, blocks: message?.blocks },
    triggerId: slack.triggerId(),
  });
}
