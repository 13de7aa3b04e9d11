/**
 * Payloads shaped like the ones Slack sends for a slash command, a button click (`block_actions`)
 * and a modal submission (`view_submission`). Used over HTTP (slack-sender) and Socket Mode envelopes.
 */
import { SLACK_TEAM } from './team.ts';

export interface CommandFields {
  text: string;
  userId: string;
  channelId: string;
  /** Default `/dollr`. */
  command?: string;
  userName?: string;
  channelName?: string;
  triggerId?: string;
  responseUrl?: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
}

/** A trigger ID shaped like Slack's, for requests whose trigger does not come from the fake. */
function sampleTriggerId(): string {
  return `${Math.floor(Date.now() / 1000)}.1234567890.${Math.random().toString(16).slice(2).padEnd(12, '0')}`;
}

const sampleResponseUrl = (kind: 'commands' | 'actions'): string =>
  `https://hooks.slack.com/${kind}/${SLACK_TEAM.id}/1234567890/abcdefghijklmnopqrstuvwx`;

/** Every field Slack sends for a slash command, as strings (the form body, or a Socket Mode payload). */
export function commandPayload(fields: CommandFields): Record<string, string> {
  return {
    token: SLACK_TEAM.verificationToken,
    team_id: fields.teamId ?? SLACK_TEAM.id,
    team_domain: fields.teamDomain ?? SLACK_TEAM.domain,
    channel_id: fields.channelId,
    channel_name: fields.channelName ?? 'finance-ops',
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: fields.command ?? '/dollr',
    text: fields.text,
    api_app_id: fields.apiAppId ?? SLACK_TEAM.appId,
    is_enterprise_install: 'false',
    response_url: fields.responseUrl ?? sampleResponseUrl('commands'),
    trigger_id: fields.triggerId ?? sampleTriggerId(),
  };
}

const team = () => ({ id: SLACK_TEAM.id, domain: SLACK_TEAM.domain });
const user = (id: string, name?: string) => {
  const username = name ?? id.toLowerCase();
  return { id, username, name: username, team_id: SLACK_TEAM.id };
};

export interface BlockActionsInput {
  userId: string;
  userName?: string;
  channelId: string;
  messageTs: string;
  actionId: string;
  blockId: string;
  value: string;
  /** The message holding the button, as the user's client saw it (e.g. `fake.message(...)`). */
  message?: { text?: string | undefined; blocks?: unknown[] | undefined };
  triggerId?: string;
  responseUrl?: string;
  /** When the message is ephemeral. */
  isEphemeral?: boolean;
}

/** The button the user clicked, read from the message's blocks, if it is there. */
function findButton(
  blocks: unknown[] | undefined,
  blockId: string,
  actionId: string,
): Record<string, unknown> | undefined {
  for (const block of blocks ?? []) {
    const b = block as { block_id?: unknown; elements?: unknown; accessory?: unknown };
    if (b.block_id !== blockId) continue;
    const candidates = [...(Array.isArray(b.elements) ? b.elements : []), b.accessory];
    const found = candidates.find((e) => (e as { action_id?: unknown } | undefined)?.action_id === actionId);
    if (found !== undefined) return found as Record<string, unknown>;
  }
  return undefined;
}

/** A `block_actions` payload for a button click, as Slack sends it. */
export function blockActionsPayload(input: BlockActionsInput): Record<string, unknown> {
  const button = findButton(input.message?.blocks, input.blockId, input.actionId);
  const action: Record<string, unknown> = {
    action_id: input.actionId,
    block_id: input.blockId,
    text: button?.text ?? { type: 'plain_text', text: input.actionId, emoji: true },
    value: input.value,
    type: 'button',
    action_ts: `${(Date.now() / 1000).toFixed(6)}`,
  };
  if (button?.style !== undefined) action.style = button.style;
  return {
    type: 'block_actions',
    user: user(input.userId, input.userName),
    api_app_id: SLACK_TEAM.appId,
    token: SLACK_TEAM.verificationToken,
    container: {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: input.channelId,
      is_ephemeral: input.isEphemeral ?? false,
    },
    trigger_id: input.triggerId ?? sampleTriggerId(),
    team: team(),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: 'finance-ops' },
    message: {
      type: 'message',
      user: SLACK_TEAM.botUserId,
      bot_id: SLACK_TEAM.botId,
      app_id: SLACK_TEAM.appId,
      team: SLACK_TEAM.id,
      ts: input.messageTs,
      text: input.message?.text ?? '',
      blocks: input.message?.blocks ?? [],
    },
    state: { values: {} },
    response_url: input.responseUrl ?? sampleResponseUrl('actions'),
    actions: [action],
  };
}

/** The state of one input element in a submitted modal. */
export type InputValue =
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'conversations_select'; selected_conversation: string | null }
  | {
      type: 'static_select';
      selected_option: { value: string; text: string | { type: 'plain_text'; text: string } } | null;
    };

export interface ViewSubmissionInput {
  userId: string;
  userName?: string;
  callbackId: string;
  privateMetadata: string;
  /** block_id -> action_id -> the input's state. */
  values: Record<string, Record<string, InputValue>>;
  /** Default: a fresh `V...` ID; pass the fake's view ID when the modal was opened through it. */
  viewId?: string;
  hash?: string;
  triggerId?: string;
  /** The view as opened (e.g. `fake.view(id).view`), to copy title, blocks and submit from. */
  view?: Record<string, unknown>;
}

