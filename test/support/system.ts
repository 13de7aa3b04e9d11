/**
 * The whole system for an end-to-end test: the real app (Bolt, HTTP mode, on 127.0.0.1), a fake
 * Slack and a fake Dollr, plus a "person" API that clicks and types the way Slack would deliver it.
 */
import { createApp, type AppOverrides, type DollrSlackApp, type RunningApp } from '../../src/app.ts';
import { createJsonLogger } from '../../src/adapters/log/json-logger.ts';
import type { FIELDS } from '../../src/adapters/slack/ids.ts';
import { loadConfig, secretsOf, type Config } from '../../src/config.ts';
import { startFakeDollr, type FakeDollr, type FakeDollrOptions } from '../../src/fakes/fake-dollr.ts';
import {
  FAKE_BOT_TOKEN,
  type FakeMessage,
  type FakeSlack,
  type FakeSlackOptions,
  startFakeSlack,
} from '../../src/fakes/fake-slack.ts';
import { createSlackSender, type SendOptions, type SlackSender } from '../../src/fakes/slack-sender.ts';
import { buttonPress, modalSubmission } from './slack-moves.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const CHANNEL = 'CFINANCE01';
export const REQUESTER = 'UREQUESTER';
export const APPROVER = 'UAPPROVER1';
export const APPROVER_2 = 'UAPPROVER2';
export const OUTSIDER = 'UOUTSIDER1';

