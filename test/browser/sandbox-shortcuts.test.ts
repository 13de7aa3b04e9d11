/**
 * The shortcuts in the sandbox: a person's own message gets "Refund from this message", which opens
 * the refund form prefilled from it; the composer's lightning bolt is "New refund or payout", which
 * asks which request and where, then becomes the same form. Both end in an approval card.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSandboxPage, type SandboxPage } from './sandbox-page.ts';

const AMA = 'U0SANDREQ1';

let opened: SandboxPage | undefined;
let page: Page;

beforeAll(async () => {
  opened = await openSandboxPage({ width: 1280, height: 900 });
  ({ page } = opened);
  await page.goto(opened.sandbox.url);
  await page.locator(`[data-testid="user-${AMA}"]`).click();
  await page.locator(`[data-testid="user-${AMA}"][aria-pressed="true"]`).waitFor();
});

afterAll(() => opened?.close());

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
const cards = () => byTestId('message').filter({ hasText: 'Refund request' });

describe('shortcuts in the sandbox', () => {
  it('refunds from a message: the form is prefilled from it, and the card follows', async () => {
    await byTestId('composer-input').fill('Customer charged twice: payment 4411, $25.50');
    await byTestId('composer-input').press('Enter');
    const message = byTestId('message').filter({ hasText: 'Customer charged twice' });
    await message.waitFor();
    expect(await message.locator('.name').textContent()).toBe('Ama');

    await message.hover();
    await message.locator('[data-testid="refund-from-message"]').click();
    await byTestId('modal').waitFor();
    expect(await byTestId('field-original_payment_intent_id').locator('input').inputValue()).toBe('4411');
    expect(await byTestId('field-amount').locator('input').inputValue()).toBe('25.50');
    expect(await byTestId('field-reason').locator('textarea').inputValue()).toMatch(/^Reported in https:\/\//);
    await byTestId('modal-submit').click();
    await byTestId('modal').waitFor({ state: 'detached' });
    await cards().first().locator('[data-testid="button-dollr_approve"]').waitFor();
  });

  it('starts a request from the New refund or payout shortcut, choosing the channel', async () => {
    await byTestId('new-request-shortcut').click();
    await byTestId('modal-title').filter({ hasText: 'New request' }).waitFor();
    await byTestId('field-card_channel').locator('select').selectOption({ label: '#finance-ops' });
    await byTestId('modal-submit').click();
    await byTestId('modal-title').filter({ hasText: 'Request a refund' }).waitFor();
    await byTestId('field-original_payment_intent_id').locator('input').fill('4412');
    await byTestId('field-amount').locator('input').fill('10.00');
    await byTestId('field-reason').locator('textarea').fill('late delivery');
    await byTestId('modal-submit').click();
    await byTestId('modal').waitFor({ state: 'detached' });
    await cards().filter({ hasText: '4412' }).locator('[data-testid="button-dollr_approve"]').waitFor();
    expect(opened!.pageErrors).toEqual([]);
  });
});
