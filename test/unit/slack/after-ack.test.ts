import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAckPriority } from '../../../src/adapters/slack/after-ack.ts';
import { createFakeClock } from '../../support/fake-clock.ts';

/** A request whose answer is sent when `answer()` is called (the response's 'close'). */
function requestThrough(listener: (req: IncomingMessage, res: ServerResponse) => void) {
  const res = new EventEmitter();
  listener({} as IncomingMessage, res as unknown as ServerResponse);
  return { answer: () => res.emit('close') };
}

/** Turns of the real event loop: the work starts one piece per turn, which is what is tested here. */
const turn = () => new Promise((resolve) => setImmediate(resolve));
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await turn();
};

describe('createAckPriority', () => {
  it('starts waiting work in order, one piece per turn of the event loop', async () => {
    const { afterAck } = createAckPriority();
    const log: string[] = [];
    await Promise.all(
      [1, 2, 3].map(async (n) => {
        await afterAck();
        log.push(`start ${n}`);
        setImmediate(() => log.push(`turn after ${n}`));
      }),
    );
    await turn();
    // What a start schedules for the next turn runs before the start after next: the loop turns between starts.
    expect(log).toEqual(['start 1', 'start 2', 'turn after 1', 'start 3', 'turn after 2', 'turn after 3']);
  });

  it('holds the work while a request still waits for its answer, and starts it once every answer is sent', async () => {
    const priority = createAckPriority({ maxWaitMs: 60_000, quietMs: 0 });
    const listener = priority.track(() => {});
    const first = requestThrough(listener);
    const second = requestThrough(listener);
    let started = false;
    void priority.afterAck().then(() => (started = true));
    first.answer();
    for (let i = 0; i < 5; i++) await turn();
    expect(started).toBe(false);
    second.answer();
    for (let i = 0; i < 3; i++) await turn();
    expect(started).toBe(true);
  });

  it('starts the work of a request that came alone as soon as it is answered', async () => {
    const priority = createAckPriority({ maxWaitMs: 60_000, quietMs: 60_000 });
    const alone = requestThrough(priority.track(() => {}));
    let started = false;
    void priority.afterAck().then(() => (started = true));
    alone.answer();
    for (let i = 0; i < 3; i++) await turn();
    expect(started).toBe(true);
  });

  it('during a burst, holds the work until requests have stopped arriving for quietMs', async () => {
    const clock = createFakeClock();
    const priority = createAckPriority({ maxWaitMs: 60_000, quietMs: 40, clock });
    const listener = priority.track(() => {});
    const [a, b] = [requestThrough(listener), requestThrough(listener)];
    a.answer();
    b.answer();
    let started: number | undefined;
    void priority.afterAck().then(() => (started = clock.now().getTime()));
    await clock.advance(20);
    const last = requestThrough(listener); // Still the same burst: 20 ms after the others.
    const lastArrived = clock.now().getTime();
    last.answer();
    await clock.advance(39);
    expect(started).toBeUndefined();
    await clock.advance(1);
    await turns(3);
    expect(started).toBe(lastArrived + 40);
  });

  it('starts the work after maxWaitMs even while requests keep arriving', async () => {
    const clock = createFakeClock();
    const priority = createAckPriority({ maxWaitMs: 50, clock });
    requestThrough(priority.track(() => {})); // Never answered.
    let started = false;
    void priority.afterAck().then(() => (started = true));
    await clock.advance(49);
    expect(started).toBe(false);
    await clock.advance(1);
    await turns(3);
    expect(started).toBe(true);
  });
});
