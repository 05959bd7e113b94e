import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import { openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';

describe('headless mode in a real browser', () => {
  let app: HeadlessProcess;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startHeadless({ testMode: false });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('opens the printed URL, shows the scheduler state, and starts then stops it', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Crontray', level: 1 }).isVisible())
      .toBe(true);
    const state = page.getByTestId('scheduler-state');
    await expect.poll(() => state.textContent()).toBe('Stopped');

    await page.getByRole('button', { name: 'Start scheduler' }).click();
    await expect.poll(() => state.textContent()).toBe('Running');

    await page.getByRole('button', { name: 'Stop scheduler' }).click();
    await expect.poll(() => state.textContent()).toBe('Stopped');

    // The token left the address bar once read, so it is not kept in history or bookmarks.
    expect(page.url()).not.toContain('token=');
    const shot = await browser.screenshot('foundation-scheduler');
    expect((await stat(shot)).size).toBeGreaterThan(1000);
  });

  it('the token-less page explains how to get in instead of failing silently', async () => {
    const fresh = await openBrowser();
    try {
      await fresh.page.goto(app.origin + '/');
      await expect.poll(() => fresh.page.getByRole('alert').textContent()).toContain('#token=');
    } finally {
      await fresh.close();
    }
  });
});
