import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/adapters/slack/ids.ts';
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import {
  APPROVER,
  APPROVER_2,
  cardText,
  CHANNEL,
  OUTSIDER,
  person,
  REQUESTER,
  startSystem,
  threadTexts,
  waitForCard,
  waitForThread,
  type System,
  type SystemOptions,
} from '../support/system.ts';

let system: System | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function start(options: SystemOptions = {}): Promise<System> {
  system = await startSystem(options);
  return system;
}

const dollrWork = (s: System) =>
  s.dollr.calls.filter((c) => !c.path.startsWith('/v1/jwt') && !c.path.startsWith('/v1/predictions'));

/** Presses any card button by action ID (the person() helper knows approve and reject). */
function pressAction(
  s: System,
  userId: string,
  card: { channel: string; ts: string; requestId: string },
  actionId: string,
) {
  return person(s, userId).press(card, 'approve', undefined, (payload) => {
    (payload.actions as Array<{ action_id: string }>)[0]!.action_id = actionId;
  });
}

async function statusText(s: System, text: string, userId = REQUESTER): Promise<string> {
  const { responseUrl } = await person(s, userId).command(text);
  const post = await s.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === responseUrl));
  return String(post.body.text);
}

describe('cancel', () => {
  it('lets the requester cancel a pending request, and nobody else', async () => {
    const s = await start();
    const card = await person(s, REQUESTER).request('refund 4411 10 oops');
    await pressAction(s, APPROVER, card, ACTIONS.cancel);
    await s.slack.waitFor((f) => f.ephemerals({ user: APPROVER }).find((e) => /Only <@UREQUESTER>/.test(e.text ?? '')));
    await pressAction(s, REQUESTER, card, ACTIONS.cancel);
    await waitForThread(s, card, /Cancelled by/);
    await waitForCard(s, card, 'Cancelled by');
    expect(cardText(s, card)).not.toContain('dollr_approve');
    await person(s, APPROVER).press(card, 'approve');
    await s.slack.waitFor((f) =>
      f.ephemerals({ user: APPROVER }).find((e) => /cancelled by its requester/.test(e.text ?? '')),
    );
    expect(dollrWork(s)).toHaveLength(0);
  });
});

describe('expiry and reminders', () => {
  it(
    'reminds the approvers once, then expires the request: ' +
      'no buttons, nothing executes, a late click is explained',
    async () => {
      const s = await start({
        env: { REMIND_AFTER_MS: '100', PENDING_EXPIRES_AFTER_MS: '600', SWEEP_INTERVAL_MS: '50' },
      });
      const card = await person(s, REQUESTER).request('payout 7 10 USD slow');
      const dm = await s.slack.waitFor((f) =>
        f.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === APPROVER),
      );
      expect(String(dm.args.text)).toContain(card.requestId);
      await waitForThread(s, card, /Expired/);
      await waitForCard(s, card, 'Expired');
      expect(cardText(s, card)).not.toContain('dollr_approve');
      const reminders = s.slack.calls.filter(
        (c) => c.method === 'chat.postMessage' && (c.args.channel === APPROVER || c.args.channel === APPROVER_2),
      );
      expect(reminders).toHaveLength(2);
      expect(reminders.some((c) => c.args.channel === REQUESTER)).toBe(false);
      await person(s, APPROVER).press(card, 'approve');
      await s.slack.waitFor((f) => f.ephemerals({ user: APPROVER }).find((e) => /expired/.test(e.text ?? '')));
      expect(dollrWork(s)).toHaveLength(0);
    },
  );
});

describe('the sweep', () => {
  it('leaves a waiting request alone until its reminder is due, then reminds', async () => {
    // Every lease taken on a request shows a run of its work; the store itself is the real one.
    const store = await createStore('memory://');
    const runs: string[] = [];
    const counting: Store = {
      ...store,
      acquireLease: (name, owner, ttlMs) => {
        runs.push(name);
        return store.acquireLease(name, owner, ttlMs);
      },
    };
    const s = await start({
      env: { REMIND_AFTER_MS: '1500', SWEEP_INTERVAL_MS: '50' },
      overrides: { store: counting },
    });
    const card = await person(s, REQUESTER).request('refund 4411 10 waiting');
    await new Promise((resolve) => setTimeout(resolve, 600)); // About 12 sweeps.
    // The run that posted the card, at most one more that raced it; not one per sweep.
    expect(runs.filter((name) => name.endsWith(card.requestId)).length).toBeLessThanOrEqual(2);
    const dm = await s.slack.waitFor(
      (f) => f.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === APPROVER),
      5000,
    );
    expect(String(dm.args.text)).toContain(card.requestId);
  });
});

describe('approving with a comment', () => {
  it('shows the comment on the card and keeps it in the trail', async () => {
    const s = await start();
    const card = await person(s, REQUESTER).request('refund 4411 10 commented');
    await pressAction(s, APPROVER, card, ACTIONS.approveWithComment);
    const modal = await s.slack.waitFor((f) =>
      f.viewsOpened().find((v) => (v.view as { callback_id?: string }).callback_id === 'dollr_approve_comment'),
    );
    await person(s, APPROVER).submit(modal, { approveComment: 'checked with <!channel> support' });
    await waitForThread(s, card, /COMPLETED/);
    expect(cardText(s, card)).toContain('checked with &lt;!channel&gt; support');
    expect(await statusText(s, `status ${card.requestId}`)).toContain('checked with &lt;!channel&gt; support');
  });
});

