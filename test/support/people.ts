/**
 * People in Slack talking to an app at a given URL (a child process, one of several replicas): the
 * same moves as `person()` in system.ts, but safe to run concurrently. A modal is found by the
 * trigger ID its command carried, and a card by a token unique to the request's reason.
 */
import type { FakeMessage, FakeSlack, FakeView } from '../../src/fakes/fake-slack.ts';
import { ACTIONS, CALLBACKS } from '../../src/adapters/slack/ids.ts';
import { homeButtonPayload, messageShortcutPayload } from '../../src/fakes/slack/payloads.ts';
import { createSlackSender, type SendOptions, type SlackResponse } from '../../src/fakes/slack-sender.ts';
import { buttonPress, modalSubmission } from './slack-moves.ts';
import { CHANNEL, requestIdOf, SIGNING_SECRET, type Card, type FieldValues } from './system.ts';

export interface PeopleOptions {
  slack: FakeSlack;
  /** The app's base URL (`http://127.0.0.1:<port>`), or a function giving the current one (it changes on restart). */
  appUrl: string | (() => string);
}

const senderFor = (url: string) => createSlackSender({ appUrl: `${url}/slack/events`, signingSecret: SIGNING_SECRET });

/** A person in Slack: types commands, fills modals, presses buttons, against `appUrl` unless told another URL. */
export function personAt(options: PeopleOptions, userId: string) {
  const { slack } = options;
  const currentUrl = () => (typeof options.appUrl === 'function' ? options.appUrl() : options.appUrl);

  /** Runs `/dollr <text>` and returns the modal the app opened for it. */
  async function openModal(text: string, at: { url?: string; channelId?: string } = {}): Promise<FakeView> {
    const channelId = at.channelId ?? CHANNEL;
    const triggerId = slack.triggerId();
    const responseUrl = slack.responseUrl({ channelId, userId });
    const response = await senderFor(at.url ?? currentUrl()).command({
      text,
      userId,
      channelId,
      triggerId,
      responseUrl,
    });
    if (response.status !== 200) throw new Error(`/dollr ${text} answered ${response.status}: ${response.body}`);
    const opened = await slack.waitFor(
      (s) => s.calls.find((c) => c.method === 'views.open' && c.args.trigger_id === triggerId && c.result.ok),
      5000,
      `a modal after /dollr ${text}`,
    );
    const viewId = String((opened.result.view as { id: string }).id);
    return slack.view(viewId)!;
  }

  /** Submits a modal with the given fields (unset fields keep their prefilled value). */
  function submit(
    view: FakeView,
    fields: FieldValues = {},
    at: { url?: string; send?: SendOptions } = {},
  ): Promise<SlackResponse> {
    return senderFor(at.url ?? currentUrl()).interaction(modalSubmission(userId, view, fields), at.send);
  }

  /**
   * From `/dollr <text>` to the posted card. `token` must be unique to this request and appear in
   * the reason that `text` carries (letters, digits and dashes), so that the card can be told apart.
   */
  async function request(text: string, token: string, at: { url?: string; fields?: FieldValues } = {}): Promise<Card> {
    if (!/^[A-Za-z0-9-]+$/.test(token) || !text.includes(token))
      throw new Error(`the command text must carry the token ${token} (letters, digits, dashes)`);
    const view = await openModal(text, at);
    const answer = await submit(view, at.fields ?? {}, at);
    if (answer.status !== 200 || answer.body !== '')
      throw new Error(`submission answered ${answer.status}: ${answer.body}`);
    const posted = await slack.waitFor((s) => findCard(s, token), 10_000, `the approval card of ${token}`);
    return { channel: posted.channel, ts: posted.ts, requestId: requestIdOf(posted) };
  }

  /**
   * From "Refund from this message" on a message someone posted to the posted card: the form's
   * prefilled payment ID and amount are submitted as they are, with `token` added to the reason.
   */
  async function requestFromMessage(messageText: string, token: string, at: { url?: string } = {}): Promise<Card> {
    const message = slack.postAsOther({ channel: CHANNEL, text: messageText, user: 'USUPPORT01' });
    const triggerId = slack.triggerId();
    const payload = messageShortcutPayload({
      callbackId: CALLBACKS.refundFromMessage,
      userId,
      channelId: CHANNEL,
      message: { ts: message.ts, text: messageText, user: 'USUPPORT01' },
      triggerId,
      responseUrl: slack.responseUrl({ channelId: CHANNEL, userId }),
    });
    const response = await senderFor(at.url ?? currentUrl()).interaction(payload);
    if (response.status !== 200) throw new Error(`the shortcut answered ${response.status}: ${response.body}`);
    const opened = await slack.waitFor(
      (s) => s.calls.find((c) => c.method === 'views.open' && c.args.trigger_id === triggerId && c.result.ok),
      5000,
      'the refund form after the shortcut',
    );
    const view = slack.view(String((opened.result.view as { id: string }).id))!;
    const answer = await submit(view, { reason: `from a message ${token}` }, at);
    if (answer.status !== 200 || answer.body !== '')
      throw new Error(`submission answered ${answer.status}: ${answer.body}`);
    const posted = await slack.waitFor((s) => findCard(s, token), 10_000, `the approval card of ${token}`);
    return { channel: posted.channel, ts: posted.ts, requestId: requestIdOf(posted) };
  }

  /** Presses a button on the card as it is now in Slack. Rejects when the app cannot be reached. */
  function press(
    card: Card,
    which: 'approve' | 'reject',
    at: { url?: string; send?: SendOptions } = {},
  ): Promise<SlackResponse> {
    return senderFor(at.url ?? currentUrl()).interaction(buttonPress(slack, userId, card, which), at.send);
  }

  /** Presses a card's button as the Home tab shows it (the same action and value, from a view). */
  function pressOnHome(card: Card, which: 'approve' | 'reject', at: { url?: string } = {}): Promise<SlackResponse> {
    const payload = homeButtonPayload({
      userId,
      actionId: which === 'approve' ? ACTIONS.approve : ACTIONS.reject,
      blockId: `home:${card.requestId}`,
      value: card.requestId,
      view: { id: 'V0HOMETAB1', type: 'home', blocks: [] },
    });
    return senderFor(at.url ?? currentUrl()).interaction(payload);
  }

  return { userId, openModal, submit, request, requestFromMessage, press, pressOnHome };
}

/** The top-level message (a card) whose blocks carry `token`. */
function findCard(slack: FakeSlack, token: string): FakeMessage | undefined {
  // The whole token: "case-1" must not find the card of "case-10".
  const pattern = new RegExp(`(?<![A-Za-z0-9-])${token.replace(/[^A-Za-z0-9-]/g, '')}(?![A-Za-z0-9-])`);
  for (const channel of slack.channelIds()) {
    const found = slack.channel(channel).find((m) => !m.thread_ts && pattern.test(textsOf(m.blocks).join(' ')));
    if (found) return found;
  }
  return undefined;
}

/** Every string inside a value (the texts of blocks), in order. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(textsOf);
  return [];
}
