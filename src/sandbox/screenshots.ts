/**
 * The README's pictures of the sandbox, taken by hand (not by npm test):
 *
 *   npm exec -- node src/sandbox/screenshots.ts
 *
 * Starts the sandbox, makes a few requests through its page in Debian's chromium (a refund waiting for
 * approval, a refund that completes, a payout to a named payee waiting for Kofi), and saves
 * docs/sandbox.png (1400x900) and docs/sandbox-narrow.png (800x900).
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startSandbox } from './sandbox.ts';
import { launchChromium } from './chromium.ts';

/** The page's globals inside page.evaluate callbacks (this project's TypeScript has no DOM library). */
declare const document: {
  querySelector(selector: string): { scrollHeight: number; scrollTop: number; clientHeight: number } | null;
};

const AMA = 'U0SANDREQ1';
const KOFI = 'U0SANDAPP1';
const WIDE = fileURLToPath(new URL('../../docs/sandbox.png', import.meta.url));
const NARROW = fileURLToPath(new URL('../../docs/sandbox-narrow.png', import.meta.url));

async function main(): Promise<void> {
  const sandbox = await startSandbox({ port: 0, pollIntervalMs: 150, logLevel: 'error' });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(10_000);
    const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
    const actAs = async (userId: string) => {
      await byTestId(`user-${userId}`).click();
      await page.locator(`[data-testid="user-${userId}"][aria-pressed="true"]`).waitFor();
    };
    const request = async (command: string) => {
      const cards = await page.locator('#messages > [data-testid="message"]').count();
      await byTestId('composer-input').fill(command);
      await byTestId('composer-input').press('Enter');
      await byTestId('modal').waitFor();
      await byTestId('modal-submit').click();
      await byTestId('modal').waitFor({ state: 'detached' });
      await page.locator('#messages > [data-testid="message"]').nth(cards).waitFor();
    };
    const approveLast = async (done: string) => {
      const card = page.locator('#messages > [data-testid="message"]').last();
      await card.locator('[data-testid="button-dollr_approve"]').click();
      await byTestId('confirm-ok').click();
      await card.locator('[data-testid="thread"]').filter({ hasText: done }).waitFor();
    };

    await page.goto(sandbox.url);
    await actAs(AMA);
    await byTestId('channel-empty').waitFor();
    await request('/dollr refund 4413 50 customer cancelled the order');
    await request('/dollr refund 4411 25.50 duplicate charge');
    await actAs(KOFI);
    await approveLast('COMPLETED');
    await actAs(AMA);
    await request('/dollr payout 7 180 USD office chairs, invoice 2291');
    await actAs(KOFI);
    await settle(page);
    await page.screenshot({ path: WIDE });

    await page.setViewportSize({ width: 800, height: 900 });
    await settle(page);
    await page.screenshot({ path: NARROW });
    process.stdout.write(`Saved ${WIDE} and ${NARROW}\n`);
  } finally {
    await browser.close();
    await sandbox.stop();
  }
}

/** No hover highlight in the picture, and the list at its end after any reflow. */
async function settle(page: Page): Promise<void> {
  await page.mouse.move(5, 895);
  await page.waitForFunction(() => {
    const list = document.querySelector('#messages')!;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 2;
  });
  await page.waitForTimeout(300);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
