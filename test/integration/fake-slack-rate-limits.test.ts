/**
 * The fake Slack's rate limits (opt-in): chat.postMessage per channel with a burst, chat.update in
 * Tier 3, answered 429 + Retry-After + `ratelimited` as Slack does. Time is the fake's clock, moved
 * by the test: no sleeps.
 */
import { ErrorCode, WebClient } from '@slack/web-api';
import type { WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_BOT_TOKEN, startFakeSlack } from '../../src/fakes/fake-slack.ts';
import type { FakeSlack, FakeSlackOptions } from '../../src/fakes/fake-slack.ts';
import { silentLogger } from '../support/silent-logger.ts';

const BOT_TOKEN = FAKE_BOT_TOKEN;

let fake: FakeSlack | undefined;
let clock = 1_700_000_000_000;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeSlackOptions = {}): Promise<{ fake: FakeSlack; client: WebClient }> {
  clock = 1_700_000_000_000;
  fake = await startFakeSlack({ now: () => clock, ...options });
  // Retries off: every 429 reaches the test instead of being waited out by the client.
  const client = new WebClient(BOT_TOKEN, {
    slackApiUrl: fake.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  return { fake, client };
}

const rateLimited = (call: Promise<unknown>): Promise<WebAPIRateLimitedError> =>
  call.then(
    () => expect.unreachable('the call should have been rate limited'),
    (error: unknown) => error as WebAPIRateLimitedError,
  );

/** A raw Web API call, as any HTTP client would make it. */
async function post(fake: FakeSlack, method: string, args: Record<string, string>) {
  const response = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(args).toString(),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('fake Slack rate limits', () => {
  it('are off unless asked for', async () => {
    const { fake, client } = await start();
    for (let i = 0; i < 20; i++) await client.chat.postMessage({ channel: 'C1', text: `message ${i}` });
    expect(fake.rateLimits).toBeUndefined();
    expect(fake.calls.every((c) => c.status === 200)).toBe(true);
    expect(fake.channel('C1')).toHaveLength(20);
  });

  it(
    'let a burst of chat.postMessage through per channel, ' + 'then answer 429 with Retry-After until a token is back',
    async () => {
      const { fake, client } = await start({ rateLimits: {} });
      expect(fake.rateLimits).toEqual({ postMessagePerChannelPerSecond: 1, burst: 4, tiers: true, tierBurst: 4 });
      for (let i = 0; i < 4; i++) await client.chat.postMessage({ channel: 'C1', text: `burst ${i}` });

      const refused = await rateLimited(client.chat.postMessage({ channel: 'C1', text: 'one too many' }));
      expect(refused.code).toBe(ErrorCode.RateLimitedError);
      expect(refused.retryAfter).toBe(1);
      // Thread replies count in their channel; another channel has its own bucket.
      await rateLimited(
        client.chat.postMessage({ channel: 'C1', thread_ts: fake.channel('C1')[0]!.ts, text: 'reply' }),
      );
      await client.chat.postMessage({ channel: 'C2', text: 'elsewhere' });

      clock += 999;
      await rateLimited(client.chat.postMessage({ channel: 'C1', text: 'not yet' }));
      clock += 1;
      await client.chat.postMessage({ channel: 'C1', text: 'one second later' });
      await rateLimited(client.chat.postMessage({ channel: 'C1', text: 'and only one' }));

      expect(fake.channel('C1').map((m) => m.text)).toEqual([
        'burst 0',
        'burst 1',
        'burst 2',
        'burst 3',
        'one second later',
      ]);
      const limited = fake.calls.filter((c) => c.status === 429);
      expect(limited).toHaveLength(4);
      expect(limited[0]).toMatchObject({
        method: 'chat.postMessage',
        result: { ok: false, error: 'ratelimited' },
        rateLimited: { bucket: 'chat.postMessage:C1', retryAfterSeconds: 1 },
      });
      expect(limited[0]!.fault).toBeUndefined();
    },
  );

  it('say how long to wait, in whole seconds, from the refill rate', async () => {
    const { fake } = await start({ rateLimits: { postMessagePerChannelPerSecond: 0.25, burst: 1 } });
    expect((await post(fake, 'chat.postMessage', { channel: 'C1', text: 'first' })).status).toBe(200);
    const refused = await post(fake, 'chat.postMessage', { channel: 'C1', text: 'second' });
    expect(refused).toEqual({ status: 429, retryAfter: '4', body: { ok: false, error: 'ratelimited' } });
    clock += 2500;
    expect((await post(fake, 'chat.postMessage', { channel: 'C1', text: 'third' })).retryAfter).toBe('2');
    clock += 1500;
    expect((await post(fake, 'chat.postMessage', { channel: 'C1', text: 'fourth' })).status).toBe(200);
  });

  it('hold chat.update to Tier 3 (50 a minute) across the workspace, with a burst', async () => {
    const { fake, client } = await start({ rateLimits: { burst: 2 } });
    const { ts } = await client.chat.postMessage({ channel: 'C1', text: 'card' });
    await client.chat.update({ channel: 'C1', ts: ts!, text: 'v2' });
    await client.chat.update({ channel: 'C1', ts: ts!, text: 'v3' });
    const refused = await rateLimited(
      client.chat.update({ channel: 'C2', ts: ts!, text: 'other channel, same bucket' }),
    );
    expect(refused.retryAfter).toBe(2); // 1.2 s per call at 50/min, rounded up.
    clock += 1200;
    await client.chat.update({ channel: 'C1', ts: ts!, text: 'v4' });
    expect(fake.message('C1', ts!)?.text).toBe('v4');
    expect(fake.calls.filter((c) => c.status === 429).map((c) => c.rateLimited?.bucket)).toEqual(['chat.update']);
  });

  it('leave tiered methods alone without tiers, and unlisted methods always', async () => {
    const { fake, client } = await start({ rateLimits: { burst: 1, tiers: false } });
    const { ts } = await client.chat.postMessage({ channel: 'C1', text: 'card' });
    for (let i = 0; i < 10; i++) await client.chat.update({ channel: 'C1', ts: ts!, text: `v${i}` });
    for (let i = 0; i < 10; i++) await client.auth.test();
    expect(fake.calls.every((c) => c.status === 200)).toBe(true);
  });

  it('can be switched on and off at run time; a reset refills the buckets and keeps the setting', async () => {
    const { fake, client } = await start();
    for (let i = 0; i < 6; i++) await client.chat.postMessage({ channel: 'C1', text: `free ${i}` });
    fake.setRateLimits({ burst: 1 });
    await client.chat.postMessage({ channel: 'C1', text: 'fresh bucket' });
    await rateLimited(client.chat.postMessage({ channel: 'C1', text: 'limited' }));
    fake.reset();
    expect(fake.rateLimits?.burst).toBe(1);
    await client.chat.postMessage({ channel: 'C1', text: 'after reset' });
    await rateLimited(client.chat.postMessage({ channel: 'C1', text: 'limited again' }));
    fake.setRateLimits(false);
    await client.chat.postMessage({ channel: 'C1', text: 'off again' });
    expect(fake.rateLimits).toBeUndefined();
  });

  it('are waited out by a WebClient left to retry on 429 (its default)', async () => {
    const { fake } = await start({ now: Date.now, rateLimits: { burst: 1 } });
    const retrying = new WebClient(BOT_TOKEN, {
      slackApiUrl: fake.apiUrl,
      logger: silentLogger,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
    });
    await retrying.chat.postMessage({ channel: 'C1', text: 'first' });
    await retrying.chat.postMessage({ channel: 'C1', text: 'second, after Retry-After' });
    const [, limited, retried] = fake.calls;
    expect(limited).toMatchObject({ status: 429, rateLimited: { retryAfterSeconds: 1 } });
    expect(retried).toMatchObject({ status: 200 });
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(990);
    expect(fake.channel('C1')).toHaveLength(2);
  });

  it('apply after injected faults, which take no token', async () => {
    const { fake, client } = await start({ rateLimits: { burst: 1 } });
    fake.inject({ method: 'chat.postMessage', fault: { kind: 'error', error: 'internal_error' } });
    await client.chat.postMessage({ channel: 'C1', text: 'faulted' }).catch(() => undefined);
    await client.chat.postMessage({ channel: 'C1', text: 'still has its token' });
    expect(fake.calls.map((c) => c.status)).toEqual([200, 200]);
    expect(fake.channel('C1').map((m) => m.text)).toEqual(['still has its token']);
  });
});
