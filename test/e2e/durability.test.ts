import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/create-store.ts';
import {
  APPROVER,
  cardText,
  CHANNEL,
  person,
  REQUESTER,
  startSystem,
  threadTexts,
  waitForCard,
  waitForThread,
  type System,
} from '../support/system.ts';
import { pollUntil } from '../support/within.ts';

let system: System | undefined;
let dir: string | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function sqliteUrl(): string {
  dir = mkdtempSync(join(tmpdir(), 'dollr-durability-'));
  return `sqlite://${join(dir, 'store.sqlite')}`.replace('sqlite:///', 'sqlite:///');
}

describe('restart', () => {
  it(
    'resumes an execution in flight after a graceful restart, ' + 'and keeps the buttons of older cards working',
    async () => {
      // A long lease: the new app can only take over if the old one released its leases on stop.
      system = await startSystem({ env: { STORE_URL: sqliteUrl(), LEASE_TTL_MS: '60000', SWEEP_INTERVAL_MS: '50' } });
      const waiting = await person(system, REQUESTER).request('refund 4411 10 waiting');
      system.dollr.holdNext();
      const running = await person(system, REQUESTER).request('payout 7 10 USD running');
      await person(system, APPROVER).press(running, 'approve');
      await waitForThread(system, running, /PROCESSING/);

      await system.restart();
      const [execution] = system.dollr.executions();
      system.dollr.settle(execution!.referenceId, 'COMPLETED');
      await waitForThread(system, running, /COMPLETED/);
      expect(system.dollr.executionCount(execution!.referenceId)).toBe(1);

      // The card posted before the restart still works.
      await person(system, APPROVER).press(waiting, 'approve');
      await waitForThread(system, waiting, /COMPLETED/);
      expect(system.dollr.executions()).toHaveLength(2);
      expect(threadTexts(system, running).filter((t) => t.includes('PROCESSING'))).toHaveLength(1);
    },
  );
});

describe('a graceful stop', () => {
  it('finishes the work an ack set off (here, the form a command opens) before it closes its connections', async () => {
    system = await startSystem();
    // The form opens after the ack, and Slack is slow to answer it: the stop comes meanwhile.
    system.slack.inject({ method: 'views.open', fault: { kind: 'delay', ms: 300 } });
    const { response } = await person(system, REQUESTER).command('refund 4411 5 stopping');
    expect(response.status).toBe(200);
    await system.restart();
    expect(system.slack.viewsOpened()).toHaveLength(1);
    expect(system.logLines.filter((line) => /could not open|unhandled error/.test(line))).toEqual([]);
  });
});

describe('a card whose post was not recorded', () => {
  it('is found in the channel and used, never posted a second time', async () => {
    const store = await createStore('memory://');
    const replaceDelivery = store.replaceDelivery.bind(store);
    let failed = false;
    // The card is posted, then the store does not take the write that records it (an outage).
    store.replaceDelivery = (id, next, basedOn) => {
      if (!failed && next.cardTs !== undefined && basedOn.cardTs === undefined) {
        failed = true;
        return Promise.reject(new Error('the store did not answer'));
      }
      return replaceDelivery(id, next, basedOn);
    };
    system = await startSystem({ overrides: { store } });
    const card = await person(system, REQUESTER).request('refund 4411 10 recorded late');
    expect(failed).toBe(true);
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /COMPLETED/);
    const cards = system.slack
      .channel(CHANNEL)
      .filter((m) => !m.thread_ts && JSON.stringify(m.blocks).includes(card.requestId));
    expect(cards).toHaveLength(1);
  });
});

describe('a lease lost while following', () => {
  it('stops polling the request and gives it up; the next sweep follows it again once the lease is free', async () => {
    const store = await createStore('memory://');
    let refuseRenewals = false;
    const renew = store.renewLease.bind(store);
    store.renewLease = (name, owner, ttlMs) => (refuseRenewals ? Promise.resolve(false) : renew(name, owner, ttlMs));
    // Renewals every 100 ms; sweeps every 100 ms.
    system = await startSystem({
      overrides: { store },
      env: { LEASE_TTL_MS: '300', DOLLR_TIMEOUT_MS: '150', SWEEP_INTERVAL_MS: '100' },
    });
    const s = system;
    s.dollr.holdNext();
    const card = await person(s, REQUESTER).request('refund 4411 10 taken over');
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /PROCESSING/);
    const { referenceId } = s.dollr.executions()[0]!;
    const lease = `request:${card.requestId}`;

    // Another replica takes the lease as soon as this one gives it up.
    refuseRenewals = true;
    await pollUntil(() => store.acquireLease(lease, 'other-replica', 60_000), 5000, 'the app to give the lease up', 10);
    refuseRenewals = false;
    const polls = s.dollr.statusRequestCount(referenceId);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // Several poll intervals and sweeps.
    expect(s.dollr.statusRequestCount(referenceId)).toBe(polls);

    await store.releaseLease(lease, 'other-replica');
    await s.dollr.waitFor(() => s.dollr.statusRequestCount(referenceId) > polls || undefined);
    s.dollr.settle(referenceId, 'COMPLETED');
    await waitForThread(s, card, /COMPLETED/);
    expect(s.dollr.executionCount(referenceId)).toBe(1);
  });
});

