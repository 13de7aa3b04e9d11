/**
 * Slack's pace on a fake clock: turns in order within a lane, paced past the burst; a turn that
 * sent nothing gives its token back; card updates on one workspace lane apart from the posts; a
 * 429 pauses the lane and keeps the turn.
 */
import { describe, expect, it } from 'vitest';
import { createSlackPacing } from '../../../src/adapters/slack/slack-pacing.ts';
import type { Lane, Pacing } from '../../../src/core/ports.ts';
import { createFakeClock, type FakeClock } from '../../support/fake-clock.ts';

/** When each of these turns began, in ms from now; each sends at once and ends its turn. */
function takeTurns(pacing: Pacing, clock: FakeClock, lanes: Array<[string, Lane]>) {
  const started = clock.now().getTime();
  const at: Record<string, number> = {};
  const order: string[] = [];
  const done = Promise.all(
    lanes.map(async ([name, lane]) => {
      const turn = await pacing.turn(lane);
      at[name] = clock.now().getTime() - started;
      order.push(name);
      turn.end(true);
    }),
  );
  return { at, order, done };
}

describe('Slack pacing', () => {
  it('gives turns in order within a channel, the burst at once and the rest at its pace', async () => {
    const clock = createFakeClock();
    const pacing = createSlackPacing({ postsPerSecond: 50, updatesPerMinute: 60, burst: 2, clock });
    const C1 = { channel: 'C1' };
    const turns = takeTurns(pacing, clock, [
      ['1', C1],
      ['2', C1],
      ['3', C1],
      ['4', C1],
      ['5', C1],
    ]);
    await clock.advance(1000);
    await turns.done;
    expect(turns.order).toEqual(['1', '2', '3', '4', '5']);
    // Two at once; the other three 20 ms apart (50 a second).
    expect(Object.values(turns.at)).toEqual([0, 0, 20, 40, 60]);
  });

  it('gives the token back when a turn sent nothing', async () => {
    const clock = createFakeClock();
    const pacing = createSlackPacing({ postsPerSecond: 1, updatesPerMinute: 60, burst: 1, clock });
    (await pacing.turn({ channel: 'C1' })).end(false);
    const second = await pacing.turn({ channel: 'C1' }); // At once: the first sent nothing.
    second.end(true);
    let third = false;
    void pacing.turn({ channel: 'C1' }).then((turn) => {
      third = true;
      turn.end(true);
    });
    await clock.advance(999);
    expect(third).toBe(false);
    await clock.advance(1);
    expect(third).toBe(true);
  });

  it('paces card updates on one workspace lane, apart from the posts', async () => {
    const clock = createFakeClock();
    // 600 updates a minute: one per 100 ms after a burst of one; posts nearly unpaced.
    const pacing = createSlackPacing({ postsPerSecond: 1000, updatesPerMinute: 600, burst: 1, clock });
    const turns = takeTurns(pacing, clock, [
      ['u1', 'card_updates'],
      ['u2', 'card_updates'],
      ['u3', 'card_updates'],
      ['p1', { channel: 'C1' }],
      ['p2', { channel: 'C2' }],
    ]);
    await clock.advance(1000);
    await turns.done;
    expect(turns.at).toEqual({ u1: 0, u2: 100, u3: 200, p1: 0, p2: 0 });
  });

  it('holds the next turn until the one before ends', async () => {
    const clock = createFakeClock();
    const pacing = createSlackPacing({ postsPerSecond: 1000, updatesPerMinute: 60, burst: 5, clock });
    const first = await pacing.turn({ channel: 'C1' });
    let second = false;
    void pacing.turn({ channel: 'C1' }).then(() => (second = true));
    await clock.advance(5000);
    expect(second).toBe(false);
    first.end(true);
    await clock.settle();
    expect(second).toBe(true);
  });

  it("pauses the lane for Slack's Retry-After, keeping the turn, and paces the calls after it", async () => {
    const clock = createFakeClock();
    const pacing = createSlackPacing({ postsPerSecond: 100, updatesPerMinute: 60, burst: 5, clock });
    const turn = await pacing.turn({ channel: 'C1' });
    let resumed = false;
    const paused = turn.pause(3000).then(() => (resumed = true));
    let next = false;
    void pacing.turn({ channel: 'C1' }).then(() => (next = true));
    await clock.advance(2999);
    expect(resumed).toBe(false);
    await clock.advance(1);
    await paused;
    expect(next).toBe(false); // Still this turn's.
    turn.end(true);
    await clock.settle();
    expect(next).toBe(true);
  });
});
