/**
 * Slack's limits, met with the longest inputs the forms and Dollr allow. Slack refuses a whole
 * message for one text over its limit, and refuses every later update of a card it refused once:
 * every text is measured after escaping and shortened, and no Slack failure can end the process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/adapters/slack/ids.ts';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { RequestEvent } from '../../src/core/request/request.ts';
import { aRequest } from '../support/request-builder.ts';
import {
  APPROVER,
  APPROVER_2,
  cardText,
  person,
  REQUESTER,
  startSystem,
  threadTexts,
  waitForCard,
  waitForThread,
  type System,
} from '../support/system.ts';

let dir: string;
let system: System | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dollr-limits-'));
  writeFileSync(
    join(dir, 'two.yml'),
    'rules:\n  - operation: refund\n    tiers:\n      - above: 0\n        approvers_required: 2\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const refusedBySlack = (s: System) =>
  s.slack.calls.filter(
    (c) => !c.result.ok && ['invalid_blocks', 'msg_too_long', 'invalid_arguments'].includes(String(c.result.error)),
  );

async function approveWithComment(
  s: System,
  userId: string,
  card: { channel: string; ts: string; requestId: string },
  comment: string,
) {
  const before = s.slack.viewsOpened().length;
  await person(s, userId).press(card, 'approve', undefined, (payload) => {
    (payload.actions as Array<{ action_id: string }>)[0]!.action_id = ACTIONS.approveWithComment;
  });
  const modal = await s.slack.waitFor((f) =>
    f
      .viewsOpened()
      .slice(before)
      .find((v) => (v.view as { callback_id?: string }).callback_id === 'dollr_approve_comment'),
  );
  const answer = await person(s, userId).submit(modal, { approveComment: comment });
  expect(answer.body).toBe('');
}

describe("Slack's limits", () => {
  it('keeps a card updating to its end with two comments full of & (2,500 characters each, escaped)', async () => {
    system = await startSystem({ env: { APPROVAL_POLICY: join(dir, 'two.yml') } });
    const s = system;
    const card = await person(s, REQUESTER).request('refund 4411 10 ampersands');
    await approveWithComment(s, APPROVER, card, '&'.repeat(500));
    await waitForCard(s, card, '1 of 2 approvals');
    await approveWithComment(s, APPROVER_2, card, '&'.repeat(500));
    await waitForThread(s, card, /COMPLETED/);
    const final = await waitForCard(s, card, 'Completed.');
    expect(final).not.toContain('"type":"actions"'); // No live buttons on a completed request.
    expect(refusedBySlack(s)).toEqual([]);
  });

  it('reports a failure whose text from Dollr is far longer than Slack takes', async () => {
    system = await startSystem();
    const s = system;
    const card = await person(s, REQUESTER).request('refund 4411 10 long failure');
    s.dollr.failNextWith({ gatewayMessage: '<declined & refused> '.repeat(400) });
    await person(s, APPROVER).press(card, 'approve');
    const reply = await waitForThread(s, card, /FAILED/);
    expect(reply).toContain('(shortened; the audit export has it in full)');
    await waitForCard(s, card, 'Failed:');
    expect(refusedBySlack(s)).toEqual([]);
  });

  it('answers /dollr status within 40,000 characters however long the trail, saying what it left out', async () => {
    const store = await createStore('memory://');
    system = await startSystem({ overrides: { store } });
    const s = system;
    const at = '2026-12-01T10:00:00.000Z';
    const events: RequestEvent[] = [{ type: 'requested', by: REQUESTER, at }];
    for (let i = 0; i < 80; i++)
      events.push({ type: 'slack_failed', event: 'status', message: `${i} ${'<&>'.repeat(400)}`, at });
    const request = aRequest({
      id: 'RLONGTRA1L',
      requesterId: REQUESTER,
      state: 'rejected',
      events,
    });
    await store.insert(request);
    await store.replaceDelivery(request.id, { told: events.length }, await store.getDelivery(request.id));
    const { responseUrl } = await person(s, REQUESTER).command('status RLONGTRA1L');
    const post = await s.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === responseUrl));
    const text = String(post.body.text);
    expect(post.status).toBe(200);
    expect(text.length).toBeLessThanOrEqual(40_000);
    expect(text).toMatch(/entries left out here; `npm run audit:export` has every one/);
    expect(text).toContain('requested by');
    expect(text).toContain('79 '); // The latest entry is kept.
  });

  it('opens the form with a reason typed after the command too long for it, shortened and said so', async () => {
    system = await startSystem();
    const s = system;
    const view = await person(s, REQUESTER).openModal(`refund 4411 10 ${'r'.repeat(600)}`);
    const reason = (
      view.view.blocks as Array<{ block_id: string; element: { initial_value?: string }; hint?: { text: string } }>
    ).find((b) => b.block_id === 'reason')!;
    expect(reason.element.initial_value).toHaveLength(500);
    expect(reason.hint?.text).toMatch(/shortened to fit/);
  });

  it('goes on when the final reply and card update are both refused (the channel archived meanwhile)', async () => {
    system = await startSystem();
    const s = system;
    const card = await person(s, REQUESTER).request('refund 4411 10 archived meanwhile');
    s.dollr.holdNext();
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /PROCESSING/);
    s.slack.setConversation(card.channel, { archived: true });
    s.dollr.settle(s.dollr.executions()[0]!.referenceId, 'COMPLETED');
    await s.slack.waitFor(
      (f) => f.calls.some((c) => c.method === 'chat.update' && c.result.error === 'is_archived') || undefined,
    );
    await s.slack.waitFor(
      (f) => f.calls.some((c) => c.method === 'chat.postMessage' && c.result.error === 'is_archived') || undefined,
    );
    // Still alive: it answers and takes the next request elsewhere.
    expect((await fetch(`http://127.0.0.1:${s.running.port}/healthz`)).status).toBe(200);
    const next = await person(s, REQUESTER).request('refund 4411 5 next one', {}, { channelId: 'COTHER0001' });
    expect(cardText(s, next)).toContain('Awaiting approval');
    expect(threadTexts(s, card).some((t) => t.includes('COMPLETED'))).toBe(false);
  });
});
