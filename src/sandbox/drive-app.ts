/**
 * Turns what a person does in the sandbox page into the signed requests Slack would send the app:
 * a slash command with a fresh trigger ID and response URL from the fake Slack, a view_submission
 * built from the opened modal, a block_actions payload built from the clicked message. It also
 * plays the Slack client's part: which modal each person sees, and what an answer means for it.
 */
import type { FakeSlack, FakeView } from '../fakes/fake-slack.ts';
import { CALLBACKS } from '../adapters/slack/ids.ts';
import {
  eventPayload,
  globalShortcutPayload,
  homeButtonPayload,
  messageShortcutPayload,
} from '../fakes/slack/payloads.ts';
import { blockActionsPayload, viewSubmissionPayload } from '../fakes/slack-sender.ts';
import type { SlackSender } from '../fakes/slack-sender.ts';
import { personById } from './people.ts';
import { stateValues, type SubmittedValues } from './view-state.ts';

/** A message only one person sees that never went through the fake (a command's answer, Slackbot). */
interface LocalEphemeral {
  user: string;
  from: 'app' | 'slackbot';
  text: string;
  /** Shown after the channel item with this ts (the newest one when it arrived). */
  after: string;
  seq: number;
}

interface ClickInput {
  channel: string;
  ts: string;
  actionId: string;
  blockId: string;
  value: string;
}

export interface AppDriver {
  command(user: string, channel: string, text: string): Promise<void>;
  /** Sends the view_submission; resolves with whether the modal closed. */
  submit(user: string, viewId: string, values: SubmittedValues): Promise<{ closed: boolean }>;
  closeModal(user: string, viewId: string): void;
  click(user: string, input: ClickInput): Promise<void>;
  /** Plain text typed in the channel: the person's own message. */
  post(user: string, channel: string, text: string): void;
  /** The person shares a file (a CSV of refunds, say) in the channel, as an upload of theirs. */
  shareFile(user: string, channel: string, name: string, content: string): void;
  /** "Refund from this message" on a message of the channel. */
  refundFromMessage(user: string, channel: string, ts: string): Promise<void>;
  /** "New refund or payout", the global shortcut. */
  newRequest(user: string, channel: string): Promise<void>;
  /** The person opens the app's Home tab (Slack sends app_home_opened). */
  openHome(user: string): Promise<void>;
  /** A button on the person's Home tab. */
  homeClick(user: string, input: Omit<ClickInput, 'channel' | 'ts'>): Promise<void>;
  /** The modal this person sees (the top of their stack), with the errors of its last submission. */
  modal(user: string): { view: FakeView; errors: Record<string, string> } | undefined;
  ephemerals(user: string): LocalEphemeral[];
  /** Call after each change of the fake: notices modals the app opened and whose trigger they used. */
  observe(): void;
}

const userName = (id: string): string => personById(id)?.name.toLowerCase() ?? id.toLowerCase();

