/**
 * A batch of twenty refunds in the sandbox, one of which asks more than its payment holds: one card,
 * one approval (Kofi's), then the card counts the lines as they end and the thread says how the batch
 * ended: nineteen completed, line 7 failed. Dollr executed each of the nineteen once. Then a batch
 * read from a CSV file Ama shares in the channel with the page's paperclip, named in the form.
 */
import { describe, expect, it } from 'vitest';
import { sandboxForFile } from './sandbox-page.ts';

const AMA = 'U0SANDREQ1';
const KOFI = 'U0SANDAPP1';

const { current, byTestId, actAs } = sandboxForFile();
const card = () => byTestId('message').filter({ hasText: 'Refund batch request' });

describe('a batch of refunds in the sandbox', () => {
  it('runs twenty refunds on one approval and reports the one failing line', async () => {
    await actAs(AMA);
    await byTestId('composer-input').fill('/dollr refund batch incident 7');
    await byTestId('composer-input').press('Enter');
    await byTestId('modal').waitFor();
    expect(await byTestId('modal-title').textContent()).toBe('Request batch refunds');
    // Line 7 (payment 4426) asks 80.00 of a 50.00 payment.
    const lines = Array.from({ length: 20 }, (_, i) => `${4420 + i}, ${i === 6 ? '80' : '12.50'}`).join('\n');
    await byTestId('field-batch_lines').locator('textarea').fill(lines);
    await byTestId('modal-submit').click();
    await byTestId('modal').waitFor({ state: 'detached' });
    await card().locator('[data-testid="button-dollr_approve"]').waitFor();
    expect(await card().textContent()).toContain('317.50 in all');

    await actAs(KOFI);
    await card().locator('[data-testid="button-dollr_approve"]').click();
    expect(await byTestId('confirm-dialog').textContent()).toContain('Refund batch of 20 refunds');
    await byTestId('confirm-ok').click();
    await card()
      .locator('[data-testid="thread"]')
      .filter({ hasText: '19 of 20 completed; 1 failed: line 7' })
      .waitFor({ timeout: 20_000 });
    await card().filter({ hasText: 'Partly completed: 19 of 20 completed, 1 failed (line 7)' }).waitFor();
    const executions = current().sandbox.dollr.executions();
    expect(executions).toHaveLength(19);
    for (const e of executions) expect(current().sandbox.dollr.executionCount(e.referenceId)).toBe(1);
  });

  it('reads a batch from a CSV file shared in the channel and named in the form', async () => {
    await actAs(AMA);
    const csv = 'payment_id,amount,reason\n4430,5.00,card test\n4431,5.00,card test\n4432,5.00,card test\n';
    await byTestId('file-input').setInputFiles({ name: 'refunds.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const shared = byTestId('shared-file').filter({ hasText: 'refunds.csv' });
    await shared.waitFor();
    expect(await shared.textContent()).toContain(`${Buffer.byteLength(csv)} B`);

    await byTestId('composer-input').fill('/dollr refund batch card test');
    await byTestId('composer-input').press('Enter');
    await byTestId('modal').waitFor();
    await byTestId('field-batch_file').locator('input').fill('refunds.csv');
    await byTestId('modal-submit').click();
    await byTestId('modal').waitFor({ state: 'detached' });
    const fromFile = card().filter({ hasText: '15.00 in all' });
    await fromFile.locator('[data-testid="button-dollr_approve"]').waitFor();
    for (const payment of ['4430', '4431', '4432']) expect(await fromFile.textContent()).toContain(payment);

    await actAs(KOFI);
    await fromFile.locator('[data-testid="button-dollr_approve"]').click();
    await byTestId('confirm-ok').click();
    await fromFile
      .locator('[data-testid="thread"]')
      .filter({ hasText: 'Batch ended: 3 of 3 completed' })
      .waitFor({ timeout: 20_000 });
  });
});
