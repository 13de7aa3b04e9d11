/**
 * The sandbox page is the window (issue 17.1): with a dozen messages in the channel, at 1400x900 and at
 * 800x900, the page does not scroll, the message box and the newest message are in view, the channel
 * keeps a readable width without breaking words, and in the narrow window the Dollr panel is a drawer
 * behind a button. Reading further up, a new message does not move the list; a button leads to it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import { openSandboxPage, type SandboxPage } from './sandbox-page.ts';

/** The page's globals inside page.evaluate callbacks (this project's TypeScript has no DOM library). */
interface PageRect {
  top: number;
  bottom: number;
  left: number;
  right: number;
  width: number;
}
interface PageElement {
  getBoundingClientRect(): PageRect;
  getClientRects(): { length: number };
  textContent: string | null;
  scrollHeight: number;
  scrollWidth: number;
  scrollTop: number;
  clientHeight: number;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  scrollingElement: PageElement | null;
};
declare const window: { innerHeight: number; innerWidth: number };

const AMA = 'U0SANDREQ1';
const KOFI = 'U0SANDAPP1';

let opened: SandboxPage | undefined;
let page: Page;
let sandbox: Sandbox;
let pageErrors: string[];

beforeAll(async () => {
  opened = await openSandboxPage({ width: 1400, height: 900 });
  ({ page, sandbox, pageErrors } = opened);
});

afterAll(() => opened?.close());

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

async function actAs(userId: string): Promise<void> {
  await byTestId(`user-${userId}`).click();
  await page.locator(`[data-testid="user-${userId}"][aria-pressed="true"]`).waitFor();
}

/** A refund request through the page: the command, its form, submitted; the card and an ephemeral follow. */
async function requestRefund(payment: number, amount = '12.50'): Promise<void> {
  const cards = await byTestId('message').count();
  await byTestId('composer-input').fill(`/dollr refund ${payment} ${amount} duplicate charge`);
  await byTestId('composer-input').press('Enter');
  await byTestId('modal').waitFor();
  await byTestId('modal-submit').click();
  await byTestId('modal').waitFor({ state: 'detached' });
  await byTestId('message').nth(cards).waitFor();
}

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
  width: number;
}

/** What the layout test checks, measured in the page. */
function measure(page: Page) {
  return page.evaluate(() => {
    const box = (selector: string): Box => {
      const r = document.querySelector(selector)!.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width };
    };
    const items = document.querySelectorAll('#messages > [data-key]');
    const last = items[items.length - 1]!.getBoundingClientRect();
    // A field label ("Amount", "Reason") split over two lines has two boxes.
    const broken = [...document.querySelectorAll('#messages .b-fields b')]
      .filter((b) => b.getClientRects().length > 1)
      .map((b) => b.textContent);
    return {
      scrollHeight: document.scrollingElement!.scrollHeight,
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerHeight: window.innerHeight,
      innerWidth: window.innerWidth,
      composer: box('[data-testid="composer"]'),
      list: box('[data-testid="channel"]'),
      channel: box('.channel'),
      last: { top: last.top, bottom: last.bottom },
      broken,
    };
  });
}

async function expectFitsTheWindow(minChannelWidth: number): Promise<void> {
  // The list follows the end through the reflow of a resize.
  await page.waitForFunction(() => {
    const list = document.querySelector('#messages')!;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 2;
  });
  const m = await measure(page);
  expect(m.scrollHeight).toBeLessThanOrEqual(m.innerHeight);
  expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
  expect(m.composer.top).toBeGreaterThanOrEqual(0);
  expect(m.composer.bottom).toBeLessThanOrEqual(m.innerHeight);
  expect(m.composer.left).toBeGreaterThanOrEqual(0);
  expect(m.composer.right).toBeLessThanOrEqual(m.innerWidth);
  expect(m.list.bottom).toBeLessThanOrEqual(m.composer.top);
  expect(m.last.bottom).toBeLessThanOrEqual(m.list.bottom + 1);
  expect(m.last.bottom).toBeGreaterThan(m.list.top);
  expect(m.channel.width).toBeGreaterThanOrEqual(minChannelWidth);
  expect(m.broken).toEqual([]);
}

describe('the sandbox page in a window', () => {
  it('keeps the page to the window, the box and the newest message in view, at 1400 and 800 wide', async () => {
    await page.goto(sandbox.url);
    await actAs(AMA);
    await byTestId('channel-empty').waitFor();
    // Six requests: six cards and six "waiting for approval" notes, a dozen messages. The last one is
    // of a payment the simulated Dollr knows (4411, 100.00 USD), so that its refund completes.
    for (let i = 1; i <= 5; i++) await requestRefund(5000 + i);
    await requestRefund(4411, '25.50');
    expect(await page.locator('#messages > [data-key]').count()).toBeGreaterThanOrEqual(12);

    // Wide: the three columns, no drawer button.
    await expectFitsTheWindow(700);
    expect(await byTestId('dollr-toggle').isVisible()).toBe(false);
    expect(await byTestId('dollr-panel').isVisible()).toBe(true);

    // Narrow: the Dollr panel behind a button, the channel still readable.
    await page.setViewportSize({ width: 800, height: 900 });
    await expectFitsTheWindow(480);
    const toggle = byTestId('dollr-toggle');
    const panel = byTestId('dollr-panel');
    expect(await toggle.isVisible()).toBe(true);
    expect(await panel.isVisible()).toBe(false);
    await toggle.click();
    await panel.waitFor({ state: 'visible' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const drawer = (await panel.boundingBox())!;
    expect(drawer.x).toBeGreaterThanOrEqual(0);
    expect(drawer.x + drawer.width).toBeLessThanOrEqual(800);
    expect(await byTestId('dollr-strict').isVisible()).toBe(true);
    await toggle.click();
    await panel.waitFor({ state: 'hidden' });
    await toggle.click();
    await byTestId('dollr-close').click();
    await panel.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    // An approval: the card's thread grows at the end of the list, and stays in view.
    await actAs(KOFI);
    const lastCard = page.locator('#messages > [data-testid="message"]').last();
    await lastCard.locator('[data-testid="button-dollr_approve"]').click();
    await byTestId('confirm-ok').click();
    await lastCard.locator('[data-testid="thread"]').filter({ hasText: 'COMPLETED' }).waitFor({ timeout: 10_000 });
    await expectFitsTheWindow(480);

    // Back to wide: still the window, still at the end.
    await page.setViewportSize({ width: 1400, height: 900 });
    await expectFitsTheWindow(700);
    expect(pageErrors).toEqual([]);
  });

  it('does not move the list while someone reads further up, and offers the new message', async () => {
    await actAs(AMA);
    await page.evaluate(() => {
      document.querySelector('#messages')!.scrollTop = 0;
    });
    await page.waitForFunction(() => document.querySelector('#messages')!.scrollTop === 0);
    await requestRefund(5100);
    expect(await page.evaluate(() => document.querySelector('#messages')!.scrollTop)).toBe(0);
    await byTestId('new-messages').waitFor();
    await byTestId('new-messages').click();
    await byTestId('new-messages').waitFor({ state: 'hidden' });
    const newest = byTestId('message').filter({ hasText: '5100' });
    expect(await newest.isVisible()).toBe(true);
    const inList = await newest.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const list = document.querySelector('#messages')!.getBoundingClientRect();
      return box.top >= list.top - 1 && box.top < list.bottom;
    });
    expect(inList).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
