import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, verifySlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  blockActionsPayload,
  createSlackSender,
  SLACK_TEAM,
  viewSubmissionPayload,
} from '../../src/fakes/slack-sender.ts';
import { silentLogger } from '../support/silent-logger.ts';
import { FAKE_BOT_TOKEN } from '../../src/fakes/fake-slack.ts';

const SECRET = 'test-signing-secret';

interface Captured {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let appUrl: string;
let captured: Captured[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  captured = [];
});

/** Runs Bolt's own check on a captured request; throws like Bolt does when it would refuse it. */
function boltVerify(request: Captured, nowMilliseconds?: number): void {
  verifySlackRequest({
    signingSecret: SECRET,
    body: request.body,
    headers: {
      'x-slack-signature': String(request.headers['x-slack-signature']),
      'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
    },
    ...(nowMilliseconds === undefined ? {} : { nowMilliseconds }),
  });
}

describe('createSlackSender', () => {
  it('signs a slash command so Bolt accepts it, with every field Slack sends', async () => {
    const sender = createSlackSender({ appUrl, signingSecret: SECRET });
    const response = await sender.command({
      text: 'refund pi_1 10.00 EUR',
      userId: 'U0ALICE',
      channelId: 'C0FINANCE',
      triggerId: 't.1',
    });

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ ok: true });
    expect(response.elapsedMs).toBeGreaterThanOrEqual(0);
    const [request] = captured;
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(() => boltVerify(request!)).not.toThrow();
    expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({
      token: SLACK_TEAM.verificationToken,
      team_id: SLACK_TEAM.id,
      team_domain: SLACK_TEAM.domain,
      channel_id: 'C0FINANCE',
      channel_name: 'finance-ops',
      user_id: 'U0ALICE',
      user_name: 'u0alice',
      command: '/dollr',
      text: 'refund pi_1 10.00 EUR',
      api_app_id: SLACK_TEAM.appId,
      is_enterprise_install: 'false',
      response_url: expect.stringMatching(/^https:\/\/hooks\.slack\.com\/commands\//),
      trigger_id: 't.1',
    });
  });

  it('computes the signature as v0= hex HMAC-SHA256 over v0:<timestamp>:<body>', async () => {
    const sender = createSlackSender({ appUrl, signingSecret: SECRET, now: () => 1_700_000_000_000 });
    await sender.raw('a=1&b=two+words', 'application/x-www-form-urlencoded');
    const [request] = captured;
    expect(request!.headers['x-slack-request-timestamp']).toBe('1700000000');
    // Known answer computed independently:
    // printf 'v0:1700000000:a=1&b=two+words' | openssl dgst -sha256 -hmac test-signing-secret
    expect(request!.headers['x-slack-signature']).toBe(
      'v0=92324e9c453856f0195327b8676d953524e5c794621a6ebef7954fd668575f01',
    );
    expect(() => boltVerify(request!, 1_700_000_000_000)).not.toThrow();
  });

  it('posts interactions as payload=<json> that Bolt verifies', async () => {
    const sender = createSlackSender({ appUrl, signingSecret: SECRET });
    const payload = blockActionsPayload({
      userId: 'U0BOB',
      channelId: 'C1',
      messageTs: '1700000000.000100',
      actionId: 'dollr_approve',
      blockId: 'decision',
      value: 'R1',
    });
    await sender.interaction(payload);
    const [request] = captured;
    expect(() => boltVerify(request!)).not.toThrow();
    expect(JSON.parse(new URLSearchParams(request!.body).get('payload')!)).toEqual(payload);
  });

  it('sends stale timestamps, forged signatures and retry headers on request', async () => {
    const sender = createSlackSender({ appUrl, signingSecret: SECRET });
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    await sender.command({ text: '', userId: 'U1', channelId: 'C1' }, { timestamp: stale });
    await sender.command({ text: '', userId: 'U1', channelId: 'C1' }, { signature: 'v0=forged' });
    await sender.command({ text: '', userId: 'U1', channelId: 'C1' }, { retryNum: 1 });
    const [old, forged, retried] = captured;

    expect(() => boltVerify(old!)).toThrow(/stale/);
    expect(() => boltVerify(old!, stale * 1000)).not.toThrow();
    expect(() => boltVerify(forged!)).toThrow(/signature mismatch/);
    expect(retried!.headers['x-slack-retry-num']).toBe('1');
    expect(retried!.headers['x-slack-retry-reason']).toBe('http_timeout');
    expect(() => boltVerify(retried!)).not.toThrow();
  });
});

