/**
 * The sandbox in a real browser: Debian's chromium (never a downloaded one) driven by playwright-core
 * runs a refund from `/dollr refund` to the completed thread reply, acting as three different
 * people, and saves a screenshot of the whole flow to the temporary directory, so that `npm test`
 * leaves the tree clean. The README's pictures come from src/sandbox/screenshots.ts, run by hand.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import { openSandboxPage, type SandboxPage } from './sandbox-page.ts';

const SCREENSHOT = pathToFileURL(join(tmpdir(), 'dollr-sandbox.png'));
const AMA = 'U0SANDREQ1';
const KOFI = 'U0SANDAPP1';
const YAW = 'U0SANDYAW1';

let opened: SandboxPage | undefined;
let page: Page;
let sandbox: Sandbox;
let pageErrors: string[];

beforeAll(async () => {
  opened = await openSandboxPage({ width: 1280, height: 900 });
  ({ page, sandbox, pageErrors } = opened);
});

afterAll(() => opened?.close());

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
const card = () => byTestId('message').filter({ hasText: 'Refund request' });

async function actAs(userId: string): Promise<void> {
  await byTestId(`user-${userId}`).click();
  await page.locator(`[data-testid="user-${userId}"][aria-pressed="true"]`).waitFor();
}

describe('the sandbox in a browser', () => {
  it('runs a refund from /dollr refund to the completed thread reply', async () => {
    await page.goto(sandbox.url);
    await byTestId('user-switcher')
      .locator('button')
      .first()
      .waitFor()
      .catch(() => {
        throw new Error(`The page did not draw: ${pageErrors.join('; ') || 'no script error seen'}`);
      });
    await actAs(AMA);
    await byTestId('channel-empty').waitFor();

    await byTestId('composer-input').fill('/dollr refund 4411 25.50 duplicate charge');
    await byTestId('composer-input').press('Enter');
    await byTestId('modal').waitFor();
    expect(await byTestId('modal-title').textContent()).toBe('Request a refund');
    const amount = byTestId('field-amount').locator('input');
    expect(await byTestId('field-original_payment_intent_id').locator('input').inputValue()).toBe('4411');
    expect(await amount.inputValue()).toBe('25.50');
    expect(await byTestId('field-reason').locator('textarea').inputValue()).toBe('duplicate charge');

    // A wrong amount: the modal stays open and says so under the amount, as Slack does.
    await amount.fill('25.505');
    await byTestId('modal-submit').click();
    await byTestId('field-amount').locator('[data-testid="error-amount"]').filter({ hasText: /\S/ }).waitFor();
    expect(await byTestId('error-amount').textContent()).toMatch(/decimal/i);
    expect(await byTestId('error-reason').textContent()).toBe('');

    await amount.fill('25.50');
    await byTestId('modal-submit').click();
    await byTestId('modal').waitFor({ state: 'detached' });
    await card().locator('[data-testid="button-dollr_approve"]').waitFor();
    expect(await card().textContent()).toContain('@Ama');
    await byTestId('ephemeral').filter({ hasText: 'waiting for approval' }).waitFor();

    // Yaw is not an approver: after the confirm dialog, only Yaw is told why nothing happened.
    await actAs(YAW);
    await byTestId('ephemeral').filter({ hasText: 'waiting for approval' }).waitFor({ state: 'detached' });
    await card().locator('[data-testid="button-dollr_approve"]').click();
    await byTestId('confirm-ok').click();
    await byTestId('ephemeral')
      .filter({ hasText: /approv/i })
      .waitFor();
    expect(await card().locator('[data-testid="button-dollr_approve"]').count()).toBe(1);

    // Kofi approves: Slack's confirm dialog first, then the thread follows the execution.
    await actAs(KOFI);
    await card().locator('[data-testid="button-dollr_approve"]').click();
    const dialog = byTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Approve this refund?');
    await byTestId('confirm-ok').click();

    await card().locator('[data-testid="thread"]').filter({ hasText: 'COMPLETED' }).waitFor({ timeout: 10_000 });
    await card().locator('.b-context').filter({ hasText: 'Completed' }).waitFor();
    expect(await card().locator('[data-testid="button-dollr_approve"]').count()).toBe(0);
    await byTestId('execution-status').filter({ hasText: 'COMPLETED' }).waitFor();
    const [execution] = sandbox.dollr.executions();
    expect(execution).toMatchObject({ operation: 'refund', status: 'COMPLETED', payeeAmount: '25.50' });
    expect(await card().locator('[data-testid="thread"]').textContent()).toContain(execution!.referenceId);

    // Strict mode is a lasting setting: on, and off again.
    await byTestId('dollr-strict').click();
    await page.locator('[data-testid="dollr-strict"][aria-pressed="true"]').waitFor();
    await byTestId('dollr-strict').click();
    await page.locator('[data-testid="dollr-strict"][aria-pressed="false"]').waitFor();

    await page.mouse.move(1000, 880); // no hover highlight on the card in the picture
    await mkdir(new URL('.', SCREENSHOT), { recursive: true });
    await page.screenshot({ path: fileURLToPath(SCREENSHOT) });
    expect(pageErrors).toEqual([]);
  });
});
