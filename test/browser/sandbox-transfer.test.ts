/**
 * A transfer in the sandbox: Ama asks for one with `/dollr transfer`, the form offers the sandbox's
 * named counterparties (the one typed is chosen), the card names who is paid, and Kofi's approval
 * moves it from the simulated USD wallet to the end.
 */
import { describe, expect, it } from 'vitest';
import { sandboxForFile } from './sandbox-page.ts';

const AMA = 'U0SANDREQ1';
const KOFI = 'U0SANDAPP1';

const { current, byTestId, actAs } = sandboxForFile();
const card = () => byTestId('message').filter({ hasText: 'Transfer request' });

describe('a transfer in the sandbox', () => {
  it('runs from /dollr transfer to the completed thread, to a named counterparty', async () => {
    await actAs(AMA);
    await byTestId('composer-input').fill('/dollr transfer 21 250 March freight');
    await byTestId('composer-input').press('Enter');
    await byTestId('modal').waitFor();
    expect(await byTestId('modal-title').textContent()).toBe('Request a transfer');
    const to = byTestId('field-counterparty_id').locator('select');
    expect(await to.locator('option:checked').textContent()).toBe('Northwind Logistics (counterparty 21, USD)');
    await byTestId('modal-submit').click();
    await byTestId('modal').waitFor({ state: 'detached' });
    await card().locator('[data-testid="button-dollr_approve"]').waitFor();
    expect(await card().textContent()).toContain('Northwind Logistics');

    await actAs(KOFI);
    await card().locator('[data-testid="button-dollr_approve"]').click();
    expect(await byTestId('confirm-dialog').textContent()).toContain('Approve this transfer?');
    await byTestId('confirm-ok').click();
    await card().locator('[data-testid="thread"]').filter({ hasText: 'COMPLETED' }).waitFor({ timeout: 10_000 });
    expect(current().sandbox.dollr.executions()).toMatchObject([
      { operation: 'transfer', status: 'COMPLETED', payeeAmount: '250.00', counterpartyId: 21 },
    ]);
  });
});