describe('the freeze switch', () => {
  it('is for admins only, stops new executions, shows on cards, survives a restart, and lifts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dollr-freeze-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const s = await start({ env: { ADMINS: APPROVER_2, STORE_URL: `sqlite://${join(dir, 'store.sqlite')}` } });
    const card = await person(s, REQUESTER).request('refund 4411 10 frozen');
    expect(await statusText(s, 'freeze', OUTSIDER)).toContain('Only the admins');
    expect(await statusText(s, 'freeze', APPROVER_2)).toContain('frozen');
    await s.slack.waitFor(() => cardText(s, card).includes('Executions are frozen') || undefined);
    await person(s, APPROVER).press(card, 'approve');
    await s.slack.waitFor((f) => f.ephemerals({ user: APPROVER }).find((e) => /frozen/.test(e.text ?? '')));
    expect(dollrWork(s)).toHaveLength(0);
    // The switch survives a restart, and a new card shows it too.
    await s.restart();
    const later = await person(s, REQUESTER).request('refund 4411 11 frozen too');
    expect(cardText(s, later)).toContain('Executions are frozen');

    expect(await statusText(s, 'unfreeze', APPROVER_2)).toContain('unfrozen');
    await s.slack.waitFor(() => !cardText(s, card).includes('Executions are frozen') || undefined);
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/);
  });
});

describe('ALLOWED_CHANNELS', () => {
  it('refuses /dollr elsewhere, ephemerally', async () => {
    const s = await start({ env: { ALLOWED_CHANNELS: CHANNEL } });
    const { response } = await person(s, REQUESTER).command('refund 4411 1 x', { channelId: 'CRANDOM01' });
    expect(response.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining(`<#${CHANNEL}>`),
    });
    expect(s.slack.viewsOpened()).toHaveLength(0);
    await person(s, REQUESTER).request('refund 4411 1 here');
  });
});

describe('limits', () => {
  it('refuses more requests per minute than allowed, with a clear message', async () => {
    const s = await start({ env: { REQUESTS_PER_MINUTE: '2' } });
    const requester = person(s, REQUESTER);
    await requester.request('refund 4411 1 one');
    await requester.request('refund 4411 2 two');
    const view = await requester.openModal('refund 4411 3 three');
    const answer = await requester.submit(view);
    expect(JSON.stringify(answer.json())).toContain('2 requests in the last minute');
  });
});

describe('history and trail', () => {
  it('lists the last requests with state, amount, requester and approvers', async () => {
    const s = await start();
    const first = await person(s, REQUESTER).request('refund 4411 10 first');
    await person(s, APPROVER).press(first, 'approve');
    await waitForThread(s, first, /COMPLETED/);
    const second = await person(s, REQUESTER).request('payout 7 5 USD second');
    const history = await statusText(s, 'history 5');
    expect(history.indexOf(second.requestId)).toBeLessThan(history.indexOf(first.requestId));
    expect(history).toContain('Completed');
    expect(history).toContain(`approved by <@${APPROVER}>`);
    expect(history).toContain('5.00 USD');
    expect(await statusText(s, 'history 1')).not.toContain(first.requestId);
    const trail = await statusText(s, `status ${first.requestId}`);
    for (const step of ['requested by', 'approved by', 'reference', 'session', 'Dollr: COMPLETED'])
      expect(trail).toContain(step);
    expect(threadTexts(s, first).length).toBeGreaterThan(0);
  });
});

describe('checks on the card', () => {
  it('flags a possible duplicate and shows what was already refunded against the payment', async () => {
    const s = await start();
    const first = await person(s, REQUESTER).request('refund 4412 40 first');
    await person(s, APPROVER).press(first, 'approve');
    await waitForThread(s, first, /COMPLETED/);
    const again = await person(s, REQUESTER).request('refund 4412 40 again');
    expect(cardText(s, again)).toContain('Possible duplicate');
    expect(cardText(s, again)).toContain(first.requestId);
    expect(cardText(s, again)).toContain('Already refunded through this app against payment 4412: 40.00');
    const other = await person(s, REQUESTER).request('refund 4413 5 unrelated');
    expect(cardText(s, other)).not.toContain('Possible duplicate');
  });
});

describe('the fee preview on payout cards', () => {
  it("shows Dollr's estimate when it can, as an estimate", async () => {
    const s = await start({ env: { DOLLR_PAYOUT_METHOD: 'MTN_MOMO_LBR' } });
    const card = await person(s, REQUESTER).request('payout 7 10 USD with fees');
    expect(cardText(s, card)).toContain('Estimate from Dollr: fees 1.50 USD, payee receives 10.00 USD');
    const call = s.dollr.calls.find((c) => c.path === '/v1/predictions/amount-and-fees')!;
    expect(call.query).toMatchObject({
      base_amount: '10.00',
      base_currency: 'USD',
      payment_method: 'MTN_MOMO_LBR',
      provider: 'PAWAPAY',
      operation_type: 'PAYOUT',
    });
  });

  it('never blocks the request when Dollr cannot say', async () => {
    const s = await start({ env: { DOLLR_PAYOUT_METHOD: 'MTN_MOMO_LBR' } });
    s.dollr.inject({ route: 'prediction', fault: { kind: 'status', status: 503 } });
    const card = await person(s, REQUESTER).request('payout 7 10 USD no estimate');
    expect(cardText(s, card)).not.toContain('Estimate from Dollr');
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/);
  });

  it('is not asked for without a payout method', async () => {
    const s = await start();
    await person(s, REQUESTER).request('payout 7 10 USD plain');
    expect(s.dollr.calls.filter((c) => c.path.startsWith('/v1/predictions'))).toHaveLength(0);
  });
});
