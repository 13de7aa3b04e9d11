/**
 * A browser test file's sandbox and page: the sandbox as `npm run sandbox` starts it (with a short
 * poll interval, to keep runs quick) and one page of Debian's chromium, with the page's script errors
 * collected so a test can say why the page did not draw.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../src/sandbox/chromium.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';

export interface SandboxPage {
  sandbox: Sandbox;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openSandboxPage(viewport: { width: number; height: number }): Promise<SandboxPage> {
  const sandbox = await startSandbox({ port: 0, pollIntervalMs: 150 });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(8000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const opened = browser;
    return {
      sandbox,
      page,
      pageErrors,
      async close() {
        await opened.close();
        await sandbox.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await sandbox.stop();
    throw error;
  }
}

/**
 * One sandbox and page for a whole test file, opened (at the sandbox's URL) before its tests and
 * closed after them, with the moves every test makes: find by test ID, act as someone.
 */
export function sandboxForFile(viewport = { width: 1280, height: 900 }) {
  let opened: SandboxPage | undefined;
  beforeAll(async () => {
    opened = await openSandboxPage(viewport);
    await opened.page.goto(opened.sandbox.url);
  });
  afterAll(() => opened?.close());
  const current = () => {
    if (!opened) throw new Error('the sandbox is not open (sandboxForFile opens it before the tests)');
    return opened;
  };
  const byTestId = (id: string) => current().page.locator(`[data-testid="${id}"]`);
  async function actAs(userId: string): Promise<void> {
    await byTestId(`user-${userId}`).click();
    await current().page.locator(`[data-testid="user-${userId}"][aria-pressed="true"]`).waitFor();
  }
  return { current, byTestId, actAs };
}
