/**
 * Every message the app sends into a channel goes through that channel's queue: one call at a time,
 * paced by a token bucket at Slack's posting rate (about one per second per channel, with a short
 * burst), paused for Slack's Retry-After when it answers 429, and in order. Card updates coalesce:
 * while an update of one card waits, a newer one replaces it, so only the newest is sent; thread
 * replies are never merged or dropped.
 */
export interface ChannelQueueOptions {
  /** Sustained calls per second per channel. */
  perSecond: number;
  /** Calls that may go out at once after a quiet spell. */
  burst: number;
  now?: () => number;
}

export interface ChannelQueues {
  /** Sends in order. Resolves or rejects with the call's own outcome. */
  send<T>(channel: string, call: () => Promise<T>): Promise<T>;
  /** Sends, replacing a still-waiting call with the same key (one card's update): all callers get the newest outcome. */
  sendLatest<T>(channel: string, key: string, call: () => Promise<T>): Promise<T>;
}

interface Item {
  key?: string;
  call: () => Promise<unknown>;
  waiters: Array<{ resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
}

interface Queue {
  items: Item[];
  waitingByKey: Map<string, Item>;
  running: boolean;
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
}

/** Slack's 429, as @slack/web-api reports it with rejectRateLimitedCalls: seconds to wait. */
function retryAfterMs(error: unknown): number | undefined {
  const e = error as { code?: string; retryAfter?: number } | null;
  return e?.code === 'slack_webapi_rate_limited_error' ? Math.max(1, e.retryAfter ?? 1) * 1000 : undefined;
}

export function createChannelQueues(options: ChannelQueueOptions): ChannelQueues {
  const now = options.now ?? Date.now;
  const queues = new Map<string, Queue>();
  const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  function queueOf(channel: string): Queue {
    let queue = queues.get(channel);
    if (!queue) {
      queue = { items: [], waitingByKey: new Map(), running: false, tokens: options.burst, refilledAt: now(), pausedUntil: 0 };
      queues.set(channel, queue);
    }
    return queue;
  }

  async function takeToken(queue: Queue): Promise<void> {
    for (;;) {
      const t = now();
      if (t < queue.pausedUntil) {
        await wait(queue.pausedUntil - t);
        continue;
      }
      queue.tokens = Math.min(options.burst, queue.tokens + ((t - queue.refilledAt) / 1000) * options.perSecond);
      queue.refilledAt = t;
      if (queue.tokens >= 1) {
        queue.tokens -= 1;
        return;
      }
      await wait(Math.ceil(((1 - queue.tokens) / options.perSecond) * 1000));
    }
  }

  async function pump(channel: string, queue: Queue): Promise<void> {
    if (queue.running) return;
    queue.running = true;
    try {
      while (queue.items.length > 0) {
        const item = queue.items[0]!;
        await takeToken(queue);
        // From here on a newer update of the same card queues behind this one instead of replacing it.
        if (item.key && queue.waitingByKey.get(item.key) === item) queue.waitingByKey.delete(item.key);
        try {
          const value = await item.call();
          queue.items.shift();
          for (const w of item.waiters) w.resolve(value);
        } catch (error) {
          const pause = retryAfterMs(error);
          if (pause !== undefined) {
            queue.pausedUntil = now() + pause; // Same item again, after Slack's Retry-After.
            continue;
          }
          queue.items.shift();
          for (const w of item.waiters) w.reject(error);
        }
      }
    } finally {
      // The queue (and its token bucket) stays: forgetting it would hand the next call a fresh burst.
      queue.running = false;
    }
  }

  function enqueue<T>(channel: string, call: () => Promise<T>, key?: string): Promise<T> {
    const queue = queueOf(channel);
    return new Promise<T>((resolve, reject) => {
      const waiter = { resolve: resolve as (value: unknown) => void, reject };
      const waiting = key ? queue.waitingByKey.get(key) : undefined;
      if (waiting) {
        waiting.call = call;
        waiting.waiters.push(waiter);
        return;
      }
      const item: Item = { key, call, waiters: [waiter] };
      queue.items.push(item);
      if (key) queue.waitingByKey.set(key, item);
      void pump(channel, queue);
    });
  }

  return {
    send: (channel, call) => enqueue(channel, call),
    sendLatest: (channel, key, call) => enqueue(channel, call, key),
  };
}
