/**
 * The app's Home tab in the sandbox: Kofi opens it, sees Ama's refund waiting for his decision,
 * approves it there (after Slack's confirm dialog), and the tab and the card follow it to the end.
 */
import { describe, expect, it } from 'vitest';
import { sandboxForFile } from './sandbox-page.ts';

const AMA = 'U0SANDREQ1';
const KOFI = 'U0SANDAPP1';

const { current, byTestId, actAs } = sandboxForFile();

describe('the Home tab in the sandbox', () => {
  it('shows an approver what waits for them, and Approve there moves the request on', async () => {
    await actAs(AMA);
    await byTestId('composer-input').fill('/dollr refund 4413 20.00 wrong size');
    await byTestId('composer-input').press('Enter');
    await byTestId('modal').waitFor();
    await byTestId('modal-submit').click();
    await byTestId('modal').waitFor({ state: 'detached' });
    await byTestId('message').filter({ hasText: 'Refund request' }).waitFor();

    await actAs(KOFI);
    await byTestId('nav-home').click();
    const home = byTestId('home');
    await home.filter({ hasText: 'Waiting for your decision (1)' }).waitFor();
    await home.locator('[data-testid="button-dollr_approve"]').click();
    await byTestId('confirm-ok').click();
    await home.filter({ hasText: 'Waiting for your decision (0)' }).waitFor({ timeout: 10_000 });

    await byTestId('nav-channel').click();
    await byTestId('message')
      .filter({ hasText: 'Refund request' })
      .locator('[data-testid="thread"]')
      .filter({ hasText: 'COMPLETED' })
      .waitFor({ timeout: 10_000 });
    expect(current().pageErrors).toEqual([]);
  });
});
