import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVER, person, REQUESTER, startSystem, waitForThread, type System } from '../support/system.ts';

let system: System;
beforeEach(async () => {
  system = await startSystem();
});
afterEach(async () => {
  await system.stop();
});

async function statusAnswer(text: string): Promise<string> {
  const { responseUrl } = await person(system, REQUESTER).command(text);
  const post = await system.slack.waitFor((s) => s.responseUrlPosts().find((p) => p.url === responseUrl));
  expect(post.body.response_type).toBe('ephemeral');
  return String(post.body.text);
}

describe('/dollr status', () => {
  it('answers by request ID and by reference ID', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 12 status');
    expect(await statusAnswer(`status ${card.requestId}`)).toContain('Awaiting approval');

    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /COMPLETED/);
    const [execution] = system.dollr.executions();
    const byReference = await statusAnswer(`status ${execution!.referenceId}`);
    expect(byReference).toContain('Completed');
    expect(byReference).toContain(card.requestId);
    expect(byReference).toContain('12.00 USD');
  });

  it('refreshes a request that is not final from Dollr', async () => {
    // Polls far apart, so that only the status command can learn the news.
    await system.stop();
    system = await startSystem({ env: { DOLLR_POLL_INTERVAL_MS: '60000' } });
    const card = await person(system, REQUESTER).request('payout 7 5 USD held');
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /PENDING/);
    const [execution] = system.dollr.executions();
    system.dollr.settle(execution!.referenceId, 'FAILED', { gatewayMessage: 'Operator declined' });
    const before = system.dollr.statusRequestCount(execution!.referenceId);
    const answer = await statusAnswer(`status ${card.requestId}`);
    expect(system.dollr.statusRequestCount(execution!.referenceId)).toBeGreaterThan(before);
    expect(answer).toContain('Failed');
    expect(answer).toContain('Operator declined');
    // What the status command learnt is told in the thread too.
    await waitForThread(system, card, /FAILED/);
  });

  it('says when it knows no such request, and how to ask', async () => {
    expect(await statusAnswer('status RXXXXXXXXX')).toContain('found no request');
    const { response } = await person(system, REQUESTER).command('status');
    // Escaped: Slack would read a raw <…> as a control sequence and not show it.
    expect((response.json() as { text: string }).text).toContain('`/dollr status &lt;request ID or reference ID&gt;`');
  });
});
