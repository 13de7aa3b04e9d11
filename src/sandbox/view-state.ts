/**
 * A submitted modal's `view.state.values`, as Slack builds it: one entry per input block of the view
 * as opened, holding what the person typed or chose (an option is sent with its text, as Slack does).
 */
import type { InputValue } from '../fakes/slack-sender.ts';

/** What the page sends for a modal: block_id -> action_id -> typed text or chosen option value. */
export type SubmittedValues = Record<string, Record<string, string | null>>;

interface Block {
  type?: string;
  block_id?: string;
  element?: { type?: string; action_id?: string; options?: Option[]; option_groups?: Array<{ options?: Option[] }> };
}
interface Option {
  value: string;
  text: { type: 'plain_text'; text: string };
}

/** Slack state for each input block, read from the view as opened, filled with what was typed. */
export function stateValues(
  view: Record<string, unknown>,
  submitted: SubmittedValues,
): Record<string, Record<string, InputValue>> {
  const values: Record<string, Record<string, InputValue>> = {};
  for (const block of (view.blocks ?? []) as Block[]) {
    if (block.type !== 'input' || block.block_id === undefined || block.element?.action_id === undefined) continue;
    const { element } = block;
    const actionId = element.action_id!;
    const given = submitted[block.block_id]?.[actionId] ?? null;
    if (element.type === 'conversations_select') {
      values[block.block_id] = { [actionId]: { type: 'conversations_select', selected_conversation: given || null } };
    } else if (element.type === 'static_select') {
      const options = [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((g) => g.options ?? [])];
      const chosen = options.find((o) => o.value === given);
      values[block.block_id] = {
        [actionId]: {
          type: 'static_select',
          selected_option: chosen ? { value: chosen.value, text: chosen.text } : null,
        },
      };
    } else {
      // Slack sends null for an empty text input.
      values[block.block_id] = { [actionId]: { type: 'plain_text_input', value: given === '' ? null : given } };
    }
  }
  return values;
}
