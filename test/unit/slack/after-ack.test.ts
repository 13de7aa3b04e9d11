import { describe, expect, it } from 'vitest';
import { createAfterAck } from '../../../src/adapters/slack/after-ack.ts';

describe('createAfterAck', () => {
  it('starts waiting work in order, one piece per turn of the event loop', async () => {
    const afterAck = createAfterAck();
    const log: string[] = [];
    await Promise.all(
      [1, 2, 3].map(async (n) => {
        await afterAck();
        log.push(`start ${n}`);
        setImmediate(() => log.push(`turn after ${n}`));
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    // What a start schedules for the next turn runs before the start after next: the loop turns between starts.
    expect(log).toEqual(['start 1', 'start 2', 'turn after 1', 'start 3', 'turn after 2', 'turn after 3']);
  });
});