function stateValue(input: InputValue): Record<string, unknown> {
  if (input.type === 'plain_text_input') return { type: input.type, value: input.value };
  if (input.type === 'conversations_select')
    return { type: input.type, selected_conversation: input.selected_conversation };
  const option = input.selected_option;
  if (option === null) return { type: input.type, selected_option: null };
  const text = typeof option.text === 'string' ? { type: 'plain_text', text: option.text, emoji: true } : option.text;
  return { type: input.type, selected_option: { text, value: option.value } };
}

/** A `view_submission` payload for a modal, as Slack sends it. */
export function viewSubmissionPayload(input: ViewSubmissionInput): Record<string, unknown> {
  const viewId = input.viewId ?? `V${Math.random().toString(36).slice(2, 12).toUpperCase().padEnd(10, '0')}`;
  const values = Object.fromEntries(
    Object.entries(input.values).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(Object.entries(actions).map(([actionId, value]) => [actionId, stateValue(value)])),
    ]),
  );
  const opened = input.view ?? {};
  return {
    type: 'view_submission',
    team: team(),
    user: user(input.userId, input.userName),
    api_app_id: SLACK_TEAM.appId,
    token: SLACK_TEAM.verificationToken,
    trigger_id: input.triggerId ?? sampleTriggerId(),
    view: {
      id: viewId,
      team_id: SLACK_TEAM.id,
      type: 'modal',
      blocks: opened.blocks ?? [],
      private_metadata: input.privateMetadata,
      callback_id: input.callbackId,
      state: { values },
      hash: input.hash ?? (typeof opened.hash === 'string' ? opened.hash : '1700000000.a1b2c3d4'),
      title: opened.title ?? { type: 'plain_text', text: 'Dollr', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: opened.close ?? null,
      submit: opened.submit ?? { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: opened.previous_view_id ?? null,
      root_view_id: opened.root_view_id ?? viewId,
      app_id: SLACK_TEAM.appId,
      external_id: opened.external_id ?? '',
      app_installed_team_id: SLACK_TEAM.id,
      bot_id: SLACK_TEAM.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export interface MessageShortcutInput {
  callbackId: string;
  userId: string;
  channelId: string;
  channelName?: string;
  /** The message the shortcut was used on, as the user's client saw it. */
  message: { ts: string; text?: string | undefined; user?: string; thread_ts?: string | undefined };
  triggerId?: string;
  responseUrl?: string;
}

/** A `message_action` payload: a message shortcut used on a message (top-level or in a thread). */
export function messageShortcutPayload(input: MessageShortcutInput): Record<string, unknown> {
  return {
    type: 'message_action',
    token: SLACK_TEAM.verificationToken,
    action_ts: `${(Date.now() / 1000).toFixed(6)}`,
    team: team(),
    user: user(input.userId),
    channel: { id: input.channelId, name: input.channelName ?? 'finance-ops' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: input.callbackId,
    trigger_id: input.triggerId ?? sampleTriggerId(),
    response_url: input.responseUrl ?? sampleResponseUrl('actions'),
    message_ts: input.message.ts,
    message: {
      type: 'message',
      user: input.message.user,
      ts: input.message.ts,
      text: input.message.text ?? '',
      ...(input.message.thread_ts !== undefined ? { thread_ts: input.message.thread_ts } : {}),
    },
  };
}

/** A `shortcut` payload: a global shortcut, used from the composer or the search bar (no channel). */
export function globalShortcutPayload(input: { callbackId: string; userId: string; triggerId?: string }) {
  return {
    type: 'shortcut',
    token: SLACK_TEAM.verificationToken,
    action_ts: `${(Date.now() / 1000).toFixed(6)}`,
    team: team(),
    user: user(input.userId),
    is_enterprise_install: false,
    enterprise: null,
    callback_id: input.callbackId,
    trigger_id: input.triggerId ?? sampleTriggerId(),
  };
}

/** An Events API delivery (`event_callback`) of `event`, as Slack POSTs it as JSON. */
export function eventPayload(event: Record<string, unknown>): Record<string, unknown> {
  const now = Date.now() / 1000;
  return {
    token: SLACK_TEAM.verificationToken,
    team_id: SLACK_TEAM.id,
    api_app_id: SLACK_TEAM.appId,
    event: { event_ts: now.toFixed(6), ...event },
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(now),
    authorizations: [
      { team_id: SLACK_TEAM.id, user_id: SLACK_TEAM.botUserId, is_bot: true, is_enterprise_install: false },
    ],
  };
}

/** A button pressed on a person's Home tab: `block_actions` from a view, with no channel. */
export function homeButtonPayload(input: {
  userId: string;
  actionId: string;
  blockId: string;
  value: string;
  view: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: user(input.userId),
    api_app_id: SLACK_TEAM.appId,
    token: SLACK_TEAM.verificationToken,
    container: { type: 'view', view_id: input.view.id },
    trigger_id: sampleTriggerId(),
    team: team(),
    enterprise: null,
    is_enterprise_install: false,
    view: { ...input.view, team_id: SLACK_TEAM.id, app_id: SLACK_TEAM.appId, bot_id: SLACK_TEAM.botId },
    actions: [
      {
        action_id: input.actionId,
        block_id: input.blockId,
        value: input.value,
        type: 'button',
        text: { type: 'plain_text', text: input.actionId },
        action_ts: (Date.now() / 1000).toFixed(6),
      },
    ],
  };
}
