/**
 * Batch refunds: `/dollr refund batch` takes up to 100 lines of `payment ID, amount, reason`, each
 * checked in the form with its line number. One card and one approval for the batch; the policy
 * applies to the total and to each line; each line then executes as a refund of its own, with its own
 * reference, exactly once; the card counts them and the thread says when all have ended.
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
  CHANNEL,
  type FieldValues,
  REQUESTER,
  threadTexts,
  waitForCard,
  waitForThread,
  type System,
} from '../support/system.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const tests = systemPerTest('dollr-batches-');

async function start(env: Record<string, string> = {}, dollr: FakeDollrOptions = {}) {
  const system = await tests.start({ env, dollr });
  // Completed payments 5001..5020 of 100.00 USD each, to refund.
  for (let id = 5001; id <= 5020; id++) system.dollr.seedCollection({ id, amount: 100, currency: 'USD' });
  return system;
}

const refundExecutions = (s: System) => s.dollr.executions().filter((e) => e.operation === 'refund');

describe('a batch of refunds', () => {
  it('is one card and one approval; each line executes once, and the thread says how it ended', async () => {
    const s = await start();
    const view = await person(s, REQUESTER).openModal('refund batch incident 42: charged twice');
    expect((view.view as { title: { text: string } }).title.text).toBe('Request batch refunds');
    // Line 3 asks more than its payment's 100.00: Dollr refuses that session, and only that line fails.
    const lines = '5001, 10.00\n5002, 20.50, wrong size\n5003, 150\n5004, 40';
    const card = await person(s, REQUESTER).request('refund batch incident 42: charged twice', { batchLines: lines });
    const shown = cardText(s, card);
    expect(shown).toContain('Refund batch request');
    expect(shown).toContain('220.50 in all');
    expect(shown).toContain('*Lines*\\n4; the largest 150.00 (line 3, payment 5003)');
    expect(shown).toContain('2. payment 5002: 20.50 _wrong size_');
    expect(shown).toContain('1. payment 5001: 10.00 _incident 42: charged twice_');
    expect(s.dollr.calls.filter((c) => c.path.startsWith('/v1/sessions'))).toHaveLength(0);

    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /Batch ended/, 10_000);
    const thread = threadTexts(s, card).join('\n');
    expect(thread).toContain('Executing 4 refunds, each with its own reference');
    expect(thread).toContain('*Batch ended*: 3 of 4 completed; 1 failed: line 3.');
    // One reply per step of the batch, not one per line.
    expect(threadTexts(s, card).length).toBeLessThanOrEqual(3);
    await waitForCard(s, card, 'Partly completed: 3 of 4 completed, 1 failed (line 3)');

    const executions = refundExecutions(s);
    expect(executions.map((e) => e.originalPaymentIntentId).sort()).toEqual([5001, 5002, 5004]);
    for (const e of executions) expect(s.dollr.executionCount(e.referenceId)).toBe(1);
    expect(new Set(executions.map((e) => e.referenceId)).size).toBe(3);

    const { responseUrl } = await person(s, REQUESTER).command(`status ${card.requestId}`);
    const answer = await s.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === responseUrl));
    const said = JSON.stringify(answer.body);
    expect(said).toContain('Partly completed');
    for (const e of executions) expect(said).toContain(e.referenceId);
    expect(said).toMatch(/3\. payment 5003, 150\.00: Failed, reference `[^`]+`: Dollr did not create the session/);
    // The lines are not listed one by one in the history: their batch is.
    const history = await person(s, REQUESTER).command('history');
    const listed = await s.slack.waitFor((f) => f.responseUrlPosts().find((p) => p.url === history.responseUrl));
    expect(JSON.stringify(listed.body)).not.toContain(`${card.requestId}-1`);
  });

  it('checks every line in the form and names its line', async () => {
    const s = await start();
    const view = await person(s, REQUESTER).openModal('refund batch incident');
    const answer = await person(s, REQUESTER).submit(view, { batchLines: '5001, 10\n5002, 25,50\n\nabc, 3\n5001, 1' });
    expect(answer.json()).toEqual({
      response_action: 'errors',
      errors: {
        [FIELDS.batchLines]:
          'Line 2: Use a dot for decimals: 25.50 (a comma only between thousands, as in 1,234.56).\n' +
          'Line 4: the payment ID is a positive whole number, not "abc".\n' +
          'Line 5: payment 5001 is also on line 1: one refund per payment.',
      },
    });
    expect(s.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('reads the lines from a CSV file shared in the channel, downloaded with the bot token', async () => {
    const s = await start();
    s.slack.shareFile({
      channel: CHANNEL,
      name: 'incident-42.csv',
      content: 'payment_id,amount,reason\n5001,10.00,"charged twice, sorry"\n5002,20.50\n',
    });
    const card = await person(s, REQUESTER).request('refund batch incident 42', { batchFile: 'incident-42.csv' });
    const shown = cardText(s, card);
    expect(shown).toContain('*Lines*\\n2; the largest 20.50 (line 3, payment 5002)');
    expect(shown).toContain('2. payment 5001: 10.00 _charged twice, sorry_');
    const downloads = s.slack.calls.filter((c) => c.method === 'files.download');
    expect(downloads).toMatchObject([{ result: { ok: true }, token: s.config.slack.botToken }]);
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /Batch ended\*: 2 of 2 completed/, 10_000);
  });

  it('says what is wrong with a named file, under the file field', async () => {
    const s = await start();
    const fileError = async (fields: FieldValues) => {
      const view = await person(s, REQUESTER).openModal('refund batch from a file');
      const answer = await person(s, REQUESTER).submit(view, fields);
      return (answer.json() as { errors?: Record<string, string> }).errors?.[FIELDS.batchFile];
    };
    expect(await fileError({ batchFile: 'nowhere.csv' })).toMatch(/I see no file named “nowhere.csv” in <#/);
    s.slack.shareFile({ channel: CHANNEL, name: 'both.csv', content: '5001,1\n' });
    expect(await fileError({ batchFile: 'both.csv', batchLines: '5002, 1' })).toBe(
      'Paste the lines or name a file, not both.',
    );
    s.slack.shareFile({ channel: CHANNEL, name: 'typo.csv', content: '5001,10\n5002,25,50\n' });
    expect(await fileError({ batchFile: 'typo.csv' })).toBe(
      'In “typo.csv”: Line 2: Use a dot for decimals: 25.50 (a comma only between thousands, as in 1,234.56).',
    );
    s.slack.inject({ method: 'files.list', fault: { kind: 'error', error: 'missing_scope' } });
    expect(await fileError({ batchFile: 'both.csv' })).toMatch(/lacks the files:read permission/);
    // A refused download (Slack's sign-in page) is never read as lines.
    s.slack.inject({ method: 'files.download', fault: { kind: 'error', error: 'invalid_auth' } });
    expect(await fileError({ batchFile: 'both.csv' })).toMatch(/Slack did not let me download “both.csv”/);
    expect(s.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('applies the policy to the total and to each line: the strictest rule, the maximum per line', async () => {
    const file = tests.path('policy.yml');
    writeFileSync(
      file,
      'rules:\n  - operation: refund\n    max_amount: 150\n' +
        '    tiers:\n      - above: 100\n        approvers_required: 2\n',
    );
    const s = await start({ APPROVAL_POLICY: file, APPROVERS: `${APPROVER},${APPROVER_2}` });
    // No line is above 100, but the total (120.00) is: two approvals.
    const card = await person(s, REQUESTER).request('refund batch policy', { batchLines: '5001, 60\n5002, 60' });
    expect(cardText(s, card)).toContain('Needs 2 approvals (refunds above 100.00)');
    await person(s, APPROVER).press(card, 'approve');
    await waitForCard(s, card, '1 of 2 approvals');
    expect(s.dollr.calls.filter((c) => c.path.startsWith('/v1/sessions'))).toHaveLength(0);
    await person(s, APPROVER_2).press(card, 'approve');
    await waitForThread(s, card, /Batch ended/, 10_000);
    await waitForCard(s, card, 'Completed: 2 of 2 completed');

    // One line above the maximum (150.00): refused under the lines, with its number; then a total above it.
    const refusal = async (lines: string) => {
      const view = await person(s, REQUESTER).openModal('refund batch too much');
      const answer = await person(s, REQUESTER).submit(view, { batchLines: lines });
      return (answer.json() as { errors: Record<string, string> }).errors[FIELDS.batchLines];
    };
    expect(await refusal('5003, 10\n5004, 150.01')).toMatch(/^Line 2: Refunds above 150\.00 are not allowed here/);
    expect(await refusal('5003, 100\n5004, 100')).toMatch(/^Refund batches above 150\.00 are not allowed here/);
  });

  it('under a strict Dollr that drops answers and refuses replays, each line executes exactly once', async () => {
    const s = await start({}, { strict: { replays: 'duplicate', statusLag: 2 } });
    s.dollr.inject({ route: 'execute', times: 3, fault: { kind: 'drop' } });
    s.dollr.inject({ route: 'session', times: 2, fault: { kind: 'status', status: 503 } });
    const lines = Array.from({ length: 12 }, (_, i) => `${5001 + i}, ${i + 1}.25`).join('\n');
    const card = await person(s, REQUESTER).request('refund batch faults', { batchLines: lines });
    await person(s, APPROVER).press(card, 'approve');
    await waitForThread(s, card, /Batch ended/, 20_000);
    expect(threadTexts(s, card).join('\n')).toContain('*Batch ended*: 12 of 12 completed.');
    const executions = refundExecutions(s);
    expect(executions).toHaveLength(12);
    for (const e of executions) expect(s.dollr.executionCount(e.referenceId)).toBe(1);
    expect(executions.map((e) => e.payeeAmount).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `${i + 1}.25`).sort(),
    );
  });
});
