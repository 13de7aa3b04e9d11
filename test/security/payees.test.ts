/**
 * Named payees: an approver sees who is paid, not a bare number. With a list, the payout form offers
 * the named payees, the card shows the payee's name, account and currency, and an account not on the
 * list is refused (a forged submission included), unless the policy allows unnamed accounts: then the
 * card flags it and it needs one more approval. Without a list a typed account works and the card
 * says it is on no list. A change of the list is recorded in the trail of the open requests it touches.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../../src/adapters/slack/ids.ts';
import {
  APPROVER,
  APPROVER_2,
  cardText,
  person,
  REQUESTER,
  type System,
  threadTexts,
  waitForThread,
} from '../support/system.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const tests = systemPerTest('dollr-payees-');

const ACME = { name: 'Acme Supplies Ltd', id: 7, currency: 'USD' };

function policy(extra = '', name = ACME.name): string {
  const file = tests.path('policy.yml');
  writeFileSync(
    file,
    `payees:
  - name: ${name}
    payout_account_id: ${ACME.id}
    currency: ${ACME.currency}
    note: monthly stationery
  - name: Kofi Mensah (contractor)
    payout_account_id: 12
    currency: LRD
${extra}`,
  );
  return file;
}

async function start(env: Record<string, string | undefined>) {
  return tests.start({ env });
}

/** The form's submission answer, for a payout whose payee field holds `account`. */
async function submitPayout(s: System, account: string, extra: Record<string, string> = {}) {
  const requester = person(s, REQUESTER);
  const view = await requester.openModal('payout');
  return { view, answer: await requester.submit(view, { payoutAccountId: account, amount: '40', ...extra }) };
}

describe('named payees', () => {
  it('offers the named payees in the payout form and shows the payee on the card', async () => {
    const s = await start({ APPROVAL_POLICY: policy() });
    const view = await person(s, REQUESTER).openModal('payout 7 40 USD stationery');
    const payee = (view.view.blocks as Array<Record<string, unknown>>).find(
      (b) => b.block_id === FIELDS.payoutAccountId,
    )!;
    expect(payee.label).toMatchObject({ text: 'Payee' });
    expect(JSON.stringify(payee.element)).toContain('Acme Supplies Ltd (account 7, USD)');
    expect(JSON.stringify(payee.element)).toContain('"initial_option"');

    const card = await person(s, REQUESTER).request('payout 7 40 USD stationery');
    const shown = cardText(s, card);
    expect(shown).toContain('*Payee*\\nAcme Supplies Ltd\\naccount 7, USD');
    expect(shown).toContain('monthly stationery');
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/);
  });

  it('refuses an account not on the list, even forged, and a payee in the wrong currency', async () => {
    const s = await start({ APPROVAL_POLICY: policy() });
    const { answer } = await submitPayout(s, '9', { currency: 'USD', reason: 'forged' });
    expect(answer.json()).toMatchObject({
      response_action: 'errors',
      errors: { [FIELDS.payoutAccountId]: expect.stringContaining('not on the payee list') },
    });
    const wrong = await submitPayout(s, '12', { currency: 'USD', reason: 'wrong currency' });
    expect(wrong.answer.json()).toMatchObject({
      errors: { [FIELDS.currency]: expect.stringContaining('is paid in LRD') },
    });
    expect(s.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('lets an unnamed account through where the policy allows it, flagged and with one more approval', async () => {
    const s = await start({ APPROVAL_POLICY: policy('allow_unnamed_payees: true\n') });
    const view = await person(s, REQUESTER).openModal('payout');
    expect(JSON.stringify(view.view)).toContain(FIELDS.unnamedPayoutAccountId);
    const card = await person(s, REQUESTER).request('payout 9 40 USD one-off');
    expect(cardText(s, card)).toContain('9 :warning: not on the payee list: one more approval needed');
    await person(s, APPROVER).press(card, 'approve');
    await s.slack.waitFor(() => threadTexts(s, card).find((t) => t.includes('Approval 1 of 2')));
    expect(s.dollr.executions()).toHaveLength(0);
    await person(s, APPROVER_2).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/);
  });

  it('keeps working without a list, saying on the card that the account is on none', async () => {
    const s = await start({});
    const card = await person(s, REQUESTER).request('payout 7 40 USD no list');
    expect(cardText(s, card)).toContain('*Payout account ID*\\n7 (not on a payee list)');
  });

  it('records a list change in the trail of the open requests it touches, keeping the requested name', async () => {
    // A store that outlives a restart.
    const s = await start({ APPROVAL_POLICY: policy(), STORE_URL: `sqlite://${tests.path('store.sqlite')}` });
    const card = await person(s, REQUESTER).request('payout 7 40 USD before the rename');
    policy('', 'Acme Holdings plc');
    await s.restart();
    const { responseUrl } = await person(s, REQUESTER).command(`status ${card.requestId}`);
    const post = await s.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === responseUrl));
    const answer = String(post.body.text);
    expect(answer).toContain('payee list changed for this account: now "Acme Holdings plc", paid in USD');
    expect(cardText(s, card)).toContain('Acme Supplies Ltd');
    // Once: a second restart with the same list adds nothing.
    await s.restart();
    const trail = (await person(s, REQUESTER).command(`status ${card.requestId}`)).responseUrl;
    const again = await s.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === trail));
    expect(String(again.body.text).match(/payee list changed/g)).toHaveLength(1);
  });
});
