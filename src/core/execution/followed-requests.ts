/**
 * The requests whose money is moving, polled on the shared timer until final. Between two polls a
 * request holds its Following (a few fields) and one sleeper: no suspended async function, promise
 * or AbortController, which would cost kilobytes per request when a batch of a thousand is followed.
 */
import type { Following } from './executor.ts';
import type { PollScheduler, Sleeper } from './poll-scheduler.ts';

export interface FollowedRequests {
  /** Polls until the request is final; then, or when a poll throws, calls `ended`. */
  follow(following: Following): void;
  has(requestId: string): boolean;
  /** Stops following the request (its poll under way, if any, still finishes); false if it was not followed. */
  drop(requestId: string): boolean;
  /** Drops every request; resolves with their ids once the polls under way have finished. */
  stop(): Promise<string[]>;
}

export interface FollowedRequestsOptions {
  scheduler: PollScheduler;
  poll: (following: Following) => Promise<boolean>;
  /** The request is final (error undefined) or a poll failed unexpectedly. Not called for a dropped request. */
  ended: (requestId: string, error?: unknown) => void;
}

interface Entry {
  following: Following;
  sleeper?: Sleeper;
}

export function createFollowedRequests(options: FollowedRequestsOptions): FollowedRequests {
  const { scheduler, poll, ended } = options;
  const entries = new Map<string, Entry>();
  const pollsUnderWay = new Set<Promise<void>>();

  function wait(entry: Entry): void {
    entry.sleeper = scheduler.after(entry.following.waitMs, () => {
      entry.sleeper = undefined;
      const underWay = pollOnce(entry);
      pollsUnderWay.add(underWay);
      void underWay.finally(() => pollsUnderWay.delete(underWay));
    });
  }

  async function pollOnce(entry: Entry): Promise<void> {
    const { id } = entry.following;
    let outcome: { final: boolean } | { error: unknown };
    try {
      outcome = { final: await poll(entry.following) };
    } catch (error) {
      outcome = { error };
    }
    if (entries.get(id) !== entry) return; // Dropped while the poll was under way.
    if ('final' in outcome && !outcome.final) return wait(entry);
    entries.delete(id);
    ended(id, 'error' in outcome ? outcome.error : undefined);
  }

  function drop(id: string): boolean {
    const entry = entries.get(id);
    if (!entry) return false;
    entries.delete(id);
    if (entry.sleeper) scheduler.cancel(entry.sleeper);
    return true;
  }

  return {
    follow(following) {
      const entry: Entry = { following };
      entries.set(following.id, entry);
      wait(entry);
    },
    has: (id) => entries.has(id),
    drop,
    async stop() {
      const ids = [...entries.keys()];
      for (const id of ids) drop(id);
      await Promise.all(pollsUnderWay);
      return ids;
    },
  };
}
