/**
 * Batches are normal work: a person refunding twenty customers after an incident makes twenty
 * requests in a row without waiting (the default allows 30 a minute); the limit still holds past it.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { person, REQUESTER, startSystem } from '../support/system.ts';

describe('requests in a batch', () => {
  it('allows 30 a minute by default', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_APP_TOKEN: 'xapp-1-A1-abc',
      DOLLR_CLIENT_ID: 'client',
      DOLLR_CLIENT_SECRET: 'secret',
      APPROVERS: 'U0FINANCE1',
    });
    expect(config.requestsPerMinute).toBe(30);
  });

  it('takes twenty requests in a row from one person', { timeout: 30_000 }, async () => {
    const system = await startSystem({ env: { REQUESTS_PER_MINUTE: undefined } });
    try {
      const requester = person(system, REQUESTER);
      for (let n = 1; n <= 20; n++) await requester.request(`refund ${4400 + n} 10 incident refund ${n}`);
      const cards = system.slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts);
      expect(cards).toHaveLength(20);
    } finally {
      await system.stop();
    }
  });
});