export function createAppDriver(slack: FakeSlack, sender: SlackSender): AppDriver {
  const triggerOwners = new Map<string, string>();
  const stacks = new Map<string, string[]>();
  const errors = new Map<string, Record<string, string>>();
  const local: LocalEphemeral[] = [];
  let seen = 0;
  let seq = 0;

  const trigger = (user: string): string => {
    const id = slack.triggerId();
    triggerOwners.set(id, user);
    return id;
  };

  /** The newest ts in the channel, so a local ephemeral sorts after what was there when it arrived. */
  function newestTs(channel: string): string {
    const all = [...slack.channel(channel).map((m) => m.ts), ...slack.ephemerals({ channel }).map((e) => e.message_ts)];
    return all.sort().at(-1) ?? '0';
  }

  function say(user: string, channel: string, from: LocalEphemeral['from'], text: string): void {
    local.push({ user, from, text, after: newestTs(channel), seq: ++seq });
  }

  function observe(): void {
    if (seen > slack.calls.length) seen = 0;
    for (const call of slack.calls.slice(seen)) {
      if ((call.method !== 'views.open' && call.method !== 'views.push') || !call.result.ok) continue;
      const owner = triggerOwners.get(String(call.args.trigger_id));
      const viewId = (call.result.view as { id?: string } | undefined)?.id;
      if (owner === undefined || viewId === undefined) continue;
      const stack = stacks.get(owner) ?? [];
      // views.open replaces whatever the person had open; views.push stacks on top of it.
      stacks.set(owner, call.method === 'views.open' ? [viewId] : [...stack, viewId]);
    }
    seen = slack.calls.length;
  }

  function pop(user: string, viewId: string): void {
    stacks.set(
      user,
      (stacks.get(user) ?? []).filter((id) => id !== viewId),
    );
    errors.delete(viewId);
  }

  return {
    observe,

    async command(user, channel, text) {
      const match = /^\/(\S+)\s*([\s\S]*)$/.exec(text.trim());
      if (match === null) return void slack.postAsOther({ channel, text: text.trim(), user });
      if (match[1] !== 'dollr')
        return say(user, channel, 'slackbot', `\`/${match[1]}\` is not a valid command here. Only \`/dollr\` works.`);
      const fields = {
        text: match[2]!.trim(),
        userId: user,
        userName: userName(user),
        channelId: channel,
        triggerId: trigger(user),
        responseUrl: slack.responseUrl({ channelId: channel, userId: user }),
      };
      const response = await sender.command(fields);
      if (response.status !== 200) {
        return say(
          user,
          channel,
          'slackbot',
          `/dollr failed with the error "dispatch_failed" (HTTP ${response.status})`,
        );
      }
      // The command's answer: Slack shows its text to the person who typed the command.
      const body = response.json() as { text?: unknown } | undefined;
      if (typeof body?.text === 'string' && body.text !== '') say(user, channel, 'app', body.text);
    },

    async submit(user, viewId, values) {
      const record = slack.view(viewId);
      if (record === undefined) throw new Error(`No modal ${viewId}.`);
      const view = record.view;
      const response = await sender.interaction(
        viewSubmissionPayload({
          userId: user,
          userName: userName(user),
          callbackId: String(view.callback_id ?? ''),
          privateMetadata: String(view.private_metadata ?? ''),
          values: stateValues(view, values),
          viewId,
          hash: record.hash,
          view,
        }),
      );
      const body = response.json() as { response_action?: string; errors?: Record<string, string> } | undefined;
      if (response.status === 200 && body?.response_action === 'errors') {
        errors.set(viewId, body.errors ?? {});
        return { closed: false };
      }
      if (response.status !== 200) {
        errors.set(viewId, { '': `The app did not accept the form (HTTP ${response.status}). Try again.` });
        return { closed: false };
      }
      if (body?.response_action === 'update') {
        // Slack shows the answer's view in place of the submitted one (the global shortcut's next step).
        slack.answerWithUpdate(viewId, (body as { view: Record<string, unknown> }).view);
        errors.delete(viewId);
        return { closed: false };
      }
      if (body?.response_action === 'clear') stacks.set(user, []);
      else pop(user, viewId);
      return { closed: true };
    },

    closeModal: pop,

    async click(user, input) {
      const message = slack.message(input.channel, input.ts);
      const response = await sender.interaction(
        blockActionsPayload({
          userId: user,
          userName: userName(user),
          channelId: input.channel,
          messageTs: input.ts,
          actionId: input.actionId,
          blockId: input.blockId,
          value: input.value,
          message: { text: message?.text, blocks: message?.blocks },
          triggerId: trigger(user),
          responseUrl: slack.responseUrl({ channelId: input.channel, userId: user, messageTs: input.ts }),
        }),
      );
      if (response.status !== 200)
        say(user, input.channel, 'slackbot', `The app did not answer that click (HTTP ${response.status}).`);
    },

    post(user, channel, text) {
      slack.postAsOther({ channel, text, user });
    },

    shareFile(user, channel, name, content) {
      slack.shareFile({ channel, user, name, content });
    },

    async refundFromMessage(user, channel, ts) {
      const message = slack.message(channel, ts);
      if (message === undefined) return say(user, channel, 'slackbot', 'That message is gone.');
      const response = await sender.interaction(
        messageShortcutPayload({
          callbackId: CALLBACKS.refundFromMessage,
          userId: user,
          channelId: channel,
          message: { ts, text: message.text, user: message.user, thread_ts: message.thread_ts },
          triggerId: trigger(user),
          responseUrl: slack.responseUrl({ channelId: channel, userId: user }),
        }),
      );
      if (response.status !== 200)
        say(user, channel, 'slackbot', `The app did not answer the shortcut (HTTP ${response.status}).`);
    },

    async newRequest(user, channel) {
      const response = await sender.interaction(
        globalShortcutPayload({ callbackId: CALLBACKS.newRequest, userId: user, triggerId: trigger(user) }),
      );
      if (response.status !== 200)
        say(user, channel, 'slackbot', `The app did not answer the shortcut (HTTP ${response.status}).`);
    },

    async openHome(user) {
      const event = { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home' };
      await sender.raw(JSON.stringify(eventPayload(event)), 'application/json');
    },

    async homeClick(user, input) {
      const view = slack.homeView(user);
      if (view === undefined) return;
      await sender.interaction(homeButtonPayload({ userId: user, ...input, view }));
    },

    modal(user) {
      const top = (stacks.get(user) ?? []).at(-1);
      const view = top === undefined ? undefined : slack.view(top);
      return view === undefined ? undefined : { view, errors: errors.get(view.id) ?? {} };
    },

    ephemerals: (user) => local.filter((e) => e.user === user),
  };
}
