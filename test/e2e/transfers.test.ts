/**
 * `/dollr transfer`: the merchant's wallet (DOLLR_TRANSFER_WALLET_ID) to a named counterparty's Dollr
 * wallet, through the same form, card, policy, limits and exactly-once execution as refunds and
 * payouts. Counterparties are named in the policy; a transfer never goes to a bare number.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../../src/adapters/slack/ids.ts';
import type { FakeDollrOptions } from '../../src/fakes/fake-dollr.ts';
import {
  APPROVER,
  APPROVER_2,
  cardText,
  person,
  REQUESTER,
  threadTexts,
  waitForCard,
  waitForThread,
  type System,
} from '../support/system.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const tests = systemPerTest('dollr-transfers-');

/** The fake's USD wallet; its counterparties 21-23 are known to it. */
const USD_WALLET = '501';

function policy(rules = ''): string {
  const file = tests.path('policy.yml');
  writeFileSync(
    file,
    `counterparties:
  - name: Northwind Logistics
    counterparty_id: 21
    currency: USD
    note: freight, monthly
  - name: Lagos Branch
    counterparty_id: 22
    currency: USD
${rules}`,
  );
  return file;
}

async function start(env: Record<string, string | undefined>, dollr: FakeDollrOptions = {}) {
  return tests.start({ env, dollr });
}

const transferCalls = (s: System) => s.dollr.calls.filter((c) => /\/(sessions|executions)\/transfer$/.test(c.path));