describe('health', () => {
  it('answers /healthz and /readyz on the HTTP port', async () => {
    system = await startSystem();
    const base = `http://127.0.0.1:${system.running.port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});

describe('a Dollr outage while following', () => {
  it('backs off through 503s and 429s and still reports the final state', async () => {
    system = await startSystem();
    system.dollr.holdNext();
    const card = await person(system, REQUESTER).request('refund 4411 10 outage');
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /PROCESSING/);
    system.dollr.inject({ route: 'status', times: 3, fault: { kind: 'status', status: 503 } });
    system.dollr.inject({ route: 'status', times: 1, fault: { kind: 'rate_limit', retryAfterSeconds: 1 } });
    const [execution] = system.dollr.executions();
    system.dollr.settle(execution!.referenceId, 'COMPLETED');
    await waitForThread(system, card, /COMPLETED/, 10_000);
    expect(system.dollr.executionCount(execution!.referenceId)).toBe(1);
  });

  it('marks a request that stays unfinished too long as needing attention, and keeps following it', async () => {
    system = await startSystem({ env: { NEEDS_ATTENTION_AFTER_MS: '300' } });
    system.dollr.holdNext();
    const card = await person(system, REQUESTER).request('payout 8 10 LRD slow');
    await person(system, APPROVER).press(card, 'approve');
    const note = await waitForThread(system, card, /Needs attention/);
    expect(note).toContain(card.requestId);
    await system.slack.waitFor(() => cardText(system!, card).includes('Needs attention') || undefined);
    const [execution] = system.dollr.executions();
    system.dollr.settle(execution!.referenceId, 'COMPLETED');
    await waitForThread(system, card, /COMPLETED/);
    expect(threadTexts(system, card).filter((t) => t.includes('Needs attention'))).toHaveLength(1);
  });
});

/** Every status a thread tells, in order, whether one reply carries one change or several. */
const statusesIn = (replies: string[]) =>
  [...replies.join('\n').matchAll(/^:\w+: \*?(Approved|PENDING|PROCESSING|COMPLETED)/gm)].map((m) => m[1]);

describe('a Slack outage', () => {
  it('delivers every status change after recovery, in order, without losing one', async () => {
    system = await startSystem();
    const card = await person(system, REQUESTER).request('refund 4411 10 slack down');
    system.slack.inject({
      method: 'chat.postMessage',
      times: 6,
      fault: { kind: 'error', error: 'service_unavailable' },
    });
    system.slack.inject({ method: 'chat.update', times: 2, fault: { kind: 'rate_limit', retryAfterSeconds: 1 } });
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /COMPLETED/, 15_000);
    expect(statusesIn(threadTexts(system, card))).toEqual(['Approved', 'PENDING', 'PROCESSING', 'COMPLETED']);
    expect(system.slack.channel(CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
  });

  it('sends what happened while a reply was held up as one reply, every change in order', async () => {
    system = await startSystem();
    const card = await person(system, REQUESTER).request('refund 4411 10 slack slow');
    // Slack takes 1.5 s to accept the "Approved" reply; Dollr finishes meanwhile (polled every 20 ms).
    system.slack.inject({ method: 'chat.postMessage', fault: { kind: 'delay', ms: 1500 } });
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /COMPLETED/, 10_000);
    const replies = threadTexts(system, card);
    expect(statusesIn(replies)).toEqual(['Approved', 'PENDING', 'PROCESSING', 'COMPLETED']);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toMatch(/^:hourglass_flowing_sand: \*PENDING\*/);
    await waitForCard(system, card, 'Completed');
  });

  it(
    'writes a reply when its turn in a busy channel comes, ' + 'so it carries everything that happened while it waited',
    async () => {
      // One post every 2 s in a channel: the card takes the only token, so the reply to the approval
      // waits about 2 s for its turn, while Dollr finishes (polled every 20 ms).
      system = await startSystem({ env: { SLACK_POSTS_PER_SECOND: '0.5', SLACK_POST_BURST: '1' } });
      const card = await person(system, REQUESTER).request('refund 4411 10 busy channel');
      await person(system, APPROVER).press(card, 'approve');
      await waitForCard(system, card, 'Completed', 10_000);
      const replies = threadTexts(system, card);
      expect(replies).toHaveLength(1);
      expect(statusesIn(replies)).toEqual(['Approved', 'PENDING', 'PROCESSING', 'COMPLETED']);
    },
  );

  it('sends only the newest card update while an older one is held up, and the final one for sure', async () => {
    system = await startSystem();
    const card = await person(system, REQUESTER).request('refund 4411 10 card slow');
    // Slack takes 1.5 s over the "Approved" card update; PROCESSING and COMPLETED come meanwhile.
    system.slack.inject({ method: 'chat.update', fault: { kind: 'delay', ms: 1500 } });
    system.dollr.holdNext();
    await person(system, APPROVER).press(card, 'approve');
    // The thread does not wait for the card: PROCESSING is told while the first update is held up.
    await waitForThread(system, card, /PROCESSING/, 1000);
    system.dollr.settle(system.dollr.executions()[0]!.referenceId, 'COMPLETED');
    await waitForCard(system, card, 'Completed', 10_000);
    const updates = system.slack.calls.filter((c) => c.method === 'chat.update' && c.args.ts === card.ts);
    expect(updates).toHaveLength(2);
    expect(statusesIn(threadTexts(system, card))).toEqual(['Approved', 'PENDING', 'PROCESSING', 'COMPLETED']);
  });
});

describe('APPROVAL_CHANNEL', () => {
  it('posts every card there and tells the requester where', async () => {
    system = await startSystem({ env: { APPROVAL_CHANNEL: 'CAPPROVALS' } });
    const card = await person(system, REQUESTER).request('refund 4411 3 elsewhere', {}, { channelId: 'CSUPPORT1' });
    expect(card.channel).toBe('CAPPROVALS');
    const note = await system.slack.waitFor((s) =>
      s.ephemerals({ user: REQUESTER }).find((e) => e.channel === 'CSUPPORT1'),
    );
    expect(note.text).toContain('<#CAPPROVALS>');
  });
});
