/**
 * Who may see a request: its requester, the people who may decide it, and the admins. To anyone
 * else `/dollr status` answers exactly as for an unknown ID (by request ID and by reference) without
 * asking Dollr, and `/dollr history` lists only what the asker may see. Refreshing a status from
 * Dollr is limited per person.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APPROVER,
  APPROVER_2,
  OUTSIDER,
  person,
  REQUESTER,
  startSystem,
  type System,
  waitForThread,
} from '../support/system.ts';

const ADMIN = 'UADMIN0001';
let system: System;
beforeEach(async () => {
  // Polls far apart: the Dollr status calls a test sees are the ones /dollr status makes.
  system = await startSystem({ env: { ADMINS: ADMIN, DOLLR_POLL_INTERVAL_MS: '60000' } });
});
afterEach(() => system.stop());

async function answer(userId: string, text: string): Promise<string> {
  const { responseUrl } = await person(system, userId).command(text);
  const post = await system.slack.waitFor((s) => s.responseUrlPosts().find((p) => p.url === responseUrl));
  return String(post.body.text);
}

const statusCalls = () => system.dollr.calls.filter((c) => c.path.startsWith('/v1/status')).length;

describe('who may see a request', () => {
  it('shows it to its requester, its approvers and the admins, and to nobody else', async () => {
    const card = await person(system, REQUESTER).request('refund 4411 25.50 customer Jane Doe, card ending 4242');
    for (const who of [REQUESTER, APPROVER, APPROVER_2, ADMIN]) {
      expect(await answer(who, `status ${card.requestId}`)).toContain('card ending 4242');
    }
    const unknown = (await answer(OUTSIDER, 'status RZZZZZZZZZ')).replace('RZZZZZZZZZ', card.requestId);
    expect(await answer(OUTSIDER, `status ${card.requestId}`)).toBe(unknown);
  });

  it('does not ask Dollr for an outsider, and answers a reference as unknown', async () => {
    system.dollr.configure({ progression: 'manual' });
    const card = await person(system, REQUESTER).request('refund 4411 10 held');
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /PENDING|PROCESSING/);
    const reference = system.dollr.executions()[0]!.referenceId;
    const before = statusCalls();
    const unknown = (await answer(OUTSIDER, `status ${crypto.randomUUID()}`)).replace(/`[^`]+`/, `\`${reference}\``);
    expect(await answer(OUTSIDER, `status ${reference}`)).toBe(unknown);
    expect(statusCalls()).toBe(before);
  });

  it('lists in /dollr history only what the asker may see', async () => {
    const mine = await person(system, REQUESTER).request('refund 4411 10 mine');
    const theirs = await person(system, OUTSIDER).request('refund 4412 11 theirs');
    const outsider = await answer(OUTSIDER, 'history 10');
    expect(outsider).toContain(theirs.requestId);
    expect(outsider).not.toContain(mine.requestId);
    const approver = await answer(APPROVER, 'history 10');
    expect(approver).toContain(mine.requestId);
    expect(approver).toContain(theirs.requestId);
  });

  it("limits one person's status refreshes from Dollr", async () => {
    system.dollr.configure({ progression: 'manual' });
    const card = await person(system, REQUESTER).request('refund 4411 10 refreshes');
    await person(system, APPROVER).press(card, 'approve');
    await waitForThread(system, card, /PENDING|PROCESSING/);
    const asked: number[] = [];
    for (let n = 0; n < 14; n++) {
      const before = statusCalls();
      await answer(REQUESTER, `status ${card.requestId}`);
      asked.push(statusCalls() - before);
    }
    expect(asked).toEqual([...Array(10).fill(1), ...Array(4).fill(0)]);
  });
});
