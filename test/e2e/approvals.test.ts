import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIELDS } from '../../src/adapters/slack/ids.ts';
import {
  APPROVER,
  APPROVER_2,
  cardText,
  OUTSIDER,
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

const dollrWork = (s: System) => s.dollr.calls.filter((c) => !c.path.startsWith('/v1/jwt'));

describe('who may decide', () => {
  it('refuses the requester, even when listed as an approver, and changes nothing', async () => {
    await system.stop();
    system = await startSystem({ env: { APPROVERS: `${REQUESTER},${APPROVER}` } });
    const card = await person(system, REQUESTER).request('refund 4411 10 mine');
    const before = cardText(system, card);
    await person(system, REQUESTER).press(card, 'approve');
    const note = await system.slack.waitFor((s) =>
      s.ephemerals({ user: REQUESTER }).find((e) => /someone else/.test(e.text ?? '')),
    );
    expect(note.text).toMatch(/You asked for this request/);
    expect(cardText(system, card)).toBe(before);
    expect(dollrWork(system)).toHaveLength(0);
  });

  it('refuses someone not in APPROVERS, for both buttons', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 10 x');
    const outsider = person(system, OUTSIDER);
    await outsider.press(card, 'approve');
    await outsider.press(card, 'reject');
    await system.slack.waitFor(
      (s) =>
        s
          .ephemerals({ user: OUTSIDER })
          .filter((e) => /Only <@UAPPROVER1>, <@UAPPROVER2> can approve or reject this request/.test(e.text ?? ''))[1],
    );
    expect(
      system.slack
        .viewsOpened()
        .filter((v) => (v.view as { callback_id?: string }).callback_id === 'dollr_reject_reason'),
    ).toHaveLength(0);
    expect(cardText(system, card)).toContain('dollr_approve');
    expect(dollrWork(system)).toHaveLength(0);
  });
});

describe('reject', () => {
  it('asks for a reason, then updates the card without buttons and says so in the thread', async () => {
    const card = await person(system, REQUESTER).request('payout 8 50 LRD bonus');
    const approver = person(system, APPROVER);
    await approver.press(card, 'reject');
    const modal = await system.slack.waitFor((s) =>
      s.viewsOpened().find((v) => (v.view as { callback_id?: string }).callback_id === 'dollr_reject_reason'),
    );

    const empty = await approver.submit(modal, { rejectReason: '  ' });
    expect((empty.json() as { errors: Record<string, string> }).errors[FIELDS.rejectReason]).toMatch(/why/i);

    const answer = await approver.submit(modal, { rejectReason: 'not budgeted <!here>' });
    expect(answer.body).toBe('');
    await system.slack.waitFor(() => cardText(system, card).includes(`Rejected by <@${APPROVER}>`) || undefined);
    expect(cardText(system, card)).toContain('not budgeted &lt;!here&gt;');
    expect(cardText(system, card)).not.toContain('dollr_approve');
    await waitForThread(system, card, /Rejected by/);

    // A late approval changes nothing.
    await person(system, APPROVER_2).press(card, 'approve');
    await system.slack.waitFor((s) =>
      s.ephemerals({ user: APPROVER_2 }).find((e) => /already rejected/.test(e.text ?? '')),
    );
    expect(dollrWork(system)).toHaveLength(0);
  });
});

describe('at most once', () => {
  it('executes once when Approve is clicked twice and Slack retries the click', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 10 dup');
    const approver = person(system, APPROVER);
    await approver.press(card, 'approve');
    await approver.press(card, 'approve');
    await approver.press(card, 'approve', { retryNum: 1 });
    await waitForThread(system, card, /COMPLETED/);
    expect(system.dollr.executions()).toHaveLength(1);
    expect(system.dollr.calls.filter((c) => c.path.startsWith('/v1/sessions'))).toHaveLength(1);
    expect(threadTexts(system, card).filter((t) => t.includes('COMPLETED'))).toHaveLength(1);
  });

  it('executes once when twenty clicks from two approvers arrive at the same moment', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 10 burst');
    const clicks = Array.from({ length: 20 }, (_, i) =>
      person(system, i % 2 ? APPROVER : APPROVER_2).press(card, 'approve'),
    );
    const answers = await Promise.all(clicks);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await waitForThread(system, card, /COMPLETED/);
    const [execution] = system.dollr.executions();
    expect(system.dollr.executions()).toHaveLength(1);
    expect(system.dollr.executionCount(execution!.referenceId)).toBe(1);
    expect(system.dollr.executeRequestCount(execution!.referenceId)).toBe(1);
    expect(threadTexts(system, card).filter((t) => /^:white_check_mark: Approved by/.test(t))).toHaveLength(1);
  });

  it('acknowledges the click before the work: Slack gets its answer while Dollr is still slow', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 10 fast');
    system.dollr.inject({ route: 'session', fault: { kind: 'delay', ms: 3500 } });
    const answer = await person(system, APPROVER).press(card, 'approve');
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeLessThan(3000); // Slack's own deadline, not a speed target
    expect(system.dollr.executions()).toHaveLength(0);
    await waitForThread(system, card, /COMPLETED/, 10_000);
  });
});
