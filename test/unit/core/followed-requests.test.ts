import { describe, expect, it } from 'vitest';
import type { Following } from '../../../src/core/execution/executor.ts';
import { createFollowedRequests } from '../../../src/core/execution/followed-requests.ts';
import { createPollScheduler } from '../../../src/core/execution/poll-scheduler.ts';
import { createFakeClock } from '../../support/fake-clock.ts';

const following = (id: string): Following => ({
  id,
  kind: 'refund',
  referenceId: `ref-${id}`,
  fence: { lease: `request:${id}`, epoch: 1 },
  attentionAt: undefined,
  status: 'PROCESSING',
  waitMs: 5,
  failures: 0,
});

/** A poll that reports final on each request's `finalAt`-th call. */
function polls(finalAt: number) {
  const count = new Map<string, number>();
  return {
    count,
    poll: async (f: Following) => {
      const n = (count.get(f.id) ?? 0) + 1;
      count.set(f.id, n);
      return n >= finalAt;
    },
  };
}

describe('createFollowedRequests', () => {
  it('polls on the shared timer until final, then reports the request ended', async () => {
    const clock = createFakeClock();
    const scheduler = createPollScheduler({ maxConcurrent: 2, clock });
    const p = polls(3);
    const ended: string[] = [];
    const followed = createFollowedRequests({ scheduler, poll: p.poll, ended: (id) => ended.push(id) });
    followed.follow(following('a'));
    followed.follow(following('b'));
    expect(scheduler.stats().sleeping).toBe(2);
    await clock.advance(3 * 5);
    expect(ended.sort()).toEqual(['a', 'b']);
    expect(p.count).toEqual(
      new Map([
        ['a', 3],
        ['b', 3],
      ]),
    );
    expect(followed.has('a')).toBe(false);
    expect(scheduler.stats().sleeping).toBe(0);
  });

  it('reports a poll that throws, and stops following that request', async () => {
    const clock = createFakeClock();
    const scheduler = createPollScheduler({ maxConcurrent: 1, clock });
    const ended: Array<[string, unknown]> = [];
    const followed = createFollowedRequests({
      scheduler,
      poll: () => Promise.reject(new Error('store down')),
      ended: (id, error) => ended.push([id, error]),
    });
    followed.follow(following('a'));
    await clock.advance(5);
    expect(ended).toHaveLength(1);
    expect(String(ended[0]![1])).toContain('store down');
    expect(followed.has('a')).toBe(false);
  });

  it('drops a request: its sleeper is cancelled and a poll under way ends without reporting', async () => {
    const clock = createFakeClock();
    const scheduler = createPollScheduler({ maxConcurrent: 1, clock });
    const ended: string[] = [];
    let polled = 0;
    let release!: () => void;
    const poll = () => {
      polled++;
      return new Promise<boolean>((resolve) => (release = () => resolve(true)));
    };
    const followed = createFollowedRequests({ scheduler, poll, ended: (id) => ended.push(id) });
    followed.follow(following('sleeping'));
    expect(followed.drop('sleeping')).toBe(true);
    expect(scheduler.stats().sleeping).toBe(0);
    followed.follow(following('polling'));
    await clock.advance(5);
    expect(polled).toBe(1);
    expect(followed.drop('polling')).toBe(true);
    release();
    await clock.settle();
    expect(ended).toEqual([]);
    expect(followed.drop('polling')).toBe(false);
  });

  it('stop drops every request and waits for the polls under way', async () => {
    const clock = createFakeClock();
    const scheduler = createPollScheduler({ maxConcurrent: 2, clock });
    let release!: () => void;
    let polling = false;
    const poll = () => {
      polling = true;
      return new Promise<boolean>((resolve) => (release = () => resolve(false)));
    };
    const followed = createFollowedRequests({ scheduler, poll, ended: () => {} });
    followed.follow(following('a'));
    await clock.advance(5);
    expect(polling).toBe(true);
    followed.follow({ ...following('b'), waitMs: 60_000 });
    let stopped: string[] | undefined;
    const stopping = followed.stop().then((ids) => {
      stopped = ids;
    });
    await clock.settle();
    expect(stopped).toBeUndefined(); // a's poll is still under way
    release();
    await stopping;
    expect(stopped!.sort()).toEqual(['a', 'b']);
    expect(scheduler.stats().sleeping).toBe(0); // a is not polled again
  });
});
