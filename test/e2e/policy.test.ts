import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const CFO = 'U0CFO00001';
let dir: string;
let system: System | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dollr-policy-'));
  writeFileSync(
    join(dir, 'policy.yml'),
    `approvers: [S0FINANCE]
rules:
  - operation: refund
    max_amount: 1000
    tiers:
      - above: 500
        approvers_required: 2
        levels:
          - [S0FINANCE]
          - [${CFO}]
  - operation: payout
    currency: USD
    daily_limit: 100
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

async function start(): Promise<System> {
  system = await startSystem({
    env: { APPROVAL_POLICY: join(dir, 'policy.yml'), APPROVERS: APPROVER },
    slack: { usergroups: { S0FINANCE: [APPROVER, APPROVER_2, REQUESTER] } },
  });
  return system;
}

const dollrWork = (s: System) =>
  s.dollr.calls.filter((c) => c.path.startsWith('/v1/sessions') || c.path.startsWith('/v1/executions'));

describe('an approval policy file', () => {
  it('needs 2 of 2 above the threshold: a finance group member, then the CFO; nobody counts twice', async () => {
    const s = await start();
    const card = await person(s, REQUESTER).request('refund 4412 600 large');
    expect(cardText(s, card)).toContain('Needs 2 approvals (refunds above 500.00)');

    // The requester is in the group, but never counts.
    await person(s, REQUESTER).press(card, 'approve');
    await s.slack.waitFor((f) => f.ephemerals({ user: REQUESTER }).find((e) => /someone else/.test(e.text ?? '')));
    // The CFO cannot give the first approval: it is finance's.
    await person(s, CFO).press(card, 'approve');
    await s.slack.waitFor((f) =>
      f
        .ephemerals({ user: CFO })
        .find((e) => /Approval 1 of 2 can only be given by <!subteam\^S0FINANCE>/.test(e.text ?? '')),
    );

    // A member of the finance group (resolved through usergroups.users.list) gives the first.
    await person(s, APPROVER_2).press(card, 'approve');
    await s.slack.waitFor(() => cardText(s, card).includes(`1 of 2 approvals: <@${APPROVER_2}>`) || undefined);
    await waitForThread(s, card, /Approval 1 of 2 by/);
    expect(dollrWork(s)).toHaveLength(0);

    // The same approver again does not count; another finance member may not give the CFO's.
    await person(s, APPROVER_2).press(card, 'approve');
    await s.slack.waitFor((f) => f.ephemerals({ user: APPROVER_2 }).find((e) => /already approved/.test(e.text ?? '')));
    await person(s, APPROVER).press(card, 'approve');
    await s.slack.waitFor((f) =>
      f
        .ephemerals({ user: APPROVER })
        .find((e) => /Approval 2 of 2 can only be given by <@U0CFO00001>/.test(e.text ?? '')),
    );
    expect(dollrWork(s)).toHaveLength(0);

    await person(s, CFO).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/);
    expect(s.dollr.executions()).toHaveLength(1);
    expect(threadTexts(s, card).some((t) => t.includes(`Approved by <@${CFO}> (2 of 2)`))).toBe(true);
    // Group members are cached: one lookup served every check.
    expect(s.slack.calls.filter((c) => c.method === 'usergroups.users.list')).toHaveLength(1);
  });

  it('refuses outright above the maximum, in the form', async () => {
    const s = await start();
    const requester = person(s, REQUESTER);
    const view = await requester.openModal('refund 4412 1000.01 too much');
    const answer = await requester.submit(view);
    expect((answer.json() as { errors: Record<string, string> }).errors[FIELDS.amount]).toMatch(
      /above 1,000.00 are not allowed/,
    );
  });

  it('refuses a request that would pass the daily limit', async () => {
    const s = await start();
    const first = await person(s, REQUESTER).request('payout 7 80 USD first');
    await person(s, APPROVER).press(first, 'approve');
    await waitForThread(s, first, /COMPLETED/);
    const requester = person(s, REQUESTER);
    const view = await requester.openModal('payout 7 30 USD second');
    const answer = await requester.submit(view);
    expect((answer.json() as { errors: Record<string, string> }).errors[FIELDS.amount]).toMatch(
      /would pass today's limit of 100.00 USD \(80.00 USD already executed today\)/,
    );
    // Other currencies have their own (no) limit.
    await person(s, REQUESTER).request('payout 7 30 LRD other currency');
  });

  it('refuses approvals past the daily limit, and gives back what failed at Dollr', async () => {
    const s = await start();
    const cards = [];
    for (const n of [1, 2, 3]) cards.push(await person(s, REQUESTER).request(`payout 7 60 USD at once ${n}`));
    // Each fits the limit alone (60 of 100); approved together, only one may execute.
    s.dollr.holdNext();
    const clicks = await Promise.all(cards.map((card) => person(s, APPROVER).press(card, 'approve')));
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    const refusals = (f: typeof s.slack) =>
      f
        .ephemerals({ user: APPROVER })
        .filter((e) => /would pass today's limit of 100.00 USD \(60.00 USD/.test(e.text ?? ''));
    await s.slack.waitFor((f) => refusals(f).length === 2 || undefined);
    const winner = cards.find((card) => threadTexts(s, card).some((t) => /Approved by/.test(t)))!;
    await waitForThread(s, winner, /PROCESSING/);
    expect(s.dollr.executions()).toHaveLength(1);
    // It fails at Dollr (no money moved): its 60 are given back, so another one fits now.
    s.dollr.settle(s.dollr.executions()[0]!.referenceId, 'FAILED', { walletMessage: 'Insufficient wallet balance' });
    await waitForThread(s, winner, /FAILED/);
    const next = cards.find((card) => card !== winner)!;
    await person(s, APPROVER).press(next, 'approve');
    await waitForThread(s, next, /COMPLETED/);
  });

  it('lets a group member who is not in APPROVERS approve, and refuses an outsider', async () => {
    const s = await start();
    const card = await person(s, REQUESTER).request('refund 4411 5 small');
    await person(s, OUTSIDER).press(card, 'approve');
    await s.slack.waitFor((f) =>
      f.ephemerals({ user: OUTSIDER }).find((e) => /Only <!subteam\^S0FINANCE> can approve/.test(e.text ?? '')),
    );
    await person(s, APPROVER_2).press(card, 'approve');
    await waitForThread(s, card, /COMPLETED/);
  });
});