export interface System {
  slack: FakeSlack;
  dollr: FakeDollr;
  app: DollrSlackApp;
  running: RunningApp;
  sender: SlackSender;
  config: Config;
  logLines: string[];
  /** Stops the app gracefully and starts a new one on the same configuration (and store). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  env?: Record<string, string | undefined>;
  slack?: FakeSlackOptions;
  dollr?: FakeDollrOptions;
  overrides?: AppOverrides;
}

/** The client secret the fake Dollr of the tests and the benchmark accepts. */
export const DOLLR_CLIENT_SECRET = 'test-secret-abcdef';

/** How the app reaches these fakes and what they accept; shared by the tests and the benchmark. */
export function fakesEnv(slack: FakeSlack, dollr: FakeDollr, signingSecret = SIGNING_SECRET) {
  return {
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    DOLLR_API_URL: dollr.url,
    DOLLR_CLIENT_ID: 'test-client',
    DOLLR_CLIENT_SECRET,
    APPROVERS: `${APPROVER},${APPROVER_2}`,
    STORE_URL: 'memory://',
  };
}

export function testEnv(slack: FakeSlack, dollr: FakeDollr, extra: Record<string, string | undefined> = {}) {
  return {
    ...fakesEnv(slack, dollr),
    DOLLR_PAYOUT_PASSCODE: '123456',
    DOLLR_PAYOUT_PHONE: '231771234567',
    DOLLR_POLL_INTERVAL_MS: '20',
    DOLLR_TIMEOUT_MS: '400',
    // Slack's real pace (1 per second per channel) is exercised by the queue's own tests and the benchmark.
    SLACK_POSTS_PER_SECOND: '200',
    SLACK_UPDATES_PER_MINUTE: '12000',
    SLACK_POST_BURST: '20',
    LOG_LEVEL: 'debug',
    ...extra,
  };
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const slack = await startFakeSlack(options.slack);
  const dollr = await startFakeDollr({
    passcode: { code: '123456', phone: '231771234567' },
    clientSecret: DOLLR_CLIENT_SECRET,
    ...options.dollr,
  });
  const config = loadConfig(testEnv(slack, dollr, options.env));
  const logLines: string[] = [];
  const logger = createJsonLogger({ level: 'debug', secrets: secretsOf(config), write: (line) => logLines.push(line) });
  const launch = async () => {
    const app = await createApp(config, {
      logger,
      host: '127.0.0.1',
      retryBackoff: { initialMs: 10, maxMs: 50 },
      slackRetryDelayMs: 20,
      ...options.overrides,
    });
    const running = await app.start();
    // In Socket Mode there is no Slack endpoint; tests then talk through the fake's socket instead.
    const sender = createSlackSender({
      appUrl: `http://127.0.0.1:${running.port ?? 0}/slack/events`,
      signingSecret: SIGNING_SECRET,
    });
    return { app, running, sender };
  };
  // A start that fails (a test of start-up checks) leaves no fake server behind.
  const launched = await launch().catch(async (error: unknown) => {
    await Promise.all([slack.close(), dollr.close()]);
    throw error;
  });
  const system: System = {
    slack,
    dollr,
    ...launched,
    config,
    logLines,
    async restart() {
      await system.running.stop();
      Object.assign(system, await launch());
    },
    async stop() {
      await system.running.stop();
      await Promise.all([slack.close(), dollr.close()]);
    },
  };
  return system;
}

/** A card as the tests see it: where it is and which request it holds. */
export interface Card {
  channel: string;
  ts: string;
  requestId: string;
}

export type FieldValues = Partial<Record<keyof typeof FIELDS, string>>;

/** A person in Slack: types commands, fills modals, presses buttons. */
export function person(system: System, userId: string) {
  const { slack } = system;
  // Read at each use: a restart gives the system a new app and sender.
  const sender = {
    command: (...a: Parameters<SlackSender['command']>) => system.sender.command(...a),
    interaction: (...a: Parameters<SlackSender['interaction']>) => system.sender.interaction(...a),
  };

  async function command(text: string, options: { channelId?: string; send?: SendOptions } = {}) {
    const responseUrl = slack.responseUrl({ channelId: options.channelId ?? CHANNEL, userId });
    const response = await sender.command(
      { text, userId, channelId: options.channelId ?? CHANNEL, triggerId: slack.triggerId(), responseUrl },
      options.send,
    );
    return { response, responseUrl };
  }

  /** Runs `/dollr <text>` and returns the modal the app opened. */
  async function openModal(text: string, options: { channelId?: string } = {}) {
    const before = slack.viewsOpened().length;
    const { response } = await command(text, options);
    if (response.status !== 200) throw new Error(`command answered ${response.status}: ${response.body}`);
    return slack.waitFor((s) => s.viewsOpened()[before], 5000, `a modal after /dollr ${text}`);
  }

  /** Submits a modal with the given fields (unset fields keep their prefilled value). */
  async function submit(
    view: { id: string; view: Record<string, unknown> },
    fields: FieldValues = {},
    send?: SendOptions,
  ) {
    return sender.interaction(modalSubmission(userId, view, fields), send);
  }

  /** From `/dollr <text>` to the posted card. */
  async function request(text: string, fields: FieldValues = {}, options: { channelId?: string } = {}): Promise<Card> {
    const view = await openModal(text, options);
    const cards = (s: FakeSlack) =>
      s.calls.filter((c) => c.method === 'chat.postMessage' && c.result.ok && !c.args.thread_ts);
    const before = cards(slack).length;
    const answer = await submit(view, fields);
    if (answer.status !== 200 || answer.body !== '')
      throw new Error(`submission answered ${answer.status}: ${answer.body}`);
    const posted = await slack.waitFor((s) => cards(s)[before], 5000, 'the approval card');
    const channel = String(posted.args.channel);
    const ts = String(posted.result.ts);
    const requestId = requestIdOf(slack.message(channel, ts)!);
    // The requester's note comes once the card is posted and recorded: the request is then at rest.
    await slack.waitFor(
      (s) => s.ephemerals({ user: userId }).find((e) => e.text?.includes(requestId)),
      5000,
      'the requester note',
    );
    return { channel, ts, requestId };
  }

  function press(
    card: Card,
    which: 'approve' | 'reject',
    send?: SendOptions,
    tamper?: (payload: Record<string, unknown>) => void,
  ) {
    const payload = buttonPress(slack, userId, card, which);
    tamper?.(payload);
    return sender.interaction(payload, send);
  }

  return { command, openModal, submit, request, press, userId };
}

export function requestIdOf(message: FakeMessage): string {
  const match = /R[2-9A-HJ-NP-Z]{9}/.exec(JSON.stringify(message.blocks));
  if (!match) throw new Error(`no request ID on ${JSON.stringify(message.blocks)}`);
  return match[0];
}

/** The texts of a card's thread replies, in order. */
export function threadTexts(system: System, card: Card): string[] {
  return system.slack.thread(card.channel, card.ts).map((m) => m.text ?? '');
}

export function cardText(system: System, card: Card): string {
  const message = system.slack.message(card.channel, card.ts);
  return JSON.stringify(message?.blocks ?? []);
}

/** The card and its thread are paced apart: a reply can land before the card update it goes with. */
export async function waitForCard(system: System, card: Card, text: string, timeoutMs = 5000): Promise<string> {
  return system.slack.waitFor(
    () => (cardText(system, card).includes(text) ? cardText(system, card) : undefined),
    timeoutMs,
    `the card to show ${text}`,
  );
}

export async function waitForThread(system: System, card: Card, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  return system.slack.waitFor(
    () => threadTexts(system, card).find((t) => pattern.test(t)),
    timeoutMs,
    `a thread reply matching ${pattern}`,
  );
}
