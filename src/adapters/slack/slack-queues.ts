/**
 * Every message the app sends goes through a paced lane: one call at a time, in order, paced by a
 * token bucket at Slack's rate for it, paused for Slack's Retry-After when it answers 429.
 *
 * - Posts (`chat.postMessage`) get one lane per channel (or DM): Slack allows about one a second per
 *   channel, with short bursts. Thread replies are never merged or dropped.
 * - Card updates (`chat.update`, Slack's Tier 3: about 50 a minute for the whole workspace) share
 *   one lane, and coalesce: while an update of one card waits, a newer one replaces it, so only the
 *   newest is sent. Pacing them apart keeps a burst of updates from delaying the thread replies.
 */
import { serverWaitMs } from '../server-wait.ts';

/** What a lane's call resolves when, once its turn came, it had nothing to send: its token is given back. */
export const NOTHING_SENT = Symbol('nothing sent');

export interface SlackQueueOptions {
  /** Sustained posts per second in one channel. */
  postsPerSecond: number;
  /** Card updates per minute, workspace-wide. */
  updatesPerMinute: number;
  /** Calls a lane lets out at once after a quiet spell. */
  burst: number;
  now?: () => number;
}

export interface SlackQueues {
  /**
   * Posts into a channel, in order. Resolves or rejects with the call's own outcome. The call runs
   * when the channel's turn and pace allow, so it may decide then what to send (or NOTHING_SENT).
   */
  post<T>(channel: string, call: () => Promise<T>): Promise<T>;
  /** Updates a message, replacing a still-waiting update with the same key: every caller gets the newest outcome. */
  update<T>(key: string, call: () => Promise<T>): Promise<T>;
}

export function createSlackQueues(options: SlackQueueOptions): SlackQueues {
  const now = options.now ?? Date.now;
  const postLanes = new Map<string, Lane>();
  const updates = createLane(options.updatesPerMinute / 60, options.burst, now);
  return {
    post(channel, call) {
      let lane = postLanes.get(channel);
      // The lane (and its token bucket) stays after it drains: a new one would hand out a fresh burst.
      if (!lane) {
        lane = createLane(options.postsPerSecond, options.burst, now);
        postLanes.set(channel, lane);
      }
      return lane.send(call);
    },
    update: (key, call) => updates.send(call, key),
  };
}

interface Lane {
  send<T>(call: () => Promise<T>, key?: string): Promise<T>;
}

interface Item {
  key?: string;
  call: () => Promise<unknown>;
  waiters: Array<{ resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
}

/**
 * Slack's 429, as @slack/web-api reports it with rejectRateLimitedCalls: seconds to wait (bounded,
 * see server-wait.ts).
 */
function retryAfterMs(error: unknown): number | undefined {
  const e = error as { code?: string; retryAfter?: number } | null;
  return e?.code === 'slack_webapi_rate_limited_error'
    ? serverWaitMs(Math.max(1, e.retryAfter ?? 1) * 1000)
    : undefined;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function createLane(perSecond: number, burst: number, now: () => number): Lane {
  const items: Item[] = [];
  const waitingByKey = new Map<string, Item>();
  let running = false;
  let tokens = burst;
  let refilledAt = now();
  let pausedUntil = 0;

  async function takeToken(): Promise<void> {
    for (;;) {
      const t = now();
      if (t < pausedUntil) {
        await wait(pausedUntil - t);
        continue;
      }
      tokens = Math.min(burst, tokens + ((t - refilledAt) / 1000) * perSecond);
      refilledAt = t;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await wait(Math.ceil(((1 - tokens) / perSecond) * 1000));
    }
  }

  /**
   * Slack counts a call when it arrives, somewhere between our send and its answer. Counting the
   * refill from the answer (no credit for the time in flight) means a slow call followed by a fast
   * one can never reach Slack sooner than its bucket allows.
   */
  function creditFromAnswer(): void {
    refilledAt = Math.max(refilledAt, now());
  }

  async function pump(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (items.length > 0) {
        const item = items[0]!;
        await takeToken();
        // From here on a newer call with the same key queues behind this one instead of replacing it.
        if (item.key && waitingByKey.get(item.key) === item) waitingByKey.delete(item.key);
        try {
          const value = await item.call().finally(creditFromAnswer);
          if (value === NOTHING_SENT) tokens = Math.min(burst, tokens + 1);
          items.shift();
          for (const w of item.waiters) w.resolve(value);
        } catch (error) {
          const pause = retryAfterMs(error);
          if (pause !== undefined) {
            pausedUntil = now() + pause; // The same call again, after Slack's Retry-After.
            continue;
          }
          items.shift();
          for (const w of item.waiters) w.reject(error);
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    send<T>(call: () => Promise<T>, key?: string): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const waiter = { resolve: resolve as (value: unknown) => void, reject };
        const waiting = key ? waitingByKey.get(key) : undefined;
        if (waiting) {
          waiting.call = call;
          waiting.waiters.push(waiter);
          return;
        }
        const item: Item = { key, call, waiters: [waiter] };
        items.push(item);
        if (key) waitingByKey.set(key, item);
        void pump();
      });
    },
  };
}
