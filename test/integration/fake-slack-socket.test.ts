import { App, SocketModeReceiver } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_APP_TOKEN, FAKE_BOT_TOKEN, startFakeSlack } from '../../src/fakes/fake-slack.ts';
import type { FakeSlack } from '../../src/fakes/fake-slack.ts';
import { blockActionsPayload, commandPayload } from '../../src/fakes/slack-sender.ts';
import { silentLogger } from '../support/silent-logger.ts';

let fake: FakeSlack;
let app: App | undefined;

beforeEach(async () => {
  fake = await startFakeSlack();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.close();
});

describe('Bolt in Socket Mode against the fake Slack', () => {
  it('delivers a slash command envelope, returns the ack and receives the follow-up post', async () => {
    // clientOptions alone is enough: Bolt copies it into installerOptions.clientOptions, which the
    // SocketModeReceiver hands to its SocketModeClient for apps.connections.open.
    app = new App({
      token: FAKE_BOT_TOKEN,
      appToken: FAKE_APP_TOKEN,
      socketMode: true,
      logger: silentLogger,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/dollr', async ({ ack, command, client }) => {
      await ack(`Working on: ${command.text}`);
      await client.chat.postMessage({
        channel: command.channel_id,
        text: `Requested by <@${command.user_id}>: ${command.text}`,
      });
    });
    await app.start();
    await fake.waitForSocket();

    const ack = await fake.sendEnvelope(
      'slash_commands',
      commandPayload({ text: 'refund pi_123 10 EUR', userId: 'U0ALICE', channelId: 'C0FINANCE' }),
    );

    expect(ack.payload).toEqual({ text: 'Working on: refund pi_123 10 EUR' });
    const posted = await fake.waitFor((f) => f.channel('C0FINANCE')[0]);
    expect(posted.text).toBe('Requested by <@U0ALICE>: refund pi_123 10 EUR');
    expect(fake.calls.map((c) => [c.method, c.token])).toEqual([
      ['auth.test', FAKE_BOT_TOKEN],
      ['apps.connections.open', FAKE_APP_TOKEN],
      ['chat.postMessage', FAKE_BOT_TOKEN],
    ]);
  });

  it('acknowledges a button click envelope with an empty payload', async () => {
    app = new App({
      token: FAKE_BOT_TOKEN,
      appToken: FAKE_APP_TOKEN,
      socketMode: true,
      logger: silentLogger,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    const clicked: string[] = [];
    app.action('dollr_approve', async ({ ack, action }) => {
      await ack();
      if (action.type === 'button') clicked.push(action.value ?? '');
    });
    await app.start();

    const ack = await fake.sendEnvelope(
      'interactive',
      blockActionsPayload({
        userId: 'U0BOB',
        channelId: 'C1',
        messageTs: '1700000000.000100',
        actionId: 'dollr_approve',
        blockId: 'decision',
        value: 'R23456789A',
      }),
    );

    expect(ack.payload).toEqual({});
    expect(clicked).toEqual(['R23456789A']);
  });

  it('reconnects with a fresh URL when the fake sends disconnect', async () => {
    const clientOptions = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } };
    // App does not pass clientPingTimeout on, and the reconnect delay is clientPingTimeout x failures
    // (5 s by default), so this test builds the receiver itself with a short one.
    const receiver = new SocketModeReceiver({
      appToken: FAKE_APP_TOKEN,
      logger: silentLogger,
      clientPingTimeout: 200,
      installerOptions: { clientOptions },
    });
    app = new App({ token: FAKE_BOT_TOKEN, receiver, logger: silentLogger, clientOptions });
    await app.start();

    // Bolt's SocketModeClient emits `connected` once it has read the fake's `hello`. Stopping the app
    // before that leaves its reconnect promise rejected with nothing handling it.
    const reconnected = new Promise<void>((resolve) => receiver.client.once('connected', () => resolve()));
    fake.requestReconnect();

    await reconnected;
    expect(fake.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(2);
  });
});
