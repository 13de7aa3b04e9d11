/**
 * The Pacing port at Slack's rates: every message the app sends waits for a turn in a lane, one
 * call at a time, in order, paced by a token bucket at Slack's rate for it.
 *
 * - A channel's (or DM's) messages get its own lane: Slack allows about one post a second per
 *   channel, with short bursts. Thread replies are never merged across requests or dropped.
 * - Card updates (`chat.update`, Slack's Tier 3: about 50 a minute for the whole workspace) share
 *   one lane, apart from the posts, so that a burst of updates never holds back a thread reply.
 */
import type { Clock, Lane, Pacing, Turn } from '../../core/ports.ts';

export interface SlackPacingOptions {
  /** Sustained posts per second in one channel. */
  postsPerSecond: number;
  /** Card updates per minute, workspace-wide. */
  updatesPerMinute: number;
  /** Calls a lane lets out at once after a quiet spell. */
  burst: number;
  clock: Pick<Clock, 'now' | 'sleep'>;
  /** Told how long each turn was waited for (metrics). */
  onWait?: (lane: Lane, ms: number) => void;
}

export function createSlackPacing(options: SlackPacingOptions): Pacing {
  const channelLanes = new Map<string, LaneQueue>();
  const cardUpdates = createLane(options.updatesPerMinute / 60, options.burst, options.clock);
  function laneQueue(lane: Lane): LaneQueue {
    if (lane === 'card_updates') return cardUpdates;
    let queue = channelLanes.get(lane.channel);
    // The lane (and its token bucket) stays after it drains: a new one would hand out a fresh burst.
    if (!queue) {
      queue = createLane(options.postsPerSecond, options.burst, options.clock);
      channelLanes.set(lane.channel, queue);
    }
    return queue;
  }
  return {
    async turn(lane: Lane) {
      const asked = options.clock.now().getTime();
      const turn = await laneQueue(lane).turn();
      options.onWait?.(lane, options.clock.now().getTime() - asked);
      return turn;
    },
  };
}

interface LaneQueue {
  turn(): Promise<Turn>;
}

function createLane(perSecond: number, burst: number, clock: Pick<Clock, 'now' | 'sleep'>): LaneQueue {
  const now = () => clock.now().getTime();
  let tokens = burst;
  let refilledAt = now();
  let pausedUntil = 0;
  /** Settles when the last turn handed out has ended: the next one starts after it. */
  let lastTurn: Promise<void> = Promise.resolve();

  async function takeToken(): Promise<void> {
    for (;;) {
      const t = now();
      if (t < pausedUntil) {
        await clock.sleep(pausedUntil - t);
        continue;
      }
      tokens = Math.min(burst, tokens + ((t - refilledAt) / 1000) * perSecond);
      refilledAt = t;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await clock.sleep(Math.ceil(((1 - tokens) / perSecond) * 1000));
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

  return {
    async turn() {
      const previous = lastTurn;
      let ended!: () => void;
      lastTurn = new Promise<void>((resolve) => {
        ended = resolve;
      });
      await previous;
      await takeToken();
      let over = false;
      return {
        async pause(ms) {
          creditFromAnswer();
          pausedUntil = Math.max(pausedUntil, now() + ms);
          await takeToken();
        },
        end(spent) {
          if (over) return;
          over = true;
          if (spent) creditFromAnswer();
          else tokens = Math.min(burst, tokens + 1);
          ended();
        },
      };
    },
  };
}