describe('payload builders', () => {
  it('shape block_actions like Slack, reading the button from the message', () => {
    const blocks = [
      {
        type: 'actions',
        block_id: 'decision',
        elements: [
          {
            type: 'button',
            action_id: 'dollr_approve',
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value: 'R1',
          },
        ],
      },
    ];
    const payload = blockActionsPayload({
      userId: 'U0BOB',
      channelId: 'C1',
      messageTs: '1.2',
      actionId: 'dollr_approve',
      blockId: 'decision',
      value: 'R1',
      message: { text: 'Approve?', blocks },
    });
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB', team_id: SLACK_TEAM.id },
      team: { id: SLACK_TEAM.id },
      container: { type: 'message', message_ts: '1.2', channel_id: 'C1' },
      channel: { id: 'C1' },
      message: { ts: '1.2', text: 'Approve?', blocks },
      actions: [
        {
          action_id: 'dollr_approve',
          block_id: 'decision',
          value: 'R1',
          type: 'button',
          style: 'primary',
          text: { text: 'Approve' },
        },
      ],
    });
  });

  it('shape view_submission state values like Slack', () => {
    const payload = viewSubmissionPayload({
      userId: 'U0ALICE',
      callbackId: 'dollr_refund_request',
      privateMetadata: '{"channel":"C1"}',
      viewId: 'V0123456789',
      values: {
        amount: { value: { type: 'plain_text_input', value: '10.00' } },
        currency: { value: { type: 'static_select', selected_option: { value: 'EUR', text: 'EUR' } } },
      },
    });
    expect(payload).toMatchObject({
      type: 'view_submission',
      team: { id: SLACK_TEAM.id },
      api_app_id: SLACK_TEAM.appId,
      view: {
        id: 'V0123456789',
        type: 'modal',
        callback_id: 'dollr_refund_request',
        private_metadata: '{"channel":"C1"}',
        hash: expect.any(String),
        state: {
          values: {
            amount: { value: { type: 'plain_text_input', value: '10.00' } },
            currency: {
              value: {
                type: 'static_select',
                selected_option: { value: 'EUR', text: { type: 'plain_text', text: 'EUR' } },
              },
            },
          },
        },
      },
    });
  });
});

describe('a real Bolt app over HTTP', () => {
  it('acks a signed command and refuses forged and stale ones with 401', async () => {
    // botId and botUserId given: Bolt skips its auth.test, so no Slack is needed here.
    const app = new App({
      token: FAKE_BOT_TOKEN,
      botId: 'B1',
      botUserId: 'U1',
      signingSecret: SECRET,
      logger: silentLogger,
    });
    app.command('/dollr', async ({ ack, command }) => ack({ response_type: 'ephemeral', text: `got ${command.text}` }));
    const bolt = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    try {
      const url = `http://127.0.0.1:${(bolt.address() as AddressInfo).port}/slack/events`;
      const sender = createSlackSender({ appUrl: url, signingSecret: SECRET });
      const fields = { text: 'status R1', userId: 'U0ALICE', channelId: 'C1' };

      const ok = await sender.command(fields);
      expect(ok.status).toBe(200);
      expect(ok.json()).toEqual({ response_type: 'ephemeral', text: 'got status R1' });
      expect((await sender.command(fields, { signature: 'v0=forged' })).status).toBe(401);
      expect((await sender.command(fields, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    } finally {
      await app.stop();
    }
  });
});
