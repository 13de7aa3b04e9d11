import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandPayload } from '../../src/fakes/slack-sender.ts';
import { CHANNEL, REQUESTER, startSystem, type System } from '../support/system.ts';
import { FAKE_APP_TOKEN } from '../../src/fakes/fake-slack.ts';

let system: System;
beforeEach(async () => {
  system = await startSystem({ env: { SLACK_APP_TOKEN: FAKE_APP_TOKEN, SLACK_SIGNING_SECRET: undefined } });
  await system.slack.waitForSocket();
});
afterEach(async () => {
  await system.stop();
});

describe('Socket Mode', () => {
  it('connects through apps.connections.open with the app token and answers a slash command envelope', async () => {
    const opened = system.slack.calls.find((c) => c.method === 'apps.connections.open');
    expect(opened?.token).toBe(FAKE_APP_TOKEN);

    const help = await system.slack.sendEnvelope(
      'slash_commands',
      commandPayload({ text: 'help', userId: REQUESTER, channelId: CHANNEL }),
    );
    expect(help.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/dollr refund') });

    await system.slack.sendEnvelope(
      'slash_commands',
      commandPayload({
        text: 'refund 4411 5 socket',
        userId: REQUESTER,
        channelId: CHANNEL,
        triggerId: system.slack.triggerId(),
      }),
    );
    const modal = await system.slack.waitFor((s) => s.viewsOpened()[0]);
    expect(JSON.stringify(modal.view)).toContain('"initial_value":"socket"');
  });
});
