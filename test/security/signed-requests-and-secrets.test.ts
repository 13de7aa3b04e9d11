import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
import { FAKE_BOT_TOKEN } from '../../src/fakes/fake-slack.ts';

let system: System;
beforeEach(async () => {
  system = await startSystem();
});
afterEach(async () => {
  await system.stop();
});

describe('signed requests', () => {
  it('refuses a forged signature and does nothing', async () => {
    const { response } = await person(system, REQUESTER).command('refund 4411 1 x', {
      send: { signature: `v0=${'ab'.repeat(32)}` },
    });
    expect(response.status).toBe(401);
    expect(system.slack.viewsOpened()).toHaveLength(0);
  });

  it('refuses a request signed more than 5 minutes ago', async () => {
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const { response } = await person(system, REQUESTER).command('help', { send: { timestamp: stale } });
    expect(response.status).toBe(401);
  });

  it('refuses a forged button click', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 1 x');
    const answer = await person(system, APPROVER).press(card, 'approve', { signature: 'v0=00' });
    expect(answer.status).toBe(401);
    expect(cardText(system, card)).toContain('dollr_approve');
  });
});

describe('what a button may carry', () => {
  it('executes what the store holds, whatever the payload says', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 10 honest');
    await person(system, APPROVER).press(card, 'approve', undefined, (payload) => {
      const message = payload.message as { blocks: unknown[] };
      message.blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Refund 99 to 4413' } }];
      (payload.actions as Array<{ block_id: string }>)[0]!.block_id = 'decide:RZZZZZZZZZ';
    });
    await waitForThread(system, card, /COMPLETED/);
    const session = system.dollr.calls.find((c) => c.path === '/v1/sessions/refund')!;
    expect(session.body).toMatchObject({ original_payment_intent_id: 4411, amount: 10 });
  });

  it('refuses a button value that is not a request ID', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 10 honest');
    await person(system, APPROVER).press(card, 'approve', undefined, (payload) => {
      (payload.actions as Array<{ value: string }>)[0]!.value = '{"amount":99}';
    });
    await system.slack.waitFor((s) =>
      s.ephemerals({ user: APPROVER }).find((e) => /does not belong/.test(e.text ?? '')),
    );
    expect(system.dollr.executions()).toHaveLength(0);
  });
});

describe('hostile text', () => {
  it('renders mentions, broadcasts and links in a reason as text, everywhere', async () => {
    const reason = '<!channel> <@UBOSS> <https://evil.example|click> & more';
    const card = await person(system, REQUESTER).request(`refund 4411 10 ${reason}`);
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /COMPLETED/);
    // Every message; a modal's input keeps the raw text in its editable initial value, which Slack never renders as
    // mrkdwn.
    const everything = JSON.stringify(
      system.slack.calls.filter((c) => c.method.startsWith('chat.')).map((c) => c.args),
    );
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('<@UBOSS>');
    expect(everything).not.toContain('<https://evil.example');
    expect(cardText(system, card)).toContain(
      '&lt;!channel&gt; &lt;@UBOSS&gt; &lt;https://evil.example|click&gt; &amp; more',
    );
    // Dollr gets the reason as typed.
    expect(system.dollr.calls.find((c) => c.path === '/v1/sessions/refund')!.body).toMatchObject({ reason });
  });
});

describe('secrets', () => {
  it('never reach a log line or a Slack call, through a refund and a payout', async () => {
    const refund = await person(system, REQUESTER).request('refund 4411 10 one');
    const payout = await person(system, REQUESTER).request('payout 7 10 USD two');
    await person(system, APPROVER).press(refund, 'approve');
    await person(system, APPROVER).press(payout, 'approve');
    await waitForThread(system, refund, /COMPLETED/);
    await waitForThread(system, payout, /COMPLETED/);
    const token = String(system.dollr.calls.find((c) => c.headers.authorization)!.headers.authorization).replace(
      'Bearer ',
      '',
    );
    const secrets = [FAKE_BOT_TOKEN, 'test-signing-secret-0123456789', 'test-secret-abcdef', '123456', token];
    const logs = system.logLines.join('\n');
    const slackPayloads = JSON.stringify(system.slack.calls.map((c) => c.args));
    expect(system.logLines.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(slackPayloads).not.toContain(secret);
    }
    expect(threadTexts(system, payout).join()).toContain('COMPLETED');
    expect(CHANNEL).toBeTruthy();
  });
});
