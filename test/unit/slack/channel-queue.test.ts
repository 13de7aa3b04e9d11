import { describe, expect, it } from 'vitest';
import { createChannelQueues } from '../../../src/adapters/slack/channel-queue.ts';

describe('createChannelQueues', () => {
  it('keeps order within a channel and paces past the burst', async () => {
    const queues = createChannelQueues({ perSecond: 50, burst: 2 });
    const sent: Array<[number, number]> = [];
    const started = Date.now();
    await Promise.all([1, 2, 3, 4, 5].map((n) => queues.send('C1', async () => void sent.push([n, Date.now() - started]))));
    expect(sent.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
    // Two go at once; the other three wait about 20 ms each (50 per second).
    expect(sent[4]![1]).toBeGreaterThanOrEqual(50);
  });

  it('sends only the newest of several waiting updates of one card, and tells every caller', async () => {
    const queues = createChannelQueues({ perSecond: 20, burst: 1 });
    const sent: string[] = [];
    const first = queues.send('C1', async () => void sent.push('reply'));
    const updates = ['v1', 'v2', 'v3'].map((v) => queues.sendLatest('C1', 'card', async () => (sent.push(v), v)));
    await first;
    expect(await Promise.all(updates)).toEqual(['v3', 'v3', 'v3']);
    expect(sent).toEqual(['reply', 'v3']);
  });

  it("waits out Slack's Retry-After and sends the same call again", async () => {
    const queues = createChannelQueues({ perSecond: 100, burst: 5 });
    let tries = 0;
    const started = Date.now();
    const result = await queues.send('C1', async () => {
      tries++;
      if (tries === 1) throw Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(tries).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('passes other errors to the caller and goes on with the next call', async () => {
    const queues = createChannelQueues({ perSecond: 100, burst: 5 });
    const failing = queues.send('C1', async () => {
      throw new Error('channel_not_found');
    });
    const next = queues.send('C1', async () => 'next');
    await expect(failing).rejects.toThrow('channel_not_found');
    expect(await next).toBe('next');
  });
});
