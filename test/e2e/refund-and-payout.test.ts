import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIELDS } from '../../src/adapters/slack/ids.ts';
import {
  APPROVER,
  cardText,
  CHANNEL,
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

describe('a refund, end to end', () => {
  it('goes from /dollr refund to a completed thread reply, executed exactly once', async () => {
    const requester = person(system, REQUESTER);
    const view = await requester.openModal('refund 4411 25.50 duplicate charge');
    expect(JSON.stringify(view.view)).toContain('"initial_value":"4411"');
    expect(JSON.stringify(view.view)).toContain('"initial_value":"duplicate charge"');
    // Only the start's check of the credentials (a token request) has reached Dollr so far.
    expect(system.dollr.calls.map((c) => c.path)).toEqual(['/v1/jwt/client/obtain/token']);

    const card = await requester.request('refund 4411 25.50 duplicate charge');
    expect(card.channel).toBe(CHANNEL);
    const shown = cardText(system, card);
    expect(shown).toContain("25.50 (in the original payment's currency)");
    expect(shown).toContain('4411');
    expect(shown).toContain('duplicate charge');
    expect(shown).toContain(`<@${REQUESTER}>`);
    expect(shown).toContain(card.requestId);
    expect(shown).toContain('"action_id":"dollr_approve"');
    expect(shown).toContain('"confirm"');
    await system.slack.waitFor((s) =>
      s.ephemerals({ user: REQUESTER }).find((e) => e.text?.includes('waiting for approval')),
    );
    // Nothing goes to Dollr before approval.
    expect(
      system.dollr.calls.filter((c) => c.path.startsWith('/v1/sessions') || c.path.startsWith('/v1/executions')),
    ).toHaveLength(0);

    const click = await person(system, APPROVER).press(card, 'approve');
    expect(click.status).toBe(200);
    await system.slack.waitFor(() => cardText(system, card).includes(`Approved by <@${APPROVER}>`) || undefined);

    await waitForThread(system, card, /COMPLETED/);
    await system.slack.waitFor(() => cardText(system, card).includes('Completed') || undefined);
    expect(cardText(system, card)).not.toContain('dollr_approve');

    const [execution] = system.dollr.executions();
    expect(execution).toMatchObject({ operation: 'refund', status: 'COMPLETED' });
    expect(system.dollr.executionCount(execution!.referenceId)).toBe(1);
    expect(execution!.referenceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const session = system.dollr.calls.find((c) => c.path === '/v1/sessions/refund')!;
    expect(session.body).toMatchObject({ original_payment_intent_id: 4411, amount: 25.5, reason: 'duplicate charge' });
    const expiresAt = Date.parse((session.body as { expires_at: string }).expires_at);
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(expiresAt).toBeLessThan(Date.now() + 30 * 60_000);

    const replies = threadTexts(system, card);
    expect(replies.some((t) => t.includes('PENDING') || t.includes('PROCESSING'))).toBe(true);
    const completed = replies.find((t) => t.includes('COMPLETED'))!;
    expect(completed).toContain(execution!.referenceId);
    expect(completed).toContain('25.50 USD');
    expect(completed).toContain(`<@${REQUESTER}>`);
  });
});

describe('a payout, end to end', () => {
  it('sends the passcode built from configuration and the account ID as a string', async () => {
    const card = await person(system, REQUESTER).request('payout 7 100 USD salary advance');
    expect(cardText(system, card)).toContain('100.00 USD');
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /COMPLETED/);

    const session = system.dollr.calls.find((c) => c.path === '/v1/sessions/payout')!;
    expect(session.body).toEqual({ payout_account_id: 7, amount: 100, currency: 'USD' });
    const execute = system.dollr.calls.find((c) => c.path === '/v1/executions/payout')!;
    expect(execute.body).toMatchObject({
      payout_account_id: '7',
      passcode: { token: { code: '123456', phone: '231771234567' }, device: { type: 'SERVER', platform: 'NODE' } },
    });
    expect(typeof (execute.body as { session_id: unknown }).session_id).toBe('string');
    // The passcode went to Dollr and nowhere else.
    expect(JSON.stringify(system.slack.calls)).not.toContain('123456');
  });

  it('is refused with a clear message when payouts are not configured; refunds still work', async () => {
    await system.stop();
    system = await startSystem({ env: { DOLLR_PAYOUT_PASSCODE: undefined, DOLLR_PAYOUT_PHONE: undefined } });
    const { response } = await person(system, REQUESTER).command('payout 7 100 USD x');
    expect(response.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/DOLLR_PAYOUT_PASSCODE/),
    });
    expect(system.slack.viewsOpened()).toHaveLength(0);
    await person(system, REQUESTER).request('refund 4411 1 test');
  });
});

describe('the modal', () => {
  it('shows each problem next to its field and posts nothing', async () => {
    const requester = person(system, REQUESTER);
    const view = await requester.openModal('refund');
    const answer = await requester.submit(view, { originalPaymentIntentId: 'abc', amount: '10.123', reason: '' });
    expect(answer.status).toBe(200);
    const body = answer.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[FIELDS.originalPaymentIntentId]).toMatch(/positive whole number/);
    expect(body.errors[FIELDS.amount]).toMatch(/at most 2 decimals/);
    expect(body.errors[FIELDS.reason]).toMatch(/reason/i);
    expect(system.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('offers only USD, LRD and RWF for payouts and validates the choice', async () => {
    const requester = person(system, REQUESTER);
    const view = await requester.openModal('payout 7 10');
    expect(JSON.stringify(view.view)).toMatch(/"USD".*"LRD".*"RWF"/);
    const answer = await requester.submit(view, { currency: 'EUR', reason: 'x' });
    expect((answer.json() as { errors: Record<string, string> }).errors[FIELDS.currency]).toMatch(/USD, LRD, RWF/);
  });

  it('makes one request of a submission that Slack delivers twice', async () => {
    const requester = person(system, REQUESTER);
    const view = await requester.openModal('refund 4411 5 twice');
    await requester.submit(view);
    await requester.submit(view, {}, { retryNum: 1 });
    await system.slack.waitFor((s) => s.ephemerals({ user: REQUESTER })[0]);
    expect(system.slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts)).toHaveLength(1);
  });
});

describe('help', () => {
  it.each(['', 'help', 'frobnicate'])('answers /dollr %j with ephemeral help', async (text) => {
    const { response } = await person(system, REQUESTER).command(text);
    const body = response.json() as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/dollr refund');
    expect(body.text).toContain('/dollr status');
  });
});
