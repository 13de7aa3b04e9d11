import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APPROVER,
  cardText,
  person,
  REQUESTER,
  startSystem,
  threadTexts,
  waitForThread,
  type System,
} from '../support/system.ts';

let system: System;
beforeEach(async () => {
  system = await startSystem();
});
afterEach(async () => {
  await system.stop();
});

async function approved(text: string) {
  const card = await person(system, REQUESTER).request(text);
  await person(system, APPROVER).press(card, 'approve');
  return card;
}

const executeCalls = (s: System) => s.dollr.calls.filter((c) => c.path.startsWith('/v1/executions'));
const statusCalls = (s: System) => s.dollr.calls.filter((c) => c.path.startsWith('/v1/status'));

describe('an execute call without a clear answer', () => {
  it('answered too late: asks for the status with the same reference, and money moves once', async () => {
    // Dollr records the execution, then answers after the app's 400 ms timeout.
    system.dollr.inject({ route: 'execute', fault: { kind: 'late', ms: 1000 } });
    const card = await approved('refund 4411 10 late');
    await waitForThread(system, card, /COMPLETED/);
    const [execution] = system.dollr.executions();
    expect(system.dollr.executions()).toHaveLength(1);
    expect(system.dollr.executionCount(execution!.referenceId)).toBe(1);
    expect(executeCalls(system)).toHaveLength(1);
    // The first thing after the timeout is a status query for that same reference.
    const firstStatus = statusCalls(system)[0]!;
    expect(firstStatus.path).toBe(`/v1/status/refund/${execution!.referenceId}`);
    // Said plainly in the thread, once, and kept in the trail.
    const said = threadTexts(system, card).filter((t) => t.includes('did not come through'));
    expect(said).toEqual([expect.stringContaining(`no answer in time). I am asking Dollr about reference`)]);
    expect(said[0]).toContain(execution!.referenceId);
  });

  it('lost before Dollr saw it: resends the same body with the same reference', async () => {
    system.dollr.inject({ route: 'execute', times: 2, fault: { kind: 'status', status: 503 } });
    const card = await approved('refund 4411 10 retry');
    await waitForThread(system, card, /COMPLETED/);
    const bodies = executeCalls(system).map((c) => JSON.stringify(c.body));
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    const [execution] = system.dollr.executions();
    expect(system.dollr.executionCount(execution!.referenceId)).toBe(1);
    // Each resend was preceded by a status query that found nothing.
    expect(statusCalls(system).filter((c) => c.path.endsWith(execution!.referenceId)).length).toBeGreaterThanOrEqual(2);
    // Two unclear sends: the thread says it once, the trail keeps both.
    expect(threadTexts(system, card).filter((t) => t.includes('did not come through'))).toHaveLength(1);
    const { responseUrl } = await person(system, REQUESTER).command(`status ${card.requestId}`);
    const answer = await system.slack.waitFor((s) => s.responseUrlPosts().find((p) => p.url === responseUrl));
    expect(JSON.stringify(answer.body).match(/did not come through \(server\)/g)).toHaveLength(2);
  });

  it('dropped connection after processing: follows the execution Dollr has', async () => {
    system.dollr.inject({ route: 'execute', fault: { kind: 'drop' } });
    const card = await approved('payout 7 20 USD drop');
    await waitForThread(system, card, /COMPLETED/);
    expect(executeCalls(system)).toHaveLength(1);
    expect(system.dollr.executions()).toHaveLength(1);
  });
});

describe('final failures', () => {
  it('reports FAILED with the wallet message in the thread and on the card', async () => {
    system.dollr.failNextWith({ walletMessage: 'Insufficient wallet balance' });
    const card = await approved('payout 7 20 USD poor');
    const reply = await waitForThread(system, card, /FAILED/);
    expect(reply).toContain('Wallet: Insufficient wallet balance');
    expect(reply).toContain(`<@${REQUESTER}>`);
    await system.slack.waitFor(
      () => cardText(system, card).includes('Failed: Insufficient wallet balance') || undefined,
    );
  });

  it('reports a 422 on an expired session with Dollr’s message, and does not retry it', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 10 expired');
    // Dollr holds the execute call for a moment (it processes after the delay); meanwhile its clock
    // moves 30 minutes on: past the session's expires_at (10 minutes), within the token's hour.
    system.dollr.inject({ route: 'execute', fault: { kind: 'delay', ms: 150 } });
    await person(system, APPROVER).press(card, 'approve');
    await system.dollr.waitFor((d) => d.calls.find((c) => c.path === '/v1/executions/refund'));
    system.dollr.advanceClock(30 * 60_000);
    const reply = await waitForThread(system, card, /FAILED/);
    expect(reply).toMatch(/session_id: session (not found or expired|is not active)/);
    expect(executeCalls(system)).toHaveLength(1);
    expect(system.dollr.executions()).toHaveLength(0);
    await system.slack.waitFor(() => cardText(system, card).includes('Failed') || undefined);
  });

  it('reports a 403 (unverified merchant) as a failure without executing', async () => {
    system.dollr.configure({ verified: false });
    const card = await approved('refund 4411 10 gated');
    const reply = await waitForThread(system, card, /FAILED/);
    expect(reply).toContain('Merchant account is not verified');
    expect(executeCalls(system)).toHaveLength(0);
  });
});

describe('the Dollr token', () => {
  it('is fetched once, reused, and refreshed once after a 401', async () => {
    const first = await approved('refund 4411 1 one');
    await waitForThread(system, first, /COMPLETED/);
    const tokenCalls = () => system.dollr.calls.filter((c) => c.path === '/v1/jwt/client/obtain/token').length;
    expect(tokenCalls()).toBe(1);
    system.dollr.expireTokens();
    const second = await approved('refund 4411 1 two');
    await waitForThread(system, second, /COMPLETED/);
    expect(tokenCalls()).toBe(2);
    expect(system.dollr.executions()).toHaveLength(2);
    const lines = system.logLines.join('\n');
    expect(lines).not.toContain('test-secret-abcdef');
    const token = system.dollr.calls.at(-1)!.headers.authorization as string;
    expect(lines).not.toContain(token.replace('Bearer ', ''));
    expect(JSON.stringify(system.slack.calls)).not.toContain(token.replace('Bearer ', ''));
  });
});

describe('following an execution', () => {
  it('reports each status change once, in order, while Dollr keeps it PROCESSING', async () => {
    system.dollr.holdNext();
    const card = await approved('payout 9 30 RWF held');
    await waitForThread(system, card, /PROCESSING/);
    const [execution] = system.dollr.executions();
    await system.dollr.waitFor((d) => d.statusRequestCount(execution!.referenceId) >= 3);
    system.dollr.settle(execution!.referenceId, 'COMPLETED', { gatewayMessage: 'Paid by MTN' });
    const done = await waitForThread(system, card, /COMPLETED/);
    expect(done).toContain('Gateway: Paid by MTN');
    const statuses = threadTexts(system, card)
      .map((t) => /\*(PENDING|PROCESSING|COMPLETED|FAILED)\*/.exec(t)?.[1])
      .filter(Boolean);
    expect(statuses).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
  });
});
