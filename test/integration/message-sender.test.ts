/**
 * The Slack sender against the fake Slack, through the app's own @slack/web-api settings: the
 * card posted and found again after a lost answer, a reply found in its thread, and Slack's
 * failures reported as the outbox reads them (a 429's wait, bounded; a refusal as permanent).
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  const client = new WebClient(FAKE_BOT_TOKEN, {
    slackApiUrl: fake.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  sender = createMessageSender(client, async () => undefined, capturingLogger());
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** The card's claim: a new request's first event. */
function cardClaim(): Claim {
  const request = aRequest({ createdAt: new Date().toISOString() });
  return { request, delivery: { told: 0, sending: { index: 0, count: 1 } }, events: request.events.slice(0, 1) };
}

async function failure(call: Promise<unknown>): Promise<Record<string, unknown>> {
  return call.then(
    () => expect.unreachable('the call should have failed'),
    (error: Record<string, unknown>) => error,
  );
}

describe('the Slack sender', () => {
  it('finds a card an earlier attempt posted, and a reply already in its thread', async () => {
    const claim = cardClaim();
    const card = (await sender.render(claim))!;
    expect(await sender.find(claim, card)).toEqual({ found: false });
    const { cardTs } = await sender.send(claim, card);
    expect(await sender.find(claim, card)).toEqual({ found: true, cardTs });

    const cancelled = { type: 'cancelled' as const, by: 'U_REQ', at: claim.request.createdAt };
    const request = { ...claim.request, state: 'cancelled' as const, events: [...claim.request.events, cancelled] };
    const replyClaim: Claim = {
      request,
      delivery: { told: 1, cardTs, sending: { index: 1, count: 1 } },
      events: [cancelled],
    };
    const reply = (await sender.render(replyClaim))!;
    expect(await sender.find(replyClaim, reply)).toEqual({ found: false });
    await sender.send(replyClaim, reply);
    expect(await sender.find(replyClaim, reply)).toEqual({ found: true });
  });

  it("reports Slack's 429 with its wait, at most an hour whatever Retry-After says", async () => {
    const claim = cardClaim();
    const card = (await sender.render(claim))!;
    fake.inject({ method: 'chat.postMessage', fault: { kind: 'rate_limit', retryAfterSeconds: 2 } });
    expect(await failure(sender.send(claim, card))).toMatchObject({ retryAfterMs: 2000 });
    fake.inject({ method: 'chat.postMessage', fault: { kind: 'rate_limit', retryAfterSeconds: 3_000_000 } });
    expect(await failure(sender.send(claim, card))).toMatchObject({ retryAfterMs: 60 * 60_000 });
  });

  it('reports a refusal as permanent, and a failure on Slack’s side as worth another try', async () => {
    const claim = cardClaim();
    const card = (await sender.render(claim))!;
    fake.inject({ method: 'chat.postMessage', fault: { kind: 'error', error: 'channel_not_found' } });
    expect(await failure(sender.send(claim, card))).toMatchObject({ permanent: true });
    fake.inject({ method: 'chat.postMessage', fault: { kind: 'error', error: 'internal_error' } });
    expect(await failure(sender.send(claim, card))).toMatchObject({ permanent: false });
  });
});
