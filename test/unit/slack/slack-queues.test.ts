import { describe, expect, it, vi } from 'vitest';
import { createSlackQueues, NOTHING_SENT } from '../../../src/adapters/slack/slack-queues.ts';

describe('createSlackQueues', () => {
  it('keeps order within a channel and paces past the burst', async () => {
    const queues = createSlackQueues({ postsPerSecond: 50, updatesPerMinute: 60, burst: 2 });
    const sent: Array<[number, number]> = [];
    const started = Date.now();
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) => queues.post('C1', async () => void sent.push([n, Date.now() - started]))),
    );
    expect(sent.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
    // Two go at once; the other three wait about 20 ms each (50 per second).
    expect(sent[4]![1]).toBeGreaterThanOrEqual(50);
  });

  it('gives back the token of a turn that had nothing to send', async () => {
    // One post a second, no burst beyond one: a second real post would wait a second.
    const queues = createSlackQueues({ postsPerSecond: 1, updatesPerMinute: 60, burst: 1 });
    const started = Date.now();
    expect(await queues.post('C1', async () => NOTHING_SENT)).toBe(NOTHING_SENT);
    await queues.post('C1', async () => 'sent');
    expect(Date.now() - started).toBeLessThan(500);
    await queues.post('C1', async () => 'paced');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('sends only the newest of several waiting updates of one card, and tells every caller', async () => {
    const queues = createSlackQueues({ postsPerSecond: 20, updatesPerMinute: 1200, burst: 1 });
    const sent: string[] = [];
    const first = queues.update('card', async () => void sent.push('v0'));
    await new Promise((resolve) => setTimeout(resolve, 5)); // v0 is on its way; v1-v3 wait behind it.
    const updates = ['v1', 'v2', 'v3'].map((v) =>
      queues.update('card', async () => {
        sent.push(v);
        return v;
      }),
    );
    await first;
    expect(await Promise.all(updates)).toEqual(['v3', 'v3', 'v3']);
    expect(sent).toEqual(['v0', 'v3']);
  });

  it('paces card updates on one workspace-wide lane, apart from the posts', async () => {
    // 600 updates a minute = one per 100 ms after a burst of 1; posts are nearly unpaced.
    const queues = createSlackQueues({ postsPerSecond: 1000, updatesPerMinute: 600, burst: 1 });
    const started = Date.now();
    const at: Record<string, number> = {};
    const mark = (name: string) => async () => {
      at[name] = Date.now() - started;
    };
    await Promise.all([
      queues.update('card:C1:1', mark('u1')),
      queues.update('card:C2:1', mark('u2')), // Another channel's card: the same lane.
      queues.update('card:C3:1', mark('u3')),
      queues.post('C1', mark('p1')),
      queues.post('C1', mark('p2')),
    ]);
    expect(at.u3! - at.u1!).toBeGreaterThanOrEqual(190);
    // The posts did not wait for the updates.
    expect(Math.max(at.p1!, at.p2!)).toBeLessThan(at.u2!);
  });

  it("waits out Slack's Retry-After and sends the same call again", async () => {
    const queues = createSlackQueues({ postsPerSecond: 100, updatesPerMinute: 60, burst: 5 });
    let tries = 0;
    const started = Date.now();
    const result = await queues.post('C1', async () => {
      tries++;
      if (tries === 1)
        throw Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(tries).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("waits at most an hour whatever Slack's Retry-After says, never retrying in a loop", async () => {
    vi.useFakeTimers();
    try {
      const queues = createSlackQueues({ postsPerSecond: 100, updatesPerMinute: 60, burst: 5 });
      let tries = 0;
      const sent = queues.post('C1', async () => {
        tries++;
        if (tries === 1)
          throw Object.assign(new Error('rate limited'), {
            code: 'slack_webapi_rate_limited_error',
            retryAfter: 3_000_000,
          });
        return 'ok';
      });
      await vi.advanceTimersByTimeAsync(60 * 60_000 - 1000);
      expect(tries).toBe(1);
      await vi.advanceTimersByTimeAsync(2000);
      expect(await sent).toBe('ok');
      expect(tries).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes other errors to the caller and goes on with the next call', async () => {
    const queues = createSlackQueues({ postsPerSecond: 100, updatesPerMinute: 60, burst: 5 });
    const failing = queues.post('C1', async () => {
      throw new Error('channel_not_found');
    });
    const next = queues.post('C1', async () => 'next');
    await expect(failing).rejects.toThrow('channel_not_found');
    expect(await next).toBe('next');
  });
});
