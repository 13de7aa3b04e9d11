/**
 * Crash recovery recognises only the app's own messages: another app's bot (or a person) posting a
 * text that names a request is never taken for its card or its reply, which would leave the real
 * card unposted or a reply untold.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageSender } from '../../src/adapters/slack/message-sender.ts';
import type { Claim, Sender } from '../../src/core/ports.ts';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../../src/fakes/fake-slack.ts';
import { capturingLogger } from '../support/core-harness.ts';
import { aRequest } from '../support/request-builder.ts';
import { silentLogger } from '../support/silent-logger.ts';

let fake: FakeSlack;
let sender: Sender;

beforeAll(async () => {
  fake = await startFakeSlack();
  const client = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: fake.apiUrl, logger: silentLogger });
  sender = createMessageSender(client, async () => undefined, capturingLogger());
});
afterAll(() => fake.close());

describe('looking back after a crash', () => {
  it("does not take another bot's or a person's message for the app's card or reply", async () => {
    const request = aRequest({ createdAt: new Date().toISOString() });
    const claim: Claim = { request, delivery: { told: 0, sending: { index: 0, count: 1 } }, events: request.events };
    const card = (await sender.render(claim))!;
    const mimic = `Refund of 25.50 (in the original payment's currency) for payment 4411 (request ${request.id})`;
    fake.postAsOther({ channel: request.channelId, text: mimic, user: 'U0OTHERAPP', botId: 'B0OTHERAPP' });
    fake.postAsOther({ channel: request.channelId, text: mimic, user: 'U0PERSON01' });
    expect(await sender.find(claim, card)).toEqual({ found: false });

    const { cardTs } = await sender.send(claim, card);
    expect(await sender.find(claim, card)).toEqual({ found: true, cardTs });

    const cancelled = { type: 'cancelled' as const, by: 'U_REQ', at: request.createdAt };
    const replyClaim: Claim = {
      request: { ...request, state: 'cancelled', events: [...request.events, cancelled] },
      delivery: { told: 1, cardTs, sending: { index: 1, count: 1 } },
      events: [cancelled],
    };
    const reply = (await sender.render(replyClaim))!;
    const text = (reply as unknown as { message: { text: string } }).message.text;
    fake.postAsOther({ channel: request.channelId, text, user: 'U0OTHERAPP', botId: 'B0OTHERAPP', threadTs: cardTs });
    expect(await sender.find(replyClaim, reply)).toEqual({ found: false });
  });
});