describe('a transfer, end to end', () => {
  it('goes from /dollr transfer to a completed thread, from the configured wallet, executed once', async () => {
    const s = await start({ DOLLR_TRANSFER_WALLET_ID: USD_WALLET, APPROVAL_POLICY: policy() });
    const view = await person(s, REQUESTER).openModal('transfer 21 250 March freight');
    const to = (view.view.blocks as Array<Record<string, unknown>>).find((b) => b.block_id === FIELDS.counterpartyId)!;
    expect(JSON.stringify(to.element)).toContain('Northwind Logistics (counterparty 21, USD)');
    expect(JSON.stringify(to.element)).toContain('"initial_option"');
    expect(JSON.stringify(view.view)).not.toContain(`"block_id":"${FIELDS.currency}"`);

    const card = await person(s, REQUESTER).request('transfer 21 250 March freight');
    const shown = cardText(s, card);
    expect(shown).toContain('Transfer');
    expect(shown).toContain('*To*\\nNorthwind Logistics\\ncounterparty 21, USD');
    expect(shown).toContain('freight, monthly');
    expect(shown).toContain('250.00 USD');
    expect(transferCalls(s)).toHaveLength(0);

    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/);
    const [session, execute] = transferCalls(s);
    expect(session!.body).toMatchObject({
      from_wallet_id: 501,
      to_counterparty_id: 21,
      amount: 250,
      currency: 'USD',
      expires_at: expect.any(String),
    });
    expect(execute!.body).toMatchObject({ reference_id: expect.any(String), session_id: expect.any(String) });
    const [execution] = s.dollr.executions();
    expect(execution).toMatchObject({ operation: 'transfer', counterpartyId: 21, payeeAmount: '250.00' });
    expect(s.dollr.executionCount(execution!.referenceId)).toBe(1);
    await waitForCard(s, card, 'Completed');

    const { responseUrl } = await person(s, REQUESTER).command(`status ${card.requestId}`);
    const answer = await s.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === responseUrl));
    expect(JSON.stringify(answer.body)).toContain('Transfer of 250.00 USD to Northwind Logistics (counterparty 21)');
  });

  it('applies the policy: tiers, the daily limit per currency, never the requester', async () => {
    const rules = `rules:
  - operation: transfer
    currency: USD
    daily_limit: 300
    tiers:
      - above: 200
        approvers_required: 2
`;
    const s = await start({
      DOLLR_TRANSFER_WALLET_ID: USD_WALLET,
      APPROVAL_POLICY: policy(rules),
      APPROVERS: `${APPROVER},${APPROVER_2}`,
    });
    const card = await person(s, REQUESTER).request('transfer 22 250 branch float');
    expect(cardText(s, card)).toContain('2 approvals (transfers above 200.00 USD)');
    await person(s, REQUESTER).press(card, 'approve');
    await person(s, APPROVER).press(card, 'approve');
    await waitForCard(s, card, '1 of 2 approvals');
    expect(transferCalls(s)).toHaveLength(0);
    await person(s, APPROVER_2).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/);

    // 250 of 300 used today: 60 more is refused on the amount, before anything is stored.
    const view = await person(s, REQUESTER).openModal('transfer 21 60 one more');
    const answer = await person(s, REQUESTER).submit(view);
    expect(answer.json()).toMatchObject({
      response_action: 'errors',
      errors: { [FIELDS.amount]: expect.stringContaining("would pass today's limit of 300.00 USD") },
    });
    await person(s, REQUESTER).request('transfer 21 50 within the limit');
  });

  it('refuses a counterparty that is not on the list, a forged submission too', async () => {
    const s = await start({ DOLLR_TRANSFER_WALLET_ID: USD_WALLET, APPROVAL_POLICY: policy() });
    const view = await person(s, REQUESTER).openModal('transfer 23 10 not listed');
    const to = (view.view.blocks as Array<Record<string, unknown>>).find((b) => b.block_id === FIELDS.counterpartyId)!;
    expect(JSON.stringify(to.element)).not.toContain('"initial_option"');
    const answer = await person(s, REQUESTER).submit(view, { counterpartyId: '23' });
    expect(answer.json()).toMatchObject({
      response_action: 'errors',
      errors: { [FIELDS.counterpartyId]: 'Choose a counterparty from the list.' },
    });
    expect(s.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('says what is missing when transfers are not set up, and opens no form', async () => {
    for (const env of [{ APPROVAL_POLICY: policy() }, { DOLLR_TRANSFER_WALLET_ID: USD_WALLET }]) {
      const s = await start(env);
      const { response } = await person(s, REQUESTER).command('transfer 21 10 x');
      expect(response.json()).toMatchObject({
        response_type: 'ephemeral',
        text: expect.stringContaining('Transfers are not set up in this app yet'),
      });
      expect((response.json() as { text: string }).text).toContain('DOLLR_TRANSFER_WALLET_ID');
      expect(s.slack.viewsOpened()).toHaveLength(0);
      expect(s.logLines.join('\n')).toMatch(/transfers are refused/);
      await tests.stop();
    }
  });

  it('a strict Dollr that drops the answer and refuses the replay: one transfer, followed to the end', async () => {
    const s = await start(
      { DOLLR_TRANSFER_WALLET_ID: USD_WALLET, APPROVAL_POLICY: policy() },
      { strict: { replays: 'duplicate', statusLag: 2 } },
    );
    s.dollr.inject({ route: 'execute', fault: { kind: 'drop' } });
    const card = await person(s, REQUESTER).request('transfer 21 40 dropped answer');
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/, 10_000);
    expect(s.dollr.executions()).toHaveLength(1);
    const [execution] = s.dollr.executions();
    expect(s.dollr.executionCount(execution!.referenceId)).toBe(1);
    // Every question after the dropped answer was about the same reference, on the transfer route.
    const statuses = s.dollr.calls.filter((c) => c.path.startsWith('/v1/status/'));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((c) => c.path === `/v1/status/transfer/${execution!.referenceId}`)).toBe(true);
    expect(threadTexts(s, card).join('\n')).not.toMatch(/no money moved/i);
  });

  it("a failed transfer (the wallet is short) says Dollr's words", async () => {
    const s = await start({ DOLLR_TRANSFER_WALLET_ID: USD_WALLET, APPROVAL_POLICY: policy() });
    s.dollr.failNextWith({ walletMessage: 'Insufficient wallet balance' });
    const card = await person(s, REQUESTER).request('transfer 21 40 short wallet');
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /FAILED/);
    expect(threadTexts(s, card).join('\n')).toContain('Insufficient wallet balance');
    expect(s.dollr.executions()).toMatchObject([{ operation: 'transfer', status: 'FAILED' }]);
  });
});
